"""Calibration versions: the first run defines a competency bank's scale; a later run on a
stronger cohort is linked back to it through anchor items (Stocking–Lord), never silently
rescaled; without enough anchors a run waits for review and feeds nothing."""

from __future__ import annotations

import numpy as np
import pytest
from django.utils import timezone

from assessments.calibration_runs import new_run
from assessments.demo import demo_form
from assessments.models import (
    Attempt,
    AttemptItem,
    AttemptStatus,
    CalibrationStatus,
    ItemCalibration,
    ItemVersion,
)
from assessments.parameters import parameters_for
from assessments.psychometrics.irt.simulation import simulate_responses, typical_bank
from assessments.services import ItemRecord, get_bank, write_record
from assessments.tasks import calibrate_competency_bank
from competencies.models import Competency

pytestmark = pytest.mark.django_db
BANK = "校准测试题库"


def _items(n: int) -> list[ItemVersion]:
    bank = get_bank(BANK)
    versions = []
    for j in range(n):
        item, _ = write_record(
            ItemRecord(
                name=f"校准题{j}",
                ref=f"CAL-{j}",
                content={
                    "type": "single_choice",
                    "stem_zh": f"<p>题{j}</p>",
                    "options": [
                        {"key": "A", "text_zh": "对", "correct": True},
                        {"key": "B", "text_zh": "错", "correct": False},
                    ],
                },
                competency_codes=["D2.3"],
                status="operational",
            ),
            bank,
            source="authored",
        )
        versions.append(item.current_version)
    return versions


def _graded_cohort(world, form, versions, theta_mean: float, n: int, start: int, seed: int):
    """n graded attempts whose answers follow a known 2PL bank, as if delivered."""
    rng = np.random.default_rng(seed)
    truth = typical_bank(len(versions), np.random.default_rng(7))
    responses = simulate_responses(truth, rng.normal(theta_mean, 1.0, n), rng)
    now = timezone.now()
    attempts = Attempt.objects.bulk_create(
        Attempt(
            form=form,
            cadre=world.cadre_a,
            number=start + i,
            status=AttemptStatus.GRADED,
            seed=i,
            started_at=now,
            graded_at=now,
        )
        for i in range(n)
    )
    competency = Competency.objects.get(code="D2.3", domain__framework__is_current=True)
    AttemptItem.objects.bulk_create(
        AttemptItem(
            attempt=attempt,
            position=j + 1,
            version=version,
            competency=competency,
            credit=float(responses[i, j]),
        )
        for i, attempt in enumerate(attempts)
        for j, version in enumerate(versions)
    )
    return truth


def _run(form):
    competency = Competency.objects.get(code="D2.3", domain__framework__is_current=True)
    run = new_run(form.bank_id, competency.pk)
    calibrate_competency_bank.delay(run.pk).get()
    run.refresh_from_db()
    return run


def test_new_calibration_is_linked_to_the_old_scale(world):
    versions = _items(12)
    form = demo_form("校准卷", "fixed", (("D2.3", 12),), bank_name=BANK)
    truth = _graded_cohort(world, form, versions, 0.0, 800, 1, seed=1)
    first = _run(form)
    assert first.status == CalibrationStatus.ADOPTED and first.number == 1
    assert first.linking["method"] == "defines-scale"
    b_first = {c.version_id: -c.d[0] / c.a for c in ItemCalibration.objects.filter(run=first)}
    true_b = {v.pk: float(truth.b[j, 0]) for j, v in enumerate(versions)}
    assert np.corrcoef(list(b_first.values()), [true_b[k] for k in b_first])[0, 1] > 0.9
    # A stronger cohort: calibrated alone, its items would look 0.6 SD easier.
    _graded_cohort(world, form, versions, 0.6, 800, 1001, seed=2)
    second = _run(form)
    assert second.status == CalibrationStatus.ADOPTED and second.linked_to == first
    assert second.linking["method"] == "stocking-lord"
    assert len(second.linking["anchors"]) >= 3
    assert second.linking["intercept"] == pytest.approx(0.3, abs=0.25)  # pooled shift ≈ .3
    b_second = {c.version_id: -c.d[0] / c.a for c in ItemCalibration.objects.filter(run=second)}
    gaps = [abs(b_second[k] - b_first[k]) for k in b_first]
    assert np.mean(gaps) < 0.2  # same scale: difficulties agree after linking
    # Grading now uses the newest adopted parameters.
    params = parameters_for(ItemVersion.objects.filter(pk__in=[v.pk for v in versions]))
    assert all(p.calibrated for p in params.values())


def test_without_enough_data_the_run_fails_and_nothing_changes(world):
    versions = _items(4)
    form = demo_form("校准卷二", "fixed", (("D2.3", 4),), bank_name=BANK)
    _graded_cohort(world, form, versions, 0.0, 10, 1, seed=3)
    run = _run(form)
    assert run.status == CalibrationStatus.FAILED and "not enough data" in run.message
    params = parameters_for(ItemVersion.objects.filter(pk__in=[v.pk for v in versions]))
    assert not any(p.calibrated for p in params.values())
