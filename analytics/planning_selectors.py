"""Read paths for composite talent and the training plan. Every function takes the viewer and goes
through the data scope; the pure rules live in ``analytics.composite`` and ``analytics.optimiser``.

Levels are the analytics summaries' fused estimates (``analytics.selectors.estimates_frame``), the
same numbers the dashboards show; courses and completions come from ``analytics.planning_courses``
(``courses.selectors``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import get_language

from competencies.models import RoleRequirement
from competencies.selectors import competencies
from people.models import OrgUnit
from people.selectors import visible_cadres

from .composite import SHAPES, CompetencySpec, GroupRate, Model, Shape, rates_by_group
from .optimiser import Course, optimise
from .planning_courses import CourseOption, completed_courses
from .selectors import estimates_frame


def _english() -> bool:
    return (get_language() or "").startswith("en")


@dataclass(frozen=True)
class CompetencyColumn:
    id: int
    code: str
    domain: str
    tag: str
    name_zh: str
    name_en: str

    @property
    def name(self) -> str:
        return self.name_en if _english() and self.name_en else self.name_zh


@dataclass(frozen=True)
class CadreRow:
    id: int
    employee_no: str
    name: str
    unit_path: str
    unit_name: str
    position: str


@dataclass
class LevelMatrix:
    """Cadres (rows) × competencies (columns) of one unit's subtree, as the viewer may see them.

    ``levels`` is NaN where a cadre has no estimate; ``required``/``weights`` come from the
    cadre's position (0 where the position sets no requirement)."""

    cadres: list[CadreRow]
    columns: list[CompetencyColumn]
    levels: np.ndarray
    required: np.ndarray
    weights: np.ndarray

    @property
    def specs(self) -> list[CompetencySpec]:
        return [CompetencySpec(c.code, c.domain, c.tag) for c in self.columns]

    @property
    def gaps(self) -> np.ndarray:
        """g = max(0, R − A) where a level is known; unknown levels count no gap (the cadre
        needs an assessment before a course)."""
        known = ~np.isnan(self.levels)
        return np.where(known, np.maximum(0.0, self.required - np.nan_to_num(self.levels)), 0.0)


def framework_columns() -> list[CompetencyColumn]:
    return [
        CompetencyColumn(*row)
        for row in competencies().values_list(
            "id", "code", "domain__code", "tag", "name_zh", "name_en"
        )
    ]


def level_matrix(viewer: AbstractBaseUser | AnonymousUser, unit: OrgUnit) -> LevelMatrix:
    """The matrix for the cadres under ``unit`` the viewer may see (four queries in all)."""
    columns = framework_columns()
    rows = list(
        visible_cadres(viewer, unit=unit)
        .filter(is_active=True)
        .values_list(
            "id",
            "employee_no",
            "display_name",
            "unit__path",
            "unit__name_zh",
            "unit__name_en",
            "position__name_zh",
            "position__name_en",
            "position_id",
        )
    )
    en = _english()
    cadres = [
        CadreRow(
            pk, no, name, path, (u_en if en and u_en else u_zh), (p_en if en and p_en else p_zh)
        )
        for pk, no, name, path, u_zh, u_en, p_zh, p_en, _pos in rows
    ]
    col_of = {c.id: k for k, c in enumerate(columns)}
    shape = (len(cadres), len(columns))
    levels = np.full(shape, np.nan)
    estimates = estimates_frame(viewer, unit)
    rows_ = _positions([c.id for c in cadres], estimates["cadre_id"].to_numpy(float))
    cols_ = _positions([c.id for c in columns], estimates["competency_id"].to_numpy(float))
    keep = (rows_ >= 0) & (cols_ >= 0)
    levels[rows_[keep], cols_[keep]] = estimates["level"].to_numpy(float)[keep]
    required, weights = np.zeros(shape), np.zeros(shape)
    position_rows: dict[int, list[int]] = {}
    for r, row in enumerate(rows):
        position_rows.setdefault(row[-1], []).append(r)
    for position_id, competency_id, level, weight in RoleRequirement.objects.filter(
        position_id__in=list(position_rows), competency_id__in=list(col_of)
    ).values_list("position_id", "competency_id", "required_level", "weight"):
        members = position_rows[position_id]
        required[members, col_of[competency_id]] = level
        weights[members, col_of[competency_id]] = weight
    return LevelMatrix(cadres, columns, levels, required, weights)


def _positions(ids: list[int], values: np.ndarray) -> np.ndarray:
    """Index of each value in ``ids`` (−1 where absent), vectorised for millions of cells."""
    order = np.argsort(ids)
    sorted_ids = np.asarray(ids, dtype=float)[order]
    at = np.clip(np.searchsorted(sorted_ids, values), 0, max(len(ids) - 1, 0))
    found = sorted_ids[at] == values if len(ids) else np.zeros(len(values), dtype=bool)
    return np.where(found, order[at] if len(ids) else -1, -1)


# The optimiser runs inside the request: exact up to optimiser.EXACT_MAX_PAIRS candidate pairs
# (≈ 2,000 cadres; past the time limit the better of the MILP's incumbent and the greedy), the
# greedy above; every plan shows its proven bound. Above PLAN_MAX_CADRES HR plans unit by unit.
PLAN_TIME_LIMIT_S = 10.0
PLAN_MAX_CADRES = 5000


# --- Training plan -------------------------------------------------------------------------


