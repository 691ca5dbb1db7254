"""Validation of a branching scenario's graph. Pure Python: no Django (import-linter enforces).

A scenario is a directed graph: decision points whose options lead to another decision point or
to an ending. Trainers build it in the Wagtail admin and content writers in JSON, so both paths
call :func:`problems` and refuse to save a graph a cadre could get stuck in. Each problem names
the node at fault so the author knows where to look; the caller turns ``kind`` into a message in
the reader's language.

The input is plain data::

    {"start": "d1", "cycles_allowed": False,
     "decisions": [{"id": "d1", "options": [{"next": "d2", "scores": {"D2.3": 1}}, ...]}, ...],
     "endings": [{"id": "end-good"}, ...]}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MIN_OPTIONS, MAX_OPTIONS = 2, 5
MIN_SCORE, MAX_SCORE = -2, 2

NO_ENDING = "no_ending"
BAD_START = "bad_start"
DUPLICATE_ID = "duplicate_id"
DANGLING_NEXT = "dangling_next"
UNREACHABLE = "unreachable"
DEAD_END = "dead_end"
CYCLE = "cycle"
OPTION_COUNT = "option_count"
SCORE_RANGE = "score_range"
KINDS = (
    NO_ENDING,
    BAD_START,
    DUPLICATE_ID,
    DANGLING_NEXT,
    UNREACHABLE,
    DEAD_END,
    CYCLE,
    OPTION_COUNT,
    SCORE_RANGE,
)


@dataclass(frozen=True)
class Problem:
    """One defect: its kind, the node at fault and, where useful, a detail (e.g. the bad target)."""

    kind: str
    node: str
    detail: str = ""


def _ids(entries: Any) -> list[str]:
    return [str(entry.get("id") or "").strip() for entry in entries or []]


def _edges(decisions: list[Mapping[str, Any]]) -> dict[str, list[str]]:
    return {
        str(d.get("id") or "").strip(): [
            str(o.get("next") or "").strip() for o in d.get("options") or []
        ]
        for d in decisions
    }


def _local_problems(decisions: list[Mapping[str, Any]], nodes: set[str]) -> list[Problem]:
    found: list[Problem] = []
    for decision in decisions:
        node = str(decision.get("id") or "").strip()
        options = decision.get("options") or []
        if not options:
            found.append(Problem(DEAD_END, node))
            continue
        if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
            found.append(Problem(OPTION_COUNT, node, str(len(options))))
        for number, option in enumerate(options, start=1):
            target = str(option.get("next") or "").strip()
            if target not in nodes:
                found.append(Problem(DANGLING_NEXT, node, f"{number}:{target}"))
            for code, value in (option.get("scores") or {}).items():
                if not (isinstance(value, int) and MIN_SCORE <= value <= MAX_SCORE):
                    found.append(Problem(SCORE_RANGE, node, f"{number}:{code}={value}"))
    return found


def _reachable(start: str, edges: dict[str, list[str]]) -> list[str]:
    seen, stack, order = {start}, [start], [start]
    while stack:
        for target in edges.get(stack.pop(), []):
            if target not in seen:
                seen.add(target)
                order.append(target)
                stack.append(target)
    return order


def _first_cycle(start: str, edges: dict[str, list[str]]) -> str | None:
    """The decision a back edge returns to (iterative DFS from start), or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    stack: list[tuple[str, int]] = [(start, 0)]
    state[start] = 1
    while stack:
        node, index = stack.pop()
        targets = edges.get(node, [])
        if index < len(targets):
            stack.append((node, index + 1))
            target = targets[index]
            if state.get(target) == 1:
                return target
            if target in edges and target not in state:
                state[target] = 1
                stack.append((target, 0))
        else:
            state[node] = 2
    return None


def _cannot_finish(edges: dict[str, list[str]], endings: set[str]) -> list[str]:
    """Decisions from which no ending can be reached (a loop with no way out)."""
    finishing = set(endings)
    changed = True
    while changed:
        changed = False
        for node, targets in edges.items():
            if node not in finishing and any(t in finishing for t in targets):
                finishing.add(node)
                changed = True
    return [node for node in edges if node not in finishing and edges[node]]


def problems(scenario: Mapping[str, Any]) -> list[Problem]:
    """Every defect of the scenario's graph; an empty list means a cadre can always finish."""
    decisions = list(scenario.get("decisions") or [])
    decision_ids = _ids(decisions)
    ending_ids = _ids(scenario.get("endings"))
    found: list[Problem] = []
    seen: set[str] = set()
    for node in decision_ids + ending_ids:
        if not node or node in seen:
            found.append(Problem(DUPLICATE_ID, node))
        seen.add(node)
    if not ending_ids:
        found.append(Problem(NO_ENDING, ""))
    start = str(scenario.get("start") or "").strip()
    if start not in decision_ids:
        found.append(Problem(BAD_START, start))
        return found
    nodes = set(decision_ids) | set(ending_ids)
    found += _local_problems(decisions, nodes)
    edges = _edges(decisions)
    reached = set(_reachable(start, edges))
    found += [Problem(UNREACHABLE, node) for node in decision_ids if node not in reached]
    if ending_ids:
        found += [
            Problem(DEAD_END, node)
            for node in _cannot_finish(edges, set(ending_ids))
            if node in reached
        ]
    if not scenario.get("cycles_allowed"):
        looped = _first_cycle(start, edges)
        if looped is not None:
            found.append(Problem(CYCLE, looped))
    return found


def step(scenario: Mapping[str, Any], node: str, option_index: int) -> tuple[str, bool]:
    """Where choosing option ``option_index`` at decision ``node`` leads: (next id, is ending).

    Raises KeyError/IndexError for a node or option that does not exist (a forged request).
    """
    decision = {d["id"]: d for d in scenario["decisions"]}[node]
    if option_index < 0:
        raise IndexError(option_index)
    target = decision["options"][option_index]["next"]
    return target, target in set(_ids(scenario.get("endings")))
