"""The roster import: validate every row of a roster file, then upsert cadres by employee number.

All or nothing. Every row is checked and every problem reported (row number, column, a stable
error code and a reason in the reader's language); if there is any, nothing is written. Rows are
processed in batches with lookups preloaded once (units, positions) or fetched once per batch
(existing cadres, login names), so the cost per row is a few dictionary lookups and a share of
a bulk INSERT/UPDATE — never a query per row. Memory holds one batch plus the set of employee
numbers already seen (for duplicates) and the error list.

The error codes are documented in docs/roster-import.md; keep the two in step.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.db.models import TextChoices
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .bulk import insert_rows, one_of
from .models import AgeBand, Cadre, OrgUnit, Position, Rank
from .roster_files import (
    REQUIRED_COLUMNS,
    RawRow,
    RosterFileError,
    cell_text,
    header_label,
    open_roster,
)
from .scope import DataScope, scope_for
from .services import unusable_password

EMPLOYEE_NO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
NAME_MAX = 64
TRUE_WORDS = {"1", "是", "true", "yes", "y", "在职", "在岗", "√"}
FALSE_WORDS = {"0", "否", "false", "no", "n", "离职", "不在职", "×"}
CADRE_FIELDS = (
    "display_name",
    "unit_id",
    "position_id",
    "rank",
    "age_band",
    "joined_on",
    "is_active",
)
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DASHES = str.maketrans({"–": "-", "—": "-", "~": "-", "～": "-", "至": "-", " ": ""})

# Callback for progress: (rows processed so far, estimated total or None).
Progress = Callable[[int, int | None], None]


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
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self, max_errors: int | None = None) -> dict:
        """The report as JSON-able data; ``max_errors`` keeps a job row small (the full list
        stays available wherever the caller stored it)."""
        data = asdict(self)
        data["error_count"] = len(self.errors)
        if max_errors is not None:
            data["errors"] = data["errors"][:max_errors]
        return data


# Values such as unit codes, ranks and dates repeat across a roster: each is normalised once.
@lru_cache(maxsize=65536)
def _nfkc(value: str) -> str:
    """Full-width letters and digits (ＣＱ０１) as typed by Chinese input methods → ASCII."""
    return unicodedata.normalize("NFKC", value)


@lru_cache(maxsize=4096)
def _fold(value: str) -> str:
    """Compare codes and choices leniently: full-width forms, case, dashes, spaces."""
    return _nfkc(value).strip().lower().translate(_DASHES)


def _choice_lookup(choices: type[TextChoices]) -> dict[str, str]:
    """Each choice by its code and its label in every language, e.g. "<30", "Under 30",
    "30岁以下" → "<30". Age bands are also accepted without the trailing 岁."""
    lookup: dict[str, str] = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for code, label in choices.choices:
                for text in (str(code), str(label)):
                    lookup[_fold(text)] = code
                    lookup[_fold(text).removesuffix("岁")] = code
    return lookup


@lru_cache(maxsize=65536)
def _parse_date(text: str) -> date | None:
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


class RowChecker:
    """Checks one row at a time against lookups preloaded once per import."""

    def __init__(self, scope: DataScope | None, headers: dict[str, str]):
        self.units = {
            code: (pk, path) for pk, code, path in OrgUnit.objects.values_list("id", "code", "path")
        }
        self.positions = dict(Position.objects.values_list("code", "id"))
        self.scope = scope
        self.headers = headers
        self.choices = {"rank": _choice_lookup(Rank), "age_band": _choice_lookup(AgeBand)}
        self.allowed = {
            key: "、".join(str(label) for _code, label in choices.choices)
            for key, choices in (("rank", Rank), ("age_band", AgeBand))
        }
        self.seen: dict[str, int] = {}
        self.today = timezone.localdate()

    def label(self, key: str) -> str:
        return self.headers.get(key) or header_label(key)

    def in_scope(self, unit_path: str) -> bool:
        if self.scope is None or self.scope.everything:
            return True
        return any(unit_path.startswith(p) for p in self.scope.unit_paths)

    def check(self, raw: RawRow) -> tuple[dict | None, list[RowError]]:
        n = raw.number
        if raw.undecodable:
            return None, [
                RowError(
                    n,
                    "",
                    "undecodable_text",
                    _("This row is not valid text in the file's encoding (UTF-8 or GBK)."),
                )
            ]
        errors: list[RowError] = []

        def fail(key: str, code: str, reason: str) -> None:
            errors.append(RowError(n, self.label(key) if key else "", code, reason))

        if raw.extra_cells:
            fail(
                "",
                "extra_cells",
                _(
                    "This row has %(count)d non-empty cell(s) to the right of the last column: "
                    "is a comma inside a cell not quoted?"
                )
                % {"count": raw.extra_cells},
            )
        text = {key: cell_text(value) for key, value in raw.values.items()}
        for key in REQUIRED_COLUMNS:
            if not text.get(key):
                fail(key, "missing_field", _("This field is required."))
        clean: dict = {}

        emp = unicodedata.normalize("NFKC", text.get("employee_no", ""))  # unique: not cached
        if emp:
            if not EMPLOYEE_NO.match(emp):
                fail(
                    "employee_no",
                    "invalid_employee_no",
                    _("'%(value)s' is not an employee number: use 1–32 letters, digits, - or _.")
                    % {"value": emp[:40]},
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
        if len(name) > NAME_MAX:
            fail("display_name", "too_long", _("At most %(max)d characters.") % {"max": NAME_MAX})
        clean["display_name"] = name

        unit_code = _nfkc(text.get("unit_code", ""))
        if unit_code:
            unit = self.units.get(unit_code)
            if unit is None:
                fail(
                    "unit_code",
                    "unknown_unit",
                    _("No unit has the code %(code)s.") % {"code": unit_code},
                )
            elif not self.in_scope(unit[1]):
                fail(
                    "unit_code",
                    "out_of_scope",
                    _("Unit %(code)s is outside the units you are responsible for.")
                    % {"code": unit_code},
                )
            else:
                clean["unit_id"] = unit[0]

        position_code = _nfkc(text.get("position_code", ""))
        if position_code:
            if position_code not in self.positions:
                fail(
                    "position_code",
                    "unknown_position",
                    _("No position has the code %(code)s.") % {"code": position_code},
                )
            else:
                clean["position_id"] = self.positions[position_code]

        for key, code in (("rank", "invalid_rank"), ("age_band", "invalid_age_band")):
            if text.get(key):
                value = self.choices[key].get(_fold(text[key]))
                if value is None:
                    fail(
                        key,
                        code,
                        _("'%(value)s' is not an allowed value; use one of: %(allowed)s.")
                        % {"value": text[key][:40], "allowed": self.allowed[key]},
                    )
                clean[key] = value

        clean["joined_on"] = None
        if joined_text := _nfkc(text.get("joined_on", "")):
            joined = _parse_date(joined_text)
            if joined is None:
                fail(
                    "joined_on",
                    "invalid_date",
                    _("'%(value)s' is not a date (use YYYY-MM-DD).") % {"value": joined_text[:40]},
                )
            elif joined > self.today:
                fail("joined_on", "invalid_date", _("The joining date lies in the future."))
            clean["joined_on"] = joined

        clean["is_active"] = True
        if flag := _fold(text.get("is_active", "")):
            if flag in TRUE_WORDS:
                clean["is_active"] = True
            elif flag in FALSE_WORDS:
                clean["is_active"] = False
            else:
                fail("is_active", "invalid_flag", _("Use 是 or 否 (yes or no)."))
        return (None if errors else clean), errors


class _Writer:
    """Looks up one batch of valid rows in the database, then (unless told not to) writes it."""

    def __init__(self, report: RosterReport, checker: RowChecker, write: bool):
        self.report = report
        self.checker = checker
        self.write = write
        self.User = get_user_model()
        self.inserted = 0
        self.analyzed_at = 0

    def flush(self, batch: list[tuple[int, dict]]) -> None:
        if not batch:
            return
        report, checker = self.report, self.checker
        numbers = [row["employee_no"] for _n, row in batch]
        # (id, unit path, current values) per employee number: tuples, not model instances.
        existing = {
            no: (pk, path, values)
            for pk, no, path, *values in Cadre.objects.filter(
                employee_no__in=one_of(numbers)
            ).values_list("id", "employee_no", "unit__path", *CADRE_FIELDS)
        }
        new = [(n, row) for n, row in batch if row["employee_no"] not in existing]
        taken = set(
            self.User.objects.filter(
                username__in=one_of([row["employee_no"] for _n, row in new])
            ).values_list("username", flat=True)
        )
        label = checker.label("employee_no")
        for n, row in batch:
            no = row["employee_no"]
            if no in taken:
                report.errors.append(
                    RowError(
                        n,
                        label,
                        "employee_no_taken",
                        _("A login account named %(no)s exists and is not this cadre's.")
                        % {"no": no},
                    )
                )
            elif no in existing and not checker.in_scope(existing[no][1]):
                report.errors.append(
                    RowError(
                        n,
                        label,
                        "out_of_scope",
                        _("Employee %(no)s belongs to a unit you are not responsible for.")
                        % {"no": no},
                    )
                )
        changed: list[Cadre] = []
        for _n, row in batch:
            found = existing.get(row["employee_no"])
            if found is not None and list(found[2]) != [row[f] for f in CADRE_FIELDS]:
                changed.append(Cadre(id=found[0], **{f: row[f] for f in CADRE_FIELDS}))
        report.created += len(new)
        report.updated += len(changed)
        report.unchanged += len(batch) - len(new) - len(changed)
        if report.errors or not self.write:
            return  # a bad row anywhere means the whole import is rolled back: stop writing
        if new:
            usernames = [row["employee_no"] for _n, row in new]
            insert_rows(
                self.User, ["username", "password"], ((u, unusable_password()) for u in usernames)
            )
            user_ids = dict(
                self.User.objects.filter(username__in=one_of(usernames)).values_list(
                    "username", "id"
                )
            )
            insert_rows(
                Cadre,
                ["user_id", "employee_no", *CADRE_FIELDS],
                (
                    (
                        user_ids[row["employee_no"]],
                        row["employee_no"],
                        *(row[f] for f in CADRE_FIELDS),
                    )
                    for _n, row in new
                ),
            )
        if changed:
            Cadre.objects.bulk_update(changed, CADRE_FIELDS)
        self.inserted += len(new)
        self._refresh_statistics()

    def _refresh_statistics(self) -> None:
        """On PostgreSQL, ANALYZE the growing tables each time they have doubled in this import.

        The import is one transaction, so autovacuum never sees the new rows: the planner keeps
        believing the cadre and user tables are as small as before and answers each batch's
        ``IN (…)`` lookups with sequential scans of a table that grows batch by batch — time
        quadratic in the file's length. ANALYZE runs inside the transaction and costs a sample.
        """
        if connection.vendor != "postgresql" or self.inserted < max(2 * self.analyzed_at, 5000):
            return
        with connection.cursor() as cursor:
            for model in (Cadre, self.User):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        self.analyzed_at = self.inserted


def import_roster(
    path: Path,
    *,
    dry_run: bool = False,
    actor: AbstractBaseUser | None = None,
    progress: Progress | None = None,
    batch_size: int = 2000,
) -> RosterReport:
    """Validate every row of a roster file and upsert the cadres by employee number.

    All or nothing: if any row is bad, nothing is written and every bad row is reported with
    its row number, column and reason. Re-importing the same file changes nothing. ``actor``
    (when given) may only import into, and only change cadres of, units within their data
    scope; without one (the management command) the import is unrestricted.
    """
    report = RosterReport(file=Path(path).name, dry_run=dry_run)
    try:
        source = open_roster(Path(path))
    except (RosterFileError, OSError) as exc:
        report.errors.append(RowError(1, "", "unreadable_file", str(exc)))
        return report
    report.format, report.encoding = source.format, source.encoding
    report.ignored_columns = source.ignored_columns
    checker = RowChecker(scope_for(actor) if actor is not None else None, source.headers)
    writer = _Writer(report, checker, write=not dry_run)
    try:
        # A dry run writes nothing, so it opens no transaction (on SQLite that would hold the
        # write lock for the whole validation); the real import is one transaction.
        with nullcontext() if dry_run else transaction.atomic():
            _run(source, checker, writer, report, progress, batch_size)
            if not dry_run:
                if report.errors:
                    transaction.set_rollback(True)
                else:
                    report.written = True
    except RosterFileError as exc:
        report.errors.append(RowError(report.rows + 1, "", "unreadable_file", str(exc)))
    except IntegrityError:
        report.errors.append(
            RowError(
                0,
                "",
                "concurrent_change",
                _("Another change to the same cadres happened meanwhile; run the import again."),
            )
        )
    if report.errors:
        report.created = report.updated = report.unchanged = 0
        report.written = False
    if progress:
        progress(report.rows, report.rows)
    return report


def _run(source, checker, writer, report, progress, batch_size) -> None:
    batch: list[tuple[int, dict]] = []
    for raw in source.rows:
        report.rows += 1
        clean, errors = checker.check(raw)
        report.errors.extend(errors)
        if clean is not None:
            batch.append((raw.number, clean))
            if len(batch) >= batch_size:
                writer.flush(batch)
                batch = []
        if progress and report.rows % batch_size == 0:
            progress(report.rows, source.estimated_rows)
    writer.flush(batch)
    if report.rows == 0:
        report.errors.append(
            RowError(1, "", "empty_file", _("The file has a header row but no person rows."))
        )
