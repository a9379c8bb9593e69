"""Members act from the site's own pages: one POST endpoint for every action.

``POST network/act/<action>/`` (URL name ``wagtail_network:act``) calls exactly one
service function per action (:data:`ACTIONS`), so every rule (invitation cap,
cool-down, blocks, only connections endorse, moderation, rate limits) holds as it
does over GraphQL: a refusal (:class:`~wagtail_network.errors.NetworkError`) becomes
an error message and nothing is written; a success a message naming the person or
company. Then a 303 redirect back: to the POSTed ``next`` when it stays on this site,
else to the referer when it does, else to My network. htmx follows that redirect
and swaps the updated region out of the re-rendered page (one code path; without
JavaScript the same forms just POST and redirect).

What the pages offer is decided here too, by :func:`member_actions` and
:func:`company_actions`, from the same state the services test (the connection
status expression, the connection edges, blocks, the cap and cool-down predicates):
templates only show what these say.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from . import graph, limits, services, visibility
from .errors import ErrorCode, NetworkError
from .htmx import htmx_of
from .models import (
    CompanyPage,
    Connection,
    ConnectionState,
    ConnectionStatus,
    EndorsementState,
    Follow,
    MemberPage,
    Position,
    Recommendation,
    RecommendationRelationship,
    RecommendationState,
    ReportReason,
    Skill,
)
from .services.connections import in_cooldown, invitation_cap_reached
from .viewer import Viewer

MY_NETWORK_URL_NAME = "wagtail_network:my_network"

#: Mutual connections listed per page on the mutual-connections page.
MUTUAL_PAGE_SIZE = 24


# --------------------------------------------------------------------------
# Where to go back to
# --------------------------------------------------------------------------


def my_network_url() -> str:
    """My network, or the site's root where the host serves no My network page."""
    try:
        return reverse(MY_NETWORK_URL_NAME)
    except NoReverseMatch:
        return "/"


def _safe(request: HttpRequest, url: str | None) -> str | None:
    """``url`` when it stays on this site (same host, https when the request is),
    else ``None``. Rejects ``//evil``, ``\\\\evil``, ``javascript:`` and the like."""
    url = (url or "").strip()
    if not url:
        return None
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def sign_in_url(request: HttpRequest) -> str | None:
    """The host's login page (``LOGIN_URL``) with ``next`` back to this page, for
    visitors; ``None`` for signed-in users. Never a URL name the host may not have."""
    if request.user.is_authenticated:
        return None
    return redirect_to_login(request.get_full_path()).url


def back_url(request: HttpRequest) -> str:
    """The POSTed ``next`` if safe, else the referer if safe, else My network."""
    return (
        _safe(request, request.POST.get("next"))
        or _safe(request, request.headers.get("Referer"))
        or my_network_url()
    )


def _see_other(url: str) -> HttpResponse:
    response = HttpResponseRedirect(url)
    # 303: the browser (and htmx) fetches the page again with GET.
    response.status_code = 303
    return response


# --------------------------------------------------------------------------
# Names for the messages (read only after the service succeeded, so they name
# someone the member may know of)
# --------------------------------------------------------------------------


def _member_name(pk: Any) -> str:
    return str(
        MemberPage.objects.filter(pk=_int_or_none(pk)).values_list("title", flat=True).first() or ""
    )


def _company_name(pk: Any) -> str:
    return str(
        CompanyPage.objects.filter(pk=_int_or_none(pk)).values_list("title", flat=True).first()
        or ""
    )


def _skill_name(value: Any) -> str:
    value = (value or "").strip() if isinstance(value, str) else value
    qs = Skill.objects.all()
    number = _int_or_none(value)
    found = qs.filter(pk=number) if number is not None else qs.filter(slug=value)
    return str(found.values_list("name", flat=True).first() or "")


def _int_or_none(value: Any) -> int | None:
    return limits.bounded_pk(value)


def _other_side(connection: Connection, me_pk: int | None) -> MemberPage:
    return connection.recipient if connection.requester_id == me_pk else connection.requester


# --------------------------------------------------------------------------
# The actions: each calls exactly one service function and returns the message
# --------------------------------------------------------------------------

Handler = Callable[[Viewer, Any], str]


def _connect(viewer: Viewer, post: Any) -> str:
    connection = services.request_connection(viewer, post.get("member"), post.get("message", ""))
    other = _other_side(connection, visibility.viewer_member_id(viewer))
    if connection.state == ConnectionState.ACCEPTED:
        # They had invited us already: the request accepted their invitation.
        return _("You are now connected with %(name)s.") % {"name": other.title}
    return _("Invitation sent to %(name)s.") % {"name": other.title}


