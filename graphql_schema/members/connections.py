"""``Member.connections`` for a whole list of members at once.

A member's connections are the ``ConnectionEdge`` rows from them (their
``edges`` relation) that the viewer may know of. For a list of members
(``company.employees``, ``members``, another member's connections, …) the
optimizer runs :func:`connections_prefetch`, which pages that relation with
strawberry-django's keyset pagination
(:func:`strawberry_django.relay.apply_cursor_pagination` with a
``related_field_id``: window-paginated per member): one query for the edges of
every listed member, and one more for the connected members, optimized by
strawberry-django for whatever their selection asks for (the viewer facts as
annotations, nested lists as prefetches). The connection then resolves from the
prefetched page, each edge standing for the member it points at
(:func:`~graphql_schema.base.connection.register_through_model`).

Both ways of paging (batched edges, or one member's connected members when a
selection is not batched) sort by the connected member's name, then their id,
then the edge's id, so a cursor from one is valid in the other.
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import (
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)
from strawberry.types import Info
from strawberry.types.nodes import SelectedField
from strawberry_django.optimizer import (
    is_optimized_by_prefetching,
    mark_optimized_by_prefetching,
    optimize,
)
from strawberry_django.relay import apply_cursor_pagination

from wagtail_network import visibility
from wagtail_network.models import ConnectionEdge, MemberPage

from ..base.connection import (
    MAX_PAGE_SIZE,
    TOTAL_COUNT_ANNOTATION,
    count_subquery,
    keyset_of,
    past_ties,
    register_through_model,
    selects_total_count,
    valid_keyset_cursor,
)
from ..base.context import viewer_of

#: An edge listed in a connection is the member at its other end.
register_through_model(ConnectionEdge, "other")


def _cursors(info: Info) -> dict[str, Any]:
    """The paging arguments of the selection being resolved (the field is always a
    field selection, never a fragment). A literal's value may come as its source
    text (``first: 5`` as ``"5"``): the page sizes are read as numbers."""
    arguments = cast(SelectedField, info.selected_fields[0]).arguments or {}
    page: dict[str, Any] = {name: arguments.get(name) for name in ("after", "before")}
    for name in ("first", "last"):
        value = arguments.get(name)
        page[name] = None if value is None else int(value)
    return page


def connections_prefetch(info: Info) -> Prefetch:
    """The optimizer hint of ``Member.connections`` (see the module docstring).

    An aliased selection is resolved member by member instead (two queries each):
    GraphQL allows one unaliased selection of the field per object, but several
    aliased ones with different pages, and the prefetch caches one page per member.
    So is a selection with a cursor the connection will refuse.
    """
    selected = cast(SelectedField, info.selected_fields[0])
    page = _cursors(info)
    viewer = viewer_of(info)
    members = optimize(MemberPage.objects.all(), info)
    edges = (
        visibility.edges_visible_to(viewer, ConnectionEdge.objects.all())
        .prefetch_related(Prefetch("other", queryset=members))
        # other_id wrapped: strawberry-django's keyset reads a bare foreign-key
        # column as the primary key it points at (the edge's own id here).
        .order_by("other__title", ExpressionWrapper(F("other_id"), IntegerField()).asc(), "pk")
    )
    keyset = keyset_of(edges, info)
    cursors = [c for c in (page["after"], page["before"]) if c is not None]
    if selected.alias or any(
        not isinstance(c, str) or not valid_keyset_cursor(c, keyset, edges.db) for c in cursors
    ):
        # An empty prefetch runs no query (one attribute per alias: the optimizer
        # merges prefetches that share a name).
        key = selected.alias or selected.name
        return Prefetch(
            "edges", queryset=ConnectionEdge.objects.none(), to_attr=f"_wn_unbatched_{key}"
        )
    if cursors and selects_total_count(info):
        # The window total counts only what follows the cursor: count each
        # member's visible edges in a correlated subquery instead.
        own = visibility.edges_visible_to(
            viewer, ConnectionEdge.objects.filter(member_id=OuterRef("member_id"))
        )
        edges = edges.annotate(**{TOTAL_COUNT_ANNOTATION: count_subquery(own)})
    # The name and member id place a cursor; the edge id only breaks ties
    # within one member's list (see past_ties).
    after, before = page["after"], page["before"]
    if isinstance(after, str):
        after = past_ties(after, keyset, edges.db, unique=2, before=False)
    if isinstance(before, str):
        before = past_ties(before, keyset, edges.db, unique=2, before=True)
    first, last = page["first"], page["last"]
    if first is None and last is None:
        first = MAX_PAGE_SIZE
    edges, _ = apply_cursor_pagination(
        edges,
        related_field_id="member_id",
        info=info,
        first=first,
        last=last,
        after=after,
        before=before,
        max_results=MAX_PAGE_SIZE,
    )
    return Prefetch("edges", queryset=mark_optimized_by_prefetching(edges))


def connections_of(member: MemberPage, info: Info) -> QuerySet:
    """What ``Member.connections`` pages: the prefetched edges when
    :func:`connections_prefetch` ran for this member, else the visible connected
    members themselves (one query for the page, one for its total).

    An empty prefetched page after a cursor is paged again on its own: the
    prefetch carries no row to hold the member's total.
    """
    edges = member.edges.all()  # type: ignore[attr-defined]
    if is_optimized_by_prefetching(edges):
        page = _cursors(info)
        if edges or (page["after"] is None and page["before"] is None):
            return edges
    edge_id = ConnectionEdge.objects.filter(member_id=member.pk, other_id=OuterRef("pk"))
    return visibility.connections_of(viewer_of(info), member.pk).order_by(
        "title", "pk", Subquery(edge_id.values("pk")[:1]).asc()
    )


__all__ = ["connections_of", "connections_prefetch"]
