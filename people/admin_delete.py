"""A Wagtail delete view that refuses, with a message, to delete rows still in use.

Units, positions and competencies are referenced by cadres and by the evidence ledger through
PROTECT foreign keys. Wagtail's reference index does not know rows written in bulk (roster
imports, demo data), so its "in use" check cannot be relied on; the database can.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from wagtail.admin.views.generic import DeleteView


class ProtectedDeleteView(DeleteView):
    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except (ProtectedError, RestrictedError) as exc:
            related = getattr(exc, "protected_objects", None) or exc.restricted_objects
            messages.error(
                self.request,
                _("“%(object)s” is still used by %(count)d other record(s) and was not deleted.")
                % {"object": self.object, "count": len(related)},
            )
            return HttpResponseRedirect(self.get_success_url())
