"""Graph questions over the connection adjacency (:class:`ConnectionEdge`).

Every question is a join over ``ConnectionEdge`` walked through its unique
``(member, other)`` index, answered in a constant number of queries whatever the
number of members asked about.

``degree`` describes the viewer's own network and is computed over *all* edges,
including ones the viewer may not see as such (a connection list set to "only
me"): like LinkedIn's "2nd"/"3rd" badges this is a deliberate, documented
disclosure (PRODUCT.md). It never names the members on the path; mutual
connections and suggestion counts, which do, use only edges visible to the viewer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from . import visibility
from .models import LIVE_CONNECTION_STATES, Block, Connection, ConnectionEdge, MemberPage


def _pk(value: Any) -> int:
    return int(value.pk if hasattr(value, "pk") else value)


def degrees(user: Any, member_ids: Iterable[Any]) -> dict[int, int | None]:
    """For each member id: 1, 2 or 3 (hops from the viewer), or ``None``.

    At most three queries, whatever the number of ids: direct neighbours among the
    ids; ids adjacent to a neighbour (2nd degree); ids adjacent to a member
    adjacent to a neighbour (3rd degree). The viewer itself, anonymous viewers
    and viewers without a profile get ``None``.
    """
    ids = {_pk(i) for i in member_ids}
    result: dict[int, int | None] = dict.fromkeys(ids)
    me = visibility.viewer_member_id(user)
    if me is None:
        return result
    remaining = ids - {me}
    if not remaining:
        return result
    mine = ConnectionEdge.objects.filter(member_id=me).values("other_id")

    first = set(
        ConnectionEdge.objects.filter(member_id=me, other_id__in=remaining).values_list(
            "other_id", flat=True
        )
    )
    for pk in first:
        result[pk] = 1
    remaining -= first
    if not remaining:
        return result

    second = set(
        ConnectionEdge.objects.filter(member_id__in=mine, other_id__in=remaining)
        .values_list("other_id", flat=True)
        .distinct()
    )
    for pk in second:
        result[pk] = 2
    remaining -= second
    if not remaining:
        return result

    # x is 3rd degree when one of x's neighbours is a neighbour of one of mine.
    friends_of_friends = ConnectionEdge.objects.filter(member_id__in=mine).values("other_id")
    third = set(
        ConnectionEdge.objects.filter(member_id__in=remaining, other_id__in=friends_of_friends)
        .values_list("member_id", flat=True)
        .distinct()
    )
    for pk in third:
        result[pk] = 3
    return result


def degree(user: Any, member: Any) -> int | None:
    """1, 2 or 3 when ``member`` is that many hops from the viewer, else ``None``."""
    pk = _pk(member)
    return degrees(user, [pk])[pk]


def suggested_members(user: Any, limit: int | None = 10) -> QuerySet:
    """People the viewer may know: 2nd-degree members, most mutual connections first.

    Excludes the viewer, their connections, anyone with an open invitation either
    way, anyone blocked either way, and anyone the viewer may not see. Mutual
    connections are counted over edges visible to the viewer; each member carries
    the count as ``mutual_count``. One query. ``limit=None`` returns the whole
    ordered queryset (for callers that page it themselves, e.g. a Relay connection).
    """
    me = visibility.viewer_member_id(user)
    if me is None:
        return MemberPage.objects.none()
    mine = ConnectionEdge.objects.filter(member_id=me).values("other_id")
    # Edges from one of my connections to a candidate, as far as I may know them.
    via = visibility.edges_visible_to(user, ConnectionEdge.objects.filter(member_id__in=mine))
    open_with_me = Connection.objects.filter(state__in=LIVE_CONNECTION_STATES).filter(
        Q(member_low_id=me) | Q(member_high_id=me)
    )
    mutual = (
        via.filter(other_id=OuterRef("pk"))
        .order_by()
        .values("other_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    suggestions = (
        visibility.members_visible_to(user)
        .filter(pk__in=via.values("other_id"))
        .exclude(pk=me)
        .exclude(pk__in=mine)
        .exclude(pk__in=open_with_me.values("member_low_id"))
        .exclude(pk__in=open_with_me.values("member_high_id"))
        .exclude(pk__in=Block.objects.filter(blocker_id=me).values("blocked_id"))
        .exclude(pk__in=Block.objects.filter(blocked_id=me).values("blocker_id"))
        .annotate(mutual_count=Coalesce(Subquery(mutual, output_field=IntegerField()), Value(0)))
        .order_by("-mutual_count", "pk")
    )
    if limit is None:
        return suggestions
    return suggestions[: max(0, min(int(limit), 100))]


__all__ = ["degree", "degrees", "suggested_members"]
