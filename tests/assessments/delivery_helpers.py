"""Builders for delivery tests: the bank's items, forms assigned to A's cadre, answering."""

from __future__ import annotations

from assessments.data_files import ITEMS_DIR
from assessments.demo import default_cut_scores, demo_form, seed_items

FILES = ("M04.json", "M06.json", "_examples.json")


def load_bank() -> None:
    seed_items([ITEMS_DIR / name for name in FILES])
    default_cut_scores()


def fixed_form(world, **settings):
    return demo_form(
        "测试固定卷",
        "fixed",
        (("D2.3", 3), ("D4.2", 2)),
        cadres=[world.cadre_a],
        **{"items_per_page": 2, "shuffle_items": True, **settings},
    )


def adaptive_form(world, **settings):
    return demo_form(
        "测试自适应卷",
        "adaptive",
        (("D2.3", 1), ("D4.2", 1)),
        cadres=[world.cadre_a],
        **{"max_items": 8, "min_items": 4, "min_per_competency": 2, "se_target": 0.3, **settings},
    )


def key_answers(attempt) -> dict[int, object]:
    """Full-credit answers for every slot (from the key, server side)."""
    from assessments.scoring import key_of

    return {s.position: key_of(s.version)["response"] for s in attempt.items.all()}
