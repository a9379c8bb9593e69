"""The connection every list of nodes is served as, its cursors, and the one
page-size limit.

Two kinds of cursor (``docs/reference/graphql.md``, "Pagination"):

* **keyset** (``orderedcursor:[…]``): the sort key of the item plus its primary key,
  as strawberry-django's :func:`~strawberry_django.relay.apply_cursor_pagination`
  writes and reads them. The next page is "the items that sort after this key", so
  renaming, adding or removing *other* items never repeats or skips an item whose
  own key stayed put. Every list with a stable order is paged this way.
* **offset** (``arrayconnection:N``): a position in the list. Only for lists ranked
  by something outside the rows themselves — search relevance, suggestions — whose
  order is recomputed on every request anyway (:func:`pages_by_keyset`).

A cursor of the wrong kind, shape or range is refused as ``INVALID_ARGUMENT`` with
the argument's name as ``field``, never an internal error.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Sequence, Sized
from typing import Any, ClassVar, TypeVar, cast

import strawberry
import strawberry_django
from django.conf import settings
from django.db import connections
from django.db.models import Count, Expression, Func, IntegerField, QuerySet, Subquery, Window
from django.utils import timezone
from django.utils.translation import gettext
from graphql import GraphQLError
from strawberry import relay
from strawberry.relay.utils import from_base64, should_resolve_list_connection_edges, to_base64
from strawberry.types import Info
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField
from strawberry.utils.inspect import in_async_context
from strawberry_django.fields.field import StrawberryDjangoConnectionExtension
from strawberry_django.optimizer import is_optimized_by_prefetching
from strawberry_django.pagination import get_total_count
from strawberry_django.queryset import get_queryset_config
from strawberry_django.relay import (
    DjangoCursorEdge,
    DjangoListConnection,
    OrderedCollectionCursor,
    OrderingDescriptor,
    apply_cursor_pagination,
)
from strawberry_django.relay.utils import resolve_edge_class
from strawberry_django.resolvers import django_resolver

from wagtail_network.filters import CandidateRank

T = TypeVar("T")

#: Largest page a connection serves (``first``/``last`` above it are refused, and
#: a page asked for without either is this long), and the cap on every plain list
#: that is not a connection (profile parts).
MAX_PAGE_SIZE = 100

#: The prefixes of the two kinds of cursor (inside their base64).
KEYSET_CURSOR_PREFIX = DjangoCursorEdge.CURSOR_PREFIX
OFFSET_CURSOR_PREFIX = relay.Edge.CURSOR_PREFIX

#: Longest cursor read at all: a keyset cursor holds a name (at most 255
#: characters) or a date, and ids; anything much longer is not one of ours.
MAX_CURSOR_LENGTH = 2048

#: The row annotation carrying a connection's total, when it is counted in the
#: page's own query (see :func:`with_total_count`).
TOTAL_COUNT_ANNOTATION = "_wn_total_count"

#: Expression types whose order is a rank computed outside the rows: a list sorted
#: by one of them is paged by offset (see :func:`pages_by_keyset`).
RANKED_ORDERINGS: tuple[type[Expression], ...] = (CandidateRank,)


def capped(items: Iterable[T]) -> list[T]:
    """``items`` cut to :data:`MAX_PAGE_SIZE` (plain lists are never unbounded)."""
    return list(items)[:MAX_PAGE_SIZE]


# --------------------------------------------------------------------------
# Which kind of cursor
# --------------------------------------------------------------------------


def _ranks(expression: Any) -> bool:
    if isinstance(expression, RANKED_ORDERINGS):
        return True
    sources = getattr(expression, "get_source_expressions", None)
    return sources is not None and any(_ranks(e) for e in sources() if e is not None)


def pages_by_keyset(nodes: Any) -> bool:
    """Whether a connection over ``nodes`` hands out keyset cursors: every queryset
    but one ordered by a rank (:data:`RANKED_ORDERINGS`: search relevance,
    suggestions); a plain list is paged by offset. The order is read from the
    queryset itself, so the resolver's ordering is the only switch."""
    if not isinstance(nodes, QuerySet):
        return False
    return not any(_ranks(term) for term in nodes.query.order_by)


