"""Loading and exporting the framework as JSON (the format of ``data/framework.json``).

Loading is an upsert keyed on natural codes (framework code+version, domain code, competency
code, level, position code), so running it again updates text and never duplicates rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from people.models import AdminLevel
from people.services import upsert_position

from .models import (
    Competency,
    Domain,
    Framework,
    LevelAnchor,
    ProficiencyLevel,
    RoleRequirement,
    Tag,
)

BUNDLED_FRAMEWORK = Path(__file__).resolve().parent / "data" / "framework.json"
DESCRIPTOR_KEYS = ("complexity", "autonomy", "cognitive", "scope")
LEVELS = [1, 2, 3, 4, 5]


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool, changed: bool = True) -> None:
        bucket = self.created if created else self.updated
        if created or changed:
            bucket[kind] = bucket.get(kind, 0) + 1

    def summary(self) -> str:
        parts = [f"{k} +{v}" for k, v in sorted(self.created.items())]
        parts += [f"{k} ~{v}" for k, v in sorted(self.updated.items())]
        parts += [f"{k} -{v}" for k, v in sorted(self.removed.items())]
        return ", ".join(parts) or "no changes"


def _upsert(model, report: LoadReport, kind: str, lookup: dict, values: dict):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        report.count(kind, created=True)
        return obj
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for k in changed:
            setattr(obj, k, values[k])
        obj.save(update_fields=changed)
        report.count(kind, created=False)
    return obj


class _Problems:
    """Collects problems, each naming where in the JSON it is (e.g. domains[1].competencies[2])."""

    def __init__(self):
        self.items: list[str] = []

    def add(self, where: str, what: str) -> None:
        self.items.append(f"{where}: {what}" if where else what)

    def obj(self, value: Any, where: str) -> dict:
        if not isinstance(value, dict):
            self.add(where, "expected an object")
            return {}
        return value

    def items_of(self, value: Any, where: str) -> list:
        if not isinstance(value, list):
            self.add(where, "expected a list")
            return []
        return value

    def text(self, entry: dict, key: str, where: str, *, required: bool = True, max_length=None):
        value = entry.get(key)
        if value is None or value == "":
            if required:
                self.add(where, f"'{key}' is required")
            return
        if not isinstance(value, str):
            self.add(where, f"'{key}' must be text")
        elif max_length and len(value) > max_length:
            self.add(where, f"'{key}' is longer than {max_length} characters")

    def integer(self, entry: dict, key: str, where: str, low: int, high: int) -> None:
        value = entry.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self.add(where, f"'{key}' must be a whole number from {low} to {high}")


def _levels(entries: list) -> list[int]:
    return sorted(
        e["level"] for e in entries if isinstance(e, dict) and isinstance(e.get("level"), int)
    )


def validate_framework_data(data: Any) -> None:
    """Check the whole document before anything is written; every problem names its place.

    Raises ValidationError with one message per problem.
    """
    p = _Problems()
    data = p.obj(data, "")
    meta = p.obj(data.get("framework"), "framework")
    for key in ("code", "version", "name_zh"):
        p.text(meta, key, "framework", max_length=200 if key == "name_zh" else 20)
    levels = p.items_of(data.get("levels"), "levels")
    for i, lvl in enumerate(levels):
        lvl = p.obj(lvl, f"levels[{i}]")
        p.integer(lvl, "level", f"levels[{i}]", 1, 5)
        p.text(lvl, "name_zh", f"levels[{i}]")
    if levels and _levels(levels) != LEVELS:
        p.add("levels", "must describe levels 1–5 once each")
    codes: set[str] = set()
    domain_codes: set[str] = set()
    for d, dom in enumerate(p.items_of(data.get("domains"), "domains")):
        where = f"domains[{d}]"
        dom = p.obj(dom, where)
        p.text(dom, "code", where, max_length=10)
        p.text(dom, "name_zh", where, max_length=200)
        if dom.get("code") in domain_codes:
            p.add(where, f"domain {dom.get('code')} appears twice")
        domain_codes.add(dom.get("code"))
        for c, comp in enumerate(p.items_of(dom.get("competencies"), f"{where}.competencies")):
            cwhere = f"{where}.competencies[{c}]"
            comp = p.obj(comp, cwhere)
            code = comp.get("code")
            p.text(comp, "code", cwhere, max_length=10)
            p.text(comp, "name_zh", cwhere, max_length=200)
            if isinstance(code, str):
                cwhere = f"{cwhere} ({code})"
                if code in codes:
                    p.add(cwhere, "this competency code appears twice")
                codes.add(code)
            if comp.get("tag") not in Tag.values:
                p.add(cwhere, "'tag' must be one of T, G, L")
            if not isinstance(comp.get("crosswalk", {}), dict):
                p.add(cwhere, "'crosswalk' must be an object")
            anchors = p.items_of(comp.get("anchors"), f"{cwhere}.anchors")
            for a, anchor in enumerate(anchors):
                anchor = p.obj(anchor, f"{cwhere}.anchors[{a}]")
                p.integer(anchor, "level", f"{cwhere}.anchors[{a}]", 1, 5)
                p.text(anchor, "zh", f"{cwhere}.anchors[{a}]")
            if anchors and _levels(anchors) != LEVELS:
                p.add(f"{cwhere}.anchors", "must cover levels 1–5 once each")
    for r, profile in enumerate(p.items_of(data.get("role_profiles", []), "role_profiles")):
        where = f"role_profiles[{r}]"
        profile = p.obj(profile, where)
        p.text(profile, "position_code", where, max_length=40)
        p.text(profile, "name_zh", where, max_length=200)
        if profile.get("admin_level", "") not in {"", *AdminLevel.values}:
            p.add(where, f"'admin_level' must be one of {', '.join(AdminLevel.values)} or empty")
        requirements = p.obj(profile.get("requirements"), f"{where}.requirements")
        for ccode, pair in requirements.items():
            if ccode not in codes:
                p.add(f"{where}.requirements", f"unknown competency {ccode}")
            elif not (
                isinstance(pair, list)
                and len(pair) == 2
                and all(isinstance(x, int) and not isinstance(x, bool) for x in pair)
                and 0 <= pair[0] <= 5
                and 1 <= pair[1] <= 3
            ):
                p.add(f"{where}.requirements.{ccode}", "expected [level 0–5, weight 1–3]")
    if p.items:
        raise ValidationError(p.items)


def read_framework_file(path: Path) -> dict[str, Any]:
    """Parse a framework JSON file; bad JSON becomes a ValidationError naming line and column."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    except UnicodeDecodeError as exc:
        raise ValidationError(f"not UTF-8 text ({exc.reason})") from exc


