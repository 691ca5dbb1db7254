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


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool, changed: bool = True) -> None:
        bucket = self.created if created else self.updated
        if created or changed:
            bucket[kind] = bucket.get(kind, 0) + 1

    def summary(self) -> str:
        parts = [f"{k} +{v}" for k, v in sorted(self.created.items())]
        parts += [f"{k} ~{v}" for k, v in sorted(self.updated.items())]
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


def validate_framework_data(data: dict[str, Any]) -> None:
    """Structural checks with messages that name the offending entry."""
    errors = []
    for key in ("framework", "levels", "domains"):
        if key not in data:
            errors.append(f"missing top-level key '{key}'")
    codes = set()
    for domain in data.get("domains", []):
        for comp in domain.get("competencies", []):
            code = comp.get("code", "?")
            if code in codes:
                errors.append(f"competency {code} appears twice")
            codes.add(code)
            if comp.get("tag") not in Tag.values:
                errors.append(f"competency {code}: tag must be one of T, G, L")
            levels = sorted(a.get("level") for a in comp.get("anchors", []))
            if levels != [1, 2, 3, 4, 5]:
                errors.append(f"competency {code}: anchors must cover levels 1–5 once each")
    for profile in data.get("role_profiles", []):
        pcode = profile.get("position_code", "?")
        for ccode, pair in profile.get("requirements", {}).items():
            if ccode not in codes:
                errors.append(f"role profile {pcode}: unknown competency {ccode}")
            elif not (
                isinstance(pair, list)
                and len(pair) == 2
                and 0 <= pair[0] <= 5
                and 1 <= pair[1] <= 3
            ):
                errors.append(f"role profile {pcode} {ccode}: expected [level 0–5, weight 1–3]")
    if errors:
        raise ValidationError(errors)


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
    return report


def load_bundled_framework() -> LoadReport:
    return load_framework(json.loads(BUNDLED_FRAMEWORK.read_text(encoding="utf-8")))


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