def keyset_of(qs: QuerySet, info: Info) -> list[OrderingDescriptor]:
    """The sort key a keyset cursor of ``qs`` holds, as strawberry-django reads it
    (the ordering's terms, then the primary key unless already among them); no query."""
    _, descriptors = apply_cursor_pagination(
        qs, info=info, before=None, after=None, first=None, last=None, max_results=MAX_PAGE_SIZE
    )
    return descriptors


# --------------------------------------------------------------------------
# Cursor validation
# --------------------------------------------------------------------------


def valid_cursor(cursor: str) -> bool:
    """Whether ``cursor`` is an offset cursor (``arrayconnection:N``, N ≥ 0 and at
    most the largest number a list could hold)."""
    if len(cursor) > MAX_CURSOR_LENGTH:
        return False
    try:
        prefix, offset = from_base64(cursor)
    except Exception:  # noqa: BLE001 - any undecodable cursor is simply invalid
        return False
    # Digits only, and few of them: int() of thousands of digits is refused (or slow).
    if prefix != OFFSET_CURSOR_PREFIX or not (offset.isascii() and offset.isdigit()):
        return False
    return len(offset) <= 10 and int(offset) < 2**31


def _value_in_range(value: Any, descriptor: OrderingDescriptor, alias: str) -> bool:
    """Whether one decoded key value can be compared in SQL without overflowing
    (a 30-digit id raises OverflowError on SQLite, an out-of-range error on
    PostgreSQL) or comparing naive and aware times."""
    if isinstance(value, int) and not isinstance(value, bool):
        field = cast(Any, descriptor.order_by.expression).output_field
        # A foreign key (or a parent link, the pk of a page type) compares as its target.
        field = getattr(field, "target_field", None) or field
        ops = connections[alias].ops
        try:
            low, high = ops.integer_field_range(field.get_internal_type())
        except KeyError:
            low, high = ops.integer_field_range("BigIntegerField")
        return (low is None or value >= low) and (high is None or value <= high)
    if isinstance(value, datetime.datetime):
        return timezone.is_aware(value) or not settings.USE_TZ
    return True


def valid_keyset_cursor(cursor: str, descriptors: Sequence[OrderingDescriptor], alias: str) -> bool:
    """Whether ``cursor`` is a keyset cursor for a list sorted by ``descriptors``:
    the right prefix, one value per key term, each of the term's type and range."""
    if len(cursor) > MAX_CURSOR_LENGTH:
        return False
    try:
        decoded = OrderedCollectionCursor.from_cursor(cursor, list(descriptors))
    except Exception:  # noqa: BLE001 - base64, JSON, arity and type errors alike
        return False
    return all(
        _value_in_range(v, d, alias) for v, d in zip(decoded.field_values, descriptors, strict=True)
    )


def _far_end(descriptor: OrderingDescriptor, alias: str, *, before: bool) -> int:
    """The integer a term's values never pass in the direction paged: the top of
    its range when paging forward on an ascending term, and so on."""
    field = cast(Any, descriptor.order_by.expression).output_field
    field = getattr(field, "target_field", None) or field
    ops = connections[alias].ops
    try:
        low, high = ops.integer_field_range(field.get_internal_type())
    except KeyError:
        low, high = ops.integer_field_range("BigIntegerField")
    upward = before == bool(descriptor.order_by.descending)
    return cast(int, high if upward else low)


def past_ties(
    cursor: str,
    descriptors: Sequence[OrderingDescriptor],
    alias: str,
    *,
    unique: int,
    before: bool,
) -> str:
    """``cursor`` (valid) with the integer terms after its first ``unique`` ones set
    to their far end, so that no row whose first ``unique`` values equal the
    cursor's counts as after (or before) it.

    For a list whose first ``unique`` terms already identify its node, the later
    terms only break ties between rows standing for the same node: a member's
    connections sort by name and member id, then by edge id, and a cursor taken in
    one member's list must mean the same place in another's (one ``after`` pages
    the connections of every member listed) and in either way of paging them.
    """
    values = OrderedCollectionCursor.from_cursor(cursor, list(descriptors)).field_values
    for index in range(unique, len(descriptors)):
        if isinstance(values[index], int):
            values[index] = _far_end(descriptors[index], alias, before=before)
    raw = [None if v is None else str(v) for v in values]
    return to_base64(KEYSET_CURSOR_PREFIX, json.dumps(raw, separators=(",", ":")))