@transaction.atomic
def load_framework(data: dict[str, Any], *, make_current: bool = True) -> LoadReport:
    validate_framework_data(data)
    report = LoadReport()
    meta = data["framework"]
    if make_current:
        Framework.objects.exclude(code=meta["code"], version=meta["version"]).filter(
            is_current=True
        ).update(is_current=False)
    framework = _upsert(
        Framework,
        report,
        "framework",
        {"code": meta["code"], "version": meta["version"]},
        {
            "name_zh": meta["name_zh"],
            "name_en": meta.get("name_en", ""),
            "description_zh": meta.get("description_zh", ""),
            "description_en": meta.get("description_en", ""),
            "is_current": make_current,
        },
    )
    for lvl in data["levels"]:
        _upsert(
            ProficiencyLevel,
            report,
            "level",
            {"framework": framework, "level": lvl["level"]},
            {
                "name_zh": lvl["name_zh"],
                "name_en": lvl.get("name_en", ""),
                "descriptor_zh": {k: lvl.get(f"{k}_zh", "") for k in DESCRIPTOR_KEYS},
                "descriptor_en": {k: lvl.get(f"{k}_en", "") for k in DESCRIPTOR_KEYS},
                "digcomp_levels": lvl.get("digcomp_levels", []),
                "sfia_levels": lvl.get("sfia_levels", []),
            },
        )
    competencies: dict[str, Competency] = {}
    for d_order, dom in enumerate(data["domains"]):
        domain = _upsert(
            Domain,
            report,
            "domain",
            {"framework": framework, "code": dom["code"]},
            {"name_zh": dom["name_zh"], "name_en": dom.get("name_en", ""), "sort_order": d_order},
        )
        for c_order, comp in enumerate(dom["competencies"]):
            competency = _upsert(
                Competency,
                report,
                "competency",
                {"domain": domain, "code": comp["code"]},
                {
                    "name_zh": comp["name_zh"],
                    "name_en": comp.get("name_en", ""),
                    "tag": comp["tag"],
                    "bridging": bool(comp.get("bridging")),
                    "definition_zh": comp.get("definition_zh", ""),
                    "definition_en": comp.get("definition_en", ""),
                    "crosswalk": comp.get("crosswalk", {}),
                    "sort_order": c_order,
                },
            )
            competencies[competency.code] = competency
            for anchor in comp["anchors"]:
                _upsert(
                    LevelAnchor,
                    report,
                    "anchor",
                    {"competency": competency, "level": anchor["level"]},
                    {"text_zh": anchor["zh"], "text_en": anchor.get("en", "")},
                )
    for profile in data.get("role_profiles", []):
        position, created = upsert_position(
            code=profile["position_code"],
            name_zh=profile["name_zh"],
            name_en=profile.get("name_en", ""),
            level=profile.get("admin_level", ""),
            description_zh=profile.get("description_zh", ""),
            description_en=profile.get("description_en", ""),
        )
        report.count("position", created=created, changed=created)
        for code, (required, weight) in profile["requirements"].items():
            _upsert(
                RoleRequirement,
                report,
                "requirement",
                {"position": position, "competency": competencies[code]},
                {"required_level": required, "weight": weight},
            )
        # A role profile is stated whole: requirements of this framework it no longer lists go.
        dropped, _ = (
            RoleRequirement.objects.filter(
                position=position, competency__domain__framework=framework
            )
            .exclude(competency__code__in=list(profile["requirements"]))
            .delete()
        )
        if dropped:
            report.removed["requirement"] = report.removed.get("requirement", 0) + dropped
    return report


