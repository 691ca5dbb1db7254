"""Setting up a form in the admin: HR targets only inside their scope, and targets someone
else set outside it survive their edit."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from assessments.models import AssessmentForm
from assessments.services import get_bank
from competencies.models import Competency

pytestmark = pytest.mark.django_db


def _data(bank, competency, **targets) -> dict:
    """The add/edit form's fields; lists of choices stay lists (nested_form_data would number
    them like a formset)."""
    return {**_fields(bank, competency), **targets}


def _fields(bank, competency) -> dict:
    return nested_form_data(
        {
            "title_zh": "管理端测试卷",
            "title_en": "",
            "description_zh": "",
            "description_en": "",
            "kind": "fixed",
            "bank": bank.pk,
            "is_published": "on",
            "sections": inline_formset([{"competency": competency.pk, "count": 2}]),
            "attempts_allowed": 1,
            "pass_mark": 60,
            "feedback_policy": "immediate",
            "items_per_page": 5,
            "se_target": 0.35,
            "max_items": 30,
            "min_items": 5,
            "min_per_competency": 2,
            "randomesque": 5,
        }
    )


def test_hr_creates_a_form_within_scope_and_keeps_others_targets(world, client):
    bank = get_bank("管理端题库")
    competency = Competency.objects.get(code="D2.3", domain__framework__is_current=True)
    client.force_login(world.hr_a)
    add = client.post(
        reverse("assessments_forms:add"),
        _data(bank, competency, target_cadres=[world.cadre_a.pk, world.cadre_b.pk]),
    )
    assert add.status_code == 200  # B's cadre is not a valid choice for A's HR officer
    add = client.post(
        reverse("assessments_forms:add"), _data(bank, competency, target_cadres=[world.cadre_a.pk])
    )
    assert add.status_code == 302, add.content.decode()[:2000]
    form = AssessmentForm.objects.get(title_zh="管理端测试卷")
    assert form.created_by == world.hr_a and form.sections.count() == 1
    form.target_cadres.add(world.cadre_b)  # an administrator adds B's cadre
    form.save()
    edit = client.post(
        reverse("assessments_forms:edit", args=[form.pk]),
        _data(bank, competency, target_cadres=[world.cadre_a.pk]),
    )
    assert edit.status_code == 302
    assert set(AssessmentForm.objects.get(pk=form.pk).target_cadres.all()) == {
        world.cadre_a,
        world.cadre_b,
    }