def node_key_length(qs: QuerySet, descriptors: Sequence[OrderingDescriptor]) -> int:
    """How many leading terms of ``qs``'s keyset identify a row: up to and with its
    primary key (every term when the key is last, or absent)."""
    # A page type's primary key is its parent link, read as the parent's id.
    own = {qs.model, *qs.model._meta.get_parent_list()}
    for index, descriptor in enumerate(descriptors):
        field = getattr(descriptor.order_by.expression, "field", None)
        if descriptor.attname == "pk" or (
            field is not None and field.primary_key and field.model in own
        ):
            return index + 1
    return len(descriptors)


def invalid_cursor_error(argument: str) -> GraphQLError:
    """The error a refused cursor answers (``INVALID_ARGUMENT`` on the argument)."""
    return GraphQLError(
        gettext("Invalid cursor."),
        extensions={"code": "INVALID_ARGUMENT", "field": argument},
    )


def check_cursors(valid: Any, *, before: str | None, after: str | None) -> None:
    """Refuse ``before``/``after`` unless ``valid(cursor)``."""
    for name, cursor in (("before", before), ("after", after)):
        if cursor is not None and not valid(cursor):
            raise invalid_cursor_error(name)


# --------------------------------------------------------------------------
# Total count in the page's query
# --------------------------------------------------------------------------


def selects_total_count(info: Info) -> bool:
    """Whether the connection being resolved asks for ``totalCount``."""

    def asks(selections: Iterable[Any]) -> bool:
        for selection in selections:
            if isinstance(selection, SelectedField) and selection.name == "totalCount":
                return True
            if isinstance(selection, InlineFragment | FragmentSpread) and asks(
                selection.selections
            ):
                return True
        return False

    return any(asks(field.selections) for field in info.selected_fields)


def count_subquery(qs: QuerySet) -> Subquery:
    """``SELECT COUNT(*)`` of ``qs`` as a scalar subquery (for a correlated one,
    filter ``qs`` by an ``OuterRef`` first)."""
    # COUNT written as a plain function, not an aggregate: Django adds no GROUP BY.
    counted = qs.order_by().annotate(
        _wn_n=Func(function="COUNT", template="COUNT(*)", output_field=IntegerField())
    )
    return Subquery(counted.values("_wn_n"), output_field=IntegerField())


def with_total_count(qs: QuerySet, *, filtered: bool) -> QuerySet:
    """``qs`` with its total carried by every row (:data:`TOTAL_COUNT_ANNOTATION`),
    so that ``totalCount`` costs no query of its own: a window count over the whole
    result on a first page; a count subquery once a cursor narrows the page (a
    window would only count what follows the cursor). Unchanged for a DISTINCT or
    grouped queryset, which ``totalCount`` counts with a query instead."""
    if qs.query.distinct or qs.query.group_by is not None:
        return qs
    if not filtered:
        return qs.annotate(**{TOTAL_COUNT_ANNOTATION: Window(Count("*"), partition_by=None)})
    return qs.annotate(**{TOTAL_COUNT_ANNOTATION: count_subquery(qs)})


# --------------------------------------------------------------------------
# The connection
# --------------------------------------------------------------------------


