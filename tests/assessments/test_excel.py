"""The Excel question template (题库导入模板) importer."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assessments import scoring
from assessments.importers.excel import TEMPLATE_EXAMPLE, TEMPLATE_HEADERS
from assessments.imports import import_questions
from assessments.models import Item

pytestmark = pytest.mark.django_db


def _xlsx(rows, headers=TEMPLATE_HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_template_example_imports_and_scores(framework):
    report = import_questions(_xlsx(TEMPLATE_EXAMPLE), "excel", bank_name="模板")
    assert report.ok, report.errors
    assert report.imported == 4
    items = {i.type: i for i in Item.objects.all()}
    single = items["single_choice"].current_version
    assert scoring.score(single, "B").correct
    multiple = items["multiple_response"].current_version
    assert scoring.score(multiple, ["A", "B"]).credit == pytest.approx(2 / 3)
    assert items["multiple_response"].competency_codes == "D2.3, D6.4"
    assert items["multiple_response"].target_level == 3
    assert scoring.score(items["true_false"].current_version, "T").correct
    short = items["short_answer"].current_version
    assert scoring.score(short, "ｐｉｐｌ").correct and scoring.score(short, "个保法").correct


def test_rows_are_reported_by_excel_row_number_and_nothing_is_written(framework):
    rows = [
        TEMPLATE_EXAMPLE[0],
        ["单选题", "题干", "甲", "乙", "", "", "", "", "C", "", 1, "D2.3", "", "", "", ""],
        ["判断题", "题干", "", "", "", "", "", "", "也许", "", 1, "D2.3", "", "", "", ""],
        ["简答题", "谈谈你的看法", "", "", "", "", "", "", "略", "", 1, "D2.3", "", "", "", ""],
        ["排版题", "题干", "", "", "", "", "", "", "A", "", 1, "D2.3", "", "", "", ""],
        [
            "数值题",
            "5 的一半？",
            "",
            "",
            "",
            "",
            "",
            "",
            "2.5±0.1 个",
            "",
            1,
            "D9.9",
            "",
            "",
            "",
            "",
        ],
    ]
    report = import_questions(_xlsx(rows), "excel", bank_name="坏模板")
    assert [e.where for e in report.errors] == ["row 3", "row 4", "row 6", "row 7"]
    assert "names no option" in report.errors[0].reason
    assert "正确 or 错误" in report.errors[1].reason
    assert "unknown question type '排版题'" in report.errors[2].reason
    assert "D9.9" in report.errors[3].reason
    assert [(s.type, s.name) for s in report.skipped] == [("简答题", "谈谈你的看法")]
    assert not Item.objects.exists()


def test_a_file_without_the_required_columns_is_refused(framework):
    report = import_questions(_xlsx([["x"]], headers=["名称"]), "excel", bank_name="x")
    assert report.errors[0].where == "row 1"
    assert "题型" in report.errors[0].reason
    not_excel = import_questions(b"not a workbook", "excel", bank_name="x")
    assert not_excel.errors[0].reason.startswith("not a readable .xlsx workbook")


def test_trainers_download_the_template(client, world):
    client.force_login(world.trainer)
    response = client.get(reverse("question_files:excel_template"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [cell.value for cell in sheet[1]] == TEMPLATE_HEADERS