def _withdraw(viewer: Viewer, post: Any) -> str:
    connection = services.withdraw_connection_request(viewer, post.get("member"))
    return _("Invitation to %(name)s withdrawn.") % {"name": connection.recipient.title}


def _accept(viewer: Viewer, post: Any) -> str:
    connection = services.accept_connection(viewer, post.get("member"))
    other = _other_side(connection, visibility.viewer_member_id(viewer))
    return _("You are now connected with %(name)s.") % {"name": other.title}


def _ignore(viewer: Viewer, post: Any) -> str:
    connection = services.ignore_connection(viewer, post.get("member"))
    return _("Invitation from %(name)s ignored.") % {"name": connection.requester.title}


def _remove(viewer: Viewer, post: Any) -> str:
    connection = services.remove_connection(viewer, post.get("member"))
    other = _other_side(connection, visibility.viewer_member_id(viewer))
    return _("Connection with %(name)s removed.") % {"name": other.title}


def _endorse(viewer: Viewer, post: Any) -> str:
    endorsement = services.endorse_skill(viewer, post.get("member"), post.get("skill"))
    names = {"name": endorsement.member.title, "skill": endorsement.skill.name}
    if endorsement.state == EndorsementState.PENDING:
        return _("Your endorsement of %(name)s for %(skill)s waits for a moderator.") % names
    return _("You endorsed %(name)s for %(skill)s.") % names


def _unendorse(viewer: Viewer, post: Any) -> str:
    services.withdraw_endorsement(viewer, post.get("member"), post.get("skill"))
    names = {"name": _member_name(post.get("member")), "skill": _skill_name(post.get("skill"))}
    return _("Endorsement of %(name)s for %(skill)s withdrawn.") % names


def _recommend(viewer: Viewer, post: Any) -> str:
    recommendation = services.write_recommendation(
        viewer, post.get("member"), post.get("relationship", ""), post.get("text", "")
    )
    return _("Recommendation sent to %(name)s; it shows once they accept it.") % {
        "name": recommendation.member.title
    }


def _respond(viewer: Viewer, post: Any) -> str:
    response = post.get("response", "")
    recommendation = services.respond_to_recommendation(
        viewer, post.get("recommendation"), response
    )
    name = {"name": recommendation.author.title}
    if response == "accept":
        if recommendation.state == RecommendationState.PENDING_MODERATION:
            return (
                _("Recommendation from %(name)s accepted; it shows once a moderator approves it.")
                % name
            )
        return _("Recommendation from %(name)s accepted and shown on your profile.") % name
    if response == "decline":
        return _("Recommendation from %(name)s declined.") % name
    if response == "hide":
        return _("Recommendation from %(name)s hidden from your profile.") % name
    return _("Recommendation from %(name)s shown on your profile again.") % name


def _set_endorsement_hidden(hidden: bool) -> Handler:
    def handler(viewer: Viewer, post: Any) -> str:
        endorsement = services.set_endorsement_hidden(viewer, post.get("endorsement"), hidden)
        names = {"name": endorsement.endorser.title, "skill": endorsement.skill.name}
        if hidden:
            return _("Endorsement from %(name)s for %(skill)s hidden.") % names
        return _("Endorsement from %(name)s for %(skill)s shown again.") % names

    return handler


def _block(viewer: Viewer, post: Any) -> str:
    block = services.block_member(viewer, post.get("member"))
    return _("You blocked %(name)s.") % {"name": block.blocked.title}


def _unblock(viewer: Viewer, post: Any) -> str:
    services.unblock_member(viewer, post.get("member"))
    return _("You unblocked %(name)s.") % {"name": _member_name(post.get("member"))}


#: What a report may name; empty fields are left out, so the service sees exactly
#: the targets the form filled in.
REPORT_TARGETS = ("member", "company", "endorsement", "recommendation")


def _report(viewer: Viewer, post: Any) -> str:
    targets = {name: post.get(name) for name in REPORT_TARGETS if (post.get(name) or "").strip()}
    services.report_content(
        viewer, reason=post.get("reason", ""), details=post.get("details", ""), **targets
    )
    return _("Thank you. Your report was sent to the moderators.")


def _follow(viewer: Viewer, post: Any) -> str:
    follow = services.follow_company(viewer, post.get("company"))
    return _("You follow %(name)s.") % {"name": follow.company.title}


def _unfollow(viewer: Viewer, post: Any) -> str:
    services.unfollow_company(viewer, post.get("company"))
    return _("You no longer follow %(name)s.") % {"name": _company_name(post.get("company"))}


def _claim(viewer: Viewer, post: Any) -> str:
    position = services.claim_position(viewer, post.get("company"), post.get("title", ""))
    company = position.company if position is not None else None
    name = company.title if company is not None else _company_name(post.get("company"))
    return _("Position at %(name)s claimed; it waits for the company's confirmation.") % {
        "name": name
    }


