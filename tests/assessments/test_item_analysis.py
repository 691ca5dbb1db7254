"""The per-form item-analysis report: Moodle's statistics from the form's graded attempts, with
"dubious" flags, shown to trainers in the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments import attempts as svc
from assessments.item_analysis import form_report
from assessments.models import Item
from assessments.scoring import key_of

from .delivery_helpers import fixed_form, load_bank

pytestmark = pytest.mark.django_db


def test_report_flags_an_item_that_does_not_discriminate(world, client):
    load_bank()
    form = fixed_form(world, attempts_allowed=20, shuffle_items=False)
    used: set[int] = set()
    for section in form.sections.all():  # the same items for everyone: pool = count
        pool = [
            item
            for item in Item.objects.filter(
                competencies=section.competency, status="operational", type="single_choice"
            ).order_by("pk")
            if item.pk not in used
        ][:2]
        used |= {item.pk for item in pool}
        section.count = 2
        section.pool.set(pool)
        section.save()
    for n in range(8):
        attempt = svc.start_attempt(form, world.cadre_a)
        slots = sorted(attempt.items.select_related("version"), key=lambda s: s.version_id)
        # Stronger cadres (higher n) answer more items right; the last item is right only for
        # the weakest, so its discrimination is negative.
        answers = {}
        for j, slot in enumerate(slots[:-1]):
            if j < n // 2:
                answers[slot.position] = key_of(slot.version)["response"]
        if n < 3:
            answers[slots[-1].position] = key_of(slots[-1].version)["response"]
        svc.save_answers(attempt.pk, answers)
        svc.submit(attempt.pk)
    report = form_report(form)
    assert report.attempts_graded == report.attempts_analysed == 8
    assert len(report.rows) == len(used)
    flagged = [row for row in report.rows if row.stats.flags]
    assert any("negative-discrimination" in row.stats.flags for row in flagged)
    client.force_login(world.trainer)
    page = client.get(reverse("assessments_item_analysis:form", args=[form.pk]))
    assert page.status_code == 200 and "negative-discrimination" in page.content.decode()


def test_angoff_worksheet_computes_the_panel_cut(world, client):
    load_bank()
    from assessments.angoff import worksheet_items
    from assessments.services import get_bank
    from competencies.models import Competency

    bank = get_bank("数智胜任力题库")
    competency = Competency.objects.get(code="D2.3", domain__framework__is_current=True)
    n = len(worksheet_items(bank, competency.pk))
    ratings = "\n".join([" ".join(["0.6"] * n), " ".join(["0.5"] * n)])
    client.force_login(world.admin)
    page = client.get(
        reverse("assessments_item_analysis:angoff"),
        {"bank": bank.pk, "competency": competency.pk, "ratings": ratings},
    )
    body = page.content.decode()
    assert page.status_code == 200 and f"{0.55 * n:.2f}" in body and "θ" in body
    bad = client.get(
        reverse("assessments_item_analysis:angoff"),
        {"bank": bank.pk, "competency": competency.pk, "ratings": "0.5 0.5"},
    )
    assert "line 1" in bad.content.decode()