@dataclass(frozen=True)
class RankedCompetency:
    """One competency's row. Its figures describe the cadres whose position requires it and who
    have an estimate; when they are fewer than the minimum group size the figures are None."""

    column: CompetencyColumn
    weighted_gap: float | None
    cadres_with_gap: int | None
    coverage: float | None  # share meeting the requirement
    courses: list[CourseOption]

    @property
    def suppressed(self) -> bool:
        return self.weighted_gap is None


def ranked_competencies(
    matrix: LevelMatrix, catalogue: list[CourseOption]
) -> list[RankedCompetency]:
    """Competencies by total weighted gap Σ w·g in the group, largest first (suppressed rows
    last), with the courses that train each. The caller suppresses the whole table for units
    below the minimum size."""
    gaps = matrix.gaps
    weighted = (matrix.weights * gaps).sum(axis=0)
    applies = (matrix.required > 0) & ~np.isnan(matrix.levels)
    meets = applies & (gaps == 0)
    minimum = settings.SHUZHI_MIN_GROUP_SIZE
    out = []
    for k, column in enumerate(matrix.columns):
        courses = [c for c in catalogue if column.code in c.codes]
        n = int(applies[:, k].sum())
        if n < minimum:
            out.append(RankedCompetency(column, None, None, None, courses))
            continue
        out.append(
            RankedCompetency(
                column,
                round(float(weighted[k]), 2),
                int((gaps[:, k] > 0).sum()),
                round(float(meets[:, k].sum()) / n, 3),
                courses,
            )
        )
    return sorted(out, key=lambda r: (r.suppressed, -(r.weighted_gap or 0), r.column.code))


@dataclass(frozen=True)
class PlanRow:
    cadre: CadreRow
    course: CourseOption
    expected_reduction: float


@dataclass(frozen=True)
class TrainingPlan:
    rows: list[PlanRow]
    objective: float
    bound: float
    optimal: bool
    hours: float
    total_weighted_gap: float
    method: str  # "milp" (exact) or "greedy" (large units, or better than a stopped MILP)

    @property
    def share_reduced(self) -> float:
        return self.objective / self.total_weighted_gap if self.total_weighted_gap else 0.0


def training_plan(
    matrix: LevelMatrix,
    catalogue: list[CourseOption],
    seats: dict[str, int],
    budget_hours: float,
    per_cadre_hours: float | None = None,
) -> TrainingPlan:
    """Run the optimiser on the matrix: courses keyed by ``key``, seats per key."""
    col_of = {c.code: k for k, c in enumerate(matrix.columns)}
    courses = [
        Course(
            c.key,
            tuple(col_of[code] for code in dict.fromkeys(c.codes) if code in col_of),
            c.target_level,
            c.hours,
            seats.get(c.key, 0),
        )
        for c in catalogue
    ]
    done = completed_courses([c.id for c in matrix.cadres])
    completed = np.array(
        [[(cadre.id, c.key) in done for c in catalogue] for cadre in matrix.cadres], dtype=bool
    ).reshape(len(matrix.cadres), len(catalogue))
    gaps = matrix.gaps
    plan = optimise(
        np.nan_to_num(matrix.levels),
        gaps,
        matrix.weights,
        courses,
        budget_hours,
        completed,
        per_cadre_hours,
        time_limit=PLAN_TIME_LIMIT_S,
    )
    rows = [
        PlanRow(matrix.cadres[a.cadre], catalogue[a.course], round(a.value, 2))
        for a in plan.assignments
    ]
    rows.sort(key=lambda r: (r.cadre.unit_path, r.cadre.employee_no, r.course.key))
    total = float((matrix.weights * gaps).sum())
    return TrainingPlan(
        rows, plan.objective, plan.bound, plan.optimal, plan.hours, total, plan.method
    )


# --- Composite talent ----------------------------------------------------------------------


@dataclass(frozen=True)
class TalentRow:
    cadre: CadreRow
    shapes: list[Shape]


@dataclass(frozen=True)
class PipelineRow:
    cadre: CadreRow
    shape: Shape
    competencies: list[CompetencyColumn]


@dataclass(frozen=True)
class CompositeReport:
    groups: list[tuple[OrgUnit, GroupRate]]
    total: GroupRate
    roster: list[TalentRow]
    pipeline: list[PipelineRow]


def composite_report(matrix: LevelMatrix, unit: OrgUnit) -> CompositeReport:
    """Classes per cadre, rates per 100 by child unit of ``unit`` (and for ``unit`` itself),
    the roster of composite talent and the "one competency short" pipeline."""
    model = Model(matrix.specs)
    flags = model.classify(matrix.levels)
    minimum = settings.SHUZHI_MIN_GROUP_SIZE
    depth = len(unit.path) + OrgUnit.steplen
    keys = [c.unit_path[:depth] for c in matrix.cadres]
    units = {u.path: u for u in OrgUnit.objects.filter(path__in=set(keys))}
    rates = rates_by_group(keys, flags, minimum)
    groups = sorted(((units[r.group], r) for r in rates), key=lambda pair: pair[0].path)
    (total,) = rates_by_group([unit.path] * len(keys), flags, minimum) or [
        GroupRate(unit.path, None, None, None)
    ]
    roster = [
        TalentRow(cadre, [s for s in SHAPES if flags[s][r]])
        for r, cadre in enumerate(matrix.cadres)
        if flags[Shape.T_SHAPED][r]
    ]
    short = model.one_short(matrix.levels)
    pipeline = [
        PipelineRow(cadre, shape, [matrix.columns[model.codes.index(code)] for code in codes])
        for r, cadre in enumerate(matrix.cadres)
        for shape in SHAPES
        if (codes := short[shape][r])
    ]
    return CompositeReport(groups, total, roster, pipeline)
