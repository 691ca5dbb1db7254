"""The people app in the Wagtail admin: the organisation tree, positions, scope grants and the
roster import, grouped under one "Organisation" menu.

Editing follows Django model permissions (granted to the Administrators group by migration;
superusers hold all); the roster import follows ``people.import_roster`` (Administrators, HR).
Units are edited in place and added under a parent; they are never moved here, because a move
changes every path below them and so every HR officer's scope.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet

from .admin_delete import ProtectedDeleteView
from .models import OrgUnit, Position, ScopeGrant
from .roles import GROUP_NAMES, Role
from .roster_admin import RosterImportViewSet


def _tree_label(unit: OrgUnit) -> str:
    """The unit's name indented by its depth (the listing is in tree order)."""
    return "\u3000" * (unit.depth - 1) + f"{unit.name}"


class UnitSearchForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Search term"),
        widget=forms.TextInput(attrs={"placeholder": _("Name or unit code")}),
        required=False,
    )

    def filter(self, objects):
        query = self.cleaned_data.get("q", "").strip()
        if query:
            self.is_searching = True
            self.search_query = query
            objects = objects.filter(
                Q(name_zh__icontains=query) | Q(name_en__icontains=query) | Q(code__icontains=query)
            )
        return objects


class _UnitChooserMixin:
    filter_form_class = UnitSearchForm

    @property
    def title_column(self):
        column = super().title_column
        column.accessor = _tree_label
        return column


class UnitChooseView(_UnitChooserMixin, ChooseView):
    pass


class UnitChooseResultsView(_UnitChooserMixin, ChooseResultsView):
    pass


class UnitChooserViewSet(ChooserViewSet):
    """A searchable chooser, used for every foreign key to a unit in admin forms (a plain select
    of ~800 units is unusable)."""

    model = OrgUnit
    icon = "site"
    choose_one_text = _("Choose a unit")
    choose_another_text = _("Choose another unit")
    choose_view_class = UnitChooseView
    choose_results_view_class = UnitChooseResultsView
    per_page = 30

    def get_object_list(self):
        return OrgUnit.objects.order_by("path")


unit_chooser_viewset = UnitChooserViewSet("people_unit_chooser", url_prefix="people/unit-chooser")


class UnitForm(WagtailAdminModelForm):
    """New units are placed under a parent (or become a root); existing ones stay where they are."""

    parent = forms.ModelChoiceField(
        queryset=OrgUnit.objects.order_by("path"),
        required=False,
        widget=unit_chooser_viewset.widget_class(),
        label=_("parent unit"),
        help_text=_("Leave empty only for the top of the tree (the city)."),
    )

    class Meta:
        model = OrgUnit
        fields = ["code", "name_zh", "name_en", "level", "kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["parent"]

    def save(self, commit=True):
        if self.instance.pk or not commit:
            return super().save(commit=commit)
        parent = self.cleaned_data.get("parent")
        if parent is None:
            self.instance = OrgUnit.add_root(instance=self.instance)
        else:
            self.instance = OrgUnit.objects.get(pk=parent.pk).add_child(instance=self.instance)
        return self.instance


class UnitIndexView(IndexView):
    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        kwargs["accessor"] = _tree_label
        return super()._get_title_column(field_name, column_class, **kwargs)


class OrgUnitViewSet(ModelViewSet):
    model = OrgUnit
    name = "people_units"
    url_prefix = "people/units"
    icon = "site"
    menu_label = _("Units")
    index_view_class = UnitIndexView
    delete_view_class = ProtectedDeleteView
    list_display = ["name_zh", "code", "level", "kind"]
    list_filter = ["level", "kind"]
    list_export = ["code", "name_zh", "name_en", "level", "kind", "depth", "path"]
    search_fields = ["name_zh", "name_en", "code"]
    search_backend_name = None
    ordering = "path"
    list_per_page = 100
    copy_view_enabled = False
    inspect_view_enabled = True

    def get_form_class(self, for_update=False):
        return UnitForm


class PositionViewSet(ModelViewSet):
    model = Position
    name = "people_positions"
    url_prefix = "people/positions"
    icon = "user"
    menu_label = _("Positions")
    delete_view_class = ProtectedDeleteView
    form_fields = ["code", "name_zh", "name_en", "level", "description_zh", "description_en"]
    list_display = ["name_zh", "code", "name_en", "level"]
    list_filter = ["level"]
    list_export = ["code", "name_zh", "name_en", "level", "description_zh", "description_en"]
    search_fields = ["name_zh", "name_en", "code"]
    search_backend_name = None
    ordering = "code"
    inspect_view_enabled = True


class ScopeGrantForm(WagtailAdminModelForm):
    class Meta:
        model = ScopeGrant
        fields = ["user", "unit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A grant only counts for members of the HR group (people.scope); offer only them.
        self.fields["user"].queryset = (
            get_user_model().objects.filter(groups__name=GROUP_NAMES[Role.HR]).order_by("username")
        )
        self.fields["user"].help_text = _(
            "Members of the HR group. The grant covers the unit and everything under it."
        )


class ScopeGrantViewSet(ModelViewSet):
    model = ScopeGrant
    name = "people_scope_grants"
    url_prefix = "people/scope-grants"
    icon = "lock"
    menu_label = _("Scope grants")
    list_display = ["user", "unit"]
    list_export = ["user", "unit"]
    search_fields = ["user__username", "unit__name_zh", "unit__code"]
    search_backend_name = None
    ordering = ["user__username", "unit__path"]
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return ScopeGrantForm


class OrganisationGroup(ViewSetGroup):
    menu_label = _("Organisation")
    menu_icon = "group"
    menu_order = 250
    items = (OrgUnitViewSet, PositionViewSet, ScopeGrantViewSet, RosterImportViewSet)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [
        unit_chooser_viewset,
        OrganisationGroup(),
    ]
