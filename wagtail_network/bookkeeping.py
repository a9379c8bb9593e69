"""Bookkeeping writes run after the response, outside the request's own work.

A read must never wait on, or fail for, a write it does not need: on SQLite one
writer holds the whole database, so a bearer token's "last used" timestamp written
while answering a query made that query fail whenever someone else was writing.
Such writes are queued with :func:`after_response` and run when Django has sent
the response (``request_finished``); one that meets a busy or failing database is
dropped (it is bookkeeping: the next request writes it again). Outside a request
(a management command, a shell) the write runs at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.core.signals import request_finished, request_started
from django.db import DatabaseError

logger = logging.getLogger(__name__)

_state = threading.local()


def after_response(write: Callable[[], Any]) -> None:
    """Run ``write`` once the current response has been sent (at once outside a request)."""
    pending = getattr(_state, "pending", None)
    if pending is None:
        _run(write)
    else:
        pending.append(write)


def _run(write: Callable[[], Any]) -> None:
    try:
        write()
    except DatabaseError as exc:
        logger.info("Bookkeeping write skipped: %s", exc)


def _start(**kwargs: Any) -> None:
    _state.pending = []


def _finish(**kwargs: Any) -> None:
    pending = getattr(_state, "pending", None)
    _state.pending = None
    for write in pending or ():
        _run(write)


def connect_signals() -> None:
    """Called from the app's ``ready()``."""
    request_started.connect(_start, dispatch_uid="wagtail_network.bookkeeping.start")
    request_finished.connect(_finish, dispatch_uid="wagtail_network.bookkeeping.finish")


__all__ = ["after_response", "connect_signals"]
