"""The evidence ledger's bulk path on PostgreSQL: values travel as one array per column."""

import pytest

from competencies.models import Evidence
from competencies.services import Observation, record_evidence

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_batch_mixing_whole_and_fractional_values_is_recorded(world):
    cadre = world.cadre_a.pk
    batch = [Observation(cadre, "D2.3", value=3), Observation(cadre, "D4.1", value=2.5)]
    assert record_evidence(batch, source_kind="scenario", source_ref="run:1") == 2
    assert record_evidence(batch, source_kind="scenario", source_ref="run:1") == 0
    stored = dict(Evidence.objects.values_list("competency__code", "value"))
    assert stored == {"D2.3": 3.0, "D4.1": 2.5}
