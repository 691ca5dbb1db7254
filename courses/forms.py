"""HR's assignment form: a course, a deadline and whom it reaches (units inside their scope)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from people.models import AdminLevel, Position
from people.selectors import visible_cadres, visible_units

from .models import CoursePage


class AssignmentForm(forms.Form):
    course = forms.ModelChoiceField(queryset=CoursePage.objects.none(), label=_("Course"))
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    units = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label=_("Units (each with its subtree)")
    )
    positions = forms.ModelMultipleChoiceField(
        queryset=Position.objects.order_by("code"), required=False, label=_("Positions")
    )
    levels = forms.MultipleChoiceField(
        choices=AdminLevel.choices, required=False, label=_("Administrative levels")
    )
    cadres = forms.CharField(
        required=False,
        label=_("Cadres (employee numbers, comma-separated)"),
    )
    note = forms.CharField(required=False, max_length=200, label=_("Note"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["course"].queryset = CoursePage.objects.live().filter(
            locale=Locale.get_default()
        )
        self.fields["units"].queryset = visible_units(user)

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline is in the past."))
        return deadline

    def clean_cadres(self):
        numbers = [n.strip() for n in self.cleaned_data["cadres"].split(",") if n.strip()]
        found = dict(
            visible_cadres(self.user)
            .filter(employee_no__in=numbers)
            .values_list("employee_no", "pk")
        )
        unknown = sorted(set(numbers) - found.keys())
        if unknown:
            raise forms.ValidationError(
                _("Unknown or outside your units: %(numbers)s") % {"numbers": ", ".join(unknown)}
            )
        return list(found.values())

    def assignment_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "course": data["course"],
            "deadline": data["deadline"],
            "units": list(data["units"]),
            "positions": list(data["positions"]),
            "levels": list(data["levels"]),
            "cadre_ids": data["cadres"],
            "note": data["note"],
        }
