"""What the member and company directories share in GraphQL: the sort direction
and its order keys (the search, filters and ordering themselves are
:mod:`wagtail_network.filters`)."""

from __future__ import annotations

import enum

import strawberry


@strawberry.enum(name="OrderDirection", description="Sort direction.")
class OrderDirection(enum.Enum):
    ASC = "ASC"
    DESC = "DESC"


def order_key(field: str, direction: OrderDirection) -> str:
    """The directory's order key (``name``, ``-name``, …) for a field and direction;
    relevance has no direction (best match first)."""
    if direction == OrderDirection.DESC and field != "relevance":
        return f"-{field}"
    return field


__all__ = ["OrderDirection", "order_key"]
