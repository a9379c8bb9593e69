"""How the GraphQL endpoint reports errors: one code per kind, masking, logging.

Every error a client receives carries ``extensions.code`` (the list is in
``docs/reference/graphql-errors.md``):

* :class:`ErrorMasking` — unexpected exceptions reach the client as "Internal
  error." (``INTERNAL_ERROR``) with no message, stack or SQL; a missing object as
  ``NOT_FOUND``; a busy database as ``BUSY``;
* :class:`ErrorDetails` — the network's typed errors carry their code, parse and
  validation failures and bad argument values get theirs (:func:`default_code`),
  and with ``GRAPHQL_FIELD_SUGGESTIONS`` off "Did you mean …?" hints are removed;
* :func:`log_errors` — each request's errors logged once and bounded.

:class:`ProtectionError` is what the protection rules (:mod:`.protection`) raise.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.utils.translation import gettext as _
from graphql import GraphQLError
from graphql.error import GraphQLSyntaxError
from strawberry.extensions import MaskErrors, SchemaExtension

from wagtail_network.busy import CODE_BUSY, busy_message, is_database_busy
from wagtail_network.conf import get_setting
from wagtail_network.errors import NetworkError

logger = logging.getLogger(__name__)

CODE_COST_EXCEEDED = "COST_EXCEEDED"
CODE_THROTTLED = "THROTTLED"
#: An argument or variable value the field cannot take (a malformed id or cursor, a
#: negative or oversized page size, a variable of the wrong type).
CODE_INVALID_ARGUMENT = "INVALID_ARGUMENT"
CODE_INTERNAL = "INTERNAL_ERROR"
CODE_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
CODE_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
CODE_DEPTH_LIMIT = "DEPTH_LIMIT_EXCEEDED"
CODE_ALIAS_LIMIT = "ALIAS_LIMIT_EXCEEDED"
CODE_TOKEN_LIMIT = "TOKEN_LIMIT_EXCEEDED"
CODE_INTROSPECTION_DISABLED = "INTROSPECTION_DISABLED"


class ProtectionError(Exception):
    """A request refused by a protection rule; its message is safe to show."""

    def __init__(self, message: str, code: str, **extra: Any) -> None:
        self.message = message
        self.code = code
        self.extra = extra
        super().__init__(message)

    def as_graphql_error(self) -> GraphQLError:
        return GraphQLError(
            self.message, original_error=self, extensions={"code": self.code, **self.extra}
        )


# Error masking and field suggestions
# --------------------------------------------------------------------------

#: Exceptions whose message is written for clients and may be shown as is.
SAFE_EXCEPTIONS: tuple[type[BaseException], ...] = (
    NetworkError,
    ProtectionError,
    PermissionDenied,
)


def should_mask_error(error: GraphQLError) -> bool:
    """Mask everything that is not a GraphQL validation error or one of ours."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return False
    if isinstance(original, SAFE_EXCEPTIONS):
        return False
    # strawberry's relay pagination refuses bad arguments with these messages.
    if isinstance(original, ValueError | TypeError) and str(original).startswith("Argument '"):
        return False
    return True


