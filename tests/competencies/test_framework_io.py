"""Loading and exporting the competency framework: idempotent, edits applied, a JSON round trip,
and bad files refused with clear messages and nothing written."""

from __future__ import annotations

import copy
import json

import pytest
from django.core.management import CommandError, call_command

from competencies.framework_io import BUNDLED_FRAMEWORK, dump_framework, load_framework
from competencies.models import (
    Competency,
    Domain,
    Framework,
    LevelAnchor,
    ProficiencyLevel,
    RoleRequirement,
)
from people.models import Position

pytestmark = pytest.mark.django_db

MODELS = (Framework, ProficiencyLevel, Domain, Competency, LevelAnchor, RoleRequirement, Position)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def _bundled() -> dict:
    return json.loads(BUNDLED_FRAMEWORK.read_text(encoding="utf-8"))


def test_load_framework_builds_the_full_model(db, capsys):
    call_command("load_framework")
    assert _counts() == {
        "Framework": 1,
        "ProficiencyLevel": 5,
        "Domain": 6,
        "Competency": 24,
        "LevelAnchor": 120,
        "RoleRequirement": 72,
        "Position": 3,
    }
    framework = Framework.objects.get()
    assert framework.is_current and framework.name_en and framework.name_zh
    d23 = Competency.objects.get(code="D2.3")
    assert d23.name_zh and d23.name_en and d23.anchors.count() == 5
    assert d23.crosswalk  # DigComp / UNESCO / OECD / Jiangsu codes are kept
    assert "+24" in capsys.readouterr().out


def test_loading_twice_changes_nothing(db, capsys):
    call_command("load_framework")
    first = _counts()
    capsys.readouterr()
    call_command("load_framework")
    assert _counts() == first
    assert "no changes" in capsys.readouterr().out


def test_edits_in_the_file_are_applied_on_reload(db):
    load_framework(_bundled())
    data = _bundled()
    data["domains"][0]["competencies"][0]["name_en"] = "Renamed competency"
    data["domains"][0]["competencies"][0]["anchors"][2]["zh"] = "新的三级锚点"
    profile = data["role_profiles"][0]
    dropped_code = next(iter(profile["requirements"]))
    del profile["requirements"][dropped_code]
    before = _counts()

    report = load_framework(data)

    first_code = data["domains"][0]["competencies"][0]["code"]
    competency = Competency.objects.get(code=first_code)
    assert competency.name_en == "Renamed competency"
    assert competency.anchors.get(level=3).text_zh == "新的三级锚点"
    assert not RoleRequirement.objects.filter(
        position__code=profile["position_code"], competency__code=dropped_code
    ).exists()
    assert _counts() == {**before, "RoleRequirement": before["RoleRequirement"] - 1}
    assert report.updated == {"anchor": 1, "competency": 1} and report.removed == {"requirement": 1}


def test_export_then_import_round_trip(db, tmp_path):
    load_framework(_bundled())
    out = tmp_path / "framework.json"
    call_command("export_framework", "--out", str(out))
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported == dump_framework(Framework.objects.get())

    # Into an empty database (positions survive: cadres would refer to them).
    Framework.objects.all().delete()
    assert Competency.objects.count() == 0
    call_command("load_framework", "--file", str(out))

    assert dump_framework(Framework.objects.get()) == exported
    assert _counts()["Competency"] == 24 and _counts()["RoleRequirement"] == 72


def test_exported_file_equals_the_bundled_content(db):
    """What we ship and what we export are the same model, so either can be edited."""
    bundled = _bundled()
    load_framework(copy.deepcopy(bundled))
    exported = dump_framework(Framework.objects.get())
    assert exported["framework"] == {
        k: bundled["framework"].get(k, "") for k in exported["framework"]
    }
    assert [d["code"] for d in exported["domains"]] == [d["code"] for d in bundled["domains"]]
    for exported_dom, bundled_dom in zip(exported["domains"], bundled["domains"], strict=True):
        for mine, theirs in zip(
            exported_dom["competencies"], bundled_dom["competencies"], strict=True
        ):
            assert mine["anchors"] == theirs["anchors"]
            assert mine["crosswalk"] == theirs["crosswalk"]


def test_a_second_version_becomes_current(db):
    load_framework(_bundled())
    data = _bundled()
    data["framework"]["version"] = "0.2"
    load_framework(data)
    assert list(Framework.objects.filter(is_current=True).values_list("version", flat=True)) == [
        "0.2"
    ]
    assert Framework.objects.count() == 2


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["domains"][1]["competencies"][0].update(tag="X"), "'tag' must be one of"),
        (lambda d: d["domains"][0]["competencies"][0]["anchors"].pop(), "levels 1–5"),
        (
            lambda d: d["role_profiles"][0]["requirements"].update({"D9.9": [3, 2]}),
            "unknown competency D9.9",
        ),
        (
            lambda d: d["role_profiles"][0]["requirements"].update({"D1.1": [7, 2]}),
            "[level 0–5, weight 1–3]",
        ),
        (
            lambda d: d["domains"][2]["competencies"].append(d["domains"][2]["competencies"][0]),
            "appears twice",
        ),
        (lambda d: d["framework"].pop("version"), "'version' is required"),
        (lambda d: d.update(domains={"not": "a list"}), "domains: expected a list"),
    ],
    ids=[
        "tag",
        "missing anchor",
        "unknown competency",
        "level out of range",
        "duplicate",
        "no version",
        "wrong type",
    ],
)
def test_bad_framework_file_writes_nothing(db, tmp_path, mutate, message):
    load_framework(_bundled())
    before = _counts()
    data = _bundled()
    data["domains"][0]["competencies"][0]["name_en"] = "Must not be written"
    mutate(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(CommandError) as error:
        call_command("load_framework", "--file", str(path))

    assert message in str(error.value) and "nothing was loaded" in str(error.value)
    assert _counts() == before
    assert not Competency.objects.filter(name_en="Must not be written").exists()


def test_malformed_json_is_reported_with_its_position(db, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"framework": {"code": "X",\n  "version": }', encoding="utf-8")
    with pytest.raises(CommandError, match=r"line 2, column 14"):
        call_command("load_framework", "--file", str(path))
    assert Framework.objects.count() == 0


def test_export_without_a_framework_says_so(db, tmp_path):
    with pytest.raises(CommandError, match="load_framework"):
        call_command("export_framework", "--out", str(tmp_path / "x.json"))
