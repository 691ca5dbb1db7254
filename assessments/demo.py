"""Demo content: the item bank (every ``data/items/*.json`` file, loaded by ``ref``), default cut
scores and two forms (fixed and adaptive) assigned to the demo cadre."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from competencies.models import Competency

from .data_files import ITEMS_DIR, read_records
from .models import ItemSource
from .services import get_bank, write_record

DEMO_BANK = "数智胜任力题库"


@transaction.atomic
def seed_items(paths: list[Path] | None = None, bank_name: str = DEMO_BANK) -> dict[str, int]:
    """Create or update the items in the data files; idempotent by ``ref`` (an unchanged item
    keeps its version; a changed operational item gets a new one). All or nothing."""
    paths = sorted(ITEMS_DIR.glob("*.json")) if paths is None else paths
    codes = set(
        Competency.objects.filter(domain__framework__is_current=True).values_list("code", flat=True)
    )
    records = read_records(paths, codes)
    bank = get_bank(bank_name)
    counts = {"created": 0, "updated": 0}
    for record in records:
        _item, created = write_record(record, bank, source=ItemSource.DATA_FILE)
        counts["created" if created else "updated"] += 1
    return counts


# Demo forms for the demo cadre (a township data officer): a short fixed form and an adaptive
# form over competencies the bank covers well.
FIXED_BLUEPRINT = (("D2.3", 3), ("D4.2", 3), ("D3.2", 2))
ADAPTIVE_BLUEPRINT = (("D2.3", 2), ("D4.2", 2), ("D6.4", 1))
DEMO_FIXED_TITLE = "数据素养基础测评（固定卷）"
DEMO_ADAPTIVE_TITLE = "数据素养自适应测评"


@transaction.atomic
def default_cut_scores() -> int:
    """Cut scores for every current competency where none exist yet (the documented defaults:
    midpoints between the provisional difficulties of adjacent levels; L5 needs work evidence)."""
    from .grading import DEFAULT_CUTS
    from .models import CutScore

    made = 0
    for competency in Competency.objects.filter(domain__framework__is_current=True):
        _row, created = CutScore.objects.get_or_create(
            competency=competency,
            defaults=dict(
                zip(("level_2", "level_3", "level_4"), DEFAULT_CUTS[:3], strict=True),
                basis="默认值：相邻等级暂定难度的中点 / defaults: midpoints of provisional "
                "difficulties",
            ),
        )
        made += created
    return made


def demo_form(
    title: str,
    kind: str,
    blueprint: tuple[tuple[str, int], ...],
    *,
    bank_name: str = DEMO_BANK,
    cadres=(),
    **settings,
):
    """Create (or find by title) a published form with sections; assign it to ``cadres``."""
    from .models import AssessmentForm, FormSection

    form, created = AssessmentForm.objects.get_or_create(
        title_zh=title,
        defaults={"kind": kind, "bank": get_bank(bank_name), "is_published": True, **settings},
    )
    if created:
        codes = dict(
            Competency.objects.filter(domain__framework__is_current=True).values_list("code", "pk")
        )
        for order, (code, count) in enumerate(blueprint):
            FormSection.objects.create(
                form=form, competency_id=codes[code], count=count, sort_order=order
            )
    if cadres:
        form.target_cadres.add(*cadres)
        form.save()  # a cluster's many-to-many is written when the form is saved
    return form


def seed_forms() -> str:
    """The demo's fixed and adaptive forms, assigned to the demo cadre; default cut scores."""
    from people.models import Cadre

    cuts = default_cut_scores()
    cadres = list(Cadre.objects.filter(user__username="cadre"))
    demo_form(
        DEMO_FIXED_TITLE,
        "fixed",
        FIXED_BLUEPRINT,
        cadres=cadres,
        title_en="Data literacy basics (fixed form)",
        time_limit_minutes=30,
        attempts_allowed=3,
        items_per_page=4,
    )
    demo_form(
        DEMO_ADAPTIVE_TITLE,
        "adaptive",
        ADAPTIVE_BLUEPRINT,
        cadres=cadres,
        title_en="Data literacy (adaptive)",
        time_limit_minutes=30,
        attempts_allowed=3,
        max_items=15,
        min_items=5,
        min_per_competency=2,
        se_target=0.45,
    )
    return f"2 forms, {cuts} cut scores created"