@strawberry.type(name="Connection", description="A connection to a list of items.")
class NetworkConnection(DjangoListConnection[relay.NodeType]):
    """strawberry-django's list connection with keyset cursors wherever the list's
    order is stable (see the module docstring), offset cursors otherwise, a
    non-null ``totalCount``, and a malformed cursor refused as bad input.

    A nested connection may be prefetched as rows of a *through* model (a member's
    ``connections`` as their ``ConnectionEdge`` rows, window-paginated per member);
    :meth:`resolve_node` turns each such row into the node it points at, as
    registered with :func:`register_through_model`.
    """

    through_models: ClassVar[dict[type, str]] = {}
    known_total: strawberry.Private[int | None] = None

    @strawberry.field(description="How many items the whole list holds, on every page.")
    def total_count(self) -> int:  # type: ignore[override]
        if self.known_total is not None:
            return self.known_total
        try:
            # An offset page counted by strawberry-django's own window annotation.
            return int(self.edges[0].node._strawberry_total_count)  # type: ignore[attr-defined]
        except (IndexError, AttributeError):
            pass
        nodes = self.nodes
        if isinstance(nodes, QuerySet):
            # django_resolver defers the query to a thread in an async context.
            return cast("int", django_resolver(get_total_count)(nodes))
        return len(nodes) if isinstance(nodes, Sized) else 0

    @classmethod
    def resolve_node(cls, node: Any, *, info: Info, **kwargs: Any) -> Any:
        attribute = cls.through_models.get(type(node))
        return getattr(node, attribute) if attribute is not None else node

    @classmethod
    def resolve_connection(
        cls,
        nodes: Any,
        *,
        info: Info,
        before: str | None = None,
        after: str | None = None,
        first: int | None = None,
        last: int | None = None,
        max_results: int | None = None,
        **kwargs: Any,
    ) -> Any:
        if pages_by_keyset(nodes):
            resolve = cls.resolve_keyset_connection
        else:
            check_cursors(valid_cursor, before=before, after=after)
            resolve = super().resolve_connection
        return resolve(
            nodes,
            info=info,
            before=before,
            after=after,
            first=first,
            last=last,
            max_results=max_results,
            **kwargs,
        )

    @classmethod
    def resolve_keyset_connection(
        cls,
        nodes: QuerySet,
        *,
        info: Info,
        before: str | None = None,
        after: str | None = None,
        first: int | None = None,
        last: int | None = None,
        max_results: int | None = None,
        **kwargs: Any,
    ) -> Any:
        """One page of ``nodes`` after/before a keyset cursor: strawberry-django's
        :func:`apply_cursor_pagination` (or, for a nested connection, the page it
        already prefetched per parent), its total counted in the same query."""
        limit = max_results if max_results is not None else MAX_PAGE_SIZE
        if first is None and last is None:
            first = limit  # never an unbounded page
        if is_optimized_by_prefetching(nodes):
            # Cursors were checked, and the page cut, when the prefetch was built.
            page = nodes
            descriptors = get_queryset_config(nodes).ordering_descriptors
            assert descriptors is not None, "prefetched without apply_cursor_pagination"
        else:
            keyset = keyset_of(nodes, info)
            check_cursors(
                lambda c: valid_keyset_cursor(c, keyset, nodes.db), before=before, after=after
            )
            unique = node_key_length(nodes, keyset)
            if before is not None:
                before = past_ties(before, keyset, nodes.db, unique=unique, before=True)
            if after is not None:
                after = past_ties(after, keyset, nodes.db, unique=unique, before=False)
            counted = nodes
            if selects_total_count(info):
                counted = with_total_count(nodes, filtered=bool(before or after))
            page, descriptors = apply_cursor_pagination(
                counted,
                info=info,
                before=before,
                after=after,
                first=first,
                last=last,
                max_results=limit,
            )

        if not should_resolve_list_connection_edges(info):
            empty = relay.PageInfo(
                start_cursor=None, end_cursor=None, has_previous_page=False, has_next_page=False
            )
            return cls(edges=[], page_info=empty, nodes=nodes)

        edge_class = resolve_edge_class(cls)

        def finish() -> NetworkConnection:
            rows = list(page)
            total = getattr(rows[0], TOTAL_COUNT_ANNOTATION, None) if rows else None
            if total is None and rows and is_optimized_by_prefetching(nodes):
                if after is None and before is None:
                    # A nested page without a cursor: the per-parent window
                    # count (taken before paging) is the total.
                    total = getattr(rows[0], "_strawberry_total_count", None)
            # Mirrors DjangoCursorConnection: one row over-fetched in each direction
            # asked for tells whether more follow.
            has_previous = has_next = False
            if first is not None:
                if last is None:
                    has_next = len(rows) > first
                    rows = rows[:first]
                elif rows and getattr(rows[0], "_strawberry_row_number_fwd", 0) > first:
                    has_next = True
                    rows = rows[1:]
            if last is not None:
                has_previous = len(rows) > last
                rows = rows[:last]
                rows.reverse()
            # Items before `after` (the cursor's own, at least) or after `before`
            # exist; the spec lets a server say so without another query.
            has_previous = has_previous or after is not None
            has_next = has_next or before is not None
            edges = [
                edge_class(
                    cursor=to_base64(
                        KEYSET_CURSOR_PREFIX,
                        str(OrderedCollectionCursor.from_model(row, descriptors)),
                    ),
                    node=cls.resolve_node(row, info=info, **kwargs),
                )
                for row in rows
            ]
            return cls(
                edges=edges,
                page_info=relay.PageInfo(
                    start_cursor=edges[0].cursor if edges else None,
                    end_cursor=edges[-1].cursor if edges else None,
                    has_previous_page=has_previous,
                    has_next_page=has_next,
                ),
                nodes=nodes,
                known_total=int(total) if total is not None else None,
            )

        if in_async_context() and getattr(page, "_result_cache", None) is None:
            # Runs the page's query in a thread in an async context.
            return django_resolver(finish)()
        return finish()


