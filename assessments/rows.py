"""Updating a few columns of many rows by primary key in one round trip.

``QuerySet.bulk_update`` builds a ``CASE WHEN`` expression per row and column; for the 40 slots
of an attempt that compilation alone cost ~70 ms (benchmarks/attempts.py). One parametrised
``UPDATE … WHERE id = %s`` sent with ``executemany`` (a pipeline on PostgreSQL) does the same
work in a few milliseconds. Values go through each field's own database preparation, so JSON
and datetimes are stored exactly as the ORM would store them.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models


def update_rows(
    model: type[models.Model], fields: Sequence[str], objects: Sequence[models.Model]
) -> None:
    """Write ``fields`` of each object (by its primary key)."""
    if not objects:
        return
    opts = model._meta
    columns = [opts.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    assignments = ", ".join(
        f"{quote(f.column)} = %s{cast if isinstance(f, models.JSONField) else ''}" for f in columns
    )
    # Only quoted identifiers from the model are formatted in; every value is a parameter.
    sql = f"UPDATE {quote(opts.db_table)} SET {assignments} WHERE {quote(opts.pk.column)} = %s"  # noqa: S608
    params = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns] + [obj.pk]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
