"""The cadre's own profile: radar against the position's requirement, gaps, history."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pandas as pd
import plotly.graph_objects as go
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.selectors import catalogue, status_by_course
from people.models import Cadre

from . import selectors
from .gaps import cadre_gaps
from .learning import CourseOffer, recommend_courses
from .refresh import quarter_start
from .reports import Report, _comp_name

HISTORY_QUARTERS = 4


def _radar(frame: pd.DataFrame) -> dict:
    codes = frame["code"].tolist()
    fig = go.Figure()
    fig.add_trace(
        go.Scatterpolar(
            r=frame["required"].fillna(0).tolist(), theta=codes, name=_("Required"), fill="toself"
        )
    )
    fig.add_trace(
        go.Scatterpolar(
            r=[None if pd.isna(v) else round(float(v), 2) for v in frame["level"]],
            theta=codes,
            name=_("My level"),
            fill="toself",
        )
    )
    fig.update_layout(
        title=_("My competencies against my position's requirement"),
        polar={"radialaxis": {"range": [0, 5]}},
        height=460,
    )
    return json.loads(fig.to_json())


def _gaps_report(frame: pd.DataFrame) -> Report:
    rows = [
        [
            r["code"],
            _comp_name(r),
            None if pd.isna(r["level"]) else r["level"],
            None if pd.isna(r["required"]) else r["required"],
            None if pd.isna(r["weight"]) else r["weight"],
            None if pd.isna(r["gap"]) else r["gap"],
            None if pd.isna(r["weighted_gap"]) else r["weighted_gap"],
            _("low confidence") if r["low_confidence"] is True else "",
        ]
        for r in frame.to_dict("records")
    ]
    return Report(
        slug="profile",
        title=_("My gaps"),
        headers=[
            _("Code"),
            _("Competency"),
            _("My level"),
            _("Required"),
            _("Weight"),
            _("Gap"),
            _("Weighted gap"),
            _("Note"),
        ],
        kinds=["text", "text", "number", "number", "number", "number", "number", "text"],
        rows=rows,
        note=_("— : not yet assessed, or not required by your position."),
    )


def _quarter_ends(now: datetime) -> list[datetime]:
    ends, start = [], quarter_start(timezone.localdate(now))
    for _i in range(HISTORY_QUARTERS):
        ends.append(timezone.make_aware(datetime.combine(start, datetime.min.time())))
        start = quarter_start(start - timedelta(days=1))
    return [*reversed(ends), now]


def _history(viewer, cadre: Cadre, frame: pd.DataFrame) -> Report:
    now = timezone.now()
    levels = selectors.history_of(viewer, cadre, _quarter_ends(now))
    reqs = frame[["competency_id", "required", "weight"]]
    rows = []
    for when, group in levels.groupby("when", sort=True):
        cells = group.merge(reqs, on="competency_id", how="left").assign(
            cadre_id=cadre.pk, low_confidence=False
        )
        wgi = cadre_gaps(cells)
        readiness = wgi["readiness"].iloc[0] if not wgi.empty else None
        label = _("now") if when == now else timezone.localdate(when - timedelta(seconds=1))
        rows.append(
            [str(label), float(group["level"].mean()), None if pd.isna(readiness) else readiness]
        )
    return Report(
        slug="history",
        title=_("My history"),
        headers=[_("As of"), _("Mean level"), _("Readiness")],
        kinds=["text", "number", "share"],
        rows=rows,
    )


def _recommended(cadre: Cadre, frame: pd.DataFrame) -> list[CourseOffer]:
    """Published courses training the cadre's largest weighted gaps, minus completed ones."""
    weighted = {
        int(c): float(g)
        for c, g in zip(frame["competency_id"], frame["weighted_gap"], strict=True)
        if pd.notna(g) and g > 0
    }
    if not weighted:
        return []
    done = {key for key, status in status_by_course(cadre).items() if status == "completed"}
    offers, completed = [], set()
    for course in catalogue():
        offers.append(
            CourseOffer(
                course.pk,
                course.title,
                course.url or "",
                frozenset(c.pk for c in course.competencies.all()),
            )
        )
        if str(course.translation_key) in done:
            completed.add(course.pk)
    return recommend_courses(weighted, offers, completed)


def context(viewer, cadre: Cadre) -> dict:
    frame = selectors.profile_of(viewer, cadre)
    gaps = _gaps_report(frame)
    priorities = frame[frame["weighted_gap"] > 0].sort_values("weighted_gap", ascending=False)
    return {
        "cadre": cadre,
        "readiness": selectors.readiness_of(frame),
        "radar": _radar(frame),
        "gaps": gaps,
        "history": _history(viewer, cadre, frame),
        "priorities": [(r["code"], _comp_name(r)) for r in priorities.head(3).to_dict("records")],
        "courses": _recommended(cadre, frame),
        "assessed": int(frame["level"].notna().sum()),
    }
