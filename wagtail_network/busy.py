"""A database that is busy answers 503 with ``Retry-After``, never 500.

SQLite lets one writer at a time hold the database; a second writer waits for the
busy timeout (``OPTIONS["timeout"]``) and then fails with "database is locked".
PostgreSQL refuses a statement that waited out its ``lock_timeout`` and aborts one
side of a deadlock. Each is a *temporary* condition: the request did nothing (its
transaction rolled back) and will very likely succeed when retried. So it is told
as such — HTTP 503 with ``Retry-After`` — on every surface:

* GraphQL: :class:`graphql_schema.protection.ErrorMasking` gives the error the code
  ``BUSY`` and the endpoint answers 503 (``graphql_schema.views``);
* the site's pages: :class:`DatabaseBusyMiddleware` renders
  ``wagtail_network/busy.html`` with status 503, whether the error came from a view
  or from a middleware's response phase (a session saved after login, say).

This is the only 5xx the plugin means to send.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .conf import get_setting

logger = logging.getLogger(__name__)

#: The GraphQL error code (``extensions.code``) of a busy database.
CODE_BUSY = "BUSY"

#: SQLite's messages for a lock it gave up waiting for.
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")
#: PostgreSQL SQLSTATEs of a temporary conflict: lock_not_available (lock_timeout),
#: deadlock_detected, serialization_failure.
_POSTGRES_BUSY = {"55P03", "40P01", "40001"}

#: Marks a request whose handling met a busy database (set by the signal receiver).
_MARK = "network_database_busy"


def is_database_busy(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) is a temporary lock conflict."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OperationalError) and any(
            text in str(exc).lower() for text in _SQLITE_BUSY
        ):
            return True
        # psycopg's errors (Django's DatabaseError's cause) carry the SQLSTATE.
        sqlstate = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
        if isinstance(sqlstate, str) and sqlstate in _POSTGRES_BUSY:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def retry_after() -> int:
    """Seconds a client is asked to wait before retrying (``BUSY_RETRY_AFTER``)."""
    return max(int(get_setting("BUSY_RETRY_AFTER")), 1)


def busy_json_response() -> JsonResponse:
    """The GraphQL-shaped answer: 503, ``Retry-After`` and one ``BUSY`` error."""
    response = JsonResponse(
        {"data": None, "errors": [{"message": busy_message(), "extensions": {"code": CODE_BUSY}}]},
        status=503,
    )
    response["Retry-After"] = str(retry_after())
    return response


def busy_message() -> str:
    return _("The site is busy; nothing was changed. Try again in a moment.")


def busy_page_response(request: HttpRequest) -> HttpResponse:
    """The page answer: ``wagtail_network/busy.html`` (overridable), 503, ``Retry-After``."""
    content = render_to_string(
        "wagtail_network/busy.html",
        {"message": busy_message(), "retry_after": retry_after()},
        request=None,  # no context processors: they may need the database
    )
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(retry_after())
    return response


def _mark_busy_request(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    # Django sends this for every uncaught exception, from a view or a middleware,
    # before it renders the 500 (or debug) page: the one public place to learn the cause.
    if request is not None and is_database_busy(sys.exc_info()[1]):
        setattr(request, _MARK, True)


def connect_signals() -> None:
    """Called from the app's ``ready()``."""
    got_request_exception.connect(_mark_busy_request, dispatch_uid="wagtail_network.busy")


class DatabaseBusyMiddleware:
    """Turns a request that failed on a busy database into a 503 page.

    Put it first in ``MIDDLEWARE``: it then also sees errors raised in the response
    phase of the middlewares below it (``SessionMiddleware`` saving a session).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, _MARK, False) and response.status_code >= 500:
            return self.busy(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_busy(exception):
            return self.busy(request)
        return None

    def busy(self, request: HttpRequest) -> HttpResponse:
        logger.warning("Database busy: %s %s answered 503", request.method, request.path)
        if _wants_json(request):
            return busy_json_response()
        return busy_page_response(request)


def _wants_json(request: HttpRequest) -> bool:
    """An API client (the GraphQL endpoint, a JSON request) gets the JSON answer."""
    try:
        from django.urls import reverse

        if request.path == reverse("graphql_schema:graphql"):
            return True
    except Exception:  # noqa: BLE001 - the endpoint may not be installed
        pass
    return request.content_type == "application/json" or (
        "application/json" in request.headers.get("Accept", "")
        and "text/html" not in request.headers.get("Accept", "")
    )


__all__ = [
    "CODE_BUSY",
    "DatabaseBusyMiddleware",
    "busy_json_response",
    "busy_message",
    "busy_page_response",
    "connect_signals",
    "is_database_busy",
    "retry_after",
]
