"""The pure credit and evidence rules."""

from courses.rules import active_increment, evidence_levels, lesson_complete


def test_active_time_counts_gaps_capped_and_ignores_idle_gaps():
    assert active_increment(None, cap=45, idle_limit=90) == 0  # first heartbeat
    assert active_increment(30, cap=45, idle_limit=90) == 30
    assert active_increment(80, cap=45, idle_limit=90) == 45  # capped
    assert active_increment(600, cap=45, idle_limit=90) == 0  # idle: nothing
    assert active_increment(-5, cap=45, idle_limit=90) == 0


def test_lesson_needs_every_activity_and_the_minimum_time():
    assert lesson_complete(["a", "b"], ["a", "b"], 300, 5)
    assert not lesson_complete(["a", "b"], ["a"], 3000, 5)  # an activity skipped
    assert not lesson_complete(["a"], ["a"], 299, 5)  # too little active time
    assert lesson_complete([], [], 60, 1)


def test_evidence_mapping():
    best = evidence_levels([{"D2.3": 2, "D4.1": 1}, {"D2.3": 2}], target_level=3)
    assert [(e.competency, e.value, e.decisions) for e in best] == [
        ("D2.3", 3.0, 2),
        ("D4.1", 2.5, 1),
    ]
    worst = evidence_levels([{"D2.3": -2}], target_level=1)
    assert worst[0].value == 1.0  # clamped to the scale
    assert evidence_levels([{}], target_level=3) == []  # silence is not evidence
    neutral = evidence_levels([{"D1.1": 0}], target_level=4)
    assert neutral[0].value == 3.0
