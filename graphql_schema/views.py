"""The GraphQL endpoint (``graphql_schema:graphql``, at ``/graphql/`` unless the setting
``GRAPHQL_PATH`` or an include prefix moves it): authentication, CSRF and GraphiQL rules.

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
from django.core.exceptions import DisallowedHost, RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.http.request import UnreadablePostError
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from graphql import OperationDefinitionNode, OperationType, parse
from graphql.error import GraphQLError

# HTTPException: whatever strawberry's Django view raises for transport errors.
from strawberry.django.views import GraphQLView, HTTPException
from strawberry.file_uploads.utils import replace_placeholders_with_files
from strawberry.types import ExecutionResult

from wagtail_network.busy import CODE_BUSY, busy_json_response, is_database_busy, retry_after
from wagtail_network.conf import get_setting

from . import persisted, response_cache, shared_facts
from .auth import InvalidToken, authenticate_token, bearer_token_from
from .errors import default_code, with_details
from .protection import INVALID_DOCUMENT_COST, charge, spend_cached

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


#: The error code of each transport failure strawberry reports by HTTP status.
_STATUS_CODES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
}

#: Deepest JSON nesting a request may send (the deepest input of the schema is a
#: few levels; anything far deeper is an attack on the parser or the coercion).
MAX_JSON_DEPTH = 32

#: The methods the endpoint answers (OPTIONS: a CORS preflight, or a plain probe).
ALLOWED_METHODS = ("GET", "POST", "OPTIONS")


def _error_response(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(
        {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]},
        status=status,
    )


def _json_depth_exceeds(value: Any, limit: int) -> bool:
    """Whether ``value`` nests lists and objects deeper than ``limit`` (iteratively)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def _decode_json(data: str | bytes) -> object:
    """JSON from a request, refused as a client error (``HTTPException(400)``) when it
    is not UTF-8, nests too deeply or is not JSON; never a server error."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise HTTPException(400, _("The request is not valid UTF-8.")) from exc
    try:
        value = json.loads(data)
    except RecursionError as exc:
        raise HTTPException(400, _("The JSON is nested too deeply.")) from exc
    except ValueError as exc:
        raise HTTPException(400, _("Unable to parse request body as JSON")) from exc
    if _json_depth_exceeds(value, MAX_JSON_DEPTH):
        raise HTTPException(
            400, _("The JSON is nested more than %(max)d levels deep.") % {"max": MAX_JSON_DEPTH}
        )
    return value


def _has_mutation(payload: Any) -> bool:
    """Whether a decoded request body holds a mutation operation (any of a batch).

    When the body cannot be read as GraphQL the answer is "yes": an unreadable
    request riding on a session without a CSRF token is refused rather than guessed at.
    """
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


def _origin_trusted(request: HttpRequest, origin: str) -> bool:
    """Whether Django would accept ``origin``: this site, or in CSRF_TRUSTED_ORIGINS."""
    try:
        own = f"{'https' if request.is_secure() else 'http'}://{request.get_host()}"
    except DisallowedHost:
        return False
    if origin == own:
        return True
    scheme, _sep, host = origin.partition("://")
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        t_scheme, _sep, t_host = trusted.partition("://")
        if t_scheme != scheme:
            continue
        if host == t_host or (t_host.startswith("*.") and host.endswith(t_host[1:])):
            return True
    return False


def csrf_refusal_reason(request: HttpRequest) -> str:
    """Why Django's CSRF check refused ``request``, in words a frontend developer can act on.

    Django decides (:func:`_csrf_passes`); this names the first of its conditions the
    request does not meet, in the order Django checks them.
    """
    origin = request.META.get("HTTP_ORIGIN")
    if origin is not None and not _origin_trusted(request, origin):
        return _(
            "The Origin %(origin)s is not this site and not in CSRF_TRUSTED_ORIGINS: a "
            "cross-origin client that signs in with a session needs its origin listed "
            "there (or uses a bearer token instead)."
        ) % {"origin": origin}
    if origin is None and request.is_secure() and not request.META.get("HTTP_REFERER"):
        return _("An HTTPS request without an Origin header needs a Referer header.")
    if not settings.CSRF_USE_SESSIONS and not request.COOKIES.get(settings.CSRF_COOKIE_NAME):
        return _(
            "The CSRF cookie (%(cookie)s) was not sent: load a page of this site (or "
            "GraphiQL) first, and send cookies with the request."
        ) % {"cookie": settings.CSRF_COOKIE_NAME}
    if not request.META.get(settings.CSRF_HEADER_NAME):
        return _(
            "A mutation sent with a session cookie needs the X-CSRFToken header, set "
            "to the value of the CSRF cookie."
        )
    return _("The X-CSRFToken header does not match the CSRF cookie.")


def _mark_authentication(request: HttpRequest, api_token: Any, how: str) -> None:
    """Record on the request how it was authenticated (``request.network_auth``) and
    with which token (``request.api_token``), for the protection extensions and logs."""
    request.api_token = api_token  # type: ignore[attr-defined]
    request.network_auth = how  # type: ignore[attr-defined]


def graphiql_allowed(request: HttpRequest) -> bool:
    """Whether GraphiQL is served to ``request`` (setting ``GRAPHIQL``): by default
    in development (DEBUG) and to active staff users only."""
    setting = get_setting("GRAPHIQL")
    if setting is not None:
        return bool(setting)
    user = getattr(request, "user", None)
    return bool(settings.DEBUG or (user is not None and user.is_active and user.is_staff))


def max_upload_body() -> int | None:
    """The largest multipart body the endpoint reads, in bytes: one image of
    ``WAGTAILIMAGES_MAX_UPLOAD_SIZE`` plus the form's other parts (at most
    ``DATA_UPLOAD_MAX_MEMORY_SIZE``); ``None`` when either limit is switched off."""
    image_limit = getattr(settings, "WAGTAILIMAGES_MAX_UPLOAD_SIZE", 10 * 1024 * 1024)
    data_limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if image_limit is None or data_limit is None:
        return None
    return int(image_limit) + int(data_limit)


def _check_upload_size(request: HttpRequest) -> None:
    """Refuse (413) a multipart body larger than :func:`max_upload_body` before
    reading it: Django spools uploaded files to disk whatever their size, and a
    file over the image limit would only be refused after it was all received."""
    limit = max_upload_body()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise HTTPException(400, _("The request is malformed.")) from None
    if limit is not None and length > limit:
        raise RequestDataTooBig(_("The request body is larger than this site accepts."))


def _is_mutation_result(request_data: Any) -> bool:
    """Whether the operation that ran was a mutation (never cached)."""
    return _has_mutation(
        {"query": request_data.query, "operationName": request_data.operation_name}
    )


@method_decorator(csrf_exempt, name="dispatch")
class NetworkGraphQLView(GraphQLView):
    """strawberry's Django view with the network's authentication rules.

    Whatever a client sends, the answer is JSON with a typed error
    (``extensions.code``) and a 4xx status; the only 5xx is 503 ``BUSY`` with
    ``Retry-After`` when the database was too busy (:mod:`wagtail_network.busy`).
    """

    graphql_ide = "graphiql"
    allow_queries_via_get = True

    def __init__(self, **kwargs: Any) -> None:
        # A host site passes its merged schema either way: as_view(schema=...) or a
        # ``schema`` class attribute on a subclass; else the plugin's own schema.
        kwargs.setdefault("schema", type(self).schema or get_schema())
        # Uploads (a member's photo) come as GraphQL multipart requests. A multipart
        # form post is exactly what CSRF guards against: one riding on a session is
        # refused without a CSRF token below, like any unreadable body.
        kwargs.setdefault("multipart_uploads_enabled", True)
        super().__init__(**kwargs)
        # Django builds one view instance per request: the decoded body is kept here
        # so that it is parsed once, not once by us and again by strawberry.
        self._body: bytes | None = None
        self._decoded_body: Any = None
        self._body_text: str | None = None
        self._busy = False
        # What a JSON or GET request runs once its persisted-document id is looked
        # up (None for a multipart request: its text is checked at execution).
        self._resolved: persisted.Resolved | None = None

    def decode_json(self, data: str | bytes) -> object:
        """strawberry's hook for every JSON value it reads (the body, and a GET's
        ``variables``/``extensions``): see :func:`_decode_json`."""
        # strawberry's Django adapter hands over the body decoded to a new str.
        if self._body is not None and (data is self._body or data == self._body_text):
            return self._decoded_body
        return _decode_json(data)

    def parse_multipart(self, request: Any) -> dict[str, str]:
        """A GraphQL multipart request (``operations``, ``map`` and the files), refused
        as a client error when its parts do not fit together (strawberry's own
        parser fails with a server error on a map that points into a string, say)."""
        operations: Any = self.parse_json(request.post_data.get("operations", "{}"))
        files_map = self.parse_json(request.post_data.get("map", "{}"))
        mismatch = _("The multipart map does not match its operations and files.")
        if not isinstance(operations, dict | list) or not (
            isinstance(files_map, dict)
            and all(
                isinstance(paths, list) and all(isinstance(path, str) for path in paths)
                for paths in files_map.values()
            )
        ):
            raise HTTPException(400, mismatch)
        try:
            # A batch's operations are a list: strawberry's annotation says dict, its
            # code walks lists as well.
            return replace_placeholders_with_files(
                operations,  # type: ignore[arg-type]
                files_map,
                request.files,
            )
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
            raise HTTPException(400, mismatch) from exc

    def execute_single(  # noqa: PLR0913, PLR0917 - strawberry's signature
        self,
        request: Any,
        request_adapter: Any,
        sub_response: Any,
        context: Any,
        root_value: Any,
        request_data: Any,
    ) -> Any:
        """Run one operation, unless its persisted document is unknown or untrusted
        (:mod:`graphql_schema.persisted`); keep an APQ document that ran."""
        resolved = self._resolved
        refusal = resolved.refusal if resolved is not None else None
        if refusal is None and resolved is None and persisted.trusted_mode(request):
            # Multipart: the text came in the form's ``operations``.
            query = request_data.query
            if not (isinstance(query, str) and persisted.is_trusted_text(query)):
                refusal = persisted.not_trusted()
        if refusal is not None:
            charge(request, INVALID_DOCUMENT_COST)
            return ExecutionResult(
                data=None,
                errors=[GraphQLError(refusal.message, extensions={"code": refusal.code})],
            )
        key = None
        anonymous = getattr(request, "network_auth", None) == AUTH_ANONYMOUS
        if response_cache.cacheable(request, anonymous=anonymous):
            # The generation is read before anything else: an entry is never newer
            # than the data it was computed from.
            key = response_cache.key_for(
                request, self.schema, request_data, response_cache.generation_for(request)
            )
            hit = response_cache.get(key) if key is not None else None
            if hit is not None:
                if resolved is not None and resolved.register_as:
                    persisted.remember(resolved.register_as, request_data.query)
                data, cost = hit
                extensions, error = spend_cached(request, cost)
                if error is not None:
                    return ExecutionResult(data=None, errors=[error], extensions=extensions)
                return ExecutionResult(data=data, errors=None, extensions=extensions)
        result = super().execute_single(
            request, request_adapter, sub_response, context, root_value, request_data
        )
        if resolved is not None and resolved.register_as and result.data is not None:
            persisted.remember(resolved.register_as, request_data.query)
        if key is not None and not result.errors and result.data is not None:
            if not _is_mutation_result(request_data):
                cost = ((result.extensions or {}).get("cost") or {}).get("requested", 0)
                response_cache.put(key, result.data, int(cost))
        return result

    def _resolve_document(self, request: HttpRequest, payload: Any) -> None:
        """Look up the persisted document a JSON or GET request names, and put its
        text where strawberry reads the query from (raises
        :class:`~graphql_schema.persisted.DocumentRefused` for a malformed id or a
        hash that does not match: answered 400)."""
        item: dict[str, Any]
        if isinstance(payload, dict):
            item = payload
        elif request.method == "GET":
            item = request.GET.dict()
            if item.get("extensions"):
                item["extensions"] = _decode_json(item["extensions"])  # type: ignore[assignment]
        else:
            return  # a batch (refused by strawberry) or multipart
        resolved = persisted.resolve(item, request)
        self._resolved = resolved
        if resolved.query is not None and item.get("query") != resolved.query:
            if payload is item:
                payload["query"] = resolved.query
            else:
                params = request.GET.copy()
                params["query"] = resolved.query
                request.GET = params  # type: ignore[assignment]

    def process_result(self, request: HttpRequest, result: Any) -> Any:
        if result.errors:
            # The schema's ErrorDetails codes every error of an operation; a document
            # refused before the operation began (it did not parse, or the client's
            # budget was used up) arrives here, the last place to give it its code.
            result.errors = [
                with_details(error, suggestions=True, default_code=default_code(error))
                for error in result.errors
            ]
        busy = any(
            (error.extensions or {}).get("code") == CODE_BUSY for error in result.errors or ()
        )
        # 503 says "nothing happened, retry": true only when no root field answered.
        # A document whose first mutation committed before the second met the lock
        # answers 200, with BUSY on the field that did not run.
        if busy and not any(value is not None for value in (result.data or {}).values()):
            self._busy = True
        return super().process_result(request, result)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            response = self._dispatch(request)
        except persisted.DocumentRefused as exc:
            # A malformed id or a hash that does not match its text (400).
            response = _error_response(exc.status, exc.code, exc.message)
        except HTTPException as exc:
            response = _error_response(
                exc.status_code, _STATUS_CODES.get(exc.status_code, "BAD_REQUEST"), str(exc.reason)
            )
        except RequestDataTooBig:
            response = _error_response(
                413, "PAYLOAD_TOO_LARGE", _("The request body is larger than this site accepts.")
            )
        except (MultiPartParserError, UnreadablePostError):
            response = _error_response(400, "BAD_REQUEST", _("The request is malformed."))
        except SuspiciousOperation:
            # Too many fields, a malformed multipart body, a host header Django refuses.
            response = _error_response(400, "BAD_REQUEST", _("The request is malformed."))
        except Exception as exc:
            if is_database_busy(exc):
                return busy_json_response()
            # Errors inside resolvers are masked by the schema; this catches the
            # transport around it, so that no request ever sees a Django error page.
            logger.exception("GraphQL request failed")
            return _error_response(500, "INTERNAL_ERROR", _("Internal error."))
        if self._busy:
            response.status_code = 503
            response["Retry-After"] = str(retry_after())
        if response.status_code == 405:
            response["Allow"] = ", ".join(ALLOWED_METHODS)
        return response

    def _dispatch(self, request: HttpRequest) -> HttpResponseBase:
        if request.method == "OPTIONS":
            # A CORS preflight is answered by django-cors-headers before it gets
            # here; a plain OPTIONS learns which methods the endpoint takes.
            response = HttpResponse(status=204)
            response["Allow"] = ", ".join(ALLOWED_METHODS)
            return response
        if request.method not in ("GET", "POST"):
            raise HTTPException(405, _("The GraphQL endpoint answers GET and POST requests."))

        payload: Any = None
        if request.method == "POST" and (request.content_type or "") == "multipart/form-data":
            _check_upload_size(request)
        if request.method == "POST" and (request.content_type or "") == "application/json":
            # May raise RequestDataTooBig (DATA_UPLOAD_MAX_MEMORY_SIZE): answered 413.
            self._body = request.body
            self._decoded_body = payload = _decode_json(self._body or b"null")
            self._body_text = (self._body or b"").decode("utf-8")
            # strawberry expects an object (or a batch list) and fails with a 500 on
            # any other JSON value; answer that as the client error it is.
            if not isinstance(payload, dict | list):
                raise HTTPException(400, _("The request body must be a JSON object."))

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
        else:
            request.user = getattr(request, "user", None) or AnonymousUser()
            _mark_authentication(request, None, AUTH_ANONYMOUS)

        # Who is asking decides which documents run (trusted mode), and the CSRF
        # check below must see the text a persisted id stands for.
        self._resolve_document(request, payload)
        # An id no store holds runs nothing: there is nothing for CSRF to guard.
        runs_nothing = self._resolved is not None and self._resolved.refusal is not None
        if (
            request.network_auth == AUTH_SESSION  # type: ignore[attr-defined]
            and request.method == "POST"
            and not runs_nothing
            and not _csrf_passes(request)
            and (payload is None or _has_mutation(payload))
        ):
            return _error_response(
                403,
                "CSRF_FAILED",
                _("CSRF verification failed. %(reason)s")
                % {"reason": csrf_refusal_reason(request)},
            )
        with shared_facts.shared(request):
            return self.run(request=request)

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


__all__ = ["NetworkGraphQLView", "csrf_refusal_reason", "graphiql_allowed"]
