"""The psychometricians' command-line tools, end to end on temporary files.

Bad input must fail with a clear message, exit status 1 and no output file — and must not touch
an output file that already exists.
"""

import csv
import json
from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from assessments.psychometrics.irt import calibrate, score

from .lsat import ITEMS, LSAT7_COUNTS, expand
from .test_ctt import MARKS


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def run(command, **options):
    out, err = StringIO(), StringIO()
    call_command(command, stdout=out, stderr=err, **options)
    lines = out.getvalue().strip().splitlines()
    return lines, json.loads(lines[-1]), err.getvalue()


def fails(command, message, out_path, **options):
    with pytest.raises(CommandError, match=message) as caught:
        call_command(command, stdout=StringIO(), stderr=StringIO(), **options)
    assert caught.value.returncode == 1
    assert not out_path.exists()


@pytest.fixture
def lsat7_csv(tmp_path):
    data = expand(LSAT7_COUNTS).astype(int)
    rows = [[f"p{i + 1}", *row] for i, row in enumerate(data)]
    return write_csv(tmp_path / "lsat7.csv", ["id", *ITEMS], rows)


def test_calibrate_items_2pl_writes_parameters_in_input_order(tmp_path, lsat7_csv):
    out = tmp_path / "params.csv"
    lines, summary, _ = run("calibrate_items", responses=str(lsat7_csv), model="2pl", out=str(out))
    rows = read_csv(out)
    assert list(rows[0]) == ["item", "a", "d", "b", "se_a", "se_d"]
    assert [r["item"] for r in rows] == list(ITEMS)
    expected = calibrate(expand(LSAT7_COUNTS), ITEMS, "2pl")
    np.testing.assert_allclose([float(r["a"]) for r in rows], expected.params.a, rtol=1e-8)
    np.testing.assert_allclose([float(r["se_d"]) for r in rows], expected.se_d[:, 0], rtol=1e-8)
    np.testing.assert_allclose([float(r["b"]) for r in rows], expected.params.b[:, 0], rtol=1e-8)
    assert summary["model"] == "2pl" and summary["converged"] is True
    assert summary["loglik"] == pytest.approx(-2658.805, abs=0.01)
    assert summary["iterations"] == expected.iterations
    assert "latent_variance" not in summary
    assert "Calibrated 5 items" in lines[0]


def test_calibrate_items_1pl_and_rasch(tmp_path, lsat7_csv):
    out = tmp_path / "one.csv"
    run("calibrate_items", responses=str(lsat7_csv), model="1pl", out=str(out))
    rows = read_csv(out)
    assert len({r["a"] for r in rows}) == 1 and len({r["se_a"] for r in rows}) == 1
    out = tmp_path / "rasch.csv"
    _, summary, _ = run("calibrate_items", responses=str(lsat7_csv), model="rasch", out=str(out))
    rows = read_csv(out)
    assert all(float(r["a"]) == 1.0 and r["se_a"] == "" for r in rows)
    assert summary["latent_variance"] > 0 and summary["se_latent_variance"] > 0


def test_weight_column_counts_people(tmp_path):
    data = expand(LSAT7_COUNTS).astype(int)
    path = write_csv(tmp_path / "w.csv", [*ITEMS, "weight"], [[*row, 2] for row in data])
    _, summary, _ = run(
        "calibrate_items", responses=str(path), model="2pl", out=str(tmp_path / "p.csv")
    )
    assert summary["n"] == 2000
    assert summary["loglik"] == pytest.approx(2 * -2658.805, abs=0.02)


def test_graded_calibration_round_trips_into_scoring(tmp_path):
    rng = np.random.default_rng(0)
    data = rng.integers(0, 3, size=(300, 4))
    data[:, 1] = np.minimum(data[:, 0] + rng.integers(0, 2, 300), 2)
    responses = write_csv(tmp_path / "r.csv", ["s1", "s2", "s3", "s4"], data.tolist())
    params = tmp_path / "grm.csv"
    run("calibrate_items", responses=str(responses), model="grm", quadrature=41, out=str(params))
    header = list(read_csv(params)[0])
    assert header == ["item", "a", "d1", "d2", "b1", "b2", "se_a", "se_d1", "se_d2"]
    scores = tmp_path / "scores.csv"
    _, summary, _ = run(
        "score_responses",
        params=str(params),
        responses=str(responses),
        method="eap",
        out=str(scores),
    )
    rows = read_csv(scores)
    assert [r["id"] for r in rows[:3]] == ["1", "2", "3"]  # 1-based row numbers without ids
    assert summary["n"] == 300 and summary["unscored"] == 0


