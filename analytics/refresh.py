"""Rebuilding the summary tables from the Evidence ledger, in bounded chunks of cadres.

One path for every rebuild: evidence of a chunk of cadres is read with one SQL statement into a
DataFrame, fused (analytics.fusion), joined with the cadres' units and their positions'
requirements, and reduced to sums (analytics.gaps.partial_sums) per unit × competency × group.
Chunks add up; the sums are written once at the end, in one transaction, so a dashboard never
reads a half-built table. Memory is bounded by the chunk, never by the number of cadres.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta

import pandas as pd
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from competencies.models import Evidence, RoleRequirement
from people.bulk import insert_rows
from people.models import Cadre

from .fusion import ESTIMATE_COLUMNS, fuse
from .gaps import SUM_COLUMNS, cell_frame, partial_sums
from .models import CompetencyEstimate, Dimension, PendingRefresh, QuarterlySnapshot, UnitSummary

CHUNK = 5000  # cadres per chunk (~170,000 ledger rows with the demo's two waves)
GROUP_KEYS = ["unit_id", "competency_id", "dimension", "key"]
DIMENSION_COLUMNS = {
    Dimension.POSITION: "position_id",
    Dimension.AGE_BAND: "age_band",
    Dimension.RANK: "rank",
}


def _frame(queryset, columns: Sequence[str]) -> pd.DataFrame:
    """Rows of ``queryset.values_list(*columns)`` as a DataFrame, without the ORM's per-row
    conversion: on PostgreSQL through COPY … TO STDOUT (CSV parsed by pandas), elsewhere
    through a raw cursor."""
    sql, params = queryset.values_list(*columns).query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.BytesIO()
            with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
                for data in copy:
                    buffer.write(data)
            buffer.seek(0)
            if not buffer.getbuffer().nbytes:
                return pd.DataFrame(columns=list(columns))
            return pd.read_csv(
                buffer, header=None, names=list(columns), keep_default_na=False, na_values=[""]
            )
        cursor.execute(sql, params)
        return pd.DataFrame.from_records(cursor.fetchall(), columns=list(columns))


def _store(model, frame: pd.DataFrame, fields: Sequence[str]) -> None:
    """Insert the rows of ``frame`` (columns ``fields``): COPY FROM STDIN on PostgreSQL (the
    summaries and millions of estimates go in at COPY speed), people.bulk.insert_rows elsewhere."""
    if frame.empty:
        return
    if connection.vendor != "postgresql":
        rows = frame[list(fields)].astype(object)
        rows = rows.where(pd.notna(rows), None)
        insert_rows(model, fields, rows.itertuples(index=False, name=None))
        return
    opts = model._meta
    columns = ", ".join(connection.ops.quote_name(opts.get_field(f).column) for f in fields)
    table = connection.ops.quote_name(opts.db_table)
    # NULL is spelled \\N, so an empty string (a summary's key for "all") stays a string.
    text = frame[list(fields)].to_csv(index=False, header=False, na_rep="\\N")
    statement = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        copy.write(text)


def active_cadre_ids() -> list[int]:
    return list(Cadre.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))


def chunks(ids: Sequence[int], size: int = CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def current_ledger(cadre_ids: Sequence[int], as_of: datetime | None = None) -> pd.DataFrame:
    """Ledger rows of these cadres on the current framework, without rows a correction
    superseded (and, with ``as_of``, without rows observed later)."""
    rows = Evidence.objects.filter(
        cadre_id__gte=cadre_ids[0],
        cadre_id__lte=cadre_ids[-1],
        competency__domain__framework__is_current=True,
    ).exclude(Exists(Evidence.objects.filter(corrects=OuterRef("pk"))))
    if len(cadre_ids) < cadre_ids[-1] - cadre_ids[0] + 1:
        rows = rows.filter(cadre_id__in=list(cadre_ids))
    if as_of is not None:
        rows = rows.filter(observed_at__lte=as_of)
    return _frame(
        rows,
        ["cadre_id", "competency_id", "source_kind", "value", "theta", "theta_se", "observed_at"],
    )


def _cadres(cadre_ids: Sequence[int]) -> pd.DataFrame:
    rows = Cadre.objects.filter(pk__gte=cadre_ids[0], pk__lte=cadre_ids[-1], is_active=True)
    if len(cadre_ids) < cadre_ids[-1] - cadre_ids[0] + 1:
        rows = rows.filter(pk__in=list(cadre_ids))
    return _frame(
        rows,
        ["id", "unit_id", "position_id", "age_band", "rank"],
    ).rename(columns={"id": "cadre_id"})


def requirements() -> pd.DataFrame:
    return _frame(
        RoleRequirement.objects.filter(competency__domain__framework__is_current=True),
        ["position_id", "competency_id", "required_level", "weight"],
    ).rename(columns={"required_level": "required"})


def cells(estimates: pd.DataFrame, cadres: pd.DataFrame, reqs: pd.DataFrame) -> pd.DataFrame:
    """Estimates with each cadre's unit, groups and requirement (R, w) beside them."""
    out = estimates.merge(cadres, on="cadre_id", how="inner")
    return out.merge(reqs, on=["position_id", "competency_id"], how="left")


