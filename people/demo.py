"""Demo data about people: Chongqing's organisation, positions' holders and demo accounts.

Deterministic for a seed and idempotent: every row is keyed on a natural code, so running it
again creates nothing new and a larger ``cadres`` count only adds the missing ones.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .bulk import insert_rows
from .models import AdminLevel, AgeBand, Cadre, OrgUnit, Position, Rank, UnitKind
from .roles import Role, group_for
from .services import grant_scope, unusable_password

ORG_FILE = Path(__file__).resolve().parent / "data" / "chongqing_org.json"
DEMO_PASSWORD = "shuzhi-demo"  # noqa: S105 - printed by `make demo`; demo accounts only

# Which position each administrative level's cadres hold (the three role profiles).
POSITION_BY_LEVEL = {
    AdminLevel.CITY: "CITY-DATA-ANALYST",
    AdminLevel.DISTRICT: "DIST-DEPT-HEAD",
    AdminLevel.TOWNSHIP: "TS-DATA-OFFICER",
}
LEVEL_SHARE = {AdminLevel.TOWNSHIP: 0.6, AdminLevel.DISTRICT: 0.3, AdminLevel.CITY: 0.1}
AGE_BANDS = [AgeBand.UNDER_30, AgeBand.FROM_30, AgeBand.FROM_40, AgeBand.FROM_50]
AGE_P = [0.2, 0.35, 0.3, 0.15]
RANKS_BY_LEVEL = {
    AdminLevel.TOWNSHIP: ([Rank.CLERK, Rank.DEPUTY_SECTION, Rank.SECTION], [0.6, 0.3, 0.1]),
    AdminLevel.DISTRICT: ([Rank.SECTION, Rank.DEPUTY_DIVISION, Rank.DIVISION], [0.5, 0.35, 0.15]),
    AdminLevel.CITY: ([Rank.CLERK, Rank.SECTION, Rank.DEPUTY_DIVISION], [0.4, 0.45, 0.15]),
}
SURNAMES = np.array(
    list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程")
)
GIVEN = np.array(
    list(
        "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂华建国玉兰志红文斌婷雪晨宇浩然思远欣怡子涵梓萱一鸣佳琪俊杰"
    )
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str | Promise
    description: str | Promise


DEMO_ACCOUNTS = [
    DemoAccount("admin", _("Administrator"), _("everything")),
    DemoAccount("trainer", _("Trainer"), _("authors courses, items and certificates")),
    DemoAccount("hr_city", _("HR"), _("organisation department, whole city")),
    DemoAccount("hr_nanan", _("HR"), _("Nan'an district only (南岸区)")),
    DemoAccount("cadre", _("Cadre"), _("township data officer, 南坪街道 (Nan'an)")),
]


def _tree_spec() -> dict:
    """The organisation as nested dicts, from the bundled Chongqing data."""
    data = json.loads(ORG_FILE.read_text(encoding="utf-8"))
    city = data["city"]

    def node(code, zh, en, level, kind, children=()):
        return {
            "code": code,
            "name_zh": zh,
            "name_en": en,
            "level": level,
            "kind": kind,
            "children": list(children),
        }

    districts = []
    for d in data["districts"]:
        units = [
            node(
                f"{d['code']}-{t['suffix']}",
                t["name_zh"].format(district=d["name_zh"]),
                t["name_en"].format(district=d["name_en"]),
                AdminLevel.DISTRICT,
                t["kind"],
            )
            for t in data["district_unit_templates"]
        ]
        townships = [
            node(
                ts["code"],
                ts["name_zh"],
                ts["name_en"],
                AdminLevel.TOWNSHIP,
                ts["kind"],
                [
                    node(
                        f"{ts['code']}-{t['suffix']}",
                        t["name_zh"].format(township=ts["name_zh"]),
                        t["name_en"].format(township=ts["name_en"]),
                        AdminLevel.TOWNSHIP,
                        t["kind"],
                    )
                    for t in data["township_unit_templates"]
                ],
            )
            for ts in d["townships"]
        ]
        districts.append(
            node(
                d["code"],
                d["name_zh"],
                d["name_en"],
                AdminLevel.DISTRICT,
                d["kind"],
                units + townships,
            )
        )
    city_units = [
        node(u["code"], u["name_zh"], u["name_en"], AdminLevel.CITY, u["kind"])
        for u in data["city_units"]
    ]
    return node(
        city["code"],
        city["name_zh"],
        city["name_en"],
        AdminLevel.CITY,
        UnitKind.MUNICIPALITY,
        city_units + districts,
    )


@transaction.atomic
def seed_organisation() -> int:
    """Create the units that are missing; returns how many were created."""
    spec = _tree_spec()
    existing = set(OrgUnit.objects.values_list("code", flat=True))
    if not existing:
        units = list(_materialise(spec, parent_path=None, depth=1, step=1))
        OrgUnit.objects.bulk_create(units, batch_size=1000)
        return len(units)
    if all(n["code"] in existing for n in _walk(spec)):
        return 0
    created = 0

    def add(n, parent):
        nonlocal created
        if n["code"] in existing:
            unit = OrgUnit.objects.get(code=n["code"])
        else:
            fields = {k: n[k] for k in UNIT_FIELDS}
            unit = parent.add_child(**fields) if parent else OrgUnit.add_root(**fields)
            created += 1
        for child in n["children"]:
            add(child, OrgUnit.objects.get(pk=unit.pk))

    add(spec, None)
    return created


UNIT_FIELDS = ("code", "name_zh", "name_en", "level", "kind")


def _walk(node: dict):
    yield node
    for child in node["children"]:
        yield from _walk(child)


def _materialise(node: dict, parent_path: str | None, depth: int, step: int):
    """The tree as unsaved units with their materialised paths, laid out as treebeard would
    (siblings ordered by code), so an empty database gets all ~800 units in one bulk insert."""
    path = OrgUnit._get_path(parent_path, depth, step)
    children = sorted(node["children"], key=lambda c: c["code"])
    yield OrgUnit(
        path=path, depth=depth, numchild=len(children), **{k: node[k] for k in UNIT_FIELDS}
    )
    for index, child in enumerate(children, start=1):
        yield from _materialise(child, path, depth + 1, index)


def _name(rng: np.random.Generator) -> str:
    given = "".join(rng.choice(GIVEN, size=int(rng.integers(1, 3))))
    return str(rng.choice(SURNAMES)) + given


def _home_units() -> dict[str, list[int]]:
    """Where cadres of each level work: township centres and streets, district departments,
    city bodies (ordered, so assignment is deterministic)."""
    units = OrgUnit.objects.order_by("path")
    return {
        AdminLevel.TOWNSHIP: list(
            units.filter(level=AdminLevel.TOWNSHIP).values_list("id", flat=True)
        ),
        AdminLevel.DISTRICT: list(
            units.filter(level=AdminLevel.DISTRICT, depth=3).values_list("id", flat=True)
        ),
        AdminLevel.CITY: list(
            units.filter(level=AdminLevel.CITY, depth=2).values_list("id", flat=True)
        ),
    }


CADRE_COLUMNS = ("employee_no", "display_name", "unit", "position", "rank", "age_band", "joined_on")


def seed_cadres(count: int, seed: int, batch_size: int = 5000) -> int:
    """Create cadres CQ000000 … up to ``count``; returns how many were new.

    Each cadre's attributes are drawn from a generator seeded with (seed, index), so cadre i is
    the same person whatever ``count`` is.
    """
    User = get_user_model()
    positions = {p.code: p.id for p in Position.objects.filter(code__in=POSITION_BY_LEVEL.values())}
    if len(positions) < len(POSITION_BY_LEVEL):
        raise RuntimeError(
            "load the competency framework (its role profiles) before seeding cadres"
        )
    homes = _home_units()
    existing = set(
        Cadre.objects.filter(employee_no__startswith="CQ").values_list("employee_no", flat=True)
    )
    levels = list(LEVEL_SHARE)
    created = 0
    today = date.today()
    for start in range(0, count, batch_size):
        rows = []
        for i in range(start, min(count, start + batch_size)):
            employee_no = f"CQ{i:06d}"
            if employee_no in existing:
                continue
            rng = np.random.default_rng([seed, i])
            level = levels[int(rng.choice(len(levels), p=list(LEVEL_SHARE.values())))]
            ranks, rank_p = RANKS_BY_LEVEL[level]
            age = AGE_BANDS[int(rng.choice(4, p=AGE_P))]
            years = {
                AgeBand.UNDER_30: 3,
                AgeBand.FROM_30: 10,
                AgeBand.FROM_40: 18,
                AgeBand.FROM_50: 26,
            }[age]
            rows.append(
                (
                    employee_no,
                    _name(rng),
                    homes[level][int(rng.integers(len(homes[level])))],
                    positions[POSITION_BY_LEVEL[level]],
                    ranks[int(rng.choice(len(ranks), p=rank_p))],
                    age,
                    today - timedelta(days=int(rng.integers(180, 365 * years + 181))),
                )
            )
        if not rows:
            continue
        with transaction.atomic():
            numbers = [row[0] for row in rows]
            insert_rows(
                User, ["username", "password"], ((no, unusable_password()) for no in numbers)
            )
            user_ids = dict(User.objects.filter(username__in=numbers).values_list("username", "id"))
            insert_rows(
                Cadre,
                ["user_id", *CADRE_COLUMNS],
                ((user_ids[row[0]], *row) for row in rows),
            )
        created += len(rows)
    return created


@transaction.atomic
def seed_accounts() -> list[DemoAccount]:
    """The demo logins, one per role (password DEMO_PASSWORD)."""
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)

    def account(username: str, **extra) -> object:
        user, _ = User.objects.get_or_create(
            username=username, defaults={"password": password, **extra}
        )
        return user

    admin = account("admin", is_staff=True, is_superuser=True)
    if not admin.is_superuser:
        admin.is_superuser = admin.is_staff = True
        admin.save()
    trainer = account("trainer", is_staff=True)
    trainer.groups.add(group_for(Role.TRAINER))
    hr_city = account("hr_city")
    hr_city.groups.add(group_for(Role.HR))
    grant_scope(hr_city, OrgUnit.objects.get(code="500000"))
    hr_nanan = account("hr_nanan")
    hr_nanan.groups.add(group_for(Role.HR))
    grant_scope(hr_nanan, OrgUnit.objects.get(code="500108"))
    cadre_user = account("cadre")
    nanping = OrgUnit.objects.get(name_zh="南坪街道", code__startswith="500108")
    centre = nanping.get_children().filter(kind=UnitKind.DIGITAL_CENTRE).first() or nanping
    Cadre.objects.get_or_create(
        user=cadre_user,
        defaults={
            "employee_no": "DEMO-CADRE",
            "display_name": "李晓雯",
            "unit": centre,
            "position": Position.objects.get(code=POSITION_BY_LEVEL[AdminLevel.TOWNSHIP]),
            "rank": Rank.CLERK,
            "age_band": AgeBand.FROM_30,
            "joined_on": date(2019, 9, 1),
        },
    )
    Cadre.objects.get_or_create(
        user=hr_nanan,
        defaults={
            "employee_no": "DEMO-HR-NANAN",
            "display_name": "陈建国",
            "unit": OrgUnit.objects.get(code="500108-ZZB"),
            "position": Position.objects.get(code=POSITION_BY_LEVEL[AdminLevel.DISTRICT]),
            "rank": Rank.SECTION,
            "age_band": AgeBand.FROM_40,
            "joined_on": date(2008, 7, 1),
        },
    )
    return DEMO_ACCOUNTS
