"""Pieces the member and company directories share: the sort direction, ordering
by one field, and search candidates from Wagtail's search backend."""

from __future__ import annotations

import enum

import strawberry
from django.db.models import F, QuerySet


@strawberry.enum(name="OrderDirection", description="Sort direction.")
class OrderDirection(enum.Enum):
    ASC = "ASC"
    DESC = "DESC"


def order_queryset(qs: QuerySet, field: str, direction: OrderDirection) -> QuerySet:
    """``qs`` sorted by ``field`` (empty values last), ties broken by primary key."""
    expression = (
        F(field).desc(nulls_last=True)
        if direction == OrderDirection.DESC
        else F(field).asc(nulls_last=True)
    )
    return qs.order_by(expression, "pk")


def search_ids(model: type, query: str) -> list[int]:
    """Primary keys of ``model`` pages matching ``query`` in Wagtail's search backend.

    Only fields that every viewer of a profile may see are indexed (see the
    models' ``search_fields``); the caller intersects these ids with the viewer's
    visibility queryset in SQL, so a hidden profile never matches.
    """
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend()
    results = backend.search(query, model.objects.live().only("pk"), operator="and")  # type: ignore[attr-defined]
    return [page.pk for page in results[:1000]]


__all__ = ["OrderDirection", "order_queryset", "search_ids"]
