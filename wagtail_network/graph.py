"""Graph questions over the connection adjacency (:class:`ConnectionEdge`).

Every question is a join over ``ConnectionEdge`` walked through its unique
``(member, other)`` index, answered in a constant number of queries whatever the
number of members asked about.

``degree`` describes the viewer's own network and is computed over *all* edges,
including ones the viewer may not see as such (a connection list set to "only
me"): like LinkedIn's "2nd"/"3rd" badges this is a deliberate, documented
disclosure (docs/concepts/visibility.md). It never names the members on the path; mutual
connections and suggestion counts, which do, use only edges visible to the viewer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from . import visibility
from .filters import CandidateRank
from .models import (
    LIVE_CONNECTION_STATES,
    Block,
    Connection,
    ConnectionEdge,
    ConnectionState,
    ConnectionStatus,
    MemberPage,
    SuggestionDismissal,
)

#: Most suggestions ever handed out at once.
SUGGESTION_CAP = 100


def _pk(value: Any) -> int:
    return int(value.pk if hasattr(value, "pk") else value)


def connection_status_expression(user: Any) -> Any:
    """How each row (a member) stands to the viewer, as one SQL expression.

    Values are :class:`~wagtail_network.models.ConnectionStatus`. This is the only
    implementation of the rule: :func:`connection_statuses`, the pages and GraphQL's
    ``connectionStatus`` all annotate it. An ignored invitation reads
    ``PENDING_SENT`` to its sender (an ignore is never disclosed); ``BLOCKED`` is
    only ever told to the blocker. Anonymous viewers and viewers without a profile
    get ``NONE`` for everyone.
    """
    me = visibility.viewer_member_id(user)
    if me is None:
        return Value(ConnectionStatus.NONE, output_field=CharField())
    pending_sent = Connection.objects.filter(
        requester_id=me,
        recipient_id=OuterRef("pk"),
        state__in=[ConnectionState.PENDING, ConnectionState.IGNORED],
    )
    received = Connection.objects.filter(requester_id=OuterRef("pk"), recipient_id=me)
    return Case(
        When(pk=me, then=Value(ConnectionStatus.SELF)),
        When(
            Exists(ConnectionEdge.objects.filter(member_id=me, other_id=OuterRef("pk"))),
            then=Value(ConnectionStatus.CONNECTED),
        ),
        When(
            Exists(Block.objects.filter(blocker_id=me, blocked_id=OuterRef("pk"))),
            then=Value(ConnectionStatus.BLOCKED),
        ),
        When(Exists(pending_sent), then=Value(ConnectionStatus.PENDING_SENT)),
        When(
            Exists(received.filter(state=ConnectionState.PENDING)),
            then=Value(ConnectionStatus.PENDING_RECEIVED),
        ),
        When(
            Exists(received.filter(state=ConnectionState.IGNORED)),
            then=Value(ConnectionStatus.IGNORED),
        ),
        default=Value(ConnectionStatus.NONE),
        output_field=CharField(),
    )


def degree_expression(user: Any) -> Any:
    """1, 2 or 3 when the row is that many hops from the viewer over *all* accepted
    connections, else NULL, as one SQL expression (the only implementation of the
    rule; :func:`degrees`, the pages and GraphQL's ``degree`` annotate it).

    A deliberate disclosure (docs/concepts/visibility.md): it describes the viewer's own network, as
    LinkedIn does. The viewer itself, anonymous viewers and viewers without a
    profile get NULL.
    """
    me = visibility.viewer_member_id(user)
    if me is None:
        return Value(None, output_field=IntegerField())
    first = ConnectionEdge.objects.filter(member_id=me).values("other_id")
    second = ConnectionEdge.objects.filter(member_id__in=first).values("other_id")
    return Case(
        When(pk=me, then=Value(None)),
        When(
            Exists(ConnectionEdge.objects.filter(member_id=me, other_id=OuterRef("pk"))),
            then=Value(1),
        ),
        When(
            Exists(ConnectionEdge.objects.filter(member_id__in=first, other_id=OuterRef("pk"))),
            then=Value(2),
        ),
        When(
            Exists(ConnectionEdge.objects.filter(member_id__in=second, other_id=OuterRef("pk"))),
            then=Value(3),
        ),
        default=Value(None),
        output_field=IntegerField(),
    )


def _annotated(user: Any, member_ids: Iterable[Any], expression: Any) -> dict[int, Any]:
    ids = {_pk(i) for i in member_ids}
    if not ids:
        return {}
    found = dict(
        MemberPage.objects.filter(pk__in=ids)
        .annotate(_wn_value=expression)
        .values_list("pk", "_wn_value")
    )
    return {pk: found.get(pk) for pk in ids}


def connection_statuses(user: Any, member_ids: Iterable[Any]) -> dict[int, str]:
    """How each of ``member_ids`` stands to the viewer (see
    :func:`connection_status_expression`), in one query. Ids of no member read ``NONE``."""
    found = _annotated(user, member_ids, connection_status_expression(user))
    return {pk: value or ConnectionStatus.NONE for pk, value in found.items()}


def connection_status(user: Any, member: Any) -> str:
    """How ``member`` stands to the viewer (see :func:`connection_status_expression`)."""
    pk = _pk(member)
    return connection_statuses(user, [pk])[pk]


def degrees(user: Any, member_ids: Iterable[Any]) -> dict[int, int | None]:
    """For each member id: 1, 2 or 3 (hops from the viewer), or ``None``, in one
    query (see :func:`degree_expression`)."""
    if visibility.viewer_member_id(user) is None:
        return dict.fromkeys({_pk(i) for i in member_ids})
    return _annotated(user, member_ids, degree_expression(user))


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
        .exclude(
            other_id__in=SuggestionDismissal.objects.filter(member_id=me).values("dismissed_id")
        )
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
        # The rank as CandidateRank, not "-mutual_count": the same order, and it
        # marks the list as ranked, which GraphQL pages by offset (the ranking is
        # recomputed on every request, so a keyset cursor would not hold).
        .order_by(CandidateRank(list(counts)).asc(nulls_last=True), "pk")
    )


__all__ = [
    "connection_status",
    "connection_status_expression",
    "connection_statuses",
    "degree",
    "degree_expression",
    "degrees",
    "suggested_members",
]
