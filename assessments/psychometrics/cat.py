"""Computerised adaptive testing: choose each next item, know when to stop, log every step.

Design (psychometrics.md §6):

- **Estimate**: EAP with an N(μ, σ²) prior (default N(0, 1)) on a fixed grid; the posterior SD is
  the SE. It is defined from the first item on, so no step-size heuristics are needed.
- **Selection**: maximum Fisher information at the current EAP, with *randomesque* exposure
  control (Kingsbury & Zara, 1989): pick at random among the k most informative eligible items.
  By default k starts at 5 and falls by one every two items (a progressive schedule in the
  spirit of Revuelta & Ponsoda, 1998): the opening varies most, where θ̂ is vague anyway, and
  the end uses the best item. On the typical bank (benchmarks/cat.py, SE ≤ .30) this needs 21.4
  items at a maximum exposure of .78, against 24.1 items (.62) with a constant k = 5.
- **Content balance**: Kingsbury–Zara constrained CAT — the next item comes from the competency
  furthest below its blueprint share (no blueprint: from any competency); competencies still
  short of their minimum take precedence once precision is reached or the remaining slots are
  needed for them.
- **Stopping**: SE ≤ target (after the minimum length and per-competency minimums), or the
  maximum length, or no eligible item left.

State lives in a small JSON-serialisable :class:`CatState` (seed, items, responses, log): the
delivery code stores it between requests and the engine recomputes the posterior from the
responses each time — a few dozen vector additions. Random choices are drawn from a generator
seeded by (seed, step), so the whole test can be replayed and checked (:func:`replay`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from .irt.model import ItemParameters, item_information, log_category_probabilities
from .irt.quadrature import normal_quadrature, posterior_over_nodes

GRID_POINTS = 81
GRID_BOUND = 4.0
CANDIDATES_LOGGED = 5


class CatError(ValueError):
    """The state or the response does not fit the test (wrong item, unknown category, …)."""


@dataclass(frozen=True)
class CatConfig:
    """Rules of one adaptive form. ``blueprint`` maps competency → target share (any scale)."""

    se_target: float = 0.30
    max_items: int = 60
    min_items: int = 1
    min_per_competency: int = 0
    max_per_competency: int | None = None
    randomesque: int = 5
    randomesque_step: int | None = 2  # k falls by one every this many items; None: constant k
    blueprint: dict[str, float] | None = None
    prior_mean: float = 0.0
    prior_sd: float = 1.0


@dataclass(frozen=True)
class CatState:
    """Everything needed to continue, finish or audit one test; round-trips through JSON."""

    seed: int
    items: tuple[str, ...] = ()
    responses: tuple[int, ...] = ()
    pending: str | None = None
    finished: bool = False
    stop_reason: str | None = None
    log: tuple[dict, ...] = field(default_factory=tuple)

    def to_json(self) -> str:
        # Built by hand: dataclasses.asdict deep-copies the log and dominated the step time.
        return json.dumps(
            {
                "seed": self.seed,
                "items": list(self.items),
                "responses": list(self.responses),
                "pending": self.pending,
                "finished": self.finished,
                "stop_reason": self.stop_reason,
                "log": list(self.log),
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> CatState:
        raw = json.loads(text)
        return cls(
            seed=int(raw["seed"]),
            items=tuple(raw["items"]),
            responses=tuple(int(x) for x in raw["responses"]),
            pending=raw["pending"],
            finished=bool(raw["finished"]),
            stop_reason=raw["stop_reason"],
            log=tuple(raw["log"]),
        )


@dataclass(frozen=True)
class Estimate:
    theta: float
    se: float
    n_items: int


class CatEngine:
    """An item bank prepared for adaptive testing; build once per bank version and reuse."""

    def __init__(
        self, params: ItemParameters, competencies: Sequence[str], config: CatConfig
    ) -> None:
        if len(competencies) != params.n_items:
            raise CatError(f"{len(competencies)} competency codes for {params.n_items} items")
        if config.randomesque < 1 or config.max_items < 1 or not config.se_target > 0:
            raise CatError("randomesque, max_items and se_target must be positive")
        if config.randomesque_step is not None and config.randomesque_step < 1:
            raise CatError("randomesque_step must be a positive number of items (or None)")
        self.params = params
        self.config = config
        labels = [str(c) for c in competencies]
        self.codes = tuple(dict.fromkeys(labels))
        self.competency_of = labels
        self.in_competency = {c: np.array([x == c for x in labels]) for c in self.codes}
        self.share: dict[str, float] | None = None  # no blueprint: no content balancing
        if config.blueprint:
            unknown = set(config.blueprint) - set(self.codes)
            if unknown:
                raise CatError(f"blueprint names competency {sorted(unknown)[0]!r} with no items")
            total = sum(config.blueprint.values())
            if not total > 0 or min(config.blueprint.values()) < 0:
                raise CatError("blueprint shares must be ≥ 0 and not all zero")
            self.share = {c: config.blueprint.get(c, 0.0) / total for c in self.codes}
        self.position = {name: j for j, name in enumerate(params.names)}
        quadrature = normal_quadrature(GRID_POINTS, GRID_BOUND)
        self.nodes = config.prior_mean + config.prior_sd * quadrature.nodes
        self.quadrature = quadrature
        self.log_prob = log_category_probabilities(params, self.nodes)  # (J, K, Q)

    # -- estimation -----------------------------------------------------------------------------
    def estimate(self, state: CatState) -> Estimate:
        """EAP and posterior SD after the answered items of ``state``."""
        rows = [self.position[name] for name in state.items]
        log_like = self.log_prob[rows, list(state.responses)].sum(axis=0)
        _, posterior = posterior_over_nodes(log_like[None, :], self.quadrature)
        theta = float(posterior[0] @ self.nodes)
        se = float(np.sqrt(max(posterior[0] @ self.nodes**2 - theta**2, 0.0)))
        return Estimate(theta, se, len(state.items))

    # -- selection ------------------------------------------------------------------------------
    def next_item(self, state: CatState) -> tuple[str | None, CatState]:
        """The item to present next (None when the test is over) and the updated state."""
        if state.finished:
            return None, state
        if state.pending is not None:
            return state.pending, state
        est = self.estimate(state)
        counts = {c: 0 for c in self.codes}
        for name in state.items:
            counts[self.competency_of[self.position[name]]] += 1
        eligible = self._eligible(state, counts)
        reason = self._stop_reason(est, counts, eligible)
        if reason is not None:
            record = {"step": est.n_items + 1, "theta": est.theta, "se": est.se, "stop": reason}
            return None, replace(state, finished=True, stop_reason=reason, log=(*state.log, record))
        competency = self._competency(est, counts, eligible)
        if competency is not None:
            eligible = eligible & self.in_competency[competency]
        pool = np.flatnonzero(eligible)
        info = item_information(self.params, np.array([est.theta]))[pool, 0]
        order = np.argsort(-info, kind="stable")
        k = self._randomesque(est.n_items)
        rng = np.random.default_rng([state.seed, est.n_items])
        chosen = pool[order[rng.integers(min(k, pool.size))]]
        name = self.params.names[chosen]
        record = {
            "step": est.n_items + 1,
            "theta": est.theta,
            "se": est.se,
            "competency": competency,
            "randomesque": k,
            "candidates": [
                [self.params.names[pool[i]], float(info[i])] for i in order[:CANDIDATES_LOGGED]
            ],
            "item": name,
        }
        return name, replace(state, pending=name, log=(*state.log, record))

    def answer(self, state: CatState, item: str, response: int) -> CatState:
        """Record the response to the pending item; the log gains θ and SE after it."""
        if state.pending is None or item != state.pending:
            raise CatError(f"item {item!r} is not the item this test is waiting for")
        j = self.position[item]
        if not 0 <= int(response) < self.params.n_categories[j]:
            raise CatError(f"response {response} is not a category of item {item!r}")
        answered = replace(
            state,
            items=(*state.items, item),
            responses=(*state.responses, int(response)),
            pending=None,
        )
        est = self.estimate(answered)
        last = {
            **state.log[-1],
            "response": int(response),
            "theta_after": est.theta,
            "se_after": est.se,
        }
        return replace(answered, log=(*state.log[:-1], last))

    def _randomesque(self, n_given: int) -> int:
        step = self.config.randomesque_step
        return (
            self.config.randomesque
            if step is None
            else max(1, self.config.randomesque - n_given // step)
        )

    def _eligible(self, state: CatState, counts: dict[str, int]) -> np.ndarray:
        eligible = np.ones(self.params.n_items, dtype=bool)
        for name in state.items:
            eligible[self.position[name]] = False
        cap = self.config.max_per_competency
        if cap is not None:
            for code, count in counts.items():
                if count >= cap:
                    eligible &= ~self.in_competency[code]
        return eligible

    def _short(self, counts: dict[str, int], eligible: np.ndarray) -> list[str]:
        """Competencies below their minimum that still have items to give."""
        minimum = self.config.min_per_competency
        return [
            c
            for c in self.codes
            if counts[c] < minimum and np.any(eligible & self.in_competency[c])
        ]

    def _stop_reason(
        self, est: Estimate, counts: dict[str, int], eligible: np.ndarray
    ) -> str | None:
        if est.n_items >= self.config.max_items:
            return "max-items"
        if not eligible.any():
            return "bank-exhausted"
        if (
            est.se <= self.config.se_target
            and est.n_items >= self.config.min_items
            and not self._short(counts, eligible)
        ):
            return "se-target"
        return None

    def _competency(
        self, est: Estimate, counts: dict[str, int], eligible: np.ndarray
    ) -> str | None:
        """Kingsbury–Zara: the competency furthest below its share after one more item.

        None (any competency) when there is no blueprint and no minimum is pressing.
        """
        short = self._short(counts, eligible)
        outstanding = sum(self.config.min_per_competency - counts[c] for c in short)
        remaining = self.config.max_items - est.n_items
        if short and (est.se <= self.config.se_target or outstanding >= remaining):
            options = short
        elif self.share is None:
            return None
        else:
            options = [c for c in self.codes if np.any(eligible & self.in_competency[c])]
        n_next = est.n_items + 1
        share = self.share or dict.fromkeys(self.codes, 0.0)
        return max(options, key=lambda c: share[c] * n_next - counts[c])


def replay(engine: CatEngine, state: CatState) -> list[str]:
    """Re-run a logged test from its seed and responses; return the differences (none = valid)."""
    problems = []
    current = CatState(seed=state.seed)
    for step, (item, response) in enumerate(zip(state.items, state.responses, strict=True), 1):
        chosen, current = engine.next_item(current)
        if chosen != item:
            problems.append(f"step {step}: logged {item!r}, selection gives {chosen!r}")
            return problems
        current = engine.answer(current, item, response)
    if state.finished:
        _, current = engine.next_item(current)
        if current.stop_reason != state.stop_reason:
            problems.append(f"stop: logged {state.stop_reason!r}, replay {current.stop_reason!r}")
    return problems
