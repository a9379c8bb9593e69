"""The kinds of notification: who gets each, what it says, where it links, and which
rows of it the recipient may still see.

A kind is a :class:`NotificationKind` in a registry. The plugin registers its own
(:data:`BUILT_IN_KINDS`); another app plugs a kind of its own in (posts, comments,
messages) with :func:`register_kind` from its ``AppConfig.ready()``, and creates its
notifications with :func:`wagtail_network.notifications.notify`. Every rule of
disclosure is a queryset filter of the visibility module, applied when a
notification is created, shown, counted and mailed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import visibility
from ..models import (
    ConnectionState,
    EndorsementState,
    NotificationChannel,
    RecommendationState,
)
from ..viewer import Viewer

if TYPE_CHECKING:
    from ..models import Notification

_NOTHING = Q(pk__in=[])


def _anything(viewer: Viewer) -> Q:
    return Q()


@dataclass(frozen=True)
class NotificationKind:
    """One kind of notification.

    ``key``: stored on each notification and named in preferences, GraphQL and the
    e-mail templates (``wagtail_network/email/<key>.txt`` overrides the generic one).
    ``label``: what the preferences page calls it; ``audience``: who gets it, said
    on that page. ``describe(notification)``: the sentence shown and mailed, in the
    active language. ``link(notification)``: a path on the site (or ``""``).
    ``current``: a filter over notifications, without the viewer's facts, for what
    must still hold of the row it is about (the endorsement still live, the
    invitation not withdrawn); the navigation's count applies it in SQL.
    ``visible(viewer)``: a filter over notifications of this kind that the viewer
    may see now, from the visibility module. ``actor_visible``: the actor's profile
    must be visible to the recipient (otherwise only a block between them hides it).
    ``related``: what ``describe`` and ``link`` read (``select_related``).
    ``default``: the channel of a member who chose none, unless the site's
    ``WAGTAIL_NETWORK["NOTIFICATIONS"]["DEFAULT_CHANNELS"]`` says otherwise.
    """

    key: str
    label: Any
    audience: Any
    describe: Callable[[Notification], str]
    link: Callable[[Notification], str]
    current: Q = field(default_factory=Q)
    visible: Callable[[Viewer], Q] = _anything
    actor_visible: bool = True
    related: tuple[str, ...] = ()
    default: str = NotificationChannel.EMAIL


_registry: dict[str, NotificationKind] = {}


def register_kind(kind: NotificationKind) -> NotificationKind:
    """Add ``kind`` (or replace the one with its key: a host may reword a built-in)."""
    if len(kind.key) > 50 or not kind.key.replace("_", "").isalnum():
        raise ValueError(
            f"A notification kind's key is up to 50 letters, digits or _: {kind.key!r}"
        )
    _registry[kind.key] = kind
    return kind


def get_kind(key: str) -> NotificationKind | None:
    return _registry.get(key)


def all_kinds() -> list[NotificationKind]:
    """Every registered kind, in registration order."""
    return list(_registry.values())


def related_paths(*keys: str) -> list[str]:
    """The ``select_related`` paths that the sentences and links of the kinds
    ``keys`` (all registered kinds when none are given) read, sorted: one query
    renders any mix of them."""
    kinds = [_registry[k] for k in keys if k in _registry] if keys else all_kinds()
    return sorted({path for kind in kinds for path in kind.related})


# --------------------------------------------------------------------------
# Links
# --------------------------------------------------------------------------


def _reverse(name: str, *args: Any, fragment: str = "") -> str:
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:  # the host left that part of the plugin's URLs out
        return ""
    return f"{url}#{fragment}" if fragment else url


def _page_url(page: Any) -> str:
    if page is None:
        return ""
    return page.get_url() or ""


def _my_network(fragment: str) -> Callable[[Notification], str]:
    return lambda n: _reverse("wagtail_network:my_network", fragment=fragment)


def _name(member: Any) -> str:
    return member.title if member is not None else gettext("A member")


# --------------------------------------------------------------------------
# The built-in kinds
# --------------------------------------------------------------------------


def _own_member_q(viewer: Viewer, field_name: str) -> Q:
    me = visibility.viewer_member_id(viewer)
    return Q(**{field_name: me}) if me is not None else _NOTHING


INVITATION_RECEIVED = NotificationKind(
    key="invitation_received",
    label=_("Invitations to connect"),
    audience=_("When a member invites you to connect."),
    describe=lambda n: gettext("%(actor)s invited you to connect.") % {"actor": _name(n.actor)},
    link=_my_network("invitations"),
    # A withdrawn invitation is no longer news; an ignored one stays (the
    # recipient ignored it themselves).
    current=Q(connection__isnull=False) & ~Q(connection__state=ConnectionState.WITHDRAWN),
    related=("actor", "connection"),
)

INVITATION_ACCEPTED = NotificationKind(
    key="invitation_accepted",
    label=_("Accepted invitations"),
    audience=_("When a member accepts your invitation."),
    describe=lambda n: (
        gettext("%(actor)s accepted your invitation to connect.") % {"actor": _name(n.actor)}
    ),
    link=lambda n: _page_url(n.actor),
    current=Q(connection__isnull=False),
    related=("actor",),
)

ENDORSEMENT_RECEIVED = NotificationKind(
    key="endorsement_received",
    label=_("Endorsements"),
    audience=_("When a connection endorses one of your skills."),
    describe=lambda n: (
        gettext("%(actor)s endorsed you for %(skill)s.")
        % {"actor": _name(n.actor), "skill": n.endorsement.skill.name if n.endorsement else ""}
    ),
    link=_my_network("waiting"),
    # Announced only while live and not hidden: an endorsement waiting for a
    # moderator is announced when approved, a rejected one never.
    current=Q(endorsement__state=EndorsementState.LIVE, endorsement__is_hidden=False),
    visible=lambda viewer: Q(
        endorsement_id__in=visibility.endorsements_visible_to(viewer).values("pk")
    ),
    related=("actor", "endorsement__skill"),
)

RECOMMENDATION_RECEIVED = NotificationKind(
    key="recommendation_received",
    label=_("Recommendations written for you"),
    audience=_("When a connection writes you a recommendation to accept or hide."),
    describe=lambda n: gettext("%(actor)s wrote you a recommendation.") % {"actor": _name(n.actor)},
    link=_my_network("waiting"),
    current=Q(recommendation__isnull=False)
    & ~Q(recommendation__state=RecommendationState.REJECTED),
    visible=lambda viewer: Q(
        recommendation_id__in=visibility.recommendations_visible_to(viewer).values("pk")
    ),
    related=("actor",),
)

RECOMMENDATION_ACCEPTED = NotificationKind(
    key="recommendation_accepted",
    label=_("Accepted recommendations"),
    audience=_("When a member accepts a recommendation you wrote."),
    describe=lambda n: (
        gettext("%(actor)s accepted your recommendation.") % {"actor": _name(n.actor)}
    ),
    link=lambda n: _page_url(n.actor),
    # Never on ``is_hidden``: hiding an accepted recommendation is no more
    # disclosed to its author than an ignore is.
    current=Q(
        recommendation__state__in=(
            RecommendationState.PENDING_MODERATION,
            RecommendationState.PUBLISHED,
        )
    ),
    visible=lambda viewer: Q(
        recommendation_id__in=visibility.recommendations_visible_to(viewer).values("pk")
    ),
    related=("actor",),
)

POSITION_CLAIMED = NotificationKind(
    key="position_claimed",
    label=_("Positions claimed at your companies"),
    audience=_("For company admins: when a member says they work at your company."),
    describe=lambda n: (
        gettext("%(actor)s says they work at %(company)s as %(title)s.")
        % {
            "actor": _name(n.actor),
            "company": n.company.title if n.company else "",
            "title": n.position.title if n.position else "",
        }
    ),
    link=lambda n: _reverse("wagtail_network_positions:index"),
    current=Q(position__isnull=False),
    # The company's admins see every position claimed there, whatever the
    # member's profile visibility; they must hold the grant still.
    visible=lambda viewer: Q(company_id__in=visibility.administered_companies(viewer).values("pk")),
    actor_visible=False,
    related=("actor", "company", "position"),
)

POSITION_CONFIRMED = NotificationKind(
    key="position_confirmed",
    label=_("Confirmed positions"),
    audience=_("When a company confirms that you work there."),
    describe=lambda n: (
        gettext("%(company)s confirmed your position as %(title)s.")
        % {
            "company": n.company.title if n.company else "",
            "title": n.position.title if n.position else "",
        }
    ),
    link=lambda n: _page_url(n.company),
    current=Q(position__verified_at__isnull=False),
    visible=lambda viewer: (
        _own_member_q(viewer, "position__member_id")
        & Q(company_id__in=visibility.companies_visible_to(viewer).values("pk"))
    ),
    related=("company", "position"),
)

REPORT_RECEIVED = NotificationKind(
    key="report_received",
    label=_("New reports"),
    audience=_("For moderators: when a member reports something."),
    describe=lambda n: (
        gettext("A new report waits for moderation (%(reason)s).")
        % {"reason": n.report.get_reason_display() if n.report else ""}
    ),
    link=lambda n: _reverse("wagtail_network_moderation:index"),
    current=Q(report__isnull=False),
    visible=lambda viewer: Q() if visibility.can_moderate(viewer) else _NOTHING,
    related=("report",),
)

REPORT_RESOLVED = NotificationKind(
    key="report_resolved",
    label=_("Your reports"),
    audience=_("When a moderator has reviewed something you reported."),
    describe=lambda n: gettext("A moderator reviewed your report."),
    link=lambda n: "",
    current=Q(report__isnull=False),
    visible=lambda viewer: _own_member_q(viewer, "report__reporter_id"),
    default=NotificationChannel.IN_APP,
)

PROFILE_WAITING = NotificationKind(
    key="profile_waiting",
    label=_("Profiles waiting for an editor"),
    audience=_("For editors: when a new profile waits to be published."),
    describe=lambda n: (
        gettext("The profile of %(member)s waits for an editor.") % {"member": _name(n.member)}
    ),
    link=lambda n: _reverse("wagtailadmin_pages:edit", n.member_id) if n.member_id else "",
    # Once published it no longer waits.
    current=Q(member__live=False),
    visible=lambda viewer: Q() if visibility.sees_everything(viewer) else _NOTHING,
    related=("member",),
)

BUILT_IN_KINDS = (
    INVITATION_RECEIVED,
    INVITATION_ACCEPTED,
    ENDORSEMENT_RECEIVED,
    RECOMMENDATION_RECEIVED,
    RECOMMENDATION_ACCEPTED,
    POSITION_CLAIMED,
    POSITION_CONFIRMED,
    REPORT_RECEIVED,
    REPORT_RESOLVED,
    PROFILE_WAITING,
)

for _kind in BUILT_IN_KINDS:
    register_kind(_kind)
