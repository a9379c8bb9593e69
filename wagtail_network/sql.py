"""Small SQL building blocks shared by every surface (pages, GraphQL, admin).

Nothing here decides a rule: :mod:`wagtail_network.visibility` and
:mod:`wagtail_network.graph` do. These only turn querysets and ``Q`` objects into
the expressions that ``annotate()`` needs, in one way everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce


def count_subquery(queryset: QuerySet, group_field: str, count_field: str = "pk") -> Any:
    """A correlated ``COUNT(DISTINCT count_field)`` subquery, 0 when no row matches.

    ``queryset`` must already be filtered on an ``OuterRef``. A correlated subquery
    counts only the rows of the page being shown, where ``Count()`` over a join groups
    the whole table before the page's LIMIT applies (measured: 11 ms against 1.4 ms
    at 1,000 members).
    """
    counted = (
        queryset.order_by()
        .values(group_field)
        .annotate(_n=Count(count_field, distinct=True))
        .values("_n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def bool_expression(q: Q) -> Any:
    """``q`` as a boolean SQL expression usable in ``annotate()``.

    An empty ``Q()`` means "everyone" (Django refuses it in ``When``), so it becomes
    a constant; a ``Q`` that can never match compiles to ``FALSE`` inside ``Case``.
    """
    if q == Q():
        return Value(True, output_field=BooleanField())
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


#: Ids per ``IN (...)`` list: well under SQLite's limit on query parameters.
CHUNK = 500


def chunks(ids: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    """``ids`` in lists of at most ``size`` (for ``__in`` lookups over many rows)."""
    batch: list[Any] = []
    for value in ids:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


__all__ = ["CHUNK", "bool_expression", "chunks", "count_subquery"]