def group_sums(frame: pd.DataFrame, dimensions: Iterable[str] = Dimension.values) -> pd.DataFrame:
    """SUM_COLUMNS per unit × competency × (dimension, key) for a chunk of cells."""
    terms = cell_frame(frame)
    parts = []
    for dimension in dimensions:
        column = DIMENSION_COLUMNS.get(dimension)
        keyed = terms.assign(
            dimension=str(dimension), key="" if column is None else terms[column].astype(str)
        )
        parts.append(partial_sums(keyed, GROUP_KEYS, terms=True))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=GROUP_KEYS)


def _add(total: pd.DataFrame | None, part: pd.DataFrame) -> pd.DataFrame:
    if total is None:
        return part
    return pd.concat([total, part]).groupby(GROUP_KEYS, as_index=False)[list(SUM_COLUMNS)].sum()


def _write_estimates(estimates: pd.DataFrame) -> None:
    if connection.vendor != "postgresql":
        _store(CompetencyEstimate, estimates, ESTIMATE_COLUMNS)
        return
    # Timestamps repeat (one per assessment sitting): format each distinct one once for COPY,
    # not per row — pandas' per-value datetime formatting dominated the whole rebuild.
    codes, distinct = pd.factorize(estimates["last_observed"])
    text = [pd.Timestamp(t).isoformat() for t in distinct]
    observed = pd.Categorical.from_codes(codes, categories=text) if text else []
    _store(CompetencyEstimate, estimates.assign(last_observed=observed), ESTIMATE_COLUMNS)


def _fused_chunks(
    cadre_ids: Sequence[int], as_of: datetime, store: bool, replace: bool = True
) -> Iterator[tuple[list[int], pd.DataFrame]]:
    """Fuse chunk by chunk; with ``store``, write the estimates (``replace``: deleting the
    chunk's old ones first; a full rebuild empties the table once instead)."""
    for chunk in chunks(cadre_ids):
        estimates = fuse(current_ledger(chunk, as_of), as_of)
        if store:
            if replace:
                CompetencyEstimate.objects.filter(cadre_id__in=chunk).delete()
            _write_estimates(estimates)
        yield chunk, estimates


def _stored_chunks(cadre_ids: Sequence[int]) -> Iterator[tuple[list[int], pd.DataFrame]]:
    for chunk in chunks(cadre_ids):
        estimates = _frame(
            CompetencyEstimate.objects.filter(cadre_id__in=chunk),
            ["cadre_id", "competency_id", "level", "low_confidence"],
        )
        # PostgreSQL's COPY spells booleans t/f; a non-empty string would read as true.
        estimates["low_confidence"] = estimates["low_confidence"].isin([True, "t", "true"])
        yield chunk, estimates


def _sums(source: Iterator[tuple[list[int], pd.DataFrame]], dimensions) -> pd.DataFrame | None:
    reqs = requirements()
    total = None
    for chunk, estimates in source:
        if estimates.empty:
            continue
        total = _add(total, group_sums(cells(estimates, _cadres(chunk), reqs), dimensions))
    return total


def _replace(model, rows: pd.DataFrame | None, extra: dict, **delete_filter) -> int:
    model.objects.filter(**delete_filter).delete()
    if rows is None or rows.empty:
        return 0
    rows = rows.assign(**extra)
    fields = [c for c in rows.columns if c in {f.attname for f in model._meta.concrete_fields}]
    _store(model, rows, fields)
    return len(rows)


