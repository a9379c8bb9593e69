"""The viewer's rules, kept across requests for the same account.

A signed-in request first looks up who the viewer is: their profile's primary key,
whether they are an editor or moderator, the private sections they may not enter,
and the SQL of the subqueries that read their connections, invitations, blocks and
companies; then it assembles the visibility condition every list applies. That is
the same for every request of the same account until the data behind it changes,
and it was a fifth of a signed-in directory request.

So the facts :func:`wagtail_network.visibility.is_shareable_fact` names are kept in
this process, keyed by

* the account: its model, primary key and active and superuser flags (``None`` for
  an anonymous visitor, whose compiled rules every visitor shares);
* the response cache's **generation** (:mod:`graphql_schema.response_cache`), which
  every write Django sends to a table these facts read moves, in every process;
* a fingerprint of the ``WAGTAIL_NETWORK`` settings (locked visibilities).

A request adopts the facts kept for its key before it runs, and the facts it looked
up are kept after it, unless it moved the generation itself (a mutation's facts
may come from a transaction that is rolled back). The generation is read before
anything is looked up, so kept facts are never older than their key says.

Only with ``GRAPHQL_RESPONSE_CACHE`` on: the generation must be shared by every
process (check ``W003``), or another worker's write would go unseen here.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from wagtail_network.conf import get_settings
from wagtail_network.viewer import REQUEST_ATTRIBUTE, Viewer
from wagtail_network.visibility import is_shareable_fact

from . import response_cache

#: Accounts (and generations) kept per process; the least recently used go first.
MAX_ENTRIES = 2048

_entries: OrderedDict[tuple, dict[str, Any]] = OrderedDict()
_lock = threading.Lock()


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


def _settings_print() -> str:
    raw = json.dumps(get_settings(), sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def key_for(user: Any, generation: int) -> tuple:
    return (generation, _settings_print(), _account(user))


def forget() -> None:
    """Drop every kept fact (tests; nothing else needs it: a write moves the key)."""
    with _lock:
        _entries.clear()


@contextmanager
def shared(request: Any) -> Iterator[None]:
    """Around one GraphQL request: its viewer adopts the facts kept for its account
    before it runs, and what it looked up is kept after it."""
    if not response_cache.enabled():
        yield
        return
    viewer = Viewer.for_request(request)
    key = key_for(viewer.user, response_cache.generation())
    with _lock:
        kept = _entries.get(key)
        if kept is not None:
            _entries.move_to_end(key)
    if kept:
        viewer.adopt(kept)
    moved = response_cache.moves_seen()
    yield
    if response_cache.moves_seen() != moved:
        return  # this request wrote: what it looked up may not last
    if getattr(request, REQUEST_ATTRIBUTE, None) is not viewer:
        return  # somebody else by now (a login or logout during the request)
    found = viewer.facts(is_shareable_fact)
    if not found.keys() - (kept or {}).keys():
        return  # nothing new
    with _lock:
        _entries[key] = {**(kept or {}), **found}
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)


__all__ = ["MAX_ENTRIES", "forget", "key_for", "shared"]
