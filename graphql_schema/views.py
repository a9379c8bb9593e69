"""The ``/graphql/`` endpoint: authentication, CSRF and GraphiQL rules.

Three kinds of request reach it, each treated as ``docs/how-to/api-auth.md`` describes:

* **Bearer token** (``Authorization: Bearer <token>``): authenticated as the
  token's user only; no CSRF token needed (no browser adds that header on its
  own, so a forged cross-site request cannot carry it). An invalid or revoked
  token answers 401: it is never quietly treated as anonymous.
* **Session cookie**: a mutation needs a valid CSRF token (``X-CSRFToken``
  header with the ``csrftoken`` cookie), checked by Django's own
  ``CsrfViewMiddleware`` logic; without one it answers 403 and nothing runs.
  Read-only queries go through, as they change nothing.
* **Anonymous**: a plain JSON POST (or GET), as every GraphQL client sends by
  default; there is no session to ride on, so there is nothing to forge.

strawberry's view is wrapped in Django's CSRF middleware like any view, which
refuses every POST without a CSRF cookie, anonymous ones included; so the view
is ``csrf_exempt`` and enforces CSRF itself, exactly where a session is used.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from graphql import OperationDefinitionNode, OperationType, parse
from graphql.error import GraphQLError

# HTTPException: whatever strawberry's Django view raises for transport errors.
from strawberry.django.views import GraphQLView, HTTPException

from wagtail_network.conf import get_setting

from .auth import InvalidToken, authenticate_token, bearer_token_from

logger = logging.getLogger(__name__)

#: How the request was authenticated; stored on ``request.network_auth``.
AUTH_TOKEN = "token"
AUTH_SESSION = "session"
AUTH_ANONYMOUS = "anonymous"


def get_schema():
    """The project's schema, imported on first use (keeps URL loading cheap and
    lets a host site swap the schema module without touching the view)."""
    from .schema import schema

    return schema


def _error_response(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(
        {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]},
        status=status,
    )


def _has_mutation(request: HttpRequest) -> bool:
    """Whether the request body holds a mutation operation (any of a batch).

    When the body cannot be read as GraphQL the answer is "yes": an unreadable
    request riding on a session without a CSRF token is refused rather than guessed at.
    """
    content_type = request.content_type or ""
    if content_type != "application/json":
        return True
    try:
        payload = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return True
    items = payload if isinstance(payload, list) else [payload]
    for item in items:
        query = item.get("query") if isinstance(item, dict) else None
        if not isinstance(query, str):
            return True
        try:
            document = parse(query, max_tokens=get_setting("GRAPHQL_MAX_TOKENS"))
        except GraphQLError:
            return True
        for definition in document.definitions:
            if (
                isinstance(definition, OperationDefinitionNode)
                and definition.operation != OperationType.QUERY
            ):
                return True
    return False


def _csrf_passes(request: HttpRequest) -> bool:
    """Django's own CSRF check (origin, referer, token), run on demand."""
    middleware = CsrfViewMiddleware(lambda req: HttpResponse())

    def callback(req):  # a stand-in view that is *not* csrf_exempt
        return HttpResponse()

    return middleware.process_view(request, callback, (), {}) is None


def _mark_authentication(request: HttpRequest, api_token: Any, how: str) -> None:
    """Record on the request how it was authenticated (``request.network_auth``) and
    with which token (``request.api_token``), for the protection extensions and logs."""
    request.api_token = api_token  # type: ignore[attr-defined]
    request.network_auth = how  # type: ignore[attr-defined]


def graphiql_allowed(request: HttpRequest) -> bool:
    """GraphiQL is for development (DEBUG) and for staff users only."""
    user = getattr(request, "user", None)
    return bool(settings.DEBUG or (user is not None and user.is_active and user.is_staff))


@method_decorator(csrf_exempt, name="dispatch")
class NetworkGraphQLView(GraphQLView):
    """strawberry's Django view with the network's authentication rules."""

    graphql_ide = "graphiql"
    allow_queries_via_get = True

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("schema", get_schema())
        super().__init__(**kwargs)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            plaintext = bearer_token_from(request)
            api_token = authenticate_token(plaintext) if plaintext is not None else None
        except InvalidToken as exc:
            response = _error_response(401, "UNAUTHENTICATED", exc.message)
            response["WWW-Authenticate"] = 'Bearer realm="graphql", error="invalid_token"'
            return response

        if api_token is not None:
            # The token decides who this is; a session cookie sent along must not
            # add to (or replace) that identity.
            request.user = api_token.user
            _mark_authentication(request, api_token, AUTH_TOKEN)
        elif getattr(request, "user", None) is not None and request.user.is_authenticated:
            # The session user arrives as Django's lazy proxy; resolvers and services
            # get the user object itself (``type(user)`` and identity checks work).
            request.user = getattr(request.user, "_wrapped", request.user)
            _mark_authentication(request, None, AUTH_SESSION)
            if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE") and not _csrf_passes(
                request
            ):
                if _has_mutation(request):
                    return _error_response(
                        403,
                        "CSRF_FAILED",
                        _(
                            "CSRF verification failed. A mutation sent with a session "
                            "cookie needs the X-CSRFToken header."
                        ),
                    )
        else:
            request.user = getattr(request, "user", None) or AnonymousUser()
            _mark_authentication(request, None, AUTH_ANONYMOUS)
        if request.method == "POST" and (request.content_type or "") == "application/json":
            # strawberry expects an object (or a batch list) and fails with a 500 on
            # any other JSON value; answer that as the client error it is.
            try:
                body = json.loads(request.body or b"null")
            except (ValueError, UnicodeDecodeError):
                body = {}  # strawberry answers malformed JSON with its own 400
            if not isinstance(body, dict | list):
                return _error_response(
                    400, "BAD_REQUEST", _("The request body must be a JSON object.")
                )
        try:
            return self.run(request=request)
        except HTTPException as exc:
            return _error_response(exc.status_code, "BAD_REQUEST", str(exc.reason))
        except Exception:
            # Errors inside resolvers are masked by the schema; this catches the
            # transport around it, so that no request ever sees a Django error page.
            logger.exception("GraphQL request failed")
            return _error_response(500, "INTERNAL_ERROR", _("Internal error."))

    def render_graphql_ide(self, request: HttpRequest) -> HttpResponse:
        if not graphiql_allowed(request):
            return _error_response(
                404, "NOT_FOUND", _("GraphiQL is available in development and to staff only.")
            )
        # GraphiQL sends the page's CSRF token as X-CSRFToken; get_token also sets the cookie.
        get_token(request)
        # Our own page instead of strawberry's, which loads React and GraphiQL from a
        # CDN (never offline, never under a strict CSP): every asset is one of the
        # package's static files and there is no inline script.
        return render(request, "graphql_schema/graphiql.html", {"endpoint": request.path})


__all__ = ["NetworkGraphQLView", "graphiql_allowed"]