def _dismiss(viewer: Viewer, post: Any) -> str:
    dismissal = services.dismiss_suggestion(viewer, post.get("member"))
    return _("%(name)s will not be suggested to you again.") % {"name": dismissal.dismissed.title}


#: action → handler (each calls one service function). See docs/how-to/templates.md.
ACTIONS: dict[str, Handler] = {
    "connect": _connect,
    "withdraw": _withdraw,
    "accept": _accept,
    "ignore": _ignore,
    "remove": _remove,
    "endorse": _endorse,
    "unendorse": _unendorse,
    "recommend": _recommend,
    "respond": _respond,
    "hide_endorsement": _set_endorsement_hidden(True),
    "unhide_endorsement": _set_endorsement_hidden(False),
    "block": _block,
    "unblock": _unblock,
    "report": _report,
    "follow": _follow,
    "unfollow": _unfollow,
    "claim": _claim,
    "dismiss": _dismiss,
}


@require_POST
def act(request: HttpRequest, action: str) -> HttpResponse:
    """Run one action for the signed-in member, then redirect back (303)."""
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404
    back = back_url(request)
    htmx = bool(htmx_of(request))
    if not request.user.is_authenticated:
        login = redirect_to_login(back)
        # An htmx request would swap the login form into the region: load it instead.
        return HttpResponseClientRedirect(login.url) if htmx else login
    viewer = Viewer.for_request(request)
    repeated = sorted(name for name, values in request.POST.lists() if len(values) > 1)
    if repeated:
        # Every field names one thing: ``member=1&member=2`` is ambiguous, and taking
        # either value would act on something the member may not have meant.
        error = NetworkError(ErrorCode.VALIDATION, _("Give each field once."), field=repeated[0])
        messages.error(request, error.message)
        return _see_other(back)
    try:
        message = handler(viewer, request.POST)
    except NetworkError as exc:
        messages.error(request, exc.message)
        return _see_other(back)
    messages.success(request, message)
    target = back
    if action == "block":
        # The blocker no longer sees the member's page (by the rules); unblocking
        # lives in My network's list of blocked members.
        target = my_network_url() + "#blocked"
    elif (
        _hid_the_member(viewer, request.POST.get("member"))
        and urlsplit(back).path != urlsplit(my_network_url()).path
    ):
        # The action took away what let the viewer see the member (a connections-only
        # profile after a removal, an invitation withdrawn or ignored): their page would
        # now answer 404, so go where the member's lists are.
        target = my_network_url()
    if target != back and htmx:
        # Another page than the one on screen: htmx would find no region to swap.
        return HttpResponseClientRedirect(target)
    return _see_other(target)


def _hid_the_member(viewer: Viewer, member: Any) -> bool:
    """Whether the member named in the form is (now) hidden from the viewer."""
    pk = limits.bounded_pk(member)
    if pk is None:
        return False
    return not visibility.members_visible_to(viewer).filter(pk=pk).exists()


# --------------------------------------------------------------------------
# What a page offers: one helper per page, asking the services' own state
# --------------------------------------------------------------------------


@dataclass
class MemberActions:
    """What the viewer may do about one member right now (the member page's panel).

    ``status`` is the :class:`ConnectionStatus` (an ignored invitation reads
    ``PENDING_SENT`` to its sender); ``degree`` 1–3 or ``None``. Each boolean is
    true exactly when the matching service call would succeed now, as far as the
    state the service tests tells (a race may still refuse it, with a message).
    """

    status: str = ConnectionStatus.NONE
    viewer_id: int | None = None
    degree: int | None = None
    mutual_count: int = 0
    live_member: bool = False
    connect: bool = False
    connect_refusal: str = ""
    withdraw: bool = False
    accept: bool = False
    ignore: bool = False
    invitation_note: str = ""
    remove: bool = False
    endorse: bool = False
    recommend: bool = False
    recommendation: Recommendation | None = None
    recommendation_state: str = ""
    block: bool = True
    report: bool = True
    relationships: list = field(default_factory=lambda: list(RecommendationRelationship.choices))
    message_max: int = limits.MESSAGE_MAX_LENGTH
    recommendation_max: int = limits.RECOMMENDATION_MAX_LENGTH
    details_max: int = limits.REPORT_DETAILS_MAX_LENGTH
    report_reasons: list = field(default_factory=lambda: list(ReportReason.choices))


