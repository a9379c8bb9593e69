"""Personal API tokens: create, list, revoke, and recognise them on a request.

Tokens are Wagtail 8's :class:`wagtail.models.APIToken`: only an HMAC digest is
stored, the plaintext is shown once when the token is created. They belong to the
app: the member manages them on the account page (:mod:`wagtail_network.views`) or
over GraphQL, and both the GraphQL endpoint and the app's own data-export download
accept ``Authorization: Bearer <token>``. A request that presents one is
authenticated as the token's user and nothing else; a token that is malformed,
unknown, revoked or belongs to an inactive user is refused (:class:`InvalidToken`),
never treated as anonymous, so that a client notices at once that its credentials
stopped working. How each surface answers a refusal (the endpoint's 401) is the
surface's business.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import APIToken

from .. import limits
from ..bookkeeping import after_response
from ..errors import ErrorCode, NetworkError
from .base import _pk, _text_within

#: Most active tokens one user may hold: enough for every device, not a token farm.
MAX_TOKENS_PER_USER = 20
#: Longest token name, in characters (the account page's form uses it too).
MAX_NAME_LENGTH = limits.TOKEN_NAME_MAX_LENGTH


class InvalidToken(Exception):
    """The request carried an Authorization header that does not authenticate."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def bearer_token_from(request: HttpRequest) -> str | None:
    """The plaintext token of an ``Authorization: Bearer`` header.

    ``None`` when the request has no Authorization header at all; raises
    :class:`InvalidToken` when it has one that is not a bearer token.
    """
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _sep, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken(str(_("Use 'Authorization: Bearer <token>'.")))
    return token.strip()


def authenticate_token(plaintext: str) -> APIToken:
    """The live token matching ``plaintext`` (with its user), or :class:`InvalidToken`.

    Checked against the database on every request, so a revocation counts at once.
    """
    # The offline format check (prefix, length, checksum) rejects garbage without a query.
    if not APIToken.validate_token_format(plaintext):
        raise InvalidToken(str(_("The API token is not valid.")))
    api_token = (
        APIToken.objects.select_related("user")
        .filter(key_hash__in=APIToken.candidate_key_hashes(plaintext), revoked_at__isnull=True)
        .first()
    )
    if api_token is None or not api_token.user.is_active:
        raise InvalidToken(str(_("The API token is not valid or was revoked.")))
    _touch_last_used(api_token)
    return api_token


def _touch_last_used(api_token: APIToken) -> None:
    # Same throttle as Wagtail's own BearerTokenAuth: at most one write a minute per
    # token. The write waits until the response has gone (bookkeeping.after_response):
    # a read-only query with a token must not fail because someone else is writing.
    interval = getattr(settings, "WAGTAILAPI_TOKEN_LAST_USED_INTERVAL", 60)
    if interval is None:
        return
    now = timezone.now()
    last = api_token.last_used_at
    if last is None or (now - last).total_seconds() >= interval:
        pk = api_token.pk
        after_response(lambda: APIToken.objects.filter(pk=pk).update(last_used_at=now))
        api_token.last_used_at = now


def active_tokens(user: Any) -> QuerySet:
    """The user's tokens that still authenticate, newest first."""
    if not (user and user.is_authenticated):
        return APIToken.objects.none()
    return APIToken.objects.filter(user_id=user.pk, revoked_at__isnull=True).order_by("-created")


def create_token(user: Any, name: str) -> tuple[APIToken, str]:
    """Create a personal token for ``user``: ``(token, plaintext)``; the plaintext
    is not stored anywhere and cannot be shown again."""
    if not (user and user.is_authenticated):
        raise NetworkError(ErrorCode.UNAUTHENTICATED)
    name = _text_within(
        name, MAX_NAME_LENGTH, _("The name is longer than %(max)d characters."), "name"
    )
    if not name:
        raise NetworkError(ErrorCode.VALIDATION, _("Give the token a name."), field="name")
    with transaction.atomic():
        if active_tokens(user).count() >= MAX_TOKENS_PER_USER:
            raise NetworkError(
                ErrorCode.VALIDATION,
                _("You have too many tokens; revoke one first."),
                field="name",
            )
        return APIToken.create_token(user=user, name=name)


def revoke_token(user: Any, token_id: int | str) -> APIToken:
    """Revoke one of ``user``'s own tokens. Someone else's token reads as missing."""
    if not (user and user.is_authenticated):
        raise NetworkError(ErrorCode.UNAUTHENTICATED)
    token = active_tokens(user).filter(pk=_pk(token_id, "id")).first()
    if token is None:
        raise NetworkError(ErrorCode.NOT_FOUND, field="id")
    token.revoke()
    return token


__all__ = [
    "MAX_NAME_LENGTH",
    "MAX_TOKENS_PER_USER",
    "InvalidToken",
    "active_tokens",
    "authenticate_token",
    "bearer_token_from",
    "create_token",
    "revoke_token",
]
