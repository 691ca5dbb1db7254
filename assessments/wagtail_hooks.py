"""The item bank in the Wagtail admin: items, banks, question-file imports and exports."""

from __future__ import annotations

import django_filters
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from competencies.models import Competency

from . import admin_views
from .models import Item, ItemBank, ItemCategory, ItemStatus, ItemType


class ItemFilterSet(WagtailFilterSet):
    competency = django_filters.ModelChoiceFilter(
        label=_("Competency"),
        field_name="competencies",
        queryset=Competency.objects.filter(domain__framework__is_current=True),
    )
    type = django_filters.ChoiceFilter(label=_("Type"), choices=ItemType.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ItemStatus.choices)
    target_level = django_filters.NumberFilter(label=_("Target level"))

    class Meta:
        model = Item
        fields = ["bank", "category", "competency", "type", "status", "target_level", "case_id"]


class ItemViewSet(SnippetViewSet):
    model = Item
    icon = "tasks"
    menu_label = _("Items")
    list_display = [
        "ref",
        "name",
        Column("type", label=_("Type"), accessor="get_type_display"),
        Column("status", label=_("Status"), accessor="get_status_display"),
        Column("competencies", label=_("Competencies"), accessor="competency_codes"),
        "target_level",
        Column("version", label=_("Version"), accessor="current_version.number"),
        "updated_at",
    ]
    filterset_class = ItemFilterSet
    search_fields = ["ref", "name", "search_text", "case_id"]
    search_backend_name = None  # the ORM's icontains finds Chinese substrings
    list_per_page = 50
    copy_view_enabled = False
    inspect_view_enabled = False
    chooser_viewset_class = admin_views.GuardedChooserViewSet
    add_view_class = admin_views.ItemCreateView
    edit_view_class = admin_views.ItemEditView
    preview_on_edit_view_class = admin_views.ItemPreviewOnEditView

    def get_queryset(self, request):
        return Item.objects.select_related("current_version", "bank").prefetch_related(
            "competencies"
        )


def _export_link(bank: ItemBank) -> str:
    return format_html(
        '<a href="{}">{}</a>', admin_views.export_url(bank), _("Export to Moodle XML")
    )


class ItemBankViewSet(SnippetViewSet):
    model = ItemBank
    icon = "folder-open-inverse"
    menu_label = _("Banks")
    list_display = ["name", Column("export", label=_("Export"), accessor=_export_link)]
    search_fields = ["name"]
    copy_view_enabled = False
    chooser_viewset_class = admin_views.GuardedChooserViewSet


class ItemCategoryViewSet(SnippetViewSet):
    model = ItemCategory
    icon = "folder-inverse"
    menu_label = _("Categories")
    list_display = ["path", "bank", "idnumber"]
    list_filter = ["bank"]
    copy_view_enabled = False
    chooser_viewset_class = admin_views.GuardedChooserViewSet


class QuestionFilesViewSet(ViewSet):
    name = "question_files"
    url_prefix = "item-bank/files"
    icon = "upload"
    menu_label = _("Import questions")
    add_to_admin_menu = False

    def get_urlpatterns(self):
        return [
            path("", admin_views.import_upload, name="upload"),
            path("<int:pk>/", admin_views.import_detail, name="detail"),
            path("<int:pk>/confirm/", admin_views.import_confirm, name="confirm"),
            path("export/<int:bank_pk>/", admin_views.export_moodle, name="export"),
            path("excel-template/", admin_views.excel_template, name="excel_template"),
        ]


class ItemVersionsViewSet(ViewSet):
    name = "item_versions"
    url_prefix = "item-bank/versions"

    def get_urlpatterns(self):
        return [path("<int:pk>/preview/", admin_views.version_preview, name="preview")]


class ItemBankGroup(SnippetViewSetGroup):
    items = (ItemViewSet, ItemBankViewSet, ItemCategoryViewSet)
    menu_icon = "tasks"
    menu_label = _("Item bank")
    menu_name = "item_bank"


register_snippet(ItemBankGroup)


@hooks.register("register_admin_viewset")
def register_question_files():
    return QuestionFilesViewSet()


@hooks.register("register_admin_viewset")
def register_item_versions():
    return ItemVersionsViewSet()


@hooks.register("register_admin_menu_item")
def import_menu_item():
    from django.urls import reverse
    from wagtail.admin.menu import MenuItem

    class ImportMenuItem(MenuItem):
        def is_shown(self, request):
            return request.user.has_perm("assessments.import_items")

    return ImportMenuItem(
        _("Import questions"), reverse("question_files:upload"), icon_name="upload", order=310
    )


@hooks.register("register_admin_viewset")
def register_delivery():
    from .delivery_admin import DeliveryGroup, ItemAnalysisViewSet

    return [DeliveryGroup(), ItemAnalysisViewSet()]
