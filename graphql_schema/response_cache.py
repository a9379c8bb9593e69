"""Exact response caching for the answers every visitor shares.

Every anonymous visitor sees the same network: the same public directory, the same
public profiles. So an anonymous query's ``data`` is kept in the cache named by
``GRAPHQL_CACHE`` (Redis in production: shared by every worker), keyed by

* the document, the operation name and the variables;
* the site's origin (absolute URLs) and the active language (translated values);
* a fingerprint of the ``WAGTAIL_NETWORK`` settings and of the schema;
* the **generation**: a counter in the cache that every write to a table an
  answer may read moves on (every table but :data:`UNREAD_TABLES`: sessions,
  tokens, logs, invitations, blocks, reports, notifications, task queues). A new
  generation makes every older entry unreachable at once; they expire on their own.

The generation is moved by a database execute wrapper (:func:`install`), so every
write Django sends is seen — ``save()``, ``QuerySet.update()``, ``bulk_create``,
raw SQL through Django's cursor, migrations — not just those that send signals:
a profile edit, a publish or unpublish, a visibility change, a connection a third
party makes or removes, a skill renamed, an image replaced. It moves at the write
and again after the commit: a request that read the old rows between the two
stored them under a generation nobody asks for any more. The generation is read
before the answer is computed, so an entry can only ever be older than its key
says, never newer than the data it came from. Writes made outside Django (psql)
need ``response_cache.bump()`` (``manage.py shell -c "from graphql_schema.response_cache
import bump; bump()"``) — there are none in the plugin's own code.

A hit still spends the client's cost budget (the cost is stored with the entry)
and reports the client's own budget in ``extensions``; a signed-in request, a
mutation, an upload and any answer with errors are never cached.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
from typing import Any

from django.core.cache import caches
from django.db import connections
from django.db.backends.signals import connection_created
from django.utils import translation

from wagtail_network.conf import get_settings

logger = logging.getLogger(__name__)

GENERATION_KEY = "wagtail_network:graphql-response-generation"
#: Tables no answer to a visitor reads: a write to them leaves the cache alone.
#: A write to any other table moves the generation, so that the host site's own
#: types merged into the schema are covered as well as the network's.
UNREAD_TABLES = frozenset(
    {
        "django_session",
        "django_admin_log",
        "django_cache",
        "wagtailcore_apitoken",
        "wagtailcore_pagesubscription",
        "wagtailcore_pagelogentry",
        "wagtailcore_referenceindex",
        "wagtailcore_modellogentry",
        "wagtailcore_revision",
        "wagtailcore_comment",
        "wagtailcore_commentreply",
        "wagtailcore_taskstate",
        "wagtailcore_workflowstate",
        "wagtailcore_uploadedfile",
        "wagtail_network_connection",
        "wagtail_network_connectionevent",
        "wagtail_network_block",
        "wagtail_network_report",
        "wagtail_network_notification",
        "wagtail_network_notificationemail",
        "wagtail_network_notificationsettings",
        "wagtail_network_importupload",
        "wagtail_network_skillsuggestion",
        "wagtail_network_suggestiondismissal",
        "graphql_schema_trusteddocument",
    }
)
#: Prefixes of such tables (task queues).
UNREAD_PREFIXES = ("django_tasks", "django_rq")
_TARGET = re.compile(
    r'(?:insert\s+(?:or\s+\w+\s+)?into|update|delete\s+from|replace\s+into)\s+"?([\w.]+)"?',
    re.I,
)
#: Statements that never write (anything else is taken for a write).
_READ_ONLY = re.compile(
    r"(?:select|savepoint|release|set|show|explain|begin|commit|pragma)\b", re.I
)
_LEADING_COMMENTS = re.compile(r"\s*(?:(?:--[^\n]*\n|/\*.*?\*/)\s*)*", re.S)


def _cache():
    return caches[get_settings()["GRAPHQL_CACHE"]]


def enabled() -> bool:
    return bool(get_settings()["GRAPHQL_RESPONSE_CACHE"])


# --------------------------------------------------------------------------
# The generation
# --------------------------------------------------------------------------


def _fresh() -> int:
    """A starting generation no earlier one used: the counter may have been evicted
    (or a cache node restarted) while entries of old generations still live."""
    return time.time_ns() // 1000


def generation() -> int:
    """The current generation."""
    cache = _cache()
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, _fresh(), timeout=None)
        value = cache.get(GENERATION_KEY)
    return int(value) if value is not None else _fresh()


def generation_for(request: Any) -> int:
    """The generation as ``request`` first read it, while its thread has written
    nothing since (read again after a write: a batch's later operations)."""
    moves = moves_seen()
    seen = getattr(request, "_wn_generation", None)
    if seen is not None and seen[1] == moves:
        return seen[0]
    value = generation()
    request._wn_generation = (value, moves)
    return value


def bump() -> None:
    """Make every cached answer unreachable."""
    cache = _cache()
    cache.add(GENERATION_KEY, _fresh(), timeout=None)
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # evicted between add and incr
        cache.set(GENERATION_KEY, _fresh(), timeout=None)


def moves_generation(sql: Any) -> bool:
    """Whether a statement may write to a table an answer may read (when in doubt:
    yes — a needless bump costs a cache miss, a missed one a stale answer)."""
    if not isinstance(sql, str):
        return True  # composed SQL (psycopg's sql.Composed): not read, so assumed a write
    leading = _LEADING_COMMENTS.match(sql)
    sql = sql[leading.end() :] if leading else sql
    if _READ_ONLY.match(sql):
        return False
    target = _TARGET.match(sql)
    if target is not None:
        table = target.group(1).lower().rsplit(".", 1)[-1]
        return table not in UNREAD_TABLES and not table.startswith(UNREAD_PREFIXES)
    return True  # WITH …, TRUNCATE, DDL, ROLLBACK TO SAVEPOINT, COPY …


_seen = threading.local()


def moves_seen() -> int:
    """How many statements that move the generation this thread has sent so far
    (a request compares it before and after to learn whether it wrote)."""
    return getattr(_seen, "moves", 0)


class _WriteWatcher:
    """An execute wrapper: a write to :data:`READ_TABLES` moves the generation now
    and again once its transaction commits."""

    def __init__(self, alias: str) -> None:
        self.alias = alias

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if moves_generation(sql):
            _seen.moves = moves_seen() + 1
            try:
                bump()
                connection = connections[self.alias]
                if connection.in_atomic_block:
                    # One bump at the commit however many writes: every callback of
                    # the transaction shares ``state``. A rollback discards them and
                    # leaves ``state`` unspent, so the next transaction's writes
                    # register again (a flag cleared only by the callback would not).
                    state = getattr(connection, "_wn_commit_bump", None)
                    if state is None or state["done"]:
                        state = connection._wn_commit_bump = {"done": False}  # type: ignore[attr-defined]

                    def after_commit(state: dict = state) -> None:
                        if not state["done"]:
                            state["done"] = True
                            bump()

                    connection.on_commit(after_commit)
            except Exception:  # noqa: BLE001 - the write itself must never fail for the cache
                logger.exception("Could not move the GraphQL response cache's generation")
        return result


def _watch(sender: Any, connection: Any, **kwargs: Any) -> None:
    if not any(isinstance(w, _WriteWatcher) for w in connection.execute_wrappers):
        connection.execute_wrappers.append(_WriteWatcher(connection.alias))


def install() -> None:
    """Watch every database connection (called from the app's ``ready()``)."""
    connection_created.connect(_watch, dispatch_uid="wagtail_network_graphql_response_cache")
    for alias in connections:
        connection = connections[alias]
        if connection.connection is not None:
            _watch(None, connection)


# --------------------------------------------------------------------------
# Entries
# --------------------------------------------------------------------------

_schema_fingerprints: dict[int, str] = {}


def _schema_fingerprint(schema: Any) -> str:
    key = id(schema)
    if key not in _schema_fingerprints:
        _schema_fingerprints[key] = hashlib.sha256(schema.as_str().encode()).hexdigest()[:16]
    return _schema_fingerprints[key]


def _code_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("wagtail-network")
    except PackageNotFoundError:
        return "unknown"


def cacheable(request: Any, *, anonymous: bool) -> bool:
    """Whether ``request``'s answer is one every visitor shares: an ``anonymous``
    JSON or GET request (an upload never is)."""
    return (
        anonymous
        and enabled()
        and request.method in ("GET", "POST")
        and request.content_type != "multipart/form-data"
        # With ATOMIC_REQUESTS the request's transaction may read a snapshot older
        # than the generation read.
        and not any(
            connections[alias].settings_dict.get("ATOMIC_REQUESTS") for alias in connections
        )
    )


def settings_fingerprint() -> str:
    """A digest of the ``WAGTAIL_NETWORK`` settings (what answers and kept facts depend on)."""
    raw = json.dumps(get_settings(), sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def key_for(request: Any, schema: Any, request_data: Any, gen: int) -> str | None:
    """The cache key of one operation, or ``None`` when it cannot be keyed."""
    query = request_data.query
    if not isinstance(query, str):
        return None
    try:
        variables = json.dumps(request_data.variables or {}, sort_keys=True)
        settings_print = settings_fingerprint()
    except (TypeError, ValueError):
        return None
    parts = [
        query,
        str(request_data.operation_name or ""),
        variables,
        request.scheme,
        request.get_host(),
        translation.get_language() or "",
        settings_print,
        _schema_fingerprint(schema),
        # A deploy with a fix (same schema) must not serve what the old code answered.
        _code_version(),
    ]
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()
    return f"wagtail_network:graphql-response:{gen}:{digest}"


def get(key: str) -> tuple[Any, int] | None:
    """The cached ``(data, cost)`` of ``key``, if any."""
    entry = _cache().get(key)
    if entry is None:
        return None
    data, cost = entry
    return json.loads(data), int(cost)


def put(key: str, data: Any, cost: int) -> None:
    timeout = int(get_settings()["GRAPHQL_RESPONSE_CACHE_TIMEOUT"])
    _cache().set(key, (json.dumps(data, separators=(",", ":")), cost), timeout=timeout)


__all__ = [
    "GENERATION_KEY",
    "UNREAD_TABLES",
    "bump",
    "cacheable",
    "enabled",
    "generation",
    "generation_for",
    "get",
    "install",
    "key_for",
    "moves_seen",
    "put",
    "settings_fingerprint",
]
