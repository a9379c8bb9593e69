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


# --------------------------------------------------------------------------
# Suggestions with reasons ("people you may know")
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


def _mutual_counts(user: Any, me: int, among: Iterable[int] | None, cap: int) -> dict[int, int]:
    """Mutual connections over edges visible to the viewer, per candidate: the
    top ``cap`` 2nd-degree members (``among=None``), or those of ``among``.

    One aggregate over the edges *from the viewer's connections* (an index range
    per connection), never a scan of the whole graph."""
    mine = ConnectionEdge.objects.filter(member_id=me).values("other_id")
    friends = visibility.members_visible_to(user).filter(pk__in=mine)
    open_lists = friends.filter(visibility.field_visible_q(user, "connections")).values("pk")
    closed_lists = friends.exclude(visibility.field_visible_q(user, "connections")).values("pk")
    # An edge k–x is visible when k's list is, or else when x's list is.
    via = Q(member_id__in=open_lists) | Q(
        member_id__in=closed_lists,
        other_id__in=visibility.members_with_visible_connections(user).values("pk"),
    )
    edges = ConnectionEdge.objects.filter(via)
    if among is not None:
        edges = edges.filter(other_id__in=list(among))
    else:
        edges = edges.filter(other_id__in=_candidates(user, me))
    ranked = edges.values("other_id").annotate(n=Count("*")).order_by("-n", "other_id")[:cap]
    return {row["other_id"]: row["n"] for row in ranked}


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


def _ranked_suggestions(user: Any, limit: int) -> list[tuple[int, int, list[SuggestionReason]]]:
    """``(member pk, mutual count, reasons)`` of the top ``limit`` suggestions, in a
    constant number of queries: one per source of candidates (each capped at
    :data:`SOURCE_CAP` in SQL), then one per kind of fact about the candidates."""
    viewer = Viewer.of(user)
    me = visibility.viewer_member_id(viewer)
    if me is None or limit <= 0:
        return []
    mine = (
        MemberPage.objects.filter(pk=me)
        .values(
            "industry_id", "industry__name", "city", "country", *MemberPage.OPEN_TO_FIELDS.values()
        )
        .first()
    )
    if mine is None:
        return []
    my_skills = list(
        MemberPage.skills.through.objects.filter(memberpage_id=me).values_list(
            "skill_id", flat=True
        )
    )
    my_interests = list(
        MemberInterest.objects.filter(content_object_id=me).values_list("tag_id", flat=True)
    )
    my_companies = _my_companies(viewer, me)
    my_open_to = [c for c, attr in MemberPage.OPEN_TO_FIELDS.items() if mine[attr]]
    city, country = (mine["city"] or "").strip(), (mine["country"] or "").strip()
    candidates = _candidates(viewer, me)
    visible_positions = visibility.positions_visible_to(viewer)

    # Sources: each a capped list of candidate pks.
    pool: set[int] = set(_mutual_counts(viewer, me, None, SOURCE_CAP))
    if my_companies:
        pool.update(
            visible_positions.filter(company_id__in=list(my_companies), member_id__in=candidates)
            .order_by("member_id")
            .values_list("member_id", flat=True)
            .distinct()[:SOURCE_CAP]
        )
    if my_skills:
        pool.update(
            MemberPage.skills.through.objects.filter(
                skill_id__in=my_skills, memberpage_id__in=candidates
            )
            .values("memberpage_id")
            .annotate(n=Count("*"))
            .order_by("-n", "memberpage_id")
            .values_list("memberpage_id", flat=True)[:SOURCE_CAP]
        )
    if my_interests:
        pool.update(
            MemberInterest.objects.filter(tag_id__in=my_interests, content_object_id__in=candidates)
            .values("content_object_id")
            .annotate(n=Count("*"))
            .order_by("-n", "content_object_id")
            .values_list("content_object_id", flat=True)[:SOURCE_CAP]
        )
    weak = Q()
    if mine["industry_id"]:
        weak |= Q(industry_id=mine["industry_id"])
    if city:
        weak |= Q(city__iexact=city, country__iexact=country)
    for attr in (MemberPage.OPEN_TO_FIELDS[c] for c in my_open_to):
        weak |= Q(**{attr: True})
    if weak != Q():
        pool.update(
            MemberPage.objects.filter(weak, pk__in=candidates)
            .order_by("-last_published_at", "pk")
            .values_list("pk", flat=True)[:SOURCE_CAP]
        )
    if not pool:
        return []
    ids = sorted(pool)

    # Facts about the pool, one query each.
    mutual = _mutual_counts(viewer, me, ids, len(ids))
    shared_skills = (
        dict(
            MemberPage.skills.through.objects.filter(memberpage_id__in=ids, skill_id__in=my_skills)
            .values("memberpage_id")
            .annotate(n=Count("*"))
            .values_list("memberpage_id", "n")
        )
        if my_skills
        else {}
    )
    shared_interests = (
        dict(
            MemberInterest.objects.filter(content_object_id__in=ids, tag_id__in=my_interests)
            .values("content_object_id")
            .annotate(n=Count("*"))
            .values_list("content_object_id", "n")
        )
        if my_interests
        else {}
    )
    shared_company: dict[int, tuple[int, bool]] = {}
    if my_companies:
        for member_id, company_id, current in visible_positions.filter(
            member_id__in=ids, company_id__in=list(my_companies)
        ).values_list("member_id", "company_id", "is_current"):
            both_now = bool(current and my_companies[company_id])
            best = shared_company.get(member_id)
            if best is None or (both_now and not best[1]):
                shared_company[member_id] = (company_id, both_now)
    attributes = {
        row["pk"]: row
        for row in MemberPage.objects.filter(pk__in=ids).values(
            "pk", "industry_id", "city", "country", *MemberPage.OPEN_TO_FIELDS.values()
        )
    }
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

    ranked = []
    for pk in ids:
        reasons: list[tuple[int, SuggestionReason]] = []
        n = mutual.get(pk, 0)
        if n:
            label = ngettext("%(count)d mutual connection", "%(count)d mutual connections", n)
            reasons.append(
                (
                    WEIGHTS["mutual_connections"] * min(n, COUNT_CAP),
                    SuggestionReason("mutual_connections", n, label % {"count": n}),
                )
            )
        if pk in shared_company:
            company_id, both_now = shared_company[pk]
            company = companies[company_id]
            label = (
                _("Both work at %(company)s") if both_now else _("Both worked at %(company)s")
            ) % {"company": company.title}
            weight = WEIGHTS["company_current" if both_now else "company"]
            reasons.append((weight, SuggestionReason("company", None, label, company)))
        n = shared_skills.get(pk, 0)
        if n:
            label = ngettext("Shares %(count)d skill", "Shares %(count)d skills", n)
            reason = SuggestionReason("skills", n, label % {"count": n})
            reasons.append((WEIGHTS["skills"] * min(n, COUNT_CAP), reason))
        n = shared_interests.get(pk, 0)
        if n:
            label = ngettext("Shares %(count)d interest", "Shares %(count)d interests", n)
            reason = SuggestionReason("interests", n, label % {"count": n})
            reasons.append((WEIGHTS["interests"] * min(n, COUNT_CAP), reason))
        row = attributes.get(pk)
        if row is None:
            continue
        if mine["industry_id"] and row["industry_id"] == mine["industry_id"]:
            label = _("Same industry: %(industry)s") % {"industry": mine["industry__name"]}
            reasons.append((WEIGHTS["industry"], SuggestionReason("industry", None, label)))
        if (
            city
            and (row["city"] or "").strip().casefold() == city.casefold()
            and ((row["country"] or "").strip().casefold() == country.casefold())
        ):
            label = _("Also in %(city)s") % {"city": (row["city"] or "").strip()}
            reasons.append((WEIGHTS["location"], SuggestionReason("location", None, label)))
        common = [c for c in my_open_to if row[MemberPage.OPEN_TO_FIELDS[c]]]
        if common:
            reason = SuggestionReason("open_to", len(common), _open_to_label(common[0]))
            reasons.append((WEIGHTS["open_to"], reason))
        if not reasons:
            continue
        reasons.sort(key=lambda item: (-item[0], REASON_KINDS.index(item[1].kind)))
        score = sum(weight for weight, _reason in reasons)
        ranked.append((score, pk, mutual.get(pk, 0), [r for _w, r in reasons]))
    ranked.sort(key=lambda item: (-item[0], item[1]))
    return [(pk, n, reasons) for _score, pk, n, reasons in ranked[:limit]]