@pytest.mark.parametrize("method", ["eap", "map", "wle"])
def test_score_responses_matches_the_library(tmp_path, lsat7_csv, method):
    params = tmp_path / "params.csv"
    run("calibrate_items", responses=str(lsat7_csv), model="2pl", out=str(params))
    out = tmp_path / "scores.csv"
    run(
        "score_responses", params=str(params), responses=str(lsat7_csv), method=method, out=str(out)
    )
    rows = read_csv(out)
    assert list(rows[0]) == ["id", "theta", "se"]
    assert rows[0]["id"] == "p1" and len(rows) == 1000
    expected = score(
        expand(LSAT7_COUNTS), calibrate(expand(LSAT7_COUNTS), ITEMS, "2pl").params, method
    )
    np.testing.assert_allclose([float(r["theta"]) for r in rows], expected.theta, atol=1e-8)
    np.testing.assert_allclose([float(r["se"]) for r in rows], expected.se, atol=1e-8)


def test_score_responses_with_some_items_left_out_and_a_prior(tmp_path, lsat7_csv):
    params = tmp_path / "params.csv"
    run("calibrate_items", responses=str(lsat7_csv), model="2pl", out=str(params))
    partial = write_csv(tmp_path / "partial.csv", ["Item.3", "Item.1"], [[1, 0], ["", ""]])
    out = tmp_path / "scores.csv"
    run(
        "score_responses",
        params=str(params),
        responses=str(partial),
        method="eap",
        prior_mean=0.5,
        out=str(out),
    )
    rows = read_csv(out)
    assert float(rows[1]["theta"]) == pytest.approx(0.5, abs=1e-6)  # nothing seen: the prior
    assert float(rows[0]["theta"]) != pytest.approx(0.5, abs=1e-3)


def test_item_statistics_reports_moodle_units_and_the_test_summary(tmp_path):
    marks = write_csv(
        tmp_path / "marks.csv",
        ["id", "q1", "q2", "q3"],
        [[f"a{i}", *r] for i, r in enumerate(MARKS.tolist())],
    )
    out = tmp_path / "items.csv"
    lines, summary, _ = run("item_statistics", marks=str(marks), out=str(out))
    rows = read_csv(out)
    assert list(rows[0]) == [
        "slot",
        "facility",
        "sd",
        "discriminationindex",
        "discriminativeefficiency",
        "effectiveweight",
    ]
    assert [r["slot"] for r in rows] == ["q1", "q2", "q3"]
    assert float(rows[0]["facility"]) == pytest.approx(2 / 3)
    assert float(rows[0]["discriminationindex"]) == pytest.approx(5 * np.sqrt(75))
    assert float(rows[2]["discriminativeefficiency"]) == pytest.approx(100)
    assert set(summary) == {
        "n",
        "average",
        "median",
        "standarddeviation",
        "skewness",
        "kurtosis",
        "cic",
        "errorratio",
        "standarderror",
    }
    assert summary["n"] == 6 and summary["cic"] == pytest.approx(1500 / 22)
    assert "dubious" in lines[0]


def test_item_statistics_with_max_marks(tmp_path):
    marks = write_csv(tmp_path / "marks.csv", ["q1", "q2"], [[2, 1], [1, 0], [0, 1]])
    out = tmp_path / "items.csv"
    run("item_statistics", marks=str(marks), maxmarks="2,1", out=str(out))
    rows = read_csv(out)
    assert float(rows[0]["facility"]) == pytest.approx(0.5)
    assert float(rows[0]["sd"]) == pytest.approx(0.5)  # SD 1 mark of a 2-mark slot


