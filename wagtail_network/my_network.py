"""The member's "My network" page (``/network/``) and the count of what waits for them.

Everything here reads; every change is a POST to the one action endpoint
(``wagtail_network:act``, :mod:`wagtail_network.site_actions`), which calls the
service layer. Every list comes from the service layer's or the visibility
module's querysets, filtered in SQL, so the page shows exactly what the rules let
the member see and act on: a row the page lists is one the matching service
function accepts.

The queries do not grow with the number of rows shown: each list is one query
(plus one for its photos' renditions), whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import graph, services, visibility
from .directory import PageListing
from .models import (
    Connection,
    ConnectionState,
    Endorsement,
    EndorsementState,
    Follow,
    MemberPage,
    Recommendation,
    RecommendationState,
)
from .sql import count_subquery
from .viewer import Viewer
from .views import _no_store, edit_profile_url

#: Connections per page of the connections list.
CONNECTIONS_PAGE_SIZE = 20
#: Rows shown at most in each of the other lists (newest first); the heading
#: gives the full count and the rest appear as the member answers these.
SECTION_LIMIT = 50
#: "People you may know" shown at once.
SUGGESTION_LIMIT = 10
#: Longest connections search accepted (longer input is cut, never an error).
QUERY_MAX_LENGTH = 200

#: The sections, in page order; each is a ``<section id="…">`` and an htmx region.
SECTIONS = ("invitations", "waiting", "suggestions", "connections", "following", "blocked")

#: Where a request keeps its navigation state (:func:`nav_state_for_request`).
REQUEST_COUNT_ATTRIBUTE = "_wagtail_network_waiting_count"


# --------------------------------------------------------------------------
# What waits for the member: the navigation count
# --------------------------------------------------------------------------


def _waiting_invitations_filter() -> dict[str, Any]:
    # Pending only: an ignored invitation has been answered (quietly) and waits
    # for nothing; an unpublished inviter cannot be answered.
    return {"state": ConnectionState.PENDING, "requester__live": True}


def _waiting_recommendations_filter() -> dict[str, Any]:
    # Waiting for the member's answer and not put aside (hidden) by them.
    return {
        "state": RecommendationState.PENDING_RECIPIENT,
        "is_hidden": False,
        "author__live": True,
    }


@dataclass(frozen=True)
class NavState:
    """What the navigation shows a signed-in user: "My network" with what waits for
    them, or "Join the network" when they have no member profile yet."""

    #: The user has a member profile (live or waiting for an editor).
    has_profile: bool
    #: Invitations and recommendations waiting for the member's answer.
    waiting: int


NO_PROFILE = NavState(has_profile=False, waiting=0)


def nav_state(user: Any) -> NavState:
    """Whether the user has a member profile, and what waits for their answer:
    invitations still pending (not ignored) plus recommendations waiting for them
    (not hidden), each from a published profile.

    One SQL statement (the member row with two correlated counts), none for an
    anonymous visitor; a signed-in user without a profile gets no row from that
    same statement, so the navigation learns "no profile" for free. The rows
    counted are the ones My network lists under "Invitations received" and
    "Waiting for your answer"; the page applies the full visibility rules on top,
    which one statement without the viewer's facts cannot: in rare cases (an
    inviter's profile moved into a private section of the site; a recommendation
    whose author's profile the member can no longer see, say after the connection
    was removed) the count is higher than the lists.
    """
    viewer = Viewer.of(user)
    if not viewer.is_authenticated:
        return NO_PROFILE
    invitations = Connection.objects.filter(
        recipient_id=OuterRef("pk"), **_waiting_invitations_filter()
    )
    recommendations = Recommendation.objects.filter(
        member_id=OuterRef("pk"), **_waiting_recommendations_filter()
    )
    row = (
        MemberPage.objects.filter(user_id=viewer.user.pk)
        .annotate(
            wn_invitations=count_subquery(invitations, "recipient_id"),
            wn_recommendations=count_subquery(recommendations, "member_id"),
        )
        .values_list("wn_invitations", "wn_recommendations")
        .order_by()[:1]
    )
    for invitations_count, recommendations_count in row:
        return NavState(
            has_profile=True, waiting=int(invitations_count) + int(recommendations_count)
        )
    return NO_PROFILE


def waiting_count(user: Any) -> int:
    """What waits for the member's answer (:func:`nav_state`); 0 without a profile."""
    return nav_state(user).waiting