def load_bundled_framework() -> LoadReport:
    return load_framework(read_framework_file(BUNDLED_FRAMEWORK))


def dump_framework(framework: Framework) -> dict[str, Any]:
    """The framework, its competencies and the requirements of every position, as loadable JSON."""
    levels = [
        {
            "level": lvl.level,
            "name_zh": lvl.name_zh,
            "name_en": lvl.name_en,
            **{f"{k}_zh": lvl.descriptor_zh.get(k, "") for k in DESCRIPTOR_KEYS},
            **{f"{k}_en": lvl.descriptor_en.get(k, "") for k in DESCRIPTOR_KEYS},
            "digcomp_levels": lvl.digcomp_levels,
            "sfia_levels": lvl.sfia_levels,
        }
        for lvl in framework.levels.order_by("level")
    ]
    domains = []
    for dom in framework.domains.prefetch_related("competencies__anchors"):
        domains.append(
            {
                "code": dom.code,
                "name_zh": dom.name_zh,
                "name_en": dom.name_en,
                "competencies": [
                    {
                        "code": c.code,
                        "name_zh": c.name_zh,
                        "name_en": c.name_en,
                        "tag": c.tag,
                        "bridging": c.bridging,
                        "definition_zh": c.definition_zh,
                        "definition_en": c.definition_en,
                        "crosswalk": c.crosswalk,
                        "anchors": [
                            {"level": a.level, "zh": a.text_zh, "en": a.text_en}
                            for a in c.anchors.all()
                        ],
                    }
                    for c in dom.competencies.all()
                ],
            }
        )
    profiles: dict[str, dict[str, Any]] = {}
    requirements = RoleRequirement.objects.filter(
        competency__domain__framework=framework
    ).select_related("position", "competency")
    for req in requirements.order_by("position__code", "competency__code"):
        pos = req.position
        profile = profiles.setdefault(
            pos.code,
            {
                "position_code": pos.code,
                "name_zh": pos.name_zh,
                "name_en": pos.name_en,
                "admin_level": pos.level,
                "description_zh": pos.description_zh,
                "description_en": pos.description_en,
                "requirements": {},
            },
        )
        profile["requirements"][req.competency.code] = [req.required_level, req.weight]
    return {
        "framework": {
            "code": framework.code,
            "version": framework.version,
            "name_zh": framework.name_zh,
            "name_en": framework.name_en,
            "description_zh": framework.description_zh,
            "description_en": framework.description_en,
        },
        "levels": levels,
        "domains": domains,
        "role_profiles": list(profiles.values()),
    }
