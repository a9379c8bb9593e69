"""Precomputed candidate pools for "people you may know", kept in Django's cache.

Suggestions are split in two (:func:`wagtail_network.graph.suggestions`):

* the **candidate pool**: which members are *considered* (the top few hundred from
  each source: friends of friends, shared companies, skills, interests, …), the
  expensive part, computed here at most every ``FRESH_FOR`` seconds per member;
* the **facts and ranking** over the pool: exclusions (connections, invitations,
  blocks, dismissals, members without an account), visibility, mutual-connection
  counts, shared skills and companies, reasons and order — always computed at
  serve time, so every rule and every number shown is current.

So a pool can only ever be late about *who is considered*, never wrong about
what is shown. It is late by at most ``FRESH_FOR`` (then a background task
recomputes it while the old one is served, for at most ``STALE_FOR`` more) for
changes made by others; any change a member makes or is party to drops that
member's pool at once (:func:`forget_suggestions`, called by the service layer),
so the next answer is computed from scratch.

A pool is stored with the member's *token*, a random value that
:func:`forget_suggestions` replaces. A refresh reads the token before it reads
the database and stores it with its result; a pool whose token is no longer the
member's is ignored. So a refresh that started before a change can never make
its stale pool count as current after it, and a cache that evicted the token
(not the pool) loses the pool too rather than trusting it.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.cache import caches
from django.db import transaction
from django.db.models import BooleanField, Expression, F
from django.db.models.expressions import Col

from .conf import suggestion_setting
from .tasks import task

logger = logging.getLogger(__name__)

POOL_KEY = "wagtail_network:suggestions:pool:%d"
TOKEN_KEY = "wagtail_network:suggestions:token:%d"
REFRESHING_KEY = "wagtail_network:suggestions:refreshing:%d"

#: Seconds a refresh that was enqueued holds off the next enqueue for the same member.
REFRESH_HOLD = 300


class Among(Expression):
    """``field`` is one of ``ids``, as a filter condition: one array parameter on
    PostgreSQL (``= ANY(%s::int[])``) instead of one parameter per id. A pool is a
    few hundred ids used by half a dozen queries: spelled out, building and
    parsing those parameters cost more than the queries themselves."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, field: str, ids: Iterable[int]) -> None:
        super().__init__(output_field=BooleanField())
        self.expression: Any = F(field)
        self.ids = sorted({int(pk) for pk in ids})

    def get_source_expressions(self) -> list[Any]:
        return [self.expression]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.expression,) = exprs

    #: Above this many ids, SQLite reads them from one JSON parameter (its limit on
    #: parameters is 32,766 a statement; a member's connections can be more).
    SQLITE_INLINE_MAX = 500

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.expression)
        if not self.ids:
            return "1 = 0", ()
        return f"{sql} IN ({', '.join(['%s'] * len(self.ids))})", (*params, *self.ids)

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        if len(self.ids) <= self.SQLITE_INLINE_MAX:
            return self.as_sql(compiler, connection)
        sql, params = compiler.compile(self.expression)
        return f"{sql} IN (SELECT value FROM json_each(%s))", (*params, json.dumps(self.ids))

    def array_literal(self) -> str:
        """The ids as one PostgreSQL array literal (``{1,2,3}``): a single text
        parameter, instead of a list the driver converts element by element."""
        return "{" + ",".join(map(str, self.ids)) + "}"

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.expression)
        return f"{sql} = ANY(%s::int[])", (*params, self.array_literal())


class PageAmong(Among):
    """The *page table's* ``id`` of a page model's rows is one of ``ids``.

    Django writes every reference to an inherited primary key (``id``,
    ``page_ptr__id``) as the child table's link column, so a list of ids reaches
    only one side of the member/page join; PostgreSQL does not carry a list across
    a join's equality, and joins the page table (for ``live`` and the tree path)
    by scanning all of it — 20 ms at 100,000 pages for a few hundred members. This
    resolves a column of the page table (``live``), which makes the query join it
    and gives its alias, and then names that table's own ``id``."""

    def __init__(self, ids: Iterable[int]) -> None:
        super().__init__("live", ids)

    def resolve_expression(self, *args: Any, **kwargs: Any) -> PageAmong:
        resolved = super().resolve_expression(*args, **kwargs)
        live = resolved.expression
        resolved.expression = Col(live.alias, live.target.model._meta.pk)
        return resolved


@dataclass(frozen=True)
class CachedPool:
    """A member's stored candidate pool."""

    #: Candidate member ids (unordered; the ranking is done at serve time).
    ids: tuple[int, ...]
    #: When it was computed (``time.time()``).
    computed_at: float

    @property
    def age(self) -> float:
        """Seconds since it was computed."""
        return max(0.0, time.time() - self.computed_at)

    @property
    def is_fresh(self) -> bool:
        """Younger than ``FRESH_FOR``."""
        return self.age < int(suggestion_setting("FRESH_FOR"))


