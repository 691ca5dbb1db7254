"""Inserting many rows of one model quickly: plain tuples, one statement per batch.

``QuerySet.bulk_create`` prepares every value of every row through the field machinery; for the
100,000-row roster and the millions of demo evidence rows that preparation costs more than the
database itself. Here each column's adapter is chosen once, fields the caller does not give get
their default once per call, and rows are plain tuples. Callers validate their values first;
the table's constraints still apply. Used by the roster import and the evidence ledger.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from django.db import connection, models
from django.db.models.expressions import RawSQL
from django.utils import timezone


def _adapter(field: models.Field) -> Callable[[object], object]:
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        # Rows of one batch tend to share timestamps; adapting one costs microseconds.
        return lru_cache(maxsize=4096)(ops.adapt_datetimefield_value)
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    if isinstance(field, models.FloatField):
        # One array per column on PostgreSQL: psycopg refuses a list mixing ints and floats.
        return lambda value: None if value is None else float(value)
    return lambda value: value


def _default(field: models.Field) -> object:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now() if isinstance(field, models.DateTimeField) else timezone.localdate()
    return field.get_default()


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    ignore_conflicts: bool = False,
    batch_size: int = 5000,
) -> None:
    """INSERT ``rows`` (tuples in the order of ``fields``, given by attname such as "user_id").

    Concrete fields not named get their default (evaluated once per call, e.g. one timestamp
    for ``auto_now_add``). With ``ignore_conflicts``, rows that would violate a unique
    constraint are skipped (ON CONFLICT DO NOTHING; SQLite ≥ 3.24 and PostgreSQL).
    """
    opts = model._meta
    given = {opts.get_field(name).attname: i for i, name in enumerate(fields)}
    columns: list[models.Field] = []
    extract: list[Callable[[Sequence[object]], object]] = []
    for field in opts.concrete_fields:
        if field.attname in given:
            adapt, index = _adapter(field), given[field.attname]
            extract.append(lambda row, adapt=adapt, index=index: adapt(row[index]))
        elif field.primary_key:
            continue
        else:
            constant = _adapter(field)(_default(field))
            extract.append(lambda row, constant=constant: constant)
        columns.append(field)
    quote = connection.ops.quote_name
    # Only quoted identifiers and type names from the model are formatted into the SQL; every
    # value is a parameter.
    head = "INSERT INTO {table} ({columns}) ".format(
        table=quote(opts.db_table), columns=", ".join(quote(f.column) for f in columns)
    )
    tail = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    if connection.vendor == "postgresql" and not ignore_conflicts:
        # COPY streams the rows in PostgreSQL's own text format, formatted by psycopg's C code;
        # Django's client-side binding would otherwise quote every value in Python.
        copy_sql = "COPY {table} ({columns}) FROM STDIN".format(
            table=quote(opts.db_table), columns=", ".join(quote(f.column) for f in columns)
        )

        def run(cursor, batch: list[tuple]) -> None:
            with cursor.cursor.copy(copy_sql) as copy:
                for row in batch:
                    copy.write_row(row)

    elif connection.vendor == "postgresql":
        # One array per column, unnested server-side: a handful of parameters per batch, so
        # neither the driver nor the server parses a statement with 50,000 placeholders.
        arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in columns)
        sql = f"{head}SELECT * FROM unnest({arrays}){tail}"  # noqa: S608

        def run(cursor, batch: list[tuple]) -> None:
            cursor.execute(sql, [list(column) for column in zip(*batch, strict=True)])

    else:
        # SQLite runs one prepared statement per row in-process: executemany is its fast path.
        sql = f"{head}VALUES ({', '.join(['%s'] * len(columns))}){tail}"

        def run(cursor, batch: list[tuple]) -> None:
            cursor.executemany(sql, batch)

    batch: list[tuple] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(tuple(get(row) for get in extract))
            if len(batch) >= batch_size:
                run(cursor, batch)
                batch = []
        if batch:
            run(cursor, batch)


def one_of(values: Sequence[str]) -> Sequence[str] | RawSQL:
    """The right-hand side of ``field__in=`` for a long list of strings.

    On PostgreSQL the list travels as one array parameter (``IN (SELECT unnest(…))``): psycopg
    would otherwise parse and quote a statement with thousands of placeholders on the client.
    """
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::text[])", [list(values)])
    return values
