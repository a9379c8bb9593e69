"""The viewer's rules, kept across requests for the same account.

A signed-in request first looks up who the viewer is: their profile's primary key,
whether they are an editor or moderator, the private sections they may not enter,
and the SQL of the subqueries that read their connections, invitations, blocks and
companies; then it builds the visibility conditions, querysets and expressions every
list applies. That is the same for every request of the same account until the data
behind it changes, and it was about a fifth of a signed-in directory request.

So the facts :func:`wagtail_network.visibility.is_shareable_fact` names are kept,
keyed by

* the account: its model, primary key and active and superuser flags (``None`` for
  an anonymous visitor, whose compiled rules every visitor shares);
* the response cache's **generation** (:mod:`graphql_schema.response_cache`), which
  every write Django sends to a table these facts read moves, in every process;
* a fingerprint of the ``WAGTAIL_NETWORK`` settings (locked visibilities).

None of them reads a table whose writes leave the generation alone (invitations and
blocks are among those): the subqueries over the viewer's invitations and blocks are
SQL text that reads those rows when it runs.

A request adopts the facts kept for its key before it runs, and the facts it looked
up are kept after it, unless it moved the generation itself (a mutation's facts
may come from a transaction that is rolled back). The generation is read before
anything is looked up, so kept facts are never older than their key says. Each
entry is also dropped after :data:`MAX_AGE` seconds whatever happens, which bounds
what a write the generation missed (made outside Django, or while the cache was
unreachable) can leave behind.

The store is per thread: the kept querysets and expressions hold Django query
objects, which compiling changes in place (Django never compiles one in two threads
at once, and neither does this). Only the newest generation a thread has seen is
kept, at most :data:`MAX_ENTRIES` accounts of it.

Only with ``GRAPHQL_RESPONSE_CACHE`` on: the generation must be shared by every
process (check ``W003``), or another worker's write would go unseen here for up to
:data:`MAX_AGE` seconds.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from wagtail_network.viewer import REQUEST_ATTRIBUTE, Viewer
from wagtail_network.visibility import is_shareable_fact

from . import response_cache

#: Accounts kept per thread; the least recently used go first. An entry holds a few
#: dozen Django query objects: about 150 KB for a member who listed the directory
#: (measured with tracemalloc over 100 accounts of the demo network), so at most about
#: 40 MB per thread.
MAX_ENTRIES = 256
#: Seconds an entry is kept at most, even when no write moved the generation.
MAX_AGE = 30.0


class _Store(threading.local):
    def __init__(self) -> None:
        self.generation: int | None = None
        #: (settings fingerprint, account) -> (kept at, facts)
        self.entries: OrderedDict[tuple, tuple[float, dict[str, Any]]] = OrderedDict()


_store = _Store()


def _account(user: Any) -> tuple | None:
    if user is None or not user.is_authenticated:
        return None
    meta = user._meta
    return (
        meta.label_lower,
        str(user.pk),
        bool(getattr(user, "is_active", True)),
        bool(getattr(user, "is_superuser", False)),
    )


def forget() -> None:
    """Drop every fact this thread kept (tests; a write moves the key anyway)."""
    _store.generation = None
    _store.entries.clear()


def kept() -> dict[tuple, dict[str, Any]]:
    """What this thread keeps now, by (settings fingerprint, account) (for tests)."""
    return {key: facts for key, (_at, facts) in _store.entries.items()}


def kept_generation() -> int | None:
    """The generation this thread's entries belong to."""
    return _store.generation


def _lookup(generation: int, key: tuple) -> tuple[float, dict[str, Any]] | None:
    if _store.generation != generation:
        return None
    found = _store.entries.get(key)
    if found is None:
        return None
    if time.monotonic() - found[0] > MAX_AGE:
        del _store.entries[key]
        return None
    _store.entries.move_to_end(key)
    return found


def _keep(generation: int, key: tuple, facts: dict[str, Any], at: float) -> None:
    if _store.generation is not None and generation < _store.generation:
        return  # read before a write another request has seen already
    if _store.generation != generation:
        _store.generation = generation
        _store.entries.clear()  # entries of older generations can never be asked for
    now = time.monotonic()
    for old_key in [k for k, (kept_at, _f) in _store.entries.items() if now - kept_at > MAX_AGE]:
        del _store.entries[old_key]
    _store.entries[key] = (at, facts)
    _store.entries.move_to_end(key)
    while len(_store.entries) > MAX_ENTRIES:
        _store.entries.popitem(last=False)


@contextmanager
def shared(request: Any) -> Iterator[None]:
    """Around one GraphQL request: its viewer adopts the facts kept for its account
    before it runs, and what it looked up is kept after it."""
    if not response_cache.enabled():
        yield
        return
    viewer = Viewer.for_request(request)
    generation = response_cache.generation_for(request)
    key = (response_cache.settings_fingerprint(), _account(viewer.user))
    found = _lookup(generation, key)
    if found is not None:
        viewer.adopt(found[1])
    # Looked up from now on: an entry is as old as its oldest fact.
    at = found[0] if found is not None else time.monotonic()
    moved = response_cache.moves_seen()
    yield
    if response_cache.moves_seen() != moved:
        return  # this request wrote: what it looked up may not last
    if getattr(request, REQUEST_ATTRIBUTE, None) is not viewer:
        return  # somebody else by now (a login or logout during the request)
    facts = viewer.facts(is_shareable_fact)
    if facts and (found is None or facts.keys() - found[1].keys()):
        _keep(generation, key, {**(found[1] if found else {}), **facts}, at)


__all__ = ["MAX_AGE", "MAX_ENTRIES", "forget", "kept", "kept_generation", "shared"]
