"""Authoring in the Wagtail admin: certificate templates (with live preview) and issuance rules
as snippets; the certificates listing itself lives on the front end, behind the data scope."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from people.scope import scope_for

from .models import CertificateTemplate, IssuanceRule
from .services import REVOKE_ACTION


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full"
    menu_label = _("Certificate templates")
    list_display = ["name", "page_size", "updated_at"]
    search_fields = ["name"]


class IssuanceRuleViewSet(SnippetViewSet):
    model = IssuanceRule
    icon = "tasks"
    menu_label = _("Issuance rules")
    list_display = ["name_zh", "kind", "course_id", "competency_code", "min_level", "is_active"]
    list_filter = ["kind", "is_active"]


class CertificatesGroup(SnippetViewSetGroup):
    items = (CertificateTemplateViewSet, IssuanceRuleViewSet)
    menu_icon = "doc-full-inverse"
    menu_label = _("Certificates")
    menu_name = "certificates"


register_snippet(CertificatesGroup)


class ResponsibleMenuItem(MenuItem):
    """Shown to those responsible for other people (HR, administrators), like the page."""

    def is_shown(self, request):
        return scope_for(request.user).sees_others


@hooks.register("register_admin_menu_item")
def certificates_listing_menu_item():
    return ResponsibleMenuItem(
        _("Issued certificates"), reverse("certificates:manage"), icon_name="list-ul", order=900
    )


@hooks.register("register_log_actions")
def register_revocation(actions):
    actions.register_action(REVOKE_ACTION, _("Revoke certificate"), _("Certificate revoked"))
