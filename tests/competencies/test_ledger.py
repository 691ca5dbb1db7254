"""The Evidence ledger: append-only, idempotent per source, corrections as new rows, a signal
after commit, and all-or-nothing validation."""

from __future__ import annotations

import math

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from competencies.models import Evidence, EvidenceSource
from competencies.services import Observation, correct_evidence, record_evidence
from competencies.signals import evidence_recorded

pytestmark = pytest.mark.django_db


def _record(world, source_ref="attempt:1", **values):
    obs = [
        Observation(world.cadre_a.pk, "D1.1", **(values or {"value": 3.0})),
        Observation(world.cadre_a.pk, "D2.3", theta=0.4, theta_se=0.3),
    ]
    return record_evidence(obs, source_kind=EvidenceSource.ASSESSMENT, source_ref=source_ref)


def test_records_each_observation(world):
    assert _record(world) == 2
    row = Evidence.objects.get(competency__code="D2.3")
    assert (row.cadre, row.theta, row.theta_se, row.value) == (world.cadre_a, 0.4, 0.3, None)
    assert row.source_kind == "assessment" and row.source_ref == "attempt:1"


def test_recording_the_same_source_again_adds_nothing(world):
    _record(world)
    assert _record(world) == 0
    assert Evidence.objects.count() == 2
    assert _record(world, source_ref="attempt:2") == 2


def test_rows_are_immutable(world):
    _record(world)
    row = Evidence.objects.first()
    row.value = 5
    with pytest.raises(ValidationError):
        row.save()
    with pytest.raises(ValidationError):
        row.delete()
    with pytest.raises(ValidationError):
        Evidence.objects.filter(pk=row.pk).update(value=5)
    with pytest.raises(ValidationError):
        Evidence.objects.all().delete()
    assert Evidence.objects.get(pk=row.pk).value != 5


def test_a_correction_is_a_new_row_and_the_original_stays(world):
    _record(world)
    original = Evidence.objects.get(competency__code="D1.1")

    first = correct_evidence(original, value=4.0, note="rescored after appeal")
    second = correct_evidence(original, value=3.5, note="second review")

    original.refresh_from_db()
    assert original.value == 3.0
    assert first.corrects == original and first.value == 4.0
    assert first.source_ref == "attempt:1#correction-1" and second.source_ref.endswith("-2")
    assert set(original.corrections.all()) == {first, second}
    with pytest.raises(ValidationError):
        correct_evidence(original, value=2.0, note="")


def test_signal_is_sent_after_commit_with_what_changed(world, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, cadre_ids, competency_ids, **kwargs):
        received.append((cadre_ids, len(competency_ids)))

    evidence_recorded.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            _record(world)
        assert received == []  # nothing before the commit
        for callback in callbacks:
            callback()
        assert received == [([world.cadre_a.pk], 2)]
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            _record(world)  # a repeat records nothing and signals nothing
        assert callbacks == [] and len(received) == 1
    finally:
        evidence_recorded.disconnect(receiver)


@pytest.mark.parametrize(
    "bad",
    [
        {"value": 0.5},
        {"value": 5.5},
        {"value": math.nan},
        {},
        {"theta": math.inf},
        {"theta": 0.1, "theta_se": 0},
        {"theta": 0.1, "theta_se": -1},
    ],
    ids=["below 1", "above 5", "nan", "nothing", "infinite theta", "zero se", "negative se"],
)
def test_an_invalid_observation_writes_nothing(world, bad):
    good = Observation(world.cadre_a.pk, "D1.1", value=3.0)
    with pytest.raises(ValidationError):
        record_evidence(
            [good, Observation(world.cadre_a.pk, "D1.2", **bad)],
            source_kind="rating",
            source_ref="r:1",
        )
    assert not Evidence.objects.exists()


def test_unknown_competency_kind_or_reference_writes_nothing(world):
    obs = [Observation(world.cadre_a.pk, "D9.9", value=3.0)]
    with pytest.raises(ValidationError, match=r"D9\.9"):
        record_evidence(obs, source_kind="rating", source_ref="r:1")
    ok = [Observation(world.cadre_a.pk, "D1.1", value=3.0)]
    with pytest.raises(ValidationError):
        record_evidence(ok, source_kind="gossip", source_ref="r:1")
    with pytest.raises(ValidationError):
        record_evidence(ok, source_kind="rating", source_ref="")
    assert not Evidence.objects.exists()


def test_database_refuses_out_of_range_rows_too(world):
    """The check constraints hold even for code that bypasses the service."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.create(
            cadre=world.cadre_a,
            competency_id=Evidence._meta.get_field("competency").related_model.objects.first().pk,
            source_kind="rating",
            source_ref="raw",
            value=9,
        )
