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

The service layer calls :meth:`Viewer.refresh` after every change it makes, so a
viewer never answers from facts that its own change made stale. A change made by
someone else in another request is seen by the next request (a new Viewer).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

T = TypeVar("T")

#: Where :meth:`Viewer.for_request` keeps the request's viewer.
REQUEST_ATTRIBUTE = "network_viewer"


class Viewer:
    """The user a request acts for, with the facts about them looked up so far."""

    __slots__ = ("user", "request", "_facts")

    def __init__(self, user: Any = None, *, request: HttpRequest | None = None) -> None:
        # Any: the host site's user model, or Django's AnonymousUser.
        self.user: Any = user if user is not None else AnonymousUser()
        self.request = request
        self._facts: dict[str, Any] = {}

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

    def refresh(self) -> None:
        """Forget every fact (the service layer calls this after a change)."""
        self._facts.clear()


def user_of(who: Any) -> Any:
    """The user behind ``who`` (a Viewer, a request or a user)."""
    return Viewer.of(who).user


__all__ = ["REQUEST_ATTRIBUTE", "Viewer", "user_of"]
