"""``Member.connections`` for a whole list of members at once.

A member's connections are the ``ConnectionEdge`` rows from them (their
``edges`` relation) that the viewer may know of. For a list of members
(``company.employees``, ``members``, another member's connections, …) the
optimizer runs :func:`connections_prefetch`, which hands that relation to
strawberry-django's own nested-connection pagination: one query for the edges
of every listed member, window-paginated per member by
:func:`strawberry_django.pagination.apply_window_pagination` (row numbers and the
member's total come from the window), and one more for the connected members,
optimized by strawberry-django for whatever their selection asks for (the viewer
facts as annotations, nested lists as prefetches). The connection then resolves
from the prefetched page (``DjangoListConnection``), each edge standing for the
member it points at (:func:`~graphql_schema.base.connection.register_through_model`).
"""

from __future__ import annotations

from typing import cast

from django.db.models import Prefetch, QuerySet
from strawberry.relay.utils import SliceMetadata
from strawberry.types import Info
from strawberry.types.nodes import SelectedField
from strawberry_django.optimizer import (
    is_optimized_by_prefetching,
    mark_optimized_by_prefetching,
    optimize,
)
from strawberry_django.pagination import apply_window_pagination

from wagtail_network import visibility
from wagtail_network.models import ConnectionEdge, MemberPage

from ..base.connection import MAX_PAGE_SIZE, register_through_model, valid_cursor
from ..base.context import viewer_of

#: An edge listed in a connection is the member at its other end.
register_through_model(ConnectionEdge, "other")


def connections_prefetch(info: Info) -> Prefetch:
    """The optimizer hint of ``Member.connections`` (see the module docstring).

    An aliased selection is resolved member by member instead (two queries each):
    GraphQL allows one unaliased selection of the field per object, but several
    aliased ones with different pages, and the prefetch caches one page per member.
    So is a selection with a cursor the connection will refuse.
    """
    # The field being resolved is always a field selection, never a fragment.
    selected = cast(SelectedField, info.selected_fields[0])
    arguments = selected.arguments or {}
    cursors = [arguments.get(name) for name in ("after", "before")]
    if selected.alias or any(c is not None and not valid_cursor(c) for c in cursors):
        # An empty prefetch runs no query (one attribute per alias: the optimizer
        # merges prefetches that share a name).
        key = selected.alias or selected.name
        return Prefetch(
            "edges", queryset=ConnectionEdge.objects.none(), to_attr=f"_wn_unbatched_{key}"
        )
    page = SliceMetadata.from_arguments(
        info,
        first=arguments.get("first"),
        last=arguments.get("last"),
        after=arguments.get("after"),
        before=arguments.get("before"),
        max_results=MAX_PAGE_SIZE,
    )
    backwards = page.expected is None  # `last` without `before`
    members = optimize(MemberPage.objects.all(), info)
    edges = (
        visibility.edges_visible_to(viewer_of(info), ConnectionEdge.objects.all())
        .prefetch_related(Prefetch("other", queryset=members))
        .order_by("other__title", "other_id")
    )
    edges = apply_window_pagination(
        edges,
        related_field_id="member_id",
        offset=page.start,
        limit=arguments.get("last") if backwards else page.end - page.start,
        max_results=MAX_PAGE_SIZE,
        reverse=backwards,
    )
    return Prefetch("edges", queryset=mark_optimized_by_prefetching(edges))


def connections_of(member: MemberPage, info: Info) -> QuerySet:
    """What ``Member.connections`` pages: the prefetched edges when
    :func:`connections_prefetch` ran for this member, else the visible connected
    members themselves (one query for the page, one for its total)."""
    edges = member.edges.all()  # type: ignore[attr-defined]
    if is_optimized_by_prefetching(edges):
        return edges
    return visibility.connections_of(viewer_of(info), member.pk).order_by("title", "pk")


__all__ = ["connections_of", "connections_prefetch"]