def register_through_model(model: type, node_attribute: str) -> None:
    """Rows of ``model`` listed in a connection stand for ``row.<node_attribute>``."""
    NetworkConnection.through_models[model] = node_attribute


# --------------------------------------------------------------------------
# The field
# --------------------------------------------------------------------------

#: What the four paging arguments mean, for both kinds of cursor (strawberry's own
#: say that ``last`` returns "the items that come after the specified cursor").
PAGING_ARGUMENT_DESCRIPTIONS = {
    "first": f"The first n items (after `after` if given); at most {MAX_PAGE_SIZE}. "
    f"Without `first` and `last`, the first {MAX_PAGE_SIZE}.",
    "last": f"The last n items (before `before` if given); at most {MAX_PAGE_SIZE}.",
    "after": "A cursor from this list: only the items that come after that item.",
    "before": "A cursor from this list: only the items that come before that item.",
}


class NetworkConnectionExtension(StrawberryDjangoConnectionExtension):
    """strawberry-django's connection extension, describing the paging arguments
    as :data:`PAGING_ARGUMENT_DESCRIPTIONS` says."""

    def apply(self, field: Any) -> None:
        super().apply(field)
        for argument in field.arguments:
            description = PAGING_ARGUMENT_DESCRIPTIONS.get(argument.python_name)
            if description is not None:
                argument.description = description


def network_connection(graphql_type: Any, **kwargs: Any) -> Any:
    """:func:`strawberry_django.connection` with :class:`NetworkConnectionExtension`
    in place of strawberry-django's own extension; same arguments."""
    field = strawberry_django.connection(graphql_type, **kwargs)
    field.extensions = [
        NetworkConnectionExtension(max_results=e.max_results)
        if type(e) is StrawberryDjangoConnectionExtension
        else e
        for e in field.extensions
    ]
    return field


__all__ = [
    "KEYSET_CURSOR_PREFIX",
    "MAX_CURSOR_LENGTH",
    "MAX_PAGE_SIZE",
    "OFFSET_CURSOR_PREFIX",
    "PAGING_ARGUMENT_DESCRIPTIONS",
    "RANKED_ORDERINGS",
    "NetworkConnection",
    "NetworkConnectionExtension",
    "capped",
    "check_cursors",
    "count_subquery",
    "invalid_cursor_error",
    "keyset_of",
    "network_connection",
    "node_key_length",
    "pages_by_keyset",
    "past_ties",
    "register_through_model",
    "selects_total_count",
    "valid_cursor",
    "valid_keyset_cursor",
    "with_total_count",
]