def suggestions(user: Any, limit: int = 10) -> list[Suggestion]:
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
    """
    viewer = Viewer.of(user)
    cap = max(0, min(int(limit), SUGGESTION_CAP))
    ranked = _ranked_suggestions(viewer, cap)
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


def suggestion_reasons(user: Any) -> dict[int, list[SuggestionReason]]:
    """The reasons of each of the viewer's suggestions (up to :data:`SUGGESTION_CAP`),
    by member pk; computed once per viewer until it is refreshed (GraphQL's
    ``Member.suggestionReasons`` reads it for every member of a page)."""
    viewer = Viewer.of(user)
    return viewer.fact(
        "wagtail_network.suggestion_reasons",
        lambda: {pk: reasons for pk, _n, reasons in _ranked_suggestions(viewer, SUGGESTION_CAP)},
    )


def suggested_members_ranked(user: Any, limit: int | None = None) -> QuerySet:
    """The members of :func:`suggestions` as a queryset in rank order, each with
    ``mutual_count`` (for callers that page a queryset, e.g. a Relay connection)."""
    viewer = Viewer.of(user)
    cap = SUGGESTION_CAP if limit is None else max(0, min(int(limit), SUGGESTION_CAP))
    ranked = _ranked_suggestions(viewer, cap)
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
                visibility.members_visible_to(viewer)
                .filter(pk__in=sorted(unknown))
                # The same ids on the page table too: with the list on one side of
                # the page/member join only, PostgreSQL scanned every page.
                .filter(id__in=sorted(unknown))
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
    return (
        visibility.members_visible_to(viewer)
        .filter(pk__in=ConnectionEdge.objects.filter(member_id=me).values("other_id"))
        .filter(pk__in=positions.values("member_id"))
        .filter(Exists(visibility.companies_visible_to(viewer).filter(pk=company_id)))
        .filter(shown)
    )


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
]