def member_actions(
    user: Any, page: MemberPage, *, degree: int | None, mutual_count: int
) -> MemberActions | None:
    """The panel of a member page for a signed-in member looking at someone else
    (``None`` for visitors, users without a profile and the member themselves).

    Mirrors the services' preconditions by asking their own state: the one
    connection-status expression (:func:`wagtail_network.graph.connection_status`),
    the edge table behind ``degree == 1``, :func:`in_cooldown` and
    :func:`invitation_cap_reached`. Blocks need no test here: a blocked member's
    page never renders for either side. At most five queries.
    """
    viewer = Viewer.of(user)
    me = visibility.viewer_member(viewer)
    if me is None or me.pk == page.pk:
        return None
    status = graph.connection_status(viewer, page)
    live = bool(me.live)
    actions = MemberActions(
        status=status,
        viewer_id=me.pk,
        degree=degree,
        mutual_count=mutual_count or 0,
        live_member=live,
    )
    if status == ConnectionStatus.CONNECTED:
        actions.remove = True
        actions.endorse = live
        actions.recommendation = Recommendation.objects.filter(
            author_id=me.pk, member_id=page.pk
        ).first()
        rec = actions.recommendation
        # A published (or accepted and waiting) recommendation can only be hidden by
        # its recipient: the service answers ALREADY_EXISTS to a rewrite.
        actions.recommend = live and (
            rec is None
            or rec.state
            not in (RecommendationState.PUBLISHED, RecommendationState.PENDING_MODERATION)
        )
        if rec is not None:
            # The author is told the state, never that the recipient hid it (as
            # GraphQL's Recommendation.isHidden): a hidden one still reads published.
            actions.recommendation_state = str(RecommendationState(rec.state).label)
    elif status == ConnectionStatus.PENDING_SENT:
        actions.withdraw = True
    elif status in (ConnectionStatus.PENDING_RECEIVED, ConnectionStatus.IGNORED):
        actions.accept = live
        actions.ignore = status == ConnectionStatus.PENDING_RECEIVED
        actions.invitation_note = (
            Connection.objects.filter(
                requester_id=page.pk,
                recipient_id=me.pk,
                state__in=(ConnectionState.PENDING, ConnectionState.IGNORED),
            )
            .values_list("message", flat=True)
            .first()
            or ""
        )
    elif status == ConnectionStatus.NONE:
        if not live:
            actions.connect_refusal = _("Your profile is not published yet.")
        elif page.user_id is None:
            actions.connect_refusal = _("This member has not joined the network yet.")
        elif in_cooldown(me.pk, page.pk):
            actions.connect_refusal = str(NetworkError(ErrorCode.COOLDOWN).message)
        elif invitation_cap_reached(me.pk):
            actions.connect_refusal = str(NetworkError(ErrorCode.INVITATION_CAP_REACHED).message)
        else:
            actions.connect = True
    return actions


@dataclass
class CompanyActions:
    """What the viewer may do on a company page: follow or unfollow, claim a position."""

    following: bool = False
    follow: bool = False
    claim: bool = False
    claimed_pending: bool = False
    works_here: bool = False


def company_actions(user: Any, page: CompanyPage) -> CompanyActions | None:
    """The company page's panel for a signed-in member (``None`` otherwise); two queries."""
    viewer = Viewer.of(user)
    me = visibility.viewer_member(viewer)
    if me is None:
        return None
    actions = CompanyActions()
    actions.following = Follow.objects.filter(member_id=me.pk, company_id=page.pk).exists()
    # Following and claiming reach others: a profile still waiting for an editor may
    # not yet (the services' NO_PROFILE); unfollowing always works.
    actions.follow = bool(me.live) and not actions.following
    # The service's ALREADY_EXISTS: a current position there already (claimed or listed).
    verified = list(
        Position.objects.filter(member_id=me.pk, company_id=page.pk, is_current=True).values_list(
            "verified_at", flat=True
        )
    )
    actions.works_here = bool(verified)
    actions.claimed_pending = actions.works_here and not any(verified)
    actions.claim = bool(me.live) and page.live and not actions.works_here
    return actions


# --------------------------------------------------------------------------
# Mutual connections
# --------------------------------------------------------------------------


@require_GET
def mutual_connections(request: HttpRequest, member_id: int) -> HttpResponse:
    """The visible members connected to both the viewer and ``member_id``.

    A member the viewer may not see answers 404, like a missing one; visitors are
    sent to sign in (they have no connections to share).
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    viewer = Viewer.for_request(request)
    member = visibility.members_visible_to(viewer, request=request).filter(pk=member_id).first()
    if member is None or visibility.viewer_member_id(viewer) in (None, member.pk):
        raise Http404
    mutual = (
        visibility.mutual_connections(viewer, member)
        .filter(live=True)
        .select_related("photo")
        .prefetch_related("photo__renditions")
        .order_by("title", "pk")
    )
    paginator = Paginator(mutual, MUTUAL_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "member": member,
        "mutual": list(page.object_list),
        "page_obj": page,
        "total": paginator.count,
    }
    return render(request, "wagtail_network/mutual_connections.html", context)
