"""The downloadable roster template: a CSV, or an XLSX whose extra sheets explain every column
and list the valid values (the ranks and age bands, and the units and positions the viewer may
import into), so HR can fill it in without asking anyone."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from tempfile import SpooledTemporaryFile

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _

from .models import AdminLevel, AgeBand, Position, Rank
from .roster_files import COLUMNS, REQUIRED_COLUMNS, TEMPLATE_HEADERS
from .selectors import visible_units

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _column_help() -> dict[str, str]:
    return {
        "employee_no": _(
            "Unique per person; becomes the login name. 1–32 letters, digits, - or _. "
            "Rows are matched on it: importing the same number again updates that person."
        ),
        "display_name": _("The person's name, at most 64 characters."),
        "unit_code": _("Code of the unit the person works in (see the Units sheet)."),
        "position_code": _("Code of the person's position (see the Positions sheet)."),
        "rank": _("One of the ranks listed below (the Chinese or English name, or the code)."),
        "age_band": _("One of the age bands listed below."),
        "joined_on": _("Optional. A date such as 2020-09-01, 2020/9/1 or 2020年9月1日."),
        "is_active": _("Optional; empty means yes. 是/否, yes/no or 1/0."),
    }


def example_row(viewer: AbstractBaseUser | AnonymousUser) -> list[str]:
    """One filled-in row, using a unit and a position that exist and that the viewer may use."""
    unit = visible_units(viewer).filter(level=AdminLevel.TOWNSHIP).last() or (
        visible_units(viewer).last()
    )
    positions = Position.objects.order_by("code")
    position = (unit and positions.filter(level=unit.level).first()) or positions.first()
    return [
        "X00001",
        "张三",
        unit.code if unit else "500108001",
        position.code if position else "TS-DATA-OFFICER",
        str(Rank.CLERK.label),
        str(AgeBand.FROM_30.label),
        "2020-09-01",
        "是",
    ]


def _instructions(viewer) -> Iterator[list[str]]:
    help_text = _column_help()
    yield [_("Column"), _("Required"), _("What to enter")]
    for key, names in COLUMNS.items():
        also = "、".join(names[1:])
        yield [
            f"{names[0]} ({also})",
            _("yes") if key in REQUIRED_COLUMNS else _("no"),
            help_text[key],
        ]
    yield []
    yield [
        _("Rules"),
        "",
        _(
            "The first row is the header. CSV files may be UTF-8 (with or without BOM) or GBK. "
            "All or nothing: if any row has a problem, nothing is imported and every problem is "
            "listed with its row number and column."
        ),
    ]
    yield []
    yield [_("Rank"), _("code"), ""]
    for code, label in Rank.choices:
        yield [str(label), code, ""]
    yield []
    yield [_("Age band"), _("code"), ""]
    for code, label in AgeBand.choices:
        yield [str(label), code, ""]


def template_xlsx(viewer: AbstractBaseUser | AnonymousUser) -> FileResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    roster = workbook.active
    roster.title = "花名册 Roster"
    roster.append(TEMPLATE_HEADERS)
    roster.append(example_row(viewer))
    for cell in roster[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFGH", (12, 10, 16, 20, 14, 12, 12, 8), strict=True):
        roster.column_dimensions[column].width = width
    roster.freeze_panes = "A2"

    sheets = [
        ("说明 Instructions", _instructions(viewer), (28, 10, 90)),
        (
            "单位 Units",
            [
                [_("unit code"), _("name (Chinese)"), _("name (English)"), _("level")],
                *(
                    [u.code, u.name_zh, u.name_en, u.get_level_display()]
                    for u in visible_units(viewer).iterator()
                ),
            ],
            (16, 36, 44, 12),
        ),
        (
            "岗位 Positions",
            [
                [_("position code"), _("name (Chinese)"), _("name (English)")],
                *([p.code, p.name_zh, p.name_en] for p in Position.objects.order_by("code")),
            ],
            (22, 30, 44),
        ),
    ]
    for title, rows, widths in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for index, width in enumerate(widths):
            sheet.column_dimensions[chr(ord("A") + index)].width = width

    buffer = SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    workbook.save(buffer)
    buffer.seek(0)
    return FileResponse(
        buffer, as_attachment=True, filename="roster-template.xlsx", content_type=XLSX_TYPE
    )


def template_csv(viewer: AbstractBaseUser | AnonymousUser) -> HttpResponse:
    out = io.StringIO()
    out.write("\ufeff")  # so Excel opens the UTF-8 Chinese header correctly
    writer = csv.writer(out)
    writer.writerow(TEMPLATE_HEADERS)
    writer.writerow(example_row(viewer))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="roster-template.csv"'
    return response
