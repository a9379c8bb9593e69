"""Persisted documents: Apollo's automatic persisted queries and trusted-documents mode.

Two ways for a client to send a document by id instead of by text, one store each:

* **Automatic persisted queries** (APQ, Apollo's protocol; setting ``GRAPHQL_APQ``):
  the client sends ``extensions.persistedQuery = {"version": 1, "sha256Hash": …}``
  without the text; an unknown hash answers ``PERSISTED_QUERY_NOT_FOUND`` and the
  client sends the text with the hash once, which is checked and then kept in
  Django's cache (``GRAPHQL_CACHE``: Redis in production, so every worker shares
  it) for ``GRAPHQL_APQ_TIMEOUT`` seconds. Only a document that parsed and
  validated is kept.
* **Trusted documents** (``GRAPHQL_DOCUMENTS = "trusted"``): only documents
  registered by ``manage.py register_graphql_documents`` (the
  :class:`~graphql_schema.models.TrustedDocument` table, read through the same
  cache) run. Anything else is refused *before it is parsed* with
  ``DOCUMENT_NOT_TRUSTED``, whatever it holds: no validation message, suggestion or
  error shape can disclose a type or a field. A client sends a registered document
  by its id (APQ's ``sha256Hash``, the GraphQL-over-HTTP ``documentId``, Relay's
  ``doc_id``) or by its full text. ``"trusted_except_staff"`` also lets active
  staff users run any document (GraphiQL, support work).

The documents are resolved in the view before anything else reads the request, so
that the CSRF check, the cost analysis and execution all see the same text.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from django.core.cache import caches
from django.db.models import Q
from django.utils.translation import gettext as _

from wagtail_network.conf import get_setting

CODE_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
CODE_NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
CODE_HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
CODE_NOT_TRUSTED = "DOCUMENT_NOT_TRUSTED"

#: Apollo's link recognises these messages (and the codes) to resend with the text.
APOLLO_MESSAGES = {
    CODE_NOT_FOUND: "PersistedQueryNotFound",
    CODE_NOT_SUPPORTED: "PersistedQueryNotSupported",
}

_HEX64 = re.compile(r"[0-9a-f]{64}")
#: What a document id may look like (ids of Relay and Apollo manifests included).
_DOCUMENT_ID = re.compile(r"[A-Za-z0-9_:.\-]{1,200}")

MODE_ANY = "any"
MODE_TRUSTED = "trusted"
MODE_TRUSTED_EXCEPT_STAFF = "trusted_except_staff"
MODES = (MODE_ANY, MODE_TRUSTED, MODE_TRUSTED_EXCEPT_STAFF)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _cache():
    return caches[get_setting("GRAPHQL_CACHE")]


def _apq_key(sha: str) -> str:
    return f"wagtail_network:apq:{sha}"


def _trusted_key(kind: str, value: str) -> str:
    return f"wagtail_network:trusted:{kind}:{value}"


def trusted_mode(request: Any) -> bool:
    """Whether only registered documents run for ``request``."""
    mode = get_setting("GRAPHQL_DOCUMENTS")
    if mode == MODE_ANY:
        return False
    if mode == MODE_TRUSTED_EXCEPT_STAFF:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active and user.is_staff:
            return False
    return True


class DocumentRefused(Exception):
    """A persisted-document request that cannot run; ``status`` 200 means a GraphQL
    error in the body (what Apollo's link reads), anything else a transport error."""

    def __init__(self, code: str, message: str, status: int = 200) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass
class Resolved:
    """What a request item asks to run, once its ids are looked up."""

    #: The document's text, or ``None`` when an id was sent that no store holds.
    query: str | None
    #: Why it cannot run, when it cannot (``query`` is then ``None``).
    refusal: DocumentRefused | None = None
    #: The document came from (or matched) the trusted registry.
    trusted: bool = False
    #: An APQ hash sent with the text: keep the text once it ran.
    register_as: str | None = None


def _apq_hash(item: dict) -> str | None:
    extensions = item.get("extensions")
    if not isinstance(extensions, dict) or "persistedQuery" not in extensions:
        return None
    persisted = extensions["persistedQuery"]
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise DocumentRefused(
            "BAD_REQUEST",
            _('extensions.persistedQuery must be {"version": 1, "sha256Hash": …}.'),
            status=400,
        )
    sha = persisted.get("sha256Hash")
    if not isinstance(sha, str) or not _HEX64.fullmatch(sha.lower()):
        raise DocumentRefused(
            "BAD_REQUEST",
            _("extensions.persistedQuery.sha256Hash must be 64 hexadecimal digits."),
            status=400,
        )
    return sha.lower()


def _document_id(item: dict) -> str | None:
    """The GraphQL-over-HTTP ``documentId`` (``sha256:<hex>`` or a bare id) or
    Relay's ``doc_id``."""
    for key in ("documentId", "doc_id"):
        if key in item and item[key] is not None:
            value = item[key]
            if not isinstance(value, str) or not _DOCUMENT_ID.fullmatch(value):
                raise DocumentRefused(
                    "BAD_REQUEST", _("%(key)s must be a document id.") % {"key": key}, status=400
                )
            return value.removeprefix("sha256:")
    return None


def trusted_text(document_id: str) -> str | None:
    """The registered document with this id, through the cache."""
    from .models import TrustedDocument

    cache = _cache()
    key = _trusted_key("id", document_id)
    body = cache.get(key)
    if body is None:
        # A sha256 also finds a document registered under another id (Relay's md5).
        match = Q(document_id=document_id)
        if _HEX64.fullmatch(document_id):
            match |= Q(sha256=document_id)
        body = TrustedDocument.objects.filter(match).values_list("body", flat=True).first()
        if body is not None:
            cache.set(key, body, timeout=None)
    return body


def is_trusted_text(text: str) -> bool:
    """Whether ``text`` is, character for character, a registered document."""
    from .models import TrustedDocument

    cache = _cache()
    sha = sha256_hex(text)
    key = _trusted_key("sha", sha)
    known = cache.get(key)
    if known is None:
        known = TrustedDocument.objects.filter(sha256=sha).exists()
        if known:
            cache.set(key, True, timeout=None)
    return bool(known)


def forget_trusted(document_id: str, *shas: str) -> None:
    """Drop a registration from the cache (the command calls this on every change):
    its id, and for each text's sha256 both the text match and the id alias a
    sha256 also is (a Relay document is found by its md5 id and by its sha256)."""
    keys = [_trusted_key("id", document_id)]
    for sha in shas:
        keys += [_trusted_key("sha", sha), _trusted_key("id", sha)]
    _cache().delete_many(keys)


def resolve(item: dict, request: Any) -> Resolved:
    """Look up what one request item (a decoded body, or GET's parameters) runs.

    Raises :class:`DocumentRefused` for a malformed id (a client error, 400) and
    for an APQ hash that does not match the text sent with it.
    """
    query = item.get("query")
    query = query if isinstance(query, str) else None
    apq = _apq_hash(item)
    document_id = _document_id(item) if apq is None else None
    wanted = apq or document_id
    trusted_only = trusted_mode(request)

    if query is not None:
        if apq is not None and sha256_hex(query) != apq:
            raise DocumentRefused(
                CODE_HASH_MISMATCH,
                _("The sha256Hash sent does not match the document sent with it."),
                status=400,
            )
        if trusted_only:
            if is_trusted_text(query):
                return Resolved(query, trusted=True)
            return Resolved(None, refusal=not_trusted())
        register = apq if apq is not None and get_setting("GRAPHQL_APQ") else None
        return Resolved(query, register_as=register)

    if wanted is None:
        return Resolved(None)  # no document at all: strawberry answers BAD_REQUEST
    text = trusted_text(wanted)
    if text is not None:
        return Resolved(text, trusted=True)
    if trusted_only:
        # Apollo's link answers NOT_FOUND by sending the text, which is then
        # refused as untrusted unless registered; other clients stop here.
        return Resolved(None, refusal=_not_found())
    if apq is None:
        return Resolved(None, refusal=_not_found())
    if not get_setting("GRAPHQL_APQ"):
        return Resolved(
            None,
            refusal=DocumentRefused(CODE_NOT_SUPPORTED, APOLLO_MESSAGES[CODE_NOT_SUPPORTED]),
        )
    cache = _cache()
    text = cache.get(_apq_key(apq))
    if text is None:
        return Resolved(None, refusal=_not_found())
    # Refresh the entry: a document in use stays.
    cache.touch(_apq_key(apq), timeout=int(get_setting("GRAPHQL_APQ_TIMEOUT")))
    return Resolved(text)


def remember(sha: str, text: str) -> None:
    """Keep an APQ document that ran (it parsed and validated)."""
    _cache().set(_apq_key(sha), text, timeout=int(get_setting("GRAPHQL_APQ_TIMEOUT")))


def _not_found() -> DocumentRefused:
    return DocumentRefused(CODE_NOT_FOUND, APOLLO_MESSAGES[CODE_NOT_FOUND])


def not_trusted() -> DocumentRefused:
    return DocumentRefused(
        CODE_NOT_TRUSTED, _("Only documents registered with this site run here.")
    )


__all__ = [
    "CODE_HASH_MISMATCH",
    "CODE_NOT_FOUND",
    "CODE_NOT_SUPPORTED",
    "CODE_NOT_TRUSTED",
    "DocumentRefused",
    "Resolved",
    "forget_trusted",
    "is_trusted_text",
    "not_trusted",
    "remember",
    "resolve",
    "sha256_hex",
    "trusted_mode",
    "trusted_text",
]