def _cache() -> Any:
    return caches[suggestion_setting("CACHE")]


def _lifetime() -> int:
    """How long a pool stays in the cache: ``FRESH_FOR + STALE_FOR``."""
    return int(suggestion_setting("FRESH_FOR")) + int(suggestion_setting("STALE_FOR"))


def _read(member_id: int) -> tuple[CachedPool | None, str | None]:
    """The member's valid pool (or ``None``) and their current token, in one round trip."""
    values = _cache().get_many([POOL_KEY % member_id, TOKEN_KEY % member_id])
    token = values.get(TOKEN_KEY % member_id)
    stored = values.get(POOL_KEY % member_id)
    if token is None or not stored:
        return None, token
    ids, computed_at, stored_token = stored
    if stored_token != token:
        return None, token
    return CachedPool(tuple(ids), float(computed_at)), token


def _current_token(member_id: int) -> str:
    cache = _cache()
    key = TOKEN_KEY % member_id
    token = cache.get(key)
    if token is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        token = cache.get(key)
    return str(token)


def cached_pool(member_id: int) -> CachedPool | None:
    """The member's stored pool, fresh or stale; ``None`` when there is none (or it
    was dropped by a change since it was computed)."""
    return _read(int(member_id))[0]


def store(
    member_id: int, compute: Callable[[], Iterable[int]], token: str | None = None
) -> list[int]:
    """Compute the member's pool now and keep it.

    The token is read *before* ``compute`` reads the database: if a change drops
    the member's pool meanwhile, what this stores is ignored (see the module's
    docstring). ``token``: the one the caller has just read."""
    member_id = int(member_id)
    if token is None:
        token = _current_token(member_id)
    ids = sorted({int(pk) for pk in compute()})
    lifetime = _lifetime()
    if lifetime:
        _cache().set(POOL_KEY % member_id, (ids, time.time(), token), timeout=lifetime)
    return ids


def pool(member_id: int, compute: Callable[[], Iterable[int]]) -> list[int]:
    """The member's candidate pool as served: the stored one when there is one (a
    stale one also enqueues its refresh), else ``compute()``'s, stored."""
    member_id = int(member_id)
    try:
        cached, token = _read(member_id)
    except Exception:  # a cache that is down costs speed, never the answer
        logger.exception("Could not read the suggestion pool of member %s", member_id)
        return sorted({int(pk) for pk in compute()})
    if cached is None:
        if token is None:
            token = _current_token(member_id)
        return store(member_id, compute, token)
    if not cached.is_fresh:
        schedule_refresh(member_id)
    return list(cached.ids)


def schedule_refresh(member_id: int) -> None:
    """Enqueue a background refresh of the member's pool, at most once per
    :data:`REFRESH_HOLD` seconds (many requests may find the same stale pool)."""
    member_id = int(member_id)
    if not _cache().add(REFRESHING_KEY % member_id, 1, timeout=REFRESH_HOLD):
        return
    try:
        refresh_suggestion_pool.using(backend=suggestion_setting("TASK_BACKEND")).enqueue(member_id)
    except Exception:  # a queue that is down must not fail the request that read
        logger.exception("Could not enqueue the suggestion pool refresh of member %s", member_id)
        _cache().delete(REFRESHING_KEY % member_id)


def _forget(member_ids: set[int]) -> None:
    try:
        cache = _cache()
        cache.set_many({TOKEN_KEY % pk: uuid.uuid4().hex for pk in member_ids}, timeout=None)
        cache.delete_many([POOL_KEY % pk for pk in member_ids])
    except Exception:
        logger.exception("Could not drop the suggestion pools of members %s", sorted(member_ids))


def forget_suggestions(*member_ids: Any) -> None:
    """Drop the candidate pools of these members (ids or instances): the next
    suggestions they get are computed from scratch.

    The service layer calls it for every change a member makes or is party to
    (connections, blocks, dismissals, their own profile). Done at once, so the
    rest of the request already sees it, and again when the transaction commits,
    so a refresh that read the database before the commit cannot leave its
    result behind as current."""
    ids = {int(getattr(m, "pk", m)) for m in member_ids if m is not None}
    if not ids:
        return
    _forget(ids)
    transaction.on_commit(lambda: _forget(ids))


@task()
def refresh_suggestion_pool(member_id: int) -> int:
    """The task: recompute one member's candidate pool; returns its size."""
    from . import graph

    try:
        return len(graph.refresh_suggestion_pool(int(member_id)))
    finally:
        _cache().delete(REFRESHING_KEY % int(member_id))


__all__ = [
    "Among",
    "CachedPool",
    "cached_pool",
    "forget_suggestions",
    "pool",
    "refresh_suggestion_pool",
    "schedule_refresh",
    "store",
]
