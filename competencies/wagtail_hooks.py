"""The competency framework in the Wagtail admin: frameworks, domains, competencies (with their
five level anchors on the same page) and role requirements, under one menu.

Administrators edit (Django model permissions granted by migration); trainers may look, so the
content they author can name the right competencies. Bulk changes go through
``manage.py load_framework`` / ``export_framework`` (JSON), which this mirrors.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from people.admin_delete import ProtectedDeleteView

from .models import Competency, Domain, Framework, RoleRequirement

LEVELS = [1, 2, 3, 4, 5]


class CompetencyForm(WagtailAdminModelForm):
    """A competency needs exactly one anchor for each level 1–5."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if valid:
            levels = sorted(
                form.cleaned_data["level"]
                for form in self.formsets["anchors"].forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            )
            if levels != LEVELS:
                self.add_error(
                    None,
                    ValidationError(_("Give exactly one anchor for each level from 1 to 5.")),
                )
                return False
        return valid


class CompetencyViewSet(ModelViewSet):
    model = Competency
    name = "competencies_competencies"
    url_prefix = "competencies/competencies"
    icon = "tick-inverse"
    menu_label = gettext_lazy("Competencies")
    delete_view_class = ProtectedDeleteView
    list_display = ["name_zh", "code", "name_en", "domain", "tag", "bridging"]
    list_filter = ["domain__framework", "domain", "tag", "bridging"]
    list_export = [
        "code",
        "name_zh",
        "name_en",
        "domain",
        "tag",
        "bridging",
        "definition_zh",
        "definition_en",
        "crosswalk",
    ]
    search_fields = ["code", "name_zh", "name_en", "definition_zh", "definition_en"]
    search_backend_name = None
    ordering = ["domain__framework", "domain__sort_order", "sort_order", "code"]
    list_per_page = 50
    inspect_view_enabled = True
    copy_view_enabled = False
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldRowPanel(
                        [FieldPanel("domain"), FieldPanel("code"), FieldPanel("sort_order")]
                    ),
                    FieldRowPanel([FieldPanel("name_zh"), FieldPanel("name_en")]),
                    FieldRowPanel([FieldPanel("tag"), FieldPanel("bridging")]),
                ],
                heading=gettext_lazy("Competency"),
            ),
            FieldPanel("definition_zh"),
            FieldPanel("definition_en"),
            FieldPanel("crosswalk"),
            InlinePanel(
                "anchors",
                heading=gettext_lazy("Level anchors"),
                label=gettext_lazy("Anchor"),
                min_num=5,
                max_num=5,
                panels=[FieldPanel("level"), FieldPanel("text_zh"), FieldPanel("text_en")],
            ),
        ],
        base_form_class=CompetencyForm,
    )


class DomainViewSet(ModelViewSet):
    model = Domain
    name = "competencies_domains"
    url_prefix = "competencies/domains"
    icon = "folder-open-inverse"
    menu_label = gettext_lazy("Domains")
    delete_view_class = ProtectedDeleteView
    form_fields = ["framework", "code", "name_zh", "name_en", "sort_order"]
    list_display = ["name_zh", "code", "name_en", "framework"]
    list_filter = ["framework"]
    list_export = ["code", "name_zh", "name_en", "framework", "sort_order"]
    search_fields = ["code", "name_zh", "name_en"]
    search_backend_name = None
    ordering = ["framework", "sort_order"]
    copy_view_enabled = False


class RoleRequirementViewSet(ModelViewSet):
    model = RoleRequirement
    name = "competencies_requirements"
    url_prefix = "competencies/role-requirements"
    icon = "list-ul"
    menu_label = gettext_lazy("Role requirements")
    form_fields = ["position", "competency", "required_level", "weight"]
    list_display = ["position", "competency", "required_level", "weight"]
    list_filter = ["position", "competency__domain", "weight", "required_level"]
    list_export = ["position", "competency", "required_level", "weight"]
    search_fields = [
        "position__code",
        "position__name_zh",
        "competency__code",
        "competency__name_zh",
    ]
    search_backend_name = None
    ordering = ["position__code", "competency__domain__sort_order", "competency__sort_order"]
    list_per_page = 100
    copy_view_enabled = False


class FrameworkViewSet(ModelViewSet):
    model = Framework
    name = "competencies_frameworks"
    url_prefix = "competencies/frameworks"
    icon = "doc-full"
    menu_label = gettext_lazy("Framework versions")
    delete_view_class = ProtectedDeleteView
    form_fields = ["code", "version", "name_zh", "name_en", "description_zh", "description_en"]
    list_display = ["name_zh", "code", "version", "is_current"]
    list_export = ["code", "version", "name_zh", "name_en", "is_current"]
    ordering = ["code", "version"]
    inspect_view_enabled = True
    copy_view_enabled = False


class FrameworkGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Competency framework")
    menu_icon = "tick-inverse"
    menu_order = 240
    items = (CompetencyViewSet, DomainViewSet, RoleRequirementViewSet, FrameworkViewSet)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return FrameworkGroup()
