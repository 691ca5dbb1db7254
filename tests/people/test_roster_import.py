"""The roster import: good files in every supported encoding and format, every kind of bad row
(reported with row, column and code, nothing written), re-import as a no-op, and the scope."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import translation

from people.models import AgeBand, Cadre, Rank
from people.roster_import import import_roster
from tests import factories

from .conftest import HEADER, person

pytestmark = pytest.mark.django_db


def _snapshot():
    """Everything an import could change, to prove a failed one changed nothing."""
    return (
        sorted(Cadre.objects.values_list(*[f.attname for f in Cadre._meta.concrete_fields])),
        sorted(get_user_model().objects.values_list("id", "username")),
    )


def test_good_file_creates_every_cadre_with_every_field(world, write_csv):
    path = write_csv(
        [
            person(world, "R0001", "王一", joined_on="2018/3/5"),
            person(world, "R0002", "王二", unit=world.unit_a, rank="副科级", age_band="<30"),
            person(
                world, "R0003", "王三", rank="Section level", age_band="50岁及以上", is_active="否"
            ),
        ]
    )

    report = import_roster(path)

    assert report.ok, report.errors
    assert (report.rows, report.created, report.updated, report.unchanged) == (3, 3, 0, 0)
    assert report.written and report.format == "csv" and report.encoding == "utf-8"
    one, two, three = Cadre.objects.filter(employee_no__startswith="R").order_by("employee_no")
    assert (one.display_name, one.unit, one.position) == ("王一", world.unit_a, world.position)
    assert (one.rank, one.age_band, one.joined_on, one.is_active) == (
        Rank.CLERK,
        AgeBand.FROM_30,
        date(2018, 3, 5),
        True,
    )
    assert (two.rank, two.age_band) == (Rank.DEPUTY_SECTION, AgeBand.UNDER_30)
    assert (three.rank, three.age_band, three.is_active) == (Rank.SECTION, AgeBand.FROM_50, False)
    assert one.user.username == "R0001" and not one.user.has_usable_password()


def test_reimporting_the_same_file_changes_nothing(world, write_csv):
    path = write_csv([person(world, f"S{i:03d}", f"干部{i}") for i in range(30)])
    assert import_roster(path).created == 30
    before = _snapshot()

    again = import_roster(path)

    assert again.ok and again.written
    assert (again.created, again.updated, again.unchanged) == (0, 0, 30)
    assert _snapshot() == before


def test_a_changed_row_updates_that_cadre_only(world, write_csv):
    import_roster(write_csv([person(world, "U001", "甲"), person(world, "U002", "乙")]))
    report = import_roster(
        write_csv([person(world, "U001", "甲"), person(world, "U002", "乙改名", rank="正科级")])
    )
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    changed = Cadre.objects.get(employee_no="U002")
    assert (changed.display_name, changed.rank) == ("乙改名", Rank.SECTION)


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030")],
)
def test_csv_encodings(world, write_csv, encoding, expected):
    path = write_csv([person(world, "E001", "欧阳娜娜", rank="正科级")], encoding=encoding)

    report = import_roster(path)

    assert report.ok, report.errors
    assert report.encoding == expected
    assert Cadre.objects.get(employee_no="E001").display_name == "欧阳娜娜"


def test_gbk_file_with_a_few_accidental_utf8_lines_is_still_read_as_gbk(world, write_csv):
    # Short GBK byte sequences can happen to be valid UTF-8; the majority of lines decides.
    rows = [person(world, f"G{i:03d}", "张伟") for i in range(20)]
    path = write_csv(rows, encoding="gbk")
    assert import_roster(path).ok
    assert set(
        Cadre.objects.filter(employee_no__startswith="G").values_list("display_name", flat=True)
    ) == {"张伟"}


def test_xlsx_with_excel_types(world, write_xlsx):
    """Numbers typed into Excel come back as floats, dates as datetimes: both are understood."""
    path = write_xlsx(
        [
            [
                10023,
                "李四",
                world.unit_a.code,
                world.position.code,
                "科员及以下",
                "<30",
                datetime(2021, 9, 1),
                True,
            ],
            ["X-2", "赵五", world.unit_a.code, world.position.code, "clerk", "40-49", None, None],
        ],
        before_sheets=[("说明", [["这一页是说明，不是花名册"]])],
    )

    report = import_roster(path)

    assert report.ok, report.errors
    assert report.format == "xlsx"
    li = Cadre.objects.get(employee_no="10023")
    assert (li.display_name, li.joined_on, li.age_band) == (
        "李四",
        date(2021, 9, 1),
        AgeBand.UNDER_30,
    )
    assert Cadre.objects.get(employee_no="X-2").age_band == AgeBand.FROM_40


def test_english_headers_and_decorated_headers_are_recognised(world, write_csv):
    header = ["Employee number", "姓名*", "单位代码（必填）", "position_code", "rank", "age band"]
    path = write_csv([person(world, "H001")[:6]], header=header)
    report = import_roster(path)
    assert report.ok, report.errors
    assert report.created == 1


def test_unknown_columns_are_ignored_and_reported(world, write_csv):
    path = write_csv([[*person(world, "I001"), "备注文字"]], header=[*HEADER, "备注"])
    report = import_roster(path)
    assert report.ok and report.ignored_columns == ["备注"]


def test_row_numbers_are_spreadsheet_rows(world, tmp_path):
    """Blank rows still count and a quoted cell spanning two lines is one row, as in Excel."""
    good = ",".join(person(world, "N001"))
    quoted = ",".join(person(world, "N002", '"两行\n名字"'))
    bad = ",".join(person(world, "N003", unit_code="NOPE"))
    path = tmp_path / "r.csv"
    path.write_text("\n".join([",".join(HEADER), good, "", quoted, bad]) + "\n", encoding="utf-8")

    report = import_roster(path)

    assert [(e.row, e.code) for e in report.errors] == [(5, "unknown_unit")]


# --- Every kind of bad row ------------------------------------------------------------------------


def _long_name(world):
    return [person(world, "L001", "名" * 65)]


def _taken(world):
    factories.user("T0001")
    return [person(world, "T0001")]


BAD_ROWS = {
    # kind: (rows builder, (row, column, code) expected)
    "missing field": (lambda w: [person(w, "M001", "")], (2, "姓名", "missing_field")),
    "missing unit": (lambda w: [person(w, "M002", unit_code="")], (2, "单位代码", "missing_field")),
    "bad employee number": (lambda w: [person(w, "工号 1")], (2, "工号", "invalid_employee_no")),
    "duplicate employee number": (
        lambda w: [person(w, "D001"), person(w, "D002"), person(w, "D001", "重复")],
        (4, "工号", "duplicate_employee_no"),
    ),
    "login name taken": (_taken, (2, "工号", "employee_no_taken")),
    "name too long": (_long_name, (2, "姓名", "too_long")),
    "unknown unit": (
        lambda w: [person(w, "K001", unit_code="NO-SUCH")],
        (2, "单位代码", "unknown_unit"),
    ),
    "unknown position": (
        lambda w: [person(w, "K002", position_code="NO-SUCH")],
        (2, "岗位代码", "unknown_position"),
    ),
    "invalid rank (level)": (
        lambda w: [person(w, "K003", rank="大官")],
        (2, "职级", "invalid_rank"),
    ),
    "invalid age band": (
        lambda w: [person(w, "K004", age_band="25")],
        (2, "年龄段", "invalid_age_band"),
    ),
    "invalid date": (
        lambda w: [person(w, "K005", joined_on="2020-02-30")],
        (2, "入职日期", "invalid_date"),
    ),
    "future date": (
        lambda w: [person(w, "K006", joined_on="2999-01-01")],
        (2, "入职日期", "invalid_date"),
    ),
    "invalid flag": (lambda w: [person(w, "K007", is_active="也许")], (2, "在职", "invalid_flag")),
    "unquoted comma": (
        lambda w: [person(w, "K008", "张,三")],
        (2, "", "extra_cells"),
    ),
}


@pytest.mark.parametrize("kind", list(BAD_ROWS))
def test_each_bad_row_kind_is_reported_and_nothing_is_written(world, write_csv, kind):
    build, expected = BAD_ROWS[kind]
    rows = [person(world, "OK0001", "好行"), *build(world)]  # a good row first: it must not land
    path = write_csv(rows)
    # the good row shifts every bad row down by one
    expected = (expected[0] + 1, *expected[1:])
    before = _snapshot()

    report = import_roster(path)

    assert expected in [(e.row, e.column, e.code) for e in report.errors], report.errors
    assert all(e.reason for e in report.errors)
    assert not report.written and report.created == 0
    assert _snapshot() == before


def test_undecodable_row_in_a_utf8_file(world, tmp_path):
    lines = [
        ",".join(HEADER).encode(),
        *(",".join(person(world, f"V{i}", "好人")).encode() for i in range(5)),
    ]
    lines.insert(3, ",".join(person(world, "V9", "坏人")).encode("gbk"))
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    before = _snapshot()

    report = import_roster(path)

    assert [(e.row, e.code) for e in report.errors] == [(4, "undecodable_text")]
    assert _snapshot() == before


def test_every_bad_row_is_reported_not_just_the_first(world, write_csv):
    rows = [person(world, f"B{i:03d}", unit_code="NOPE") for i in range(2500)]  # > one batch
    report = import_roster(write_csv(rows))
    assert len(report.errors) == 2500
    assert [e.row for e in report.errors[:3]] == [2, 3, 4]
    assert not Cadre.objects.filter(employee_no__startswith="B").exists()


@pytest.mark.parametrize(
    ("content", "suffix", "fragment"),
    [
        (b"", ".csv", "empty"),
        ("姓名,单位代码\n张三,X\n".encode(), ".csv", "工号"),
        ("工号,工号,姓名,单位代码,岗位代码,职级,年龄段\n".encode(), ".csv", "twice"),
        ("\ufeff工号,姓名".encode("utf-16"), ".csv", "UTF-16"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls", ".xls"),
        (b"PK\x03\x04 this is no workbook", ".xlsx", "XLSX"),
        (
            '工号,姓名,单位代码,岗位代码,职级,年龄段\nA,"unclosed'.encode() + b"x" * 140_000,
            ".csv",
            "CSV",
        ),
    ],
    ids=[
        "empty",
        "missing columns",
        "duplicate column",
        "utf-16",
        "old xls",
        "broken xlsx",
        "runaway quote",
    ],
)
def test_unreadable_files_are_refused_as_a_whole(db, tmp_path, content, suffix, fragment):
    path = tmp_path / f"roster{suffix}"
    path.write_bytes(content)
    with translation.override("en"):
        report = import_roster(path)
    assert not report.ok
    assert report.errors[0].code == "unreadable_file"
    assert fragment in report.errors[0].reason


def test_header_only_file_is_an_error(db, write_csv):
    report = import_roster(write_csv([]))
    assert [e.code for e in report.errors] == ["empty_file"]


def test_dry_run_counts_but_writes_nothing(world, write_csv):
    import_roster(write_csv([person(world, "Y001")]))
    before = _snapshot()
    report = import_roster(
        write_csv([person(world, "Y001", "改名"), person(world, "Y002")]), dry_run=True
    )
    assert (report.created, report.updated, report.written) == (1, 1, False)
    assert _snapshot() == before


def test_progress_is_reported_in_batches(world, write_csv):
    calls = []
    import_roster(
        write_csv([person(world, f"P{i:04d}") for i in range(250)]),
        progress=lambda done, total: calls.append((done, total)),
        batch_size=100,
    )
    assert calls == [(100, 250), (200, 250), (250, 250)]


# --- Scope: HR imports only into their units ------------------------------------------------------


def test_hr_cannot_import_into_a_unit_outside_their_scope(world, write_csv):
    before = _snapshot()
    report = import_roster(
        write_csv([person(world, "Z001"), person(world, "Z002", unit=world.unit_b)]),
        actor=world.hr_a,
    )
    assert [(e.row, e.column, e.code) for e in report.errors] == [(3, "单位代码", "out_of_scope")]
    assert _snapshot() == before


def test_hr_cannot_take_over_a_cadre_of_another_unit(world, write_csv):
    """Re-using B's cadre's employee number with a unit in A would move that person into A."""
    report = import_roster(
        write_csv([person(world, world.cadre_b.employee_no, "冒名")]), actor=world.hr_a
    )
    assert [(e.column, e.code) for e in report.errors] == [("工号", "out_of_scope")]
    world.cadre_b.refresh_from_db()
    assert world.cadre_b.unit == world.unit_b and world.cadre_b.display_name != "冒名"


def test_hr_imports_into_their_own_scope(world, write_csv):
    report = import_roster(write_csv([person(world, "Z100")]), actor=world.hr_a)
    assert report.ok and report.created == 1


# --- The command ----------------------------------------------------------------------------------


def test_command_exit_code_and_report(world, write_csv, tmp_path):
    path = write_csv([person(world, "C001"), person(world, "C002", rank="??")])
    report_file = tmp_path / "report.json"

    with pytest.raises(SystemExit) as exit_info:
        call_command("import_roster", str(path), "--report", str(report_file))

    assert exit_info.value.code == 1
    data = json.loads(report_file.read_text(encoding="utf-8"))
    assert data["error_count"] == 1 and data["errors"][0]["code"] == "invalid_rank"
    assert data["errors"][0]["row"] == 3 and data["errors"][0]["column"] == "职级"
    assert not Cadre.objects.filter(employee_no__startswith="C00").exists()


def test_command_dry_run_then_import(world, write_csv, capsys):
    path = write_csv([person(world, "C101")])
    call_command("import_roster", str(path), "--dry-run")
    assert "dry run, nothing written" in capsys.readouterr().out
    assert not Cadre.objects.filter(employee_no="C101").exists()
    call_command("import_roster", str(path))
    assert Cadre.objects.filter(employee_no="C101").exists()


def test_command_exits_1_in_a_real_process(tmp_path):
    """The exit code a shell script sees (not just SystemExit inside pytest)."""
    path = tmp_path / "bad.csv"
    path.write_text("姓名\n张三\n", encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "SHUZHI_VAR_DIR": str(tmp_path / "var")}
    manage = Path(settings.BASE_DIR) / "manage.py"
    result = subprocess.run(
        [sys.executable, str(manage), "import_roster", str(path)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "unreadable_file" in result.stderr and "nothing written" in result.stdout


# --- The template imports as it is ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_downloaded_template_imports(world, client, tmp_path, fmt):
    client.force_login(world.hr_a)
    response = client.get(f"/people/roster-template.{fmt}")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    path = tmp_path / f"template.{fmt}"
    path.write_bytes(content)

    report = import_roster(path, actor=world.hr_a)

    assert report.ok, report.errors
    assert report.created == 1
    assert Cadre.objects.get(employee_no="X00001").unit == world.unit_a


def test_xlsx_template_explains_columns_and_lists_valid_values(world, client, tmp_path):
    from openpyxl import load_workbook

    client.force_login(world.hr_a)
    response = client.get("/people/roster-template.xlsx")
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    workbook = load_workbook(path, read_only=True)
    assert [ws.title for ws in workbook.worksheets][:2] == ["花名册 Roster", "说明 Instructions"]
    text = "\n".join(
        str(c)
        for ws in workbook.worksheets[1:]
        for row in ws.iter_rows(values_only=True)
        for c in row
    )
    for expected in ("工号", "科员及以下", "30岁以下", world.unit_a.code, world.position.code):
        assert expected in text
    assert world.unit_b.code not in text  # HR of A is offered only A's units
