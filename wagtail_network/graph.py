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

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from . import visibility
from .models import LIVE_CONNECTION_STATES, Block, Connection, ConnectionEdge, MemberPage

#: Most suggestions ever handed out at once.
SUGGESTION_CAP = 100


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
    the count as ``mutual_count``. ``limit`` is capped at 100; ``None`` means 100
    (for callers that page the queryset themselves, e.g. a Relay connection).

    Three small queries, then a lazy queryset of at most ``limit`` members. The
    ranking is one aggregate over the edges *from the viewer's connections* (an
    index range per connection), never a scan of the whole graph: a first version
    that filtered every member by a correlated count took 8 s on 400,000 edges.
    """
    me = visibility.viewer_member_id(user)
    cap = SUGGESTION_CAP if limit is None else max(0, min(int(limit), SUGGESTION_CAP))
    if me is None or cap == 0:
        return MemberPage.objects.none()
    mine = ConnectionEdge.objects.filter(member_id=me).values("other_id")
    # The viewer's connections, split by whether the viewer may see their list:
    # an edge k–x is visible when k's list is, or else when x's list is.
    friends = visibility.members_visible_to(user).filter(pk__in=mine)
    visible_friends = set(friends.values_list("pk", flat=True))
    open_lists = set(
        friends.filter(visibility.field_visible_q(user, "connections")).values_list("pk", flat=True)
    )
    closed_lists = visible_friends - open_lists
    if not visible_friends:
        return MemberPage.objects.none()
    via = Q(member_id__in=open_lists)
    if closed_lists:
        via |= Q(
            member_id__in=closed_lists,
            other_id__in=visibility.members_with_visible_connections(user).values("pk"),
        )
    open_with_me = Connection.objects.filter(state__in=LIVE_CONNECTION_STATES).filter(
        Q(member_low_id=me) | Q(member_high_id=me)
    )
    ranked = (
        ConnectionEdge.objects.filter(via)
        .exclude(other_id=me)
        .exclude(other_id__in=mine)
        .exclude(other_id__in=open_with_me.values("member_low_id"))
        .exclude(other_id__in=open_with_me.values("member_high_id"))
        .exclude(other_id__in=Block.objects.filter(blocker_id=me).values("blocked_id"))
        .exclude(other_id__in=Block.objects.filter(blocked_id=me).values("blocker_id"))
        .filter(other_id__in=visibility.members_visible_to(user).values("pk"))
        .values("other_id")
        .annotate(n=Count("*"))
        .order_by("-n", "other_id")[:cap]
    )
    counts = {row["other_id"]: row["n"] for row in ranked}
    if not counts:
        return MemberPage.objects.none()
    return (
        visibility.members_visible_to(user)
        .filter(pk__in=list(counts))
        .annotate(
            mutual_count=Case(
                *[When(pk=pk, then=Value(n)) for pk, n in counts.items()],
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-mutual_count", "pk")
    )


__all__ = ["degree", "degrees", "suggested_members"]