def nav_state_for_request(request: HttpRequest | None, user: Any = None) -> NavState:
    """:func:`nav_state` for the request's user, computed once per request (a
    template placing the count twice, or a host's header and the page itself, costs
    one query). Kept with the user's pk: a login or logout during the request
    computes it again."""
    if request is None:
        return nav_state(user)
    who = getattr(request, "user", None) if user is None else user
    key = getattr(who, "pk", None) if who is not None and who.is_authenticated else None
    cached = getattr(request, REQUEST_COUNT_ATTRIBUTE, None)
    if cached is not None and cached[0] == key:
        return cached[1]
    value = nav_state(Viewer.for_request(request) if user is None else user) if key else NO_PROFILE
    setattr(request, REQUEST_COUNT_ATTRIBUTE, (key, value))
    return value


def waiting_count_for_request(request: HttpRequest | None, user: Any = None) -> int:
    """:func:`waiting_count` for the request's user, once per request
    (:func:`nav_state_for_request`)."""
    return nav_state_for_request(request, user).waiting


# --------------------------------------------------------------------------
# The page's lists
# --------------------------------------------------------------------------


@dataclass
class Section:
    """One list of the page: its rows (at most ``limit``) and how many there are."""

    rows: list[Any]
    total: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def more(self) -> int:
        """Rows not shown (beyond the section's limit)."""
        return max(0, self.total - len(self.rows))


def _with_photo(queryset: QuerySet, prefix: str = "") -> QuerySet:
    """Members (at ``prefix``) with their photo and its renditions, for ``{% avatar %}``."""
    return queryset.select_related(f"{prefix}photo").prefetch_related(f"{prefix}photo__renditions")


def _limited(queryset: QuerySet, limit: int = SECTION_LIMIT) -> Section:
    rows = list(queryset[:limit])
    # One COUNT only when the list was cut: a short list counts itself.
    total = len(rows) if len(rows) < limit else queryset.order_by().count()
    return Section(rows=rows, total=total)


def _visible_member_ids(viewer: Viewer) -> QuerySet:
    return visibility.members_visible_to(viewer).values("pk")


def invitations_received(viewer: Viewer) -> QuerySet:
    """Pending invitations to the member from members they may see (an open
    invitation discloses the inviter's profile), newest first."""
    queryset = services.invitations_received(viewer).filter(
        requester_id__in=_visible_member_ids(viewer)
    )
    return _with_photo(queryset.select_related("requester"), "requester__").order_by(
        "-created_at", "-pk"
    )


def invitations_sent(viewer: Viewer) -> QuerySet:
    """Open invitations the member sent; an ignored one reads as pending (it is
    shown as waiting, like any other: an ignore is never disclosed)."""
    queryset = services.invitations_sent(viewer).filter(
        recipient_id__in=_visible_member_ids(viewer)
    )
    return _with_photo(queryset.select_related("recipient"), "recipient__").order_by(
        "-created_at", "-pk"
    )


def connections(viewer: Viewer, me: MemberPage, query: str = "") -> QuerySet:
    """The member's connections they may see, by name, optionally searched by name."""
    queryset = visibility.connections_of(viewer, me)
    if query:
        queryset = queryset.filter(title__icontains=query)
    return _with_photo(queryset).order_by("title", "pk")


def waiting_recommendations(viewer: Viewer, me: MemberPage) -> QuerySet:
    """Recommendations written for the member, waiting for their answer, unhidden."""
    queryset = visibility.recommendations_visible_to(
        viewer,
        Recommendation.objects.filter(
            member_id=me.pk,
            state=RecommendationState.PENDING_RECIPIENT,
            is_hidden=False,
        ),
    )
    return _with_photo(queryset.select_related("author"), "author__").order_by("-created_at", "-pk")


