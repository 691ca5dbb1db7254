"""Roster files for the import tests, written the way real offices produce them."""

from __future__ import annotations

from pathlib import Path

import pytest

HEADER = ["工号", "姓名", "单位代码", "岗位代码", "职级", "年龄段", "入职日期", "在职"]


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8", header=HEADER) -> bytes:
    lines = [",".join(header), *(",".join(row) for row in rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def person(world, no: str, name: str = "测试干部", unit=None, **overrides) -> list[str]:
    """A valid roster row for the world fixture; override any column by its key."""
    row = {
        "employee_no": no,
        "display_name": name,
        "unit_code": (unit or world.unit_a).code,
        "position_code": world.position.code,
        "rank": "科员及以下",
        "age_band": "30–39岁",
        "joined_on": "2019-07-01",
        "is_active": "是",
    }
    row.update(overrides)
    return list(row.values())


@pytest.fixture
def write_csv(tmp_path):
    def write(rows, *, encoding="utf-8", header=HEADER, name="roster.csv") -> Path:
        path = tmp_path / name
        path.write_bytes(csv_bytes(rows, encoding, header))
        return path

    return write


@pytest.fixture
def write_xlsx(tmp_path):
    def write(rows, *, header=HEADER, name="roster.xlsx", before_sheets=()) -> Path:
        from openpyxl import Workbook

        workbook = Workbook()
        first = workbook.active
        for title, content in before_sheets:
            first.title = title
            for row in content:
                first.append(row)
            first = workbook.create_sheet()
        first.title = "花名册"
        first.append(header)
        for row in rows:
            first.append(row)
        path = tmp_path / name
        workbook.save(path)
        return path

    return write
