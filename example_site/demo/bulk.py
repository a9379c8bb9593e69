"""Streaming bulk writes for the large generated network (``generate_network``).

Rows go to the database as they are produced, a batch at a time, so memory stays
bounded however large the network is:

* on PostgreSQL with ``COPY … FROM STDIN`` (psycopg's ``cursor.copy()``), the
  fastest way in, about ten times ``INSERT``;
* on any other database with one parameterised ``executemany`` per batch.

Primary keys are taken up front (:func:`reserve_ids`), so that rows referring to
each other (a page and its specific row, a connection and its two edges) can be
written without reading anything back.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.models import Model

BATCH = 5_000


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def reserve_ids(model: type[Model], count: int) -> int:
    """The first of ``count`` consecutive primary keys of ``model`` that nothing else
    will use; the rows must then be written with these ids."""
    table = model._meta.db_table
    column = str(model._meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [quote(table), column])
            sequence = cursor.fetchone()[0]
            # One statement: nextval() takes the first id, setval() moves the
            # sequence to the last, and returns it.
            cursor.execute("SELECT setval(%s, nextval(%s) + %s)", [sequence, sequence, count - 1])
            return int(cursor.fetchone()[0]) - count + 1
        cursor.execute(f"SELECT COALESCE(MAX({quote(column)}), 0) FROM {quote(table)}")
        return int(cursor.fetchone()[0]) + 1


def batched(rows: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def write_rows(
    table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, progress=None
) -> int:
    """Write ``rows`` (tuples in the order of ``columns``) into ``table``; returns the
    count. ``progress(n)`` is called after each batch with the rows written so far."""
    written = 0
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for batch in batched(rows):
                    for row in batch:
                        copy.write_row(row)
                    written += len(batch)
                    if progress:
                        progress(written)
            return written
        sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
        for batch in batched(rows):
            cursor.executemany(sql, batch)
            written += len(batch)
            if progress:
                progress(written)
    return written


def write_models(model: type[Model], objects: Iterable[Model], *, progress=None) -> int:
    """Write the own table of ``model`` (one level of a multi-table chain) for
    ``objects``, whose primary keys are set, converting each value as ``save()``
    would (``pre_save``, then ``get_db_prep_save``): defaults and field types as the
    ORM leaves them."""
    fields = list(model._meta.local_concrete_fields)
    columns = [str(f.column) for f in fields]

    def rows() -> Iterator[list[Any]]:
        for obj in objects:
            yield [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]

    return write_rows(model._meta.db_table, columns, rows(), progress=progress)


def run_pending_checks() -> None:
    """On PostgreSQL, run the foreign-key checks this transaction has queued so far
    (a table with pending ones can be neither altered nor truncated)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextmanager
def foreign_keys_parked(tables: Sequence[str]) -> Iterator[list[str]]:
    """On PostgreSQL, drop the foreign keys of ``tables`` for the block and add them
    back afterwards; elsewhere, do nothing. Yields the names of the parked keys.

    Django declares foreign keys ``DEFERRABLE INITIALLY DEFERRED``: every row
    written queues a check that runs at ``COMMIT``, one lookup per row and key — 90
    of the 220 seconds a million connections took. Adding a key back checks every
    row in one join instead. Inside a transaction, so a failure restores them.
    """
    if connection.vendor != "postgresql":
        yield []
        return
    if not connection.in_atomic_block:
        raise RuntimeError("foreign_keys_parked() must run inside transaction.atomic()")
    run_pending_checks()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) "
            "ORDER BY 1, 2",
            [[quote(t) for t in tables]],
        )
        parked = cursor.fetchall()
        for table, name, _definition in parked:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
    yield [name for _table, name, _definition in parked]
    with connection.cursor() as cursor:
        for table, name, definition in parked:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")


def analyze(tables: Iterable[str]) -> None:
    """Give the query planner statistics (and, on PostgreSQL outside a transaction,
    the visibility map that index-only scans need: ``VACUUM``) for freshly loaded
    tables."""
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        for table in tables:
            if vacuum:
                cursor.execute(f"VACUUM (ANALYZE) {quote(table)}")
            elif connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {quote(table)}")
            elif connection.vendor == "sqlite":
                cursor.execute(f"ANALYZE {quote(table)}")
