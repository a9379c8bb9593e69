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
from graphql import GraphQLError

from wagtail_network import limits
from wagtail_network.errors import NetworkError

from .errors import input_field_name

#: The limit sentences of a directory filter's text and list fields, for their
#: SDL descriptions (the numbers are :mod:`wagtail_network.limits`').
FILTER_TEXT_LIMIT = limits.limit_text(limits.FILTER_MAX_LENGTH)
FILTER_LIST_LIMIT = limits.limit_items(limits.FILTER_MAX_ITEMS)


@strawberry.enum(name="OrderDirection", description="Sort direction.")
class OrderDirection(enum.Enum):
    ASC = strawberry.enum_value("ASC", description="Smallest first (A to Z, oldest first).")
    DESC = strawberry.enum_value("DESC", description="Largest first (Z to A, newest first).")


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


def argument_error(exc: NetworkError) -> GraphQLError:
    """A query argument refused by :mod:`wagtail_network.limits`, as the GraphQL
    error clients read: ``extensions.code`` ``VALIDATION`` and the argument's path
    (``search``, ``filters.city``) in ``extensions.field``."""
    field = input_field_name(exc.field)
    return GraphQLError(exc.message, extensions={"code": exc.code.value, "field": field})


def checked_argument(value: Any, max_length: int, field: str) -> str:
    """A text query argument within ``max_length`` characters and free of control
    characters (:func:`wagtail_network.limits.check_text`), else a VALIDATION error."""
    try:
        return limits.check_text(value, max_length, field, strip=False)
    except NetworkError as exc:
        raise argument_error(exc) from None


def checked_search(search: Any) -> str:
    """The ``search`` argument: at most ``SEARCH_MAX_LENGTH`` characters (else a
    VALIDATION error). Anything else in it is read as words
    (:func:`wagtail_network.filters.search_words`: quotes, operators and control
    characters are separators), never refused."""
    if isinstance(search, str) and len(search) > limits.SEARCH_MAX_LENGTH:
        raise argument_error(limits.too_long(limits.SEARCH_MAX_LENGTH, "search"))
    return search or ""


def directory_criteria(
    filters: Any, ordering: Any, search: str | None, *, lists: Collection[str] = ()
) -> dict[str, Any]:
    """The criteria of a :mod:`wagtail_network.filters` directory function for a
    directory field's arguments: the words, the order key, and every field of the
    filter input under its own name; the fields named in ``lists`` are lists of
    enum members, sent on as their values (a missing list as an empty one).

    Every text is checked against :mod:`wagtail_network.limits` first: a filter
    value over ``FILTER_MAX_LENGTH`` characters or with a control character, a
    list over ``FILTER_MAX_ITEMS`` values, a search over ``SEARCH_MAX_LENGTH``
    characters is a VALIDATION error naming the argument."""
    criteria: dict[str, Any] = {"q": checked_search(search)}
    if ordering is not None:
        criteria["order"] = order_key(ordering.field.value, ordering.direction)
    if filters is not None:
        for field in dataclasses.fields(filters):
            value = getattr(filters, field.name)
            where = f"filters.{field.name}"
            if field.name in lists:
                try:
                    items = limits.check_list(value, limits.FILTER_MAX_ITEMS, where)
                except NetworkError as exc:
                    raise argument_error(exc) from None
                value = [getattr(v, "value", v) for v in items]
            elif isinstance(value, str):
                value = checked_argument(value, limits.FILTER_MAX_LENGTH, where)
            criteria[field.name] = value
    return criteria


__all__ = [
    "FILTER_LIST_LIMIT",
    "FILTER_TEXT_LIMIT",
    "DirectoryOrdering",
    "argument_error",
    "checked_argument",
    "checked_search",
    "OrderDirection",
    "directory_criteria",
    "order_key",
    "relevance_value",
]
