"""Write paths about people: positions, scope grants, display preferences and the roster import."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from .models import AgeBand, Cadre, DisplayPreference, OrgUnit, Position, Rank, ScopeGrant
from .roster_files import RawRow, RosterFileError, cell_text, header_label, read_rows
from .scope import scope_for

EMPLOYEE_NO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
TRUE_WORDS = {"1", "是", "true", "yes", "y", "在职"}
FALSE_WORDS = {"0", "否", "false", "no", "n", "离职"}
CADRE_FIELDS = (
    "display_name",
    "unit_id",
    "position_id",
    "rank",
    "age_band",
    "joined_on",
    "is_active",
)


def upsert_position(*, code: str, **values) -> tuple[Position, bool]:
    """Create or update a position by code; returns (position, created)."""
    position, created = Position.objects.update_or_create(code=code, defaults=values)
    return position, created


def grant_scope(user: AbstractBaseUser, unit: OrgUnit) -> ScopeGrant:
    grant, _ = ScopeGrant.objects.get_or_create(user=user, unit=unit)
    return grant


def set_elder_mode(user: AbstractBaseUser, enabled: bool) -> None:
    DisplayPreference.objects.update_or_create(user=user, defaults={"elder_mode": enabled})


# --- Roster import -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    code: str
    reason: str


@dataclass
class RosterReport:
    file: str
    format: str = ""
    encoding: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict:
        return asdict(self)


def _choice(value: str, choices: type) -> str | None:
    """Accept a choice by its code or by its label in either language."""
    wanted = value.strip().lower()
    for code, label in choices.choices:
        if wanted in {str(code).lower(), str(label).lower()}:
            return code
    from django.utils import translation

    with translation.override("zh-hans"):
        for code, label in choices.choices:
            if wanted == str(label).lower():
                return code
    return None


class _Validator:
    """Checks one row at a time against preloaded units and positions."""

    def __init__(self, actor: AbstractBaseUser | None):
        self.units = {
            code: (pk, path) for pk, code, path in OrgUnit.objects.values_list("id", "code", "path")
        }
        self.positions = dict(Position.objects.values_list("code", "id"))
        self.scope = scope_for(actor) if actor is not None else None
        self.seen: dict[str, int] = {}
        self.today = timezone.localdate()

    def check(self, raw: RawRow) -> tuple[dict | None, list[RowError]]:
        n = raw.number
        if raw.undecodable:
            return None, [
                RowError(n, "", "undecodable_text", _("This line is neither UTF-8 nor GBK text."))
            ]
        text = {k: cell_text(v) for k, v in raw.values.items()}
        errors: list[RowError] = []

        def fail(key: str, code: str, reason: str) -> None:
            errors.append(RowError(n, header_label(key), code, reason))

        for key in (
            "employee_no",
            "display_name",
            "unit_code",
            "position_code",
            "rank",
            "age_band",
        ):
            if not text.get(key):
                fail(key, "missing_field", _("This field is required."))
        clean: dict = {}
        emp = text.get("employee_no", "")
        if emp:
            if not EMPLOYEE_NO.match(emp):
                fail(
                    "employee_no", "invalid_employee_no", _("Use 1–32 letters, digits, '-' or '_'.")
                )
            elif emp in self.seen:
                fail(
                    "employee_no",
                    "duplicate_employee_no",
                    _("Employee number %(no)s already appears in row %(row)d.")
                    % {"no": emp, "row": self.seen[emp]},
                )
            else:
                self.seen[emp] = n
            clean["employee_no"] = emp
        name = text.get("display_name", "")
        if len(name) > 64:
            fail("display_name", "too_long", _("At most 64 characters."))
        clean["display_name"] = name
        unit_code = text.get("unit_code", "")
        if unit_code:
            unit = self.units.get(unit_code)
            if unit is None:
                fail(
                    "unit_code",
                    "unknown_unit",
                    _("No unit has the code %(code)s.") % {"code": unit_code},
                )
            elif (
                self.scope is not None
                and not self.scope.everything
                and not any(unit[1].startswith(p) for p in self.scope.unit_paths)
            ):
                fail(
                    "unit_code",
                    "out_of_scope",
                    _("Unit %(code)s is outside the units you are responsible for.")
                    % {"code": unit_code},
                )
            else:
                clean["unit_id"] = unit[0]
        position_code = text.get("position_code", "")
        if position_code:
            if position_code not in self.positions:
                fail(
                    "position_code",
                    "unknown_position",
                    _("No position has the code %(code)s.") % {"code": position_code},
                )
            else:
                clean["position_id"] = self.positions[position_code]
        for key, choices, code in (
            ("rank", Rank, "invalid_rank"),
            ("age_band", AgeBand, "invalid_age_band"),
        ):
            if text.get(key):
                value = _choice(text[key], choices)
                if value is None:
                    allowed = "、".join(str(label) for _c, label in choices.choices)
                    fail(
                        key,
                        code,
                        _("'%(value)s' is not a valid level; use one of: %(allowed)s.")
                        % {"value": text[key], "allowed": allowed},
                    )
                clean[key] = value
        clean["joined_on"] = None
        if text.get("joined_on"):
            joined = parse_date(text["joined_on"].replace("/", "-").replace(".", "-"))
            if joined is None:
                fail(
                    "joined_on",
                    "invalid_date",
                    _("'%(value)s' is not a date (use YYYY-MM-DD).") % {"value": text["joined_on"]},
                )
            elif joined > self.today:
                fail("joined_on", "invalid_date", _("The joining date lies in the future."))
            clean["joined_on"] = joined
        clean["is_active"] = True
        flag = text.get("is_active", "").lower()
        if flag:
            if flag in TRUE_WORDS:
                clean["is_active"] = True
            elif flag in FALSE_WORDS:
                clean["is_active"] = False
            else:
                fail("is_active", "invalid_flag", _("Use 是 or 否 (yes or no)."))
        return (None if errors else clean), errors


def _flush(batch: list[tuple[int, dict]], report: RosterReport, write: bool) -> None:
    """Upsert one batch of valid rows (or, in a dry run, only count what would change)."""
    User = get_user_model()
    numbers = [row["employee_no"] for _n, row in batch]
    existing = {
        c.employee_no: c
        for c in Cadre.objects.filter(employee_no__in=numbers).only(
            "id", "employee_no", *CADRE_FIELDS
        )
    }
    new = [(n, row) for n, row in batch if row["employee_no"] not in existing]
    taken = set(
        User.objects.filter(username__in=[row["employee_no"] for _n, row in new]).values_list(
            "username", flat=True
        )
    )
    for n, row in new:
        if row["employee_no"] in taken:
            report.errors.append(
                RowError(
                    n,
                    header_label("employee_no"),
                    "employee_no_taken",
                    _("A login account named %(no)s exists and is not this cadre's.")
                    % {"no": row["employee_no"]},
                )
            )
    if report.errors:
        return
    changed: list[Cadre] = []
    for _n, row in batch:
        cadre = existing.get(row["employee_no"])
        if cadre is None:
            continue
        diff = [f for f in CADRE_FIELDS if getattr(cadre, f) != row[f]]
        if diff:
            for f in CADRE_FIELDS:
                setattr(cadre, f, row[f])
            changed.append(cadre)
    report.created += len(new)
    report.updated += len(changed)
    report.unchanged += len(batch) - len(new) - len(changed)
    if not write:
        return
    if new:
        users = User.objects.bulk_create(
            [User(username=row["employee_no"], password=make_password(None)) for _n, row in new]
        )
        Cadre.objects.bulk_create(
            [Cadre(user=user, **row) for user, (_n, row) in zip(users, new, strict=True)]
        )
    if changed:
        Cadre.objects.bulk_update(changed, CADRE_FIELDS)


def import_roster(
    path: Path,
    *,
    dry_run: bool = False,
    actor: AbstractBaseUser | None = None,
    progress: Callable[[int], None] | None = None,
    batch_size: int = 2000,
) -> RosterReport:
    """Validate every row of a roster file and upsert the cadres by employee number.

    All or nothing: if any row is bad, nothing is written and every bad row is reported with
    its row number, column and reason. Re-importing the same file changes nothing. Memory is
    bounded by ``batch_size`` rows plus the set of employee numbers seen. ``actor`` (when given)
    may only import into units within their data scope.
    """
    report = RosterReport(file=Path(path).name, dry_run=dry_run)
    try:
        report.format, report.encoding, rows = read_rows(Path(path))
        validator = _Validator(actor)
        with transaction.atomic():
            batch: list[tuple[int, dict]] = []
            for raw in rows:
                report.rows += 1
                clean, errors = validator.check(raw)
                report.errors.extend(errors)
                if clean is not None and not report.errors:
                    batch.append((raw.number, clean))
                    if len(batch) >= batch_size:
                        _flush(batch, report, write=not dry_run)
                        batch = []
                if progress and report.rows % batch_size == 0:
                    progress(report.rows)
            if batch and not report.errors:
                _flush(batch, report, write=not dry_run)
            if report.rows == 0:
                report.errors.append(
                    RowError(1, "", "empty_file", _("The file has a header but no rows."))
                )
            if report.errors or dry_run:
                transaction.set_rollback(True)
            else:
                report.written = True
    except RosterFileError as exc:
        report.errors.append(RowError(1, "", "unreadable_file", str(exc)))
    if report.errors:
        report.created = report.updated = report.unchanged = 0
    if progress:
        progress(report.rows)
    return report


def roster_template_rows() -> Iterable[list[str]]:
    """Header and one example row for the downloadable template."""
    from .roster_files import TEMPLATE_HEADERS

    yield TEMPLATE_HEADERS
    yield [
        "CQ0001",
        "张三",
        "500108001-ZXC",
        "TS-DATA-OFFICER",
        "科员及以下",
        "30–39岁",
        date(2020, 9, 1).isoformat(),
        "是",
    ]
