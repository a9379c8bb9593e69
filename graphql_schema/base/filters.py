"""What the member and company directories share in GraphQL: the sort direction,
the relevance key, the ordering input and the turning of a directory field's
arguments into criteria (the search, filters and ordering themselves are
:mod:`wagtail_network.filters`)."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Collection
from typing import Any, Generic, TypeVar

import strawberry


@strawberry.enum(name="OrderDirection", description="Sort direction.")
class OrderDirection(enum.Enum):
    ASC = "ASC"
    DESC = "DESC"


#: The enum type of a directory's sort keys.
F = TypeVar("F", bound=enum.Enum)


def relevance_value() -> Any:
    """The ``RELEVANCE`` sort key every directory offers: best search match first,
    with no direction (see :func:`order_key`)."""
    return strawberry.enum_value(
        "relevance",
        description="Best search match first (with `search`; by name without it). "
        "The direction does not apply.",
    )


@strawberry.input(description="Sort order of a directory.")
class DirectoryOrdering(Generic[F]):
    """A directory's sort order: one of its sort keys and a direction (ascending
    unless sent). Each directory subclasses it with its own key enum and name."""

    field: F = strawberry.field(description="Sort key.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Sort direction."
    )


def order_key(field: str, direction: OrderDirection) -> str:
    """The directory's order key (``name``, ``-name``, …) for a field and direction;
    relevance has no direction (best match first)."""
    if direction == OrderDirection.DESC and field != "relevance":
        return f"-{field}"
    return field


def directory_criteria(
    filters: Any, ordering: Any, search: str | None, *, lists: Collection[str] = ()
) -> dict[str, Any]:
    """The criteria of a :mod:`wagtail_network.filters` directory function for a
    directory field's arguments: the words, the order key, and every field of the
    filter input under its own name; the fields named in ``lists`` are lists of
    enum members, sent on as their values (a missing list as an empty one)."""
    criteria: dict[str, Any] = {"q": search or ""}
    if ordering is not None:
        criteria["order"] = order_key(ordering.field.value, ordering.direction)
    if filters is not None:
        for field in dataclasses.fields(filters):
            value = getattr(filters, field.name)
            if field.name in lists:
                value = [getattr(v, "value", v) for v in value or []]
            criteria[field.name] = value
    return criteria


__all__ = [
    "DirectoryOrdering",
    "OrderDirection",
    "directory_criteria",
    "order_key",
    "relevance_value",
]