# ---- bad input: clear error, exit 1, nothing written --------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Item.1,Item.2\n1,0\n1,x\n", r"line 3, column 'Item.2': 'x' is not a number"),
        ("Item.1,Item.2\n1,0\n1,0,1\n", r"line 3: 3 cells, but the header has 2"),
        ("", r"the file is empty"),
        ("Item.1,Item.2\n", r"header but no data rows"),
        ("Item.1,Item.1\n1,0\n", r"column 'Item.1' appears twice"),
        ("Item.1,Item.2\n1,0\n1,0\n1,0\n", r"item 'Item.1': nobody scored 0"),
        ("Item.1,weight\n1,1\n0,\n", r"line 3, column 'weight': the cell is blank"),
        ("Item.1,Item.2\n1,0\n2,1\n", r"response 2; this model needs 0/1 responses"),
    ],
)
def test_calibrate_items_refuses_bad_files(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    out = tmp_path / "params.csv"
    fails("calibrate_items", message, out, responses=str(path), model="2pl", out=str(out))


def test_calibrate_items_refuses_missing_input_dir_and_bad_quadrature(tmp_path, lsat7_csv):
    out = tmp_path / "params.csv"
    fails(
        "calibrate_items",
        "no such file",
        out,
        responses=str(tmp_path / "nope.csv"),
        model="2pl",
        out=str(out),
    )
    fails(
        "calibrate_items",
        "at least 41",
        out,
        responses=str(lsat7_csv),
        model="2pl",
        quadrature=21,
        out=str(out),
    )
    missing_dir = tmp_path / "no" / "params.csv"
    fails(
        "calibrate_items",
        "does not exist",
        missing_dir,
        responses=str(lsat7_csv),
        model="2pl",
        out=str(missing_dir),
    )
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("calibrate_items", responses=str(lsat7_csv), model="3pl", out=str(out))


def test_a_failed_run_leaves_an_existing_output_untouched(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Item.1\nabc\n", encoding="utf-8")
    out = tmp_path / "params.csv"
    out.write_text("item,a\nkeep,1\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command(
            "calibrate_items", responses=str(bad), model="2pl", out=str(out), stdout=StringIO()
        )
    assert out.read_text(encoding="utf-8") == "item,a\nkeep,1\n"
    assert {p.name for p in tmp_path.iterdir()} == {"bad.csv", "params.csv"}  # no temp left


def test_score_responses_refuses_unknown_items_and_categories(tmp_path, lsat7_csv):
    params = tmp_path / "params.csv"
    run("calibrate_items", responses=str(lsat7_csv), model="2pl", out=str(params))
    out = tmp_path / "scores.csv"
    unknown = write_csv(tmp_path / "u.csv", ["Item.1", "Item.9"], [[1, 0]])
    fails(
        "score_responses",
        "column 'Item.9' is not an item",
        out,
        params=str(params),
        responses=str(unknown),
        method="eap",
        out=str(out),
    )
    too_high = write_csv(tmp_path / "h.csv", ["Item.1"], [[1], [3]])
    fails(
        "score_responses",
        r"row 2, item 'Item.1': response 3",
        out,
        params=str(params),
        responses=str(too_high),
        method="wle",
        out=str(out),
    )
    broken = tmp_path / "broken.csv"
    broken.write_text("item,a,d\nx,1,0.5\ny,abc,0\n", encoding="utf-8")
    fails(
        "score_responses",
        r"line 3, column 'a': 'abc' is not a number",
        out,
        params=str(broken),
        responses=str(lsat7_csv),
        method="eap",
        out=str(out),
    )


@pytest.mark.parametrize(
    ("content", "maxmarks", "message"),
    [
        ("q1,q2\n1,0\n1,\n", None, r"line 3, column 'q2': the cell is blank"),
        ("q1,q2\n1,0\n1,x\n", None, r"'x' is not a number"),
        ("q1,q2\n1,0\n1\n", None, r"line 3: 1 cells, but the header has 2"),
        ("", None, "the file is empty"),
        ("q1,q2\n1,0\n2,0\n", None, r"slot 'q1': mark 2 exceeds the max mark 1"),
        ("q1,q2\n1,0\n1,0\n", "1", r"gives 1 max marks for 2 slots"),
        ("q1,q2\n1,0\n1,0\n", "1,a", r"not a comma-separated list"),
        ("q1,weight\n1,1\n", None, r"'weight' column is not used"),
    ],
)
def test_item_statistics_refuses_bad_files(tmp_path, content, maxmarks, message):
    path = tmp_path / "marks.csv"
    path.write_text(content, encoding="utf-8")
    out = tmp_path / "items.csv"
    options = {"marks": str(path), "out": str(out)}
    if maxmarks is not None:
        options["maxmarks"] = maxmarks
    fails("item_statistics", message, out, **options)
