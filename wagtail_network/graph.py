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
from dataclasses import dataclass, field
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
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import visibility
from .filters import CandidateRank
from .models import (
    LIVE_CONNECTION_STATES,
    Block,
    CompanyPage,
    Connection,
    ConnectionEdge,
    ConnectionState,
    ConnectionStatus,
    MemberInterest,
    MemberPage,
    OpenTo,
    Position,
    SuggestionDismissal,
)
from .sql import bool_expression
from .viewer import Viewer

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
    viewer = Viewer.of(user)
    me = visibility.viewer_member_id(viewer)
    if me is None:
        return Value(ConnectionStatus.NONE, output_field=CharField())
    # Kept per viewer (and across its requests, graphql_schema.shared_facts): annotating
    # copies an expression, never changes it.
    return viewer.fact("expression:connection_status", lambda: _connection_status(me))


def _connection_status(me: int) -> Any:
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
    viewer = Viewer.of(user)
    me = visibility.viewer_member_id(viewer)
    if me is None:
        return Value(None, output_field=IntegerField())
    return viewer.fact("expression:degree", lambda: _degree(me))


def _degree(me: int) -> Any:
    mine = ConnectionEdge.objects.filter(member_id=me).values("other_id")
    # The row's own connections, read through the (other, member) index.
    theirs = ConnectionEdge.objects.filter(other_id=OuterRef(OuterRef("pk"))).values("member_id")
    return Case(
        When(pk=me, then=Value(None)),
        When(
            Exists(ConnectionEdge.objects.filter(member_id=me, other_id=OuterRef("pk"))),
            then=Value(1),
        ),
        When(
            Exists(ConnectionEdge.objects.filter(member_id__in=mine, other_id=OuterRef("pk"))),
            then=Value(2),
        ),
        # Meet in the middle: an edge from one of the row's connections to one of
        # the viewer's. Expanding the viewer's 2nd degree instead reads most of the
        # graph once the viewer has a few well-connected connections.
        When(
            Exists(ConnectionEdge.objects.filter(member_id__in=theirs, other_id__in=mine)),
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
        .order_by()  # no sort by tree path: the answer is a dict
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
    way, anyone blocked either way, dismissed members, members without an account,
    and anyone the viewer may not see. Mutual connections are counted over edges
    visible to the viewer; each member carries the count as ``mutual_count``.
    ``limit`` is capped at 100; ``None`` means 100 (for callers that page the
    queryset themselves, e.g. a Relay connection).

    One aggregate (:func:`_mutual_counts`), then a lazy queryset of at most
    ``limit`` members. The viewer's connections enter the SQL as subqueries, never
    as a list of ids.
    """
    viewer = Viewer.of(user)
    me = visibility.viewer_member_id(viewer)
    cap = SUGGESTION_CAP if limit is None else max(0, min(int(limit), SUGGESTION_CAP))
    if me is None or cap == 0:
        return MemberPage.objects.none()
    counts = _mutual_counts(viewer, me, None, cap)
    if not counts:
        return MemberPage.objects.none()
    return (
        visibility.members_visible_to(viewer)
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


# --------------------------------------------------------------------------
# Suggestions with reasons ("people you may know")
#
# Two halves (wagtail_network.suggestion_pool explains the split): the candidate
# *pool* (_candidate_pool: which members are considered; cached per member, at
# most FRESH_FOR old, dropped by the member's own changes) and the *facts and
# ranking* over it (_rank_pool: exclusions, visibility, counts, reasons; always
# computed at serve time).
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestionReason:
    """Why a member is suggested, ready to show."""

    #: "mutual_connections", "company", "skills", "interests", "industry",
    #: "location" or "open_to" (:data:`REASON_KINDS`).
    kind: str
    #: How many (mutual connections, shared skills or interests); None otherwise.
    count: int | None
    #: Translated, e.g. "12 mutual connections", "Both worked at Acme".
    label: str
    #: The shared company (kind "company").
    company: CompanyPage | None = None


@dataclass
class Suggestion:
    """A member the viewer may know, with the reasons, strongest first."""

    member: MemberPage
    mutual_count: int
    reasons: list[SuggestionReason] = field(default_factory=list)


#: Reason kinds, in the order reasons of equal weight are listed.
REASON_KINDS = (
    "mutual_connections",
    "company",
    "skills",
    "interests",
    "industry",
    "location",
    "open_to",
)

#: What each reason adds to a candidate's rank (per unit for counted kinds):
#: mutual connections weigh most, then a company shared (now, or at some time),
#: then each shared skill, then the rest. Counted kinds are capped at
#: :data:`COUNT_CAP` units, so that many shared skills never outweigh a mutual
#: connection plus a shared company.
WEIGHTS = {
    "mutual_connections": 100,
    "company_current": 60,
    "company": 40,
    "skills": 12,
    "interests": 6,
    "industry": 8,
    "location": 8,
    "open_to": 4,
}
COUNT_CAP = 5

#: Candidates taken from each source before ranking: the ranking then runs over at
#: most this many members per source, whatever the size of the network.
SOURCE_CAP = SUGGESTION_CAP


def _open_to_label(choice: str) -> str:
    labels = {
        OpenTo.HIRING: _("Also hiring"),
        OpenTo.NEW_JOB: _("Also open to a new job"),
        OpenTo.PARTNERSHIPS: _("Also open to partnerships"),
        OpenTo.MENTORING: _("Also open to mentoring"),
        OpenTo.ADVICE: _("Also open to giving advice"),
    }
    return str(labels[OpenTo(choice)])


def _excluded_from_suggestions(user: Any, me: int) -> Q:
    """Members never suggested to ``me``, as a condition on member pks: themself,
    connections, open invitations either way, blocks either way, dismissed, members
    without an account (nobody could answer an invitation), and whoever the viewer
    may not see. Apply with ``pk__in=MemberPage.objects.filter(<this>)``."""
    open_with_me = Connection.objects.filter(state__in=LIVE_CONNECTION_STATES).filter(
        Q(member_low_id=me) | Q(member_high_id=me)
    )
    return (
        Q(pk=me)
        | Q(pk__in=ConnectionEdge.objects.filter(member_id=me).values("other_id"))
        | Q(pk__in=open_with_me.values("member_low_id"))
        | Q(pk__in=open_with_me.values("member_high_id"))
        | Q(pk__in=Block.objects.filter(blocker_id=me).values("blocked_id"))
        | Q(pk__in=Block.objects.filter(blocked_id=me).values("blocker_id"))
        | Q(pk__in=SuggestionDismissal.objects.filter(member_id=me).values("dismissed_id"))
        | Q(user__isnull=True)
    )


def _candidates(user: Any, me: int) -> QuerySet:
    """Members that may be suggested to ``me`` (a queryset to take pks from)."""
    return (
        visibility.members_visible_to(user)
        .exclude(_excluded_from_suggestions(user, me))
        .values("pk")
    )


@dataclass(frozen=True)
class _Friends:
    """The viewer's connections the viewer may see, and those of them whose
    connection list the viewer may see, as ids."""

    visible: list[int]
    open_lists: list[int]


def _visible_friends(user: Any, me: int) -> _Friends:
    """Read :class:`_Friends` in two queries driven by the viewer's edges: the ids
    first, then the rules on those rows only (by ``pk`` and by the page's ``id``,
    so that both tables are read through their primary key). As a subquery, the
    rules were joined to the connections after a scan of every member: 80 ms a
    time for a member with 2,000 connections."""
    mine = list(ConnectionEdge.objects.filter(member_id=me).values_list("other_id", flat=True))
    if not mine:
        return _Friends([], [])
    rows = (
        visibility.members_visible_to(user, _members_among(mine))
        .annotate(list_open=bool_expression(visibility.field_visible_q(user, "connections")))
        .order_by()
        .values_list("pk", "list_open")
    )
    visible, open_lists = [], []
    for pk, list_open in rows:
        visible.append(pk)
        if list_open:
            open_lists.append(pk)
    return _Friends(visible, open_lists)


def _visible_edges_q(user: Any, me: int, candidate: str, friend: str) -> Q:
    """Edges ``candidate``–``friend`` (field names of one ``ConnectionEdge`` row) that
    count as a mutual connection: ``friend`` is a connection of ``me`` the viewer may
    see, and the viewer may see the friend's connection list or else the
    candidate's (an edge k–x is visible when k's list is, or x's).

    The friend test is a plain conjunct, so PostgreSQL can join it (walking the
    ``(member, other)`` index from each friend, or hashing the friends); the list
    test is the OR beside it. The candidates' list test reads only candidates that
    can need it: the members connected to a friend whose list the viewer may not
    see (never every member)."""
    mine = ConnectionEdge.objects.filter(member_id=me).values("other_id")
    friends = visibility.members_visible_to(user).filter(pk__in=mine)
    lists = visibility.field_visible_q(user, "connections")
    open_lists = friends.filter(lists).values("pk")
    behind_closed_lists = ConnectionEdge.objects.filter(
        member_id__in=friends.exclude(lists).values("pk")
    ).values("other_id")
    asked = MemberPage.objects.filter(pk__in=behind_closed_lists)
    candidates_with_lists = visibility.members_with_visible_connections(user, asked).values("pk")
    # ``friend IN mine`` on its own, first: an index range the planner estimates
    # well (the viewer's degree), so it walks the (member, other) index from each
    # friend; the visibility tests on friends (ORs it cannot estimate) then filter.
    return (
        Q(**{f"{friend}__in": mine})
        & Q(**{f"{friend}__in": friends.values("pk")})
        & (Q(**{f"{friend}__in": open_lists}) | Q(**{f"{candidate}__in": candidates_with_lists}))
    )


#: How many more friends of friends a candidate pool reads than it keeps, for
#: those the rules then leave out (invisible, invited, blocked, dismissed, no account).
OVERFETCH = 3


def _mutual_counts(
    user: Any, me: int, among: Iterable[int] | None, cap: int, *, exact: bool = True
) -> dict[int, int]:
    """Mutual connections over edges visible to the viewer, per candidate: the
    top ``cap`` 2nd-degree members (``among=None``), or those of ``among``.
    ``exact=False`` (for a candidate pool): the top ``cap`` before the rules on
    candidates (visibility, invitations, blocks, dismissals, accounts), which the
    caller applies.

    ``among=None`` is one aggregate over the edges *from the viewer's
    connections* (a subquery): an index range of ``(member, other)`` per
    connection. ``among`` (a pool of a few hundred) walks the edges *from the
    candidates* instead — the same rows seen from the other end, the index range
    of each candidate, which is what keeps a member with thousands of connections
    fast: their connections' edges number hundreds of thousands, the candidates'
    far fewer; the viewer's visible connections and open lists are then read once,
    as ids (:func:`_visible_friends`), and passed as two array parameters."""
    if among is not None:
        ids = sorted({int(pk) for pk in among})
        if not ids:
            return {}
        friends = _visible_friends(user, me)
        if not friends.visible:
            return {}
        # An edge candidate–friend counts when the friend's list is open to the
        # viewer, or else the candidate's.
        candidates_with_lists = visibility.members_with_visible_connections(
            user, _members_among(ids)
        ).values("pk")
        rows = (
            ConnectionEdge.objects.filter(_among("member_id", ids))
            .filter(_among("other_id", friends.visible))
            .filter(_among("other_id", friends.open_lists) | Q(member_id__in=candidates_with_lists))
            .values("member_id")
            .annotate(n=Count("*"))
            .values_list("member_id", "n")
        )
        return dict(rows)
    edges = ConnectionEdge.objects.filter(_visible_edges_q(user, me, "other_id", "member_id"))
    if exact:
        ranked = (
            edges.filter(other_id__in=_candidates(user, me))
            .values("other_id")
            .annotate(n=Count("*"))
            .order_by("-n", "other_id")[:cap]
        )
        return {row["other_id"]: row["n"] for row in ranked}
    # Testing every edge's far end against "may be suggested" hashes every member
    # (a cost that grows with the network, not with the viewer): the caller tests
    # the few it keeps (_candidate_pool). Only the viewer and their connections,
    # who would fill the top, are left out here.
    mine = ConnectionEdge.objects.filter(member_id=me).values("other_id")
    top = (
        edges.exclude(other_id=me)
        .exclude(other_id__in=mine)
        .values("other_id")
        .annotate(n=Count("*"))
        .order_by("-n", "other_id")
        .values_list("other_id", "n")[:cap]
    )
    return dict(top)


def _my_companies(user: Any, me: int) -> dict[int, bool]:
    """Companies the viewer holds a position at (company id → current), among
    companies the viewer may see."""
    rows = Position.objects.filter(
        member_id=me,
        company_id__in=visibility.companies_visible_to(user).values("pk"),
    ).values_list("company_id", "is_current")
    companies: dict[int, bool] = {}
    for company_id, current in rows:
        companies[company_id] = companies.get(company_id, False) or current
    return companies


def _among(field: str, ids: Iterable[int]) -> Any:
    """``field`` is one of ``ids`` (:class:`wagtail_network.suggestion_pool.Among`)."""
    from .suggestion_pool import Among

    return Among(field, ids)


def _members_among(ids: Iterable[int]) -> QuerySet:
    """The members of ``ids``, by the member table's key and the page table's alike:
    by ``pk`` alone, PostgreSQL joins the page table (for ``live`` and the
    restrictions) by scanning all of it."""
    from .suggestion_pool import PageAmong

    ids = list(ids)
    return MemberPage.objects.filter(_among("pk", ids), PageAmong(ids))


@dataclass(frozen=True)
class _Own:
    """The viewer's own facts that suggestions are drawn from, read once a request."""

    industry_id: int | None
    industry_name: str
    city: str
    country: str
    open_to: list[OpenTo]
    skills: list[int]
    interests: list[int]
    companies: dict[int, bool]


def _own_facts(viewer: Viewer, me: int) -> _Own | None:
    row = (
        MemberPage.objects.filter(pk=me)
        .values(
            "industry_id", "industry__name", "city", "country", *MemberPage.OPEN_TO_FIELDS.values()
        )
        .first()
    )
    if row is None:
        return None
    return _Own(
        industry_id=row["industry_id"],
        industry_name=row["industry__name"] or "",
        city=(row["city"] or "").strip(),
        country=(row["country"] or "").strip(),
        open_to=[c for c, attr in MemberPage.OPEN_TO_FIELDS.items() if row[attr]],
        skills=list(
            MemberPage.skills.through.objects.filter(memberpage_id=me).values_list(
                "skill_id", flat=True
            )
        ),
        interests=list(
            MemberInterest.objects.filter(content_object_id=me).values_list("tag_id", flat=True)
        ),
        companies=_my_companies(viewer, me),
    )


def _candidate_pool(viewer: Viewer, me: int, own: _Own) -> list[int]:
    """The candidate pool: up to :data:`SOURCE_CAP` member ids from each source
    (friends of friends by mutual connections, shared companies, skills,
    interests, then industry/place/"open to"), one query per source. The part of
    suggestions that may be precomputed; everything it decides is rechecked at
    serve time by :func:`_rank_pool`."""
    # Each source's top OVERFETCH * SOURCE_CAP before the rules on candidates, then
    # the rules once over all of them (one query over their rows): testing each
    # source's rows against "may be suggested" in SQL hashes every member, a cost
    # that grows with the network. Hidden positions, skills of hidden members and
    # the like can only take a place in the pool, never show: _rank_pool reads
    # every fact through the visibility rules again.
    wide = SOURCE_CAP * OVERFETCH
    sources: list[list[int]] = [list(_mutual_counts(viewer, me, None, wide, exact=False))]
    if own.companies:
        sources.append(
            list(
                Position.objects.filter(company_id__in=list(own.companies))
                .exclude(member_id=me)
                .order_by("member_id")
                .values_list("member_id", flat=True)
                .distinct()[:wide]
            )
        )
    if own.skills:
        sources.append(
            list(
                MemberPage.skills.through.objects.filter(skill_id__in=own.skills)
                .exclude(memberpage_id=me)
                .values("memberpage_id")
                .annotate(n=Count("*"))
                .order_by("-n", "memberpage_id")
                .values_list("memberpage_id", flat=True)[:wide]
            )
        )
    if own.interests:
        sources.append(
            list(
                MemberInterest.objects.filter(tag_id__in=own.interests)
                .exclude(content_object_id=me)
                .values("content_object_id")
                .annotate(n=Count("*"))
                .order_by("-n", "content_object_id")
                .values_list("content_object_id", flat=True)[:wide]
            )
        )
    weak = Q()
    if own.industry_id:
        weak |= Q(industry_id=own.industry_id)
    if own.city:
        weak |= Q(city__iexact=own.city, country__iexact=own.country)
    for attr in (MemberPage.OPEN_TO_FIELDS[c] for c in own.open_to):
        weak |= Q(**{attr: True})
    if weak != Q():
        sources.append(
            list(
                MemberPage.objects.filter(weak, live=True)
                .exclude(pk=me)
                .order_by("-last_published_at", "pk")
                .values_list("pk", flat=True)[:wide]
            )
        )
    everyone = {pk for source in sources for pk in source}
    if not everyone:
        return []
    allowed = set(
        visibility.members_visible_to(viewer, _members_among(everyone))
        .exclude(_excluded_from_suggestions(viewer, me))
        .values_list("pk", flat=True)
    )
    pool: set[int] = set()
    for source in sources:
        pool.update([pk for pk in source if pk in allowed][:SOURCE_CAP])
    return sorted(pool)


def refresh_suggestion_pool(member: Any) -> list[int]:
    """Compute the candidate pool of ``member`` (instance or id) as their own user
    sees the network, and store it (:mod:`wagtail_network.suggestion_pool`): what
    the background task and ``refresh_network_suggestions`` run. Members without
    an account get an empty pool."""
    from django.contrib.auth import get_user_model

    from . import suggestion_pool

    member_id = _pk(member)
    user_id = MemberPage.objects.filter(pk=member_id).values_list("user_id", flat=True).first()
    if user_id is None:
        return []
    user = get_user_model()._default_manager.filter(pk=user_id).first()
    if user is None:
        return []
    viewer = Viewer(user)
    token = suggestion_pool._current_token(member_id)
    own = _own_facts(viewer, member_id)
    if own is None:
        return []
    return suggestion_pool.store(member_id, lambda: _candidate_pool(viewer, member_id, own), token)


def _rank_pool(
    viewer: Viewer, me: int, own: _Own, ids: list[int], limit: int
) -> list[tuple[int, int, list[SuggestionReason]]]:
    """The facts about the pool, read now, one query per kind, and the ranking:
    exclusions and visibility (with the attributes, in one query), mutual
    connections, shared skills, interests and companies."""
    if not ids:
        return []
    # Only candidates that may be suggested *now*: whatever the pool's age, a new
    # connection, invitation, block or dismissal, or a profile hidden since, is
    # never shown. Read first, over the pool's rows only, so that every later
    # query is about these members alone.
    pool_members = _members_among(ids)
    attributes = {
        row["pk"]: row
        for row in visibility.members_visible_to(viewer, pool_members)
        .exclude(_excluded_from_suggestions(viewer, me))
        .values("pk", "industry_id", "city", "country", *MemberPage.OPEN_TO_FIELDS.values())
    }
    ids = sorted(attributes)
    if not ids:
        return []
    pool_members = _members_among(ids)
    my_companies = own.companies
    mutual = _mutual_counts(viewer, me, ids, len(ids))
    shared_skills = (
        dict(
            MemberPage.skills.through.objects.filter(
                _among("memberpage_id", ids), skill_id__in=own.skills
            )
            .values("memberpage_id")
            .annotate(n=Count("*"))
            .values_list("memberpage_id", "n")
        )
        if own.skills
        else {}
    )
    shared_interests = (
        dict(
            MemberInterest.objects.filter(
                _among("content_object_id", ids), tag_id__in=own.interests
            )
            .values("content_object_id")
            .annotate(n=Count("*"))
            .values_list("content_object_id", "n")
        )
        if own.interests
        else {}
    )
    shared_company: dict[int, tuple[int, bool]] = {}
    if my_companies:
        positions = Position.objects.filter(
            _among("member_id", ids), company_id__in=list(my_companies)
        )
        for member_id, company_id, current in visibility.positions_visible_to(
            viewer, positions, members=pool_members
        ).values_list("member_id", "company_id", "is_current"):
            both_now = bool(current and my_companies[company_id])
            best = shared_company.get(member_id)
            if best is None or (both_now and not best[1]):
                shared_company[member_id] = (company_id, both_now)
    companies = (
        {
            c.pk: c
            for c in CompanyPage.objects.filter(
                pk__in={cid for cid, _now in shared_company.values()}
            )
        }
        if shared_company
        else {}
    )

    # Weights first, labels only for the members handed out: translating every
    # candidate's labels cost more than all the queries.
    ranked = []
    for pk in ids:
        row = attributes[pk]
        found: list[tuple[int, str, Any]] = []
        n = mutual.get(pk, 0)
        if n:
            found.append(
                (WEIGHTS["mutual_connections"] * min(n, COUNT_CAP), "mutual_connections", n)
            )
        if pk in shared_company:
            company_id, both_now = shared_company[pk]
            weight = WEIGHTS["company_current" if both_now else "company"]
            found.append((weight, "company", (companies[company_id], both_now)))
        n = shared_skills.get(pk, 0)
        if n:
            found.append((WEIGHTS["skills"] * min(n, COUNT_CAP), "skills", n))
        n = shared_interests.get(pk, 0)
        if n:
            found.append((WEIGHTS["interests"] * min(n, COUNT_CAP), "interests", n))
        if own.industry_id and row["industry_id"] == own.industry_id:
            found.append((WEIGHTS["industry"], "industry", own.industry_name))
        if (
            own.city
            and (row["city"] or "").strip().casefold() == own.city.casefold()
            and ((row["country"] or "").strip().casefold() == own.country.casefold())
        ):
            found.append((WEIGHTS["location"], "location", (row["city"] or "").strip()))
        common = [c for c in own.open_to if row[MemberPage.OPEN_TO_FIELDS[c]]]
        if common:
            found.append((WEIGHTS["open_to"], "open_to", common))
        if not found:
            continue
        score = sum(weight for weight, _kind, _data in found)
        ranked.append((score, pk, mutual.get(pk, 0), found))
    ranked.sort(key=lambda item: (-item[0], item[1]))
    result = []
    for _score, pk, n, found in ranked[:limit]:
        found.sort(key=lambda item: (-item[0], REASON_KINDS.index(item[1])))
        result.append((pk, n, [_reason(kind, data) for _weight, kind, data in found]))
    return result


def _reason(kind: str, data: Any) -> SuggestionReason:
    """The reason of ``kind``, labelled in the active language."""
    if kind == "mutual_connections":
        label = ngettext("%(count)d mutual connection", "%(count)d mutual connections", data)
        return SuggestionReason(kind, data, label % {"count": data})
    if kind == "company":
        company, both_now = data
        label = (_("Both work at %(company)s") if both_now else _("Both worked at %(company)s")) % {
            "company": company.title
        }
        return SuggestionReason(kind, None, label, company)
    if kind == "skills":
        label = ngettext("Shares %(count)d skill", "Shares %(count)d skills", data)
        return SuggestionReason(kind, data, label % {"count": data})
    if kind == "interests":
        label = ngettext("Shares %(count)d interest", "Shares %(count)d interests", data)
        return SuggestionReason(kind, data, label % {"count": data})
    if kind == "industry":
        return SuggestionReason(kind, None, _("Same industry: %(industry)s") % {"industry": data})
    if kind == "location":
        return SuggestionReason(kind, None, _("Also in %(city)s") % {"city": data})
    return SuggestionReason("open_to", len(data), _open_to_label(data[0]))


def _ranked_suggestions(
    user: Any, limit: int, *, from_scratch: bool = False
) -> list[tuple[int, int, list[SuggestionReason]]]:
    """``(member pk, mutual count, reasons)`` of the top ``limit`` suggestions, in a
    constant number of queries: the candidate pool (stored, or one query per
    source), then one query per kind of fact about the candidates.

    ``from_scratch``: compute the pool now and leave the stored one alone (for
    benchmarks and checks); the answer is the same as with a pool just refreshed."""
    viewer = Viewer.of(user)
    me = visibility.viewer_member_id(viewer)
    if me is None or limit <= 0:
        return []
    own = _own_facts(viewer, me)
    if own is None:
        return []
    from . import suggestion_pool

    if from_scratch:
        ids = _candidate_pool(viewer, me, own)
    else:
        ids = suggestion_pool.pool(me, lambda: _candidate_pool(viewer, me, own))
    return _rank_pool(viewer, me, own, ids, limit)


def suggestions(user: Any, limit: int = 10, *, from_scratch: bool = False) -> list[Suggestion]:
    """People the viewer may know, with the reasons for each, best first.

    Candidates are 2nd-degree members (mutual connections over edges the viewer
    may see) and members who share with the viewer a company (current or past;
    only positions the viewer may see, on both sides), skills, interests, the
    industry, the place (city and country) or an "open to"; never the viewer,
    their connections, anyone with an open invitation either way, anyone blocked
    either way, anyone the viewer dismissed (:func:`~wagtail_network.services.dismiss_suggestion`),
    profiles without an account, or anyone the viewer may not see.

    Ranked by :data:`WEIGHTS` (mutual connections first, then a shared company,
    then shared skills …); each suggestion has at least one reason, strongest
    first. ``limit`` is capped at :data:`SUGGESTION_CAP`. A constant number of
    queries whatever the size of the network: each source of candidates is capped
    in SQL (:data:`SOURCE_CAP`), and the facts about the candidates are read in
    one query per kind. Members come with their photo and its renditions.

    Which members are *considered* comes from the viewer's stored candidate pool
    (:mod:`wagtail_network.suggestion_pool`: at most ``SUGGESTIONS["FRESH_FOR"]``
    old for others' changes, dropped by the viewer's own); every rule, count and
    reason is computed now. ``from_scratch=True`` computes the pool too.
    """
    viewer = Viewer.of(user)
    cap = max(0, min(int(limit), SUGGESTION_CAP))
    ranked = _ranked_suggestions(viewer, cap, from_scratch=from_scratch)
    if not ranked:
        return []
    members = {
        m.pk: m
        for m in MemberPage.objects.filter(pk__in=[pk for pk, _n, _r in ranked])
        .select_related("photo", "industry")
        .prefetch_related("photo__renditions")
    }
    return [
        Suggestion(member=members[pk], mutual_count=n, reasons=reasons)
        for pk, n, reasons in ranked
        if pk in members
    ]


def suggestion_reasons(
    user: Any, *, from_scratch: bool = False
) -> dict[int, list[SuggestionReason]]:
    """The reasons of each of the viewer's suggestions (up to :data:`SUGGESTION_CAP`),
    by member pk; computed once per viewer until it is refreshed (GraphQL's
    ``Member.suggestionReasons`` reads it for every member of a page)."""
    viewer = Viewer.of(user)
    return viewer.fact(
        "wagtail_network.suggestion_reasons" + (".from_scratch" if from_scratch else ""),
        lambda: {
            pk: reasons
            for pk, _n, reasons in _ranked_suggestions(
                viewer, SUGGESTION_CAP, from_scratch=from_scratch
            )
        },
    )


def suggested_members_ranked(
    user: Any, limit: int | None = None, *, from_scratch: bool = False
) -> QuerySet:
    """The members of :func:`suggestions` as a queryset in rank order, each with
    ``mutual_count`` (for callers that page a queryset, e.g. a Relay connection)."""
    viewer = Viewer.of(user)
    cap = SUGGESTION_CAP if limit is None else max(0, min(int(limit), SUGGESTION_CAP))
    ranked = _ranked_suggestions(viewer, cap, from_scratch=from_scratch)
    if not ranked:
        return MemberPage.objects.none()
    # Keep the reasons for Member.suggestionReasons in the same request.
    viewer._facts.setdefault(
        "wagtail_network.suggestion_reasons", {pk: reasons for pk, _n, reasons in ranked}
    )
    order = [pk for pk, _n, _r in ranked]
    return (
        visibility.members_visible_to(viewer)
        .filter(pk__in=order)
        .annotate(
            mutual_count=Case(
                *[When(pk=pk, then=Value(n)) for pk, n, _r in ranked],
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by(CandidateRank(order).asc(nulls_last=True), "pk")
    )


# --------------------------------------------------------------------------
# How you are connected; your connections at a company
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ConnectionPath:
    """How the viewer is connected to a member ("how you are connected").

    ``members`` runs from the viewer to the member (both included) along a
    shortest path of at most 3 hops through members and edges the viewer may see;
    it is empty when there is none. ``degree`` is counted over all edges (the
    deliberate disclosure of :func:`degree_expression`), so it can be shorter than
    the path shown, or given with no path at all (:attr:`hidden`).
    """

    degree: int | None
    members: tuple[MemberPage, ...] = ()

    @property
    def hops(self) -> int | None:
        """The length of the path shown, or ``None``."""
        return len(self.members) - 1 if self.members else None

    @property
    def between(self) -> tuple[MemberPage, ...]:
        """The members on the path between the viewer and the member."""
        return self.members[1:-1]

    @property
    def hidden(self) -> bool:
        """The member is 2 or 3 hops away, but every path runs through connections
        who keep their list private (shown as such, never as a path)."""
        return self.degree in (2, 3) and not self.members


def _path_members(ids: list[int]) -> tuple[MemberPage, ...]:
    found = {
        m.pk: m
        for m in MemberPage.objects.filter(pk__in=ids)
        .select_related("photo")
        .prefetch_related("photo__renditions")
    }
    return tuple(found[pk] for pk in ids)


def connection_path(user: Any, member: Any) -> ConnectionPath:
    """The shortest path of up to 3 hops from the viewer to ``member`` through
    members and edges the viewer may see (see :class:`ConnectionPath`).

    An edge X–Y is visible when the viewer is X or Y or may see X's or Y's
    connection list; every member on the path is one the viewer may see. A member
    the viewer may not see reads like one that is not connected at all (no degree,
    no path). Searched from both ends: the viewer's visible connections meet the
    member's, so no query walks more than the two neighbourhoods and the edges
    between them. Four queries at most (five when the path has 3 hops), whatever
    the size of the network.
    """
    viewer = Viewer.of(user)
    me = visibility.viewer_member_id(viewer)
    target = _pk(member)
    if me is None or target == me:
        return ConnectionPath(None)
    row = (
        visibility.members_visible_to(viewer)
        .filter(pk=target)
        .annotate(
            _wn_degree=degree_expression(viewer),
            _wn_list=bool_expression(visibility.field_visible_q(viewer, "connections")),
            _wn_mine=Subquery(_edge_count(me), output_field=IntegerField()),
            _wn_theirs=Subquery(_edge_count(target), output_field=IntegerField()),
        )
        .values_list("_wn_degree", "_wn_list", "_wn_mine", "_wn_theirs")
        .first()
    )
    if row is None or row[0] is None:
        return ConnectionPath(None)
    found, target_list_visible, my_count, their_count = row
    if found == 1:
        return ConnectionPath(1, _path_members([me, target]))
    if found == 2:
        through = (
            visibility.mutual_connections(viewer, target).order_by("title", "pk").values("pk")[:1]
        )
        if through:
            return ConnectionPath(2, _path_members([me, through[0]["pk"], target]))
    hop = _third_hop(viewer, me, target, bool(target_list_visible), my_count, their_count)
    if hop is None:
        return ConnectionPath(found)
    return ConnectionPath(found, _path_members([me, hop[0], hop[1], target]))


def _edge_count(member_id: int) -> QuerySet:
    return (
        ConnectionEdge.objects.filter(member_id=member_id)
        .order_by()
        .values("member_id")
        .annotate(n=Count("*"))
        .values("n")
    )


#: Candidate edges read per round by the 3-hop search.
PATH_BATCH = 2000


def _third_hop(
    viewer: Viewer, me: int, target: int, target_list_visible: bool, mine: int, theirs: int
) -> tuple[int, int] | None:
    """The first edge a–b (by ids) such that me – a – b – target is a path through
    visible members and edges, or ``None``.

    Two steps, because PostgreSQL plans "members the viewer may see" as a scan of
    every member when it is a subquery joined to thousands of edges (300 ms for a
    viewer with 4,700 connections at 100,000 members): first the edges between the
    two neighbourhoods, read from the edge indexes alone and driven from the smaller
    neighbourhood; then the rules, for the members on those edges only (one query
    per batch, over their ids). Batches are ordered by (a, b), so the answer is the
    same however many rounds it takes.
    """
    my_edges = ConnectionEdge.objects.filter(member_id=me).values("other_id")
    their_edges = ConnectionEdge.objects.filter(member_id=target).values("other_id")
    if (mine or 0) <= (theirs or 0):
        # Rows a → b: from the viewer's side.
        pairs = ConnectionEdge.objects.filter(member_id__in=my_edges, other_id__in=their_edges)
        near, far = "member_id", "other_id"
    else:
        # Rows b → a: from the target's side.
        pairs = ConnectionEdge.objects.filter(member_id__in=their_edges, other_id__in=my_edges)
        near, far = "other_id", "member_id"
    pairs = pairs.exclude(**{near: target}).exclude(**{far: me}).order_by(near, far)
    facts: dict[int, bool] = {}  # visible member → may the viewer see their list
    after: tuple[int, int] | None = None
    while True:
        batch = pairs
        if after is not None:
            batch = batch.filter(
                Q(**{f"{near}__gt": after[0]}) | Q(**{near: after[0], f"{far}__gt": after[1]})
            )
        rows = list(batch.values_list(near, far)[:PATH_BATCH])
        if not rows:
            return None
        unknown = {pk for row in rows for pk in row} - facts.keys()
        if unknown:
            looked_up = dict.fromkeys(unknown, None)
            looked_up.update(
                # The ids on both sides of the page/member join (_members_among).
                visibility.members_visible_to(viewer, _members_among(unknown))
                .order_by()
                .annotate(
                    _wn_list=bool_expression(visibility.field_visible_q(viewer, "connections"))
                )
                .values_list("pk", "_wn_list")
            )
            facts.update(looked_up)  # None: not visible
        for a, b in rows:
            a_list, b_list = facts.get(a), facts.get(b)
            if a_list is None or b_list is None:
                continue  # a member the viewer may not see
            if (a_list or b_list) and (b_list or target_list_visible):
                return a, b
        if len(rows) < PATH_BATCH:
            return None
        after = rows[-1]


def connections_at_company(user: Any, company: Any, current: bool | None = None) -> QuerySet:
    """The viewer's connections who work (``current=True``), worked (``False``) or
    either (``None``) at ``company``, by positions the viewer may see.

    The viewer's own edges are always visible to them; a position counts when the
    viewer may see the member's positions or administers the company (the rule of
    :func:`~wagtail_network.visibility.positions_visible_to`), read only for the
    viewer's connections. Empty for anonymous viewers and viewers without a profile.
    Reads the candidates' ids when called (one query); the queryset it returns costs
    one query for a count or a page.
    """
    viewer = Viewer.of(user)
    me = visibility.viewer_member_id(viewer)
    if me is None:
        return MemberPage.objects.none()
    company_id = _pk(company)
    positions = Position.objects.filter(company_id=company_id)
    if current is not None:
        positions = positions.filter(is_current=current)
    shown = visibility.field_visible_q(viewer, "positions")
    if shown != Q() and visibility.is_authenticated(viewer):
        shown |= Q(Exists(visibility.administered_companies(viewer).filter(pk=company_id)))
    # Two steps, as in the 3-hop search: the viewer's connections with a position
    # there, from the position and edge indexes alone (at most the smaller of the
    # company's staff and the viewer's connections), then the rules for those
    # members only. As one query PostgreSQL scanned every member (300 ms for a
    # viewer with 4,700 connections at 100,000 members).
    ids = sorted(
        set(
            positions.filter(
                member_id__in=ConnectionEdge.objects.filter(member_id=me).values("other_id")
            ).values_list("member_id", flat=True)
        )
    )
    return (
        visibility.members_visible_to(viewer, _members_among(ids))
        .filter(Exists(visibility.companies_visible_to(viewer).filter(pk=company_id)))
        .filter(shown)
    )


def forget_suggestions(*member_ids: Any) -> None:
    """Drop these members' candidate pools after a change they are party to
    (:func:`wagtail_network.suggestion_pool.forget_suggestions`)."""
    from . import suggestion_pool

    suggestion_pool.forget_suggestions(*member_ids)


__all__ = [
    "ConnectionPath",
    "connection_path",
    "connections_at_company",
    "REASON_KINDS",
    "Suggestion",
    "SuggestionReason",
    "suggested_members_ranked",
    "suggestion_reasons",
    "suggestions",
    "connection_status",
    "connection_status_expression",
    "connection_statuses",
    "degree",
    "degree_expression",
    "degrees",
    "suggested_members",
    "forget_suggestions",
    "refresh_suggestion_pool",
]