def hidden_recommendations(viewer: Viewer, me: MemberPage) -> QuerySet:
    """Recommendations the member received and hid (any state), to show again."""
    queryset = visibility.recommendations_visible_to(
        viewer, Recommendation.objects.filter(member_id=me.pk, is_hidden=True)
    )
    return _with_photo(queryset.select_related("author"), "author__").order_by("-created_at", "-pk")


def endorsements_received(viewer: Viewer, me: MemberPage) -> QuerySet:
    """Endorsements the member received (live or awaiting moderation, hidden or not)."""
    queryset = visibility.endorsements_visible_to(
        viewer,
        Endorsement.objects.filter(member_id=me.pk).exclude(state=EndorsementState.REJECTED),
    )
    return _with_photo(queryset.select_related("endorser", "skill"), "endorser__").order_by(
        "-created_at", "-pk"
    )


def companies_followed(viewer: Viewer, me: MemberPage) -> QuerySet:
    """The member's follows of companies they may see, by company name."""
    queryset = Follow.objects.filter(
        member_id=me.pk,
        company_id__in=visibility.companies_visible_to(viewer).values("pk"),
    )
    return (
        queryset.select_related("company", "company__logo")
        .prefetch_related("company__logo__renditions")
        .order_by("company__title", "pk")
    )


def blocked(viewer: Viewer) -> QuerySet:
    """Members the member blocked (the one place the blocker still sees them), by
    name and initials only: their photos' checked URLs would refuse the blocker."""
    return services.blocked_members(viewer).order_by("title", "pk")


def suggestions(viewer: Viewer, limit: int = SUGGESTION_LIMIT) -> list[graph.Suggestion]:
    """People the member may know, each with its reasons (photos and renditions
    prefetched by :func:`wagtail_network.graph.suggestions`)."""
    return graph.suggestions(viewer, limit=limit)


# --------------------------------------------------------------------------
# The view
# --------------------------------------------------------------------------


@dataclass
class ConnectionsListing(PageListing):
    """One page of the connections list, with the search it answers."""

    query: str


def _connections_listing(
    request: HttpRequest, viewer: Viewer, me: MemberPage
) -> ConnectionsListing:
    query = (request.GET.get("q") or "").strip()[:QUERY_MAX_LENGTH]
    paginator = Paginator(connections(viewer, me, query), CONNECTIONS_PAGE_SIZE)
    # Bad page numbers (?page=abc, ?page=99999) fall back to the first or last page.
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    return ConnectionsListing(page=page, query=query)


def my_network_context(request: HttpRequest) -> dict[str, Any]:
    """Everything the page shows, for the request's member (or the no-profile state)."""
    viewer = Viewer.for_request(request)
    me = visibility.viewer_member(viewer)
    context: dict[str, Any] = {
        "member": me,
        "sections": SECTIONS,
        "message_max_length": services.MESSAGE_MAX_LENGTH,
    }
    if me is None:
        # The page then says how to join: the link to the page that creates a profile.
        context["edit_profile_url"] = edit_profile_url()
        return context
    received = _limited(invitations_received(viewer))
    sent = _limited(invitations_sent(viewer))
    listing = _connections_listing(request, viewer, me)
    waiting = _limited(waiting_recommendations(viewer, me))
    hidden = _limited(hidden_recommendations(viewer, me))
    endorsements = _limited(endorsements_received(viewer, me))
    following = _limited(companies_followed(viewer, me))
    blocks = _limited(blocked(viewer))
    people = suggestions(viewer)
    context.update(
        {
            "received": received,
            "sent": sent,
            "connections": listing,
            "waiting": waiting,
            "hidden_recommendations": hidden,
            "endorsements": endorsements,
            "suggestions": people,
            "following": following,
            "blocked": blocks,
            "counts": {
                "invitations": received.total + sent.total,
                "waiting": waiting.total,
                "suggestions": len(people),
                "connections": listing.total,
                "following": following.total,
                "blocked": blocks.total,
            },
        }
    )
    return context


@login_required
@require_safe
def my_network(request: HttpRequest) -> HttpResponse:
    """My network: invitations, what waits for an answer, people you may know,
    connections, companies followed and members blocked."""
    response = render(request, "wagtail_network/my_network.html", my_network_context(request))
    # Personal data: never kept by a shared or browser cache (like the account page).
    return _no_store(response)