VERSION_KEY = "analytics:summary-version"


def _published() -> None:
    """After a rebuild commits: refresh the planner's statistics on PostgreSQL (the tables were
    just rewritten wholesale; stale statistics made the dashboard's queries 10× slower) and
    give cached dashboard figures a new version, so none outlives the summaries it came from."""

    def publish():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in (CompetencyEstimate, UnitSummary, QuarterlySnapshot):
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        cache.set(VERSION_KEY, timezone.now().isoformat(), timeout=None)

    transaction.on_commit(publish)


def summary_version() -> str:
    return cache.get(VERSION_KEY) or "0"


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _snapshot_current(as_of: datetime, sums: pd.DataFrame | None, **only) -> None:
    """The current quarter's snapshot is the latest summary (``only`` narrows to some units)."""
    overall = None if sums is None else sums[sums["dimension"] == Dimension.ALL]
    quarter = quarter_start(timezone.localdate(as_of))
    columns = ["unit_id", "competency_id", *SUM_COLUMNS]
    _replace(
        QuarterlySnapshot,
        None if overall is None else overall[columns],
        {"quarter": quarter},
        quarter=quarter,
        **only,
    )


def refresh_all(as_of: datetime | None = None) -> int:
    """Recompute every estimate and summary from the ledger (the nightly run); returns the
    number of summary rows. Clears the pending list: everything is fresh afterwards."""
    as_of = as_of or timezone.now()
    with transaction.atomic():
        PendingRefresh.objects.all().delete()
        ids = active_cadre_ids()
        CompetencyEstimate.objects.all().delete()
        sums = _sums(_fused_chunks(ids, as_of, store=True, replace=False), Dimension.values)
        written = _replace(UnitSummary, sums, {}, pk__isnull=False)
        _snapshot_current(as_of, sums)
        _published()
    return written


def refresh_pending(as_of: datetime | None = None) -> int:
    """Re-fuse the cadres whose evidence changed, then rebuild the sums of their units only,
    from the stored estimates (the debounced run). Returns the number of cadres re-fused."""
    as_of = as_of or timezone.now()
    with transaction.atomic():
        pending = sorted(
            PendingRefresh.objects.select_for_update().values_list("cadre_id", flat=True)
        )
        if not pending:
            return 0
        PendingRefresh.objects.filter(cadre_id__in=pending).delete()
        for _chunk in _fused_chunks(pending, as_of, store=True):
            pass
        units = sorted(set(Cadre.objects.filter(pk__in=pending).values_list("unit_id", flat=True)))
        members = list(
            Cadre.objects.filter(unit_id__in=units, is_active=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        sums = _sums(_stored_chunks(members), Dimension.values)
        _replace(UnitSummary, sums, {}, unit_id__in=units)
        _snapshot_current(as_of, sums, unit_id__in=units)
        _published()
    return len(pending)


def snapshot_quarter(quarter: date) -> int:
    """Sums as of the end of a past quarter (evidence observed by then, decayed to then)."""
    next_quarter = quarter_start(quarter + timedelta(days=100))
    as_of = timezone.make_aware(datetime.combine(next_quarter, datetime.min.time())) - timedelta(
        microseconds=1
    )
    sums = _sums(_fused_chunks(active_cadre_ids(), as_of, store=False), [Dimension.ALL])
    columns = ["unit_id", "competency_id", *SUM_COLUMNS]
    with transaction.atomic():
        _published()
        return _replace(
            QuarterlySnapshot,
            None if sums is None else sums[columns],
            {"quarter": quarter},
            quarter=quarter,
        )


def backfill_snapshots(quarters: int = 4, today: date | None = None) -> list[date]:
    """Snapshot the last ``quarters`` completed quarters that have none yet (nightly)."""
    current = quarter_start(today or timezone.localdate())
    done = set(QuarterlySnapshot.objects.values_list("quarter", flat=True).distinct())
    made = []
    day = current
    for _ in range(quarters):
        day = quarter_start(day - timedelta(days=1))
        if day not in done and Evidence.objects.filter(observed_at__date__lt=current).exists():
            snapshot_quarter(day)
            made.append(day)
    return made
