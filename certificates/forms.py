from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from people.models import OrgUnit

from .models import CertificateStatus, IssuanceRule


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=60,
        help_text=_("The code printed under the QR code, e.g. ABCD-EFGH-…"),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revocation"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the public verification page."),
    )


class ListingFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, employee number, serial or code"), required=False)
    rule = forms.ModelChoiceField(
        label=_("Rule"), queryset=IssuanceRule.objects.all(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any")), *list(CertificateStatus.choices)],
        required=False,
    )


class BatchForm(forms.Form):
    rule = forms.ModelChoiceField(
        label=_("Rule"),
        queryset=IssuanceRule.objects.filter(is_active=True),
        help_text=_("Whose achievements earn this rule's certificate."),
    )
    unit = forms.ModelChoiceField(
        label=_("Unit (with everything under it)"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("All units I am responsible for"),
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units
