"""Saving a lesson with a broken scenario in the admin fails with the node named."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from courses.blocks import ScenarioBlock


def _value(next_of_d2: str = "end"):
    block = ScenarioBlock()
    return block, block.to_python(
        {
            "title": "情景",
            "briefing": "<p>简报</p>",
            "start": "d1",
            "cycles_allowed": False,
            "debrief": "<p>复盘</p>",
            "decisions": [
                {
                    "id": "d1",
                    "situation": "<p>一</p>",
                    "exhibit": {"title": "", "document": None, "chart_type": "none"},
                    "options": [
                        {"text": "甲", "feedback": "<p>f</p>", "scores": [], "next": "d2"},
                        {"text": "乙", "feedback": "<p>f</p>", "scores": [], "next": "end"},
                    ],
                },
                {
                    "id": "d2",
                    "situation": "<p>二</p>",
                    "exhibit": {"title": "", "document": None, "chart_type": "none"},
                    "options": [
                        {"text": "甲", "feedback": "<p>f</p>", "scores": [], "next": next_of_d2},
                        {"text": "乙", "feedback": "<p>f</p>", "scores": [], "next": "end"},
                    ],
                },
            ],
            "endings": [{"id": "end", "outcome": "good", "title": "结束", "text": "<p>t</p>"}],
        }
    )


@pytest.mark.django_db
def test_clean_accepts_a_sound_scenario():
    block, value = _value()
    block.clean(value)


@pytest.mark.django_db
def test_clean_names_the_broken_node():
    block, value = _value(next_of_d2="nowhere")
    with pytest.raises(ValidationError) as raised:
        block.clean(value)
    text = " ".join(str(e) for e in raised.value.non_block_errors.as_data()[0].messages)
    assert "d2" in text and "nowhere" in text