class ErrorMasking(MaskErrors):
    """Unexpected errors become "Internal error." (code INTERNAL_ERROR); a missing
    object becomes "Not found." (code NOT_FOUND). The original is logged by
    strawberry before masking, so operators still see it."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=should_mask_error, error_message="Internal error.")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        if isinstance(error.original_error, ObjectDoesNotExist):
            message, code = _("Not found."), "NOT_FOUND"
        elif is_database_busy(error.original_error):
            # The transaction rolled back; the view answers 503 with Retry-After.
            message, code = busy_message(), CODE_BUSY
        else:
            message, code = _("Internal error."), CODE_INTERNAL
        return GraphQLError(
            message=str(message),
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions={"code": code},
        )


class ErrorDetails(SchemaExtension):
    """Shape the errors every response carries, after masking.

    Every error gets ``extensions.code``: the network's own errors carry theirs; a
    document that does not parse answers ``GRAPHQL_PARSE_FAILED`` (or
    ``TOKEN_LIMIT_EXCEEDED``), one that fails validation
    ``GRAPHQL_VALIDATION_FAILED`` unless its rule gave a more precise code, and an
    argument or variable value a field cannot take ``INVALID_ARGUMENT``. With
    ``GRAPHQL_FIELD_SUGGESTIONS`` off, "Did you mean …?" hints are removed so that
    the schema cannot be mapped by guessing. Runs on the operation's result, as
    strawberry's own ``MaskErrors`` does.
    """

    def __init__(self) -> None:
        self.validation_errors: set[int] = set()

    def on_validate(self) -> Iterator[None]:
        yield
        errors = self.execution_context.pre_execution_errors or ()
        self.validation_errors = {id(error) for error in errors}

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if errors:
            suggestions = bool(get_setting("GRAPHQL_FIELD_SUGGESTIONS"))
            result.errors = [  # type: ignore[union-attr]
                with_details(
                    error,
                    suggestions=suggestions,
                    default_code=self.default_code(error),
                )
                for error in errors
            ]

    def default_code(self, error: GraphQLError) -> str:
        return default_code(error, validation_errors=self.validation_errors)


def default_code(error: GraphQLError, validation_errors: set[int] | None = None) -> str:
    """The code an error without one is given (see :class:`ErrorDetails`)."""
    if isinstance(error, GraphQLSyntaxError):
        # graphql-core's parser aborts with this message past max_tokens.
        if "tokens" in error.message and "Parsing aborted" in error.message:
            return CODE_TOKEN_LIMIT
        return CODE_PARSE_FAILED
    if validation_errors and id(error) in validation_errors:
        return CODE_VALIDATION_FAILED
    return CODE_INVALID_ARGUMENT


def with_details(
    error: GraphQLError, *, suggestions: bool, default_code: str | None = None
) -> GraphQLError:
    """``error`` with its code (``default_code`` when it has none) and, unless
    ``suggestions``, without field hints."""
    original = error.original_error
    message = error.message
    if not suggestions and " Did you mean " in message:
        message = message.split(" Did you mean ")[0].strip()
    extensions = dict(error.extensions or {})
    if isinstance(original, NetworkError | ProtectionError):
        extensions.setdefault("code", str(original.code))
    elif isinstance(original, PermissionDenied):
        extensions.setdefault("code", "PERMISSION_DENIED")
    if default_code is not None:
        extensions.setdefault("code", default_code)
    if message == error.message and extensions == (error.extensions or {}):
        return error
    # A copy, never an edit: validation errors are shared between requests by
    # strawberry's ValidationCache.
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=original,
        extensions=extensions or None,
    )


# --------------------------------------------------------------------------
# Logging
# --------------------------------------------------------------------------

#: Longest error message written to the log (documents are never logged whole).
LOGGED_MESSAGE_LENGTH = 200
#: Unexpected errors logged with their traceback per request; the rest are counted.
LOGGED_TRACEBACKS = 3


def log_errors(errors: list[GraphQLError]) -> None:
    """Log a request's errors once, bounded: client mistakes (invalid documents,
    refused arguments, typed domain errors) as one INFO line with a count and the
    first message; unexpected exceptions with their traceback, at most
    :data:`LOGGED_TRACEBACKS` of them."""
    unexpected = [e for e in errors if should_mask_error(e)]
    expected = len(errors) - len(unexpected)
    if expected:
        first = next(e for e in errors if not should_mask_error(e)).message
        logger.info(
            "GraphQL request refused with %d error(s); first: %s",
            expected,
            first[:LOGGED_MESSAGE_LENGTH],
        )
    for error in unexpected[:LOGGED_TRACEBACKS]:
        original = error.original_error
        if is_database_busy(original):
            logger.warning("GraphQL request met a busy database: %s", original)
            continue
        logger.error(
            "GraphQL resolver failed at %s",
            ".".join(str(p) for p in error.path or ()),
            exc_info=(type(original), original, original.__traceback__) if original else None,
        )
    if len(unexpected) > LOGGED_TRACEBACKS:
        logger.error("... and %d more resolver errors", len(unexpected) - LOGGED_TRACEBACKS)


__all__ = [
    "CODE_ALIAS_LIMIT",
    "CODE_COST_EXCEEDED",
    "CODE_DEPTH_LIMIT",
    "CODE_INTERNAL",
    "CODE_INTROSPECTION_DISABLED",
    "CODE_INVALID_ARGUMENT",
    "CODE_PARSE_FAILED",
    "CODE_THROTTLED",
    "CODE_TOKEN_LIMIT",
    "CODE_VALIDATION_FAILED",
    "ErrorDetails",
    "ErrorMasking",
    "ProtectionError",
    "default_code",
    "log_errors",
    "should_mask_error",
    "with_details",
]
