"""Who is looking: the per-request :class:`Viewer`.

Every rule in :mod:`wagtail_network.visibility` and every service takes "the viewer"
as its first argument: a :class:`Viewer`, or a user (anonymous included), or
``None`` for an anonymous visitor. A user is wrapped in a new :class:`Viewer` on
each call; passing the same :class:`Viewer` along lets every rule of one request
share the facts it already looked up (the viewer's own profile, whether they are
an editor, private sections they may not enter, their connections).

How each caller gets one, in one documented way:

* a view or template tag: ``Viewer.for_request(request)`` (one per request, kept on
  the request; the GraphQL endpoint uses the same);
* a management command, an admin action or a background task:
  ``Viewer.of(user)``, once per unit of work;
* "view my profile as …": ``Viewer.stand_in(audience, member)``, a viewer who is
  nobody real (see :meth:`Viewer.stand_in`);

The service layer calls :meth:`Viewer.refresh` after every change it makes, so a
viewer never answers from facts that its own change made stale. A change made by
someone else in another request is seen by the next request (a new Viewer).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

if TYPE_CHECKING:
    from .models import MemberPage

T = TypeVar("T")

#: Where :meth:`Viewer.for_request` keeps the request's viewer.
REQUEST_ATTRIBUTE = "network_viewer"

#: The audiences of "view my profile as …" (:meth:`Viewer.stand_in`).
STAND_IN_AUDIENCES = ("visitor", "member", "connection")

#: The fact holding the member ids a stand-in counts as connected to
#: (:func:`wagtail_network.visibility.assumed_connection_ids`); never set for a real viewer.
ASSUMED_CONNECTIONS = "assumed_connections"

#: The primary key of a stand-in's user and profile: one no row has (Django's
#: automatic keys start at 1), so every query about "them" finds nothing.
STAND_IN_PK = -1


class Viewer:
    """The user a request acts for, with the facts about them looked up so far."""

    __slots__ = ("user", "request", "_facts", "_pinned")

    def __init__(self, user: Any = None, *, request: HttpRequest | None = None) -> None:
        # Any: the host site's user model, or Django's AnonymousUser.
        self.user: Any = user if user is not None else AnonymousUser()
        self.request = request
        self._facts: dict[str, Any] = {}
        # Facts that define a stand-in (who they are), kept across refresh().
        self._pinned: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"<Viewer {self.user!r}>"

    @classmethod
    def of(cls, who: Any) -> Viewer:
        """``who`` as a viewer: a Viewer itself, a request's viewer, or a new
        viewer for a user (``None`` meaning an anonymous visitor)."""
        if isinstance(who, Viewer):
            return who
        if isinstance(who, HttpRequest):
            return cls.for_request(who)
        return cls(who)

    @classmethod
    def for_request(cls, request: HttpRequest) -> Viewer:
        """The request's viewer, made on first use and kept on the request.

        Made anew when ``request.user`` changed since (a login or logout during
        the request), so it never answers for somebody else.
        """
        user = getattr(request, "user", None) or AnonymousUser()
        viewer = getattr(request, REQUEST_ATTRIBUTE, None)
        if not isinstance(viewer, Viewer) or viewer.user is not user:
            viewer = cls(user, request=request)
            setattr(request, REQUEST_ATTRIBUTE, viewer)
        return viewer

    @classmethod
    def stand_in(cls, audience: str, member: MemberPage) -> Viewer:
        """A viewer who is nobody real, for showing ``member`` their saved profile
        as one kind of viewer sees it ("view my profile as …").

        ``visitor``: an anonymous visitor. ``member``: a signed-in user with a live
        profile of their own, connected to nobody, blocking and blocked by nobody,
        with no invitations, no groups and no permissions: user and profile have a
        primary key no row has, so every rule that looks them up finds nothing.
        ``connection``: the same, but counted as connected to ``member`` (the
        :data:`ASSUMED_CONNECTIONS` fact, which the visibility module's connection
        tests admit). A stand-in can only ever see what a real viewer of its kind
        sees, or less: a real one may have more (an invitation, shared groups).
        Nothing is saved; use it only to read.
        """
        if audience not in STAND_IN_AUDIENCES:
            raise ValueError(f"Unknown audience {audience!r}")
        if audience == "visitor":
            return cls(AnonymousUser())
        from django.contrib.auth import get_user_model

        from .models import MemberPage

        user_model = get_user_model()
        user = user_model(is_active=True)
        user.pk = _unmatched_pk(user_model)
        # Plain attributes on the unsaved instance: no permission or group rows.
        for flag in ("is_superuser", "is_staff"):
            if hasattr(user, flag):
                setattr(user, flag, False)
        profile = MemberPage(id=STAND_IN_PK, page_ptr_id=STAND_IN_PK, title="", live=True)
        viewer = cls(user)
        viewer._pinned = {
            "member": profile,
            "privileged": False,
            "moderator": False,
            ASSUMED_CONNECTIONS: frozenset({member.pk} if audience == "connection" else ()),
        }
        viewer.refresh()
        return viewer

    @property
    def is_stand_in(self) -> bool:
        """Whether this viewer is a :meth:`stand_in` (nobody real)."""
        return bool(self._pinned)

    @property
    def is_authenticated(self) -> bool:
        """Signed in with an active account."""
        user = self.user
        return bool(user.is_authenticated and getattr(user, "is_active", True))

    def fact(self, key: str, compute: Callable[[], T]) -> T:
        """The fact ``key``, computed once until :meth:`refresh`."""
        try:
            return self._facts[key]
        except KeyError:
            value = self._facts[key] = compute()
            return value

    def known(self, key: str) -> Any:
        """The fact ``key`` if it was looked up already, else ``None`` (nothing is computed)."""
        return self._facts.get(key)

    def facts(self, keep: Callable[[str], bool]) -> dict[str, Any]:
        """The facts looked up so far whose key ``keep`` accepts (a copy)."""
        return {key: value for key, value in self._facts.items() if keep(key)}

    def adopt(self, facts: dict[str, Any]) -> None:
        """Take ``facts`` as looked up (those this viewer already has win).

        For facts about the same user at the same state of the data, kept by the
        caller across requests (:mod:`graphql_schema.shared_facts`): a stand-in
        never adopts anything.
        """
        if not self._pinned:
            for key, value in facts.items():
                self._facts.setdefault(key, value)

    def refresh(self) -> None:
        """Forget every fact (the service layer calls this after a change); a
        stand-in keeps the facts that say who it is."""
        self._facts.clear()
        self._facts.update(self._pinned)


def _unmatched_pk(user_model: Any) -> Any:
    """A primary key for a stand-in user that no user row has."""
    field = user_model._meta.pk
    internal = field.get_internal_type()
    if internal == "UUIDField":
        return uuid.uuid4()
    if internal in ("CharField", "TextField", "SlugField", "EmailField"):
        return f"stand-in-{uuid.uuid4().hex}"
    return STAND_IN_PK


def user_of(who: Any) -> Any:
    """The user behind ``who`` (a Viewer, a request or a user)."""
    return Viewer.of(who).user


__all__ = [
    "ASSUMED_CONNECTIONS",
    "REQUEST_ATTRIBUTE",
    "STAND_IN_AUDIENCES",
    "STAND_IN_PK",
    "Viewer",
    "user_of",
]
