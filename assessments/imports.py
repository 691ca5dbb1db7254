"""Importing a question file into a bank: all or nothing, with a report.

The file is parsed first (nothing written); every record is then checked; only when there is no
error at all are the items written, in one transaction. A dry run does everything but write.
The report has the shape of REPORT.json: ``{"imported", "skipped", "errors"}``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from . import content as c
from .importers import excel, gift, moodle_xml, qti
from .importers.base import ImportFileError, ParseResult, Problem, Skipped
from .models import ItemSource
from .services import ItemContentError, competencies_by_code, get_bank, write_record

PARSERS: dict[str, Callable[[bytes, str], ParseResult]] = {
    "moodle-xml": moodle_xml.parse,
    "gift": gift.parse,
    "qti": qti.parse,
    "excel": excel.parse,
}
SOURCES = {
    "moodle-xml": ItemSource.MOODLE_XML,
    "gift": ItemSource.GIFT,
    "qti": ItemSource.QTI,
    "excel": ItemSource.EXCEL,
}


@dataclass
class ImportReport:
    imported: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    dry_run: bool = False
    # For the admin's preview: one row per question that would be imported.
    preview: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "skipped": [asdict(s) for s in self.skipped],
            "errors": [asdict(e) for e in self.errors],
        }


def parse_file(data: bytes, fmt: str, filename: str = "") -> ParseResult:
    if fmt not in PARSERS:
        raise ImportFileError("format", _("unknown format %(fmt)s") % {"fmt": fmt})
    return PARSERS[fmt](data, filename)


def import_questions(
    data: bytes,
    fmt: str,
    *,
    bank_name: str,
    competency_code: str = "",
    dry_run: bool = False,
    user: AbstractBaseUser | None = None,
    filename: str = "",
) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    try:
        parsed = parse_file(data, fmt, filename)
    except ImportFileError as exc:
        report.errors.append(Problem(exc.where, exc.reason))
        return report
    report.skipped, report.errors = parsed.skipped, list(parsed.errors)
    extra = []
    if competency_code:
        extra = list(competencies_by_code([competency_code]).values())
        if not extra:
            report.errors.append(
                Problem(
                    "--competency",
                    _("no competency has the code %(code)s") % {"code": competency_code},
                )
            )
    codes = {code for r in parsed.records for code in r.competency_codes}
    known = competencies_by_code(codes)
    for record in parsed.records:
        problems = c.validate_content(record.content)
        unknown = sorted(set(record.competency_codes) - set(known))
        if unknown:
            problems.append(
                _("unknown competency code(s): %(codes)s") % {"codes": ", ".join(unknown)}
            )
        report.errors += [Problem(record.where, p) for p in problems]
        report.preview.append(
            {
                "name": record.name,
                "type": record.content["type"],
                "category": record.category_path,
                "where": record.where,
                "content": record.content,
            }
        )
    if report.errors:
        return report
    if dry_run:
        report.imported = len(parsed.records)
        return report
    try:
        with transaction.atomic():
            bank = get_bank(bank_name)
            for record in parsed.records:
                try:
                    write_record(
                        record, bank, source=SOURCES[fmt], user=user, extra_competencies=extra
                    )
                except ItemContentError as exc:
                    report.errors += [Problem(record.where, m) for m in exc.messages]
            if report.errors:
                raise _Rollback
    except _Rollback:
        return report
    report.imported = len(parsed.records)
    return report


class _Rollback(Exception):
    pass
