"""Bookkeeping writes run after the response, outside the request's own work.

A read must never wait on, or fail for, a write it does not need: on SQLite one
writer holds the whole database, so a bearer token's "last used" timestamp written
while answering a query made that query fail whenever someone else was writing.
Such writes are queued with :func:`after_response` and run when Django has sent
the response (``request_finished``), each with a short lock wait
(:data:`LOCK_WAIT_MS`): one that meets a busy or failing database is dropped — it
is bookkeeping, and the next request writes it again. Outside a request (a
management command, a shell) the write runs at once.

The queue lives in a context variable, so it follows the request through
``sync_to_async`` under ASGI as well as through a WSGI worker thread.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from django.core.signals import request_finished, request_started
from django.db import DatabaseError, connection, transaction

logger = logging.getLogger(__name__)

#: How long a bookkeeping write waits for a lock before it is dropped.
LOCK_WAIT_MS = 100

_pending: ContextVar[list[Callable[[], Any]] | None] = ContextVar(
    "wagtail_network_bookkeeping", default=None
)


def after_response(write: Callable[[], Any]) -> None:
    """Run ``write`` once the current response has been sent (at once outside a request)."""
    pending = _pending.get()
    if pending is None:
        _run(write)
    else:
        pending.append(write)


@contextlib.contextmanager
def _short_lock_wait() -> Iterator[None]:
    """Wait at most LOCK_WAIT_MS for a lock, on SQLite (busy_timeout) and PostgreSQL
    (lock_timeout), instead of the connection's own timeout."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            (previous,) = cursor.fetchone()
            cursor.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_MS}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {int(previous)}")
    elif connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT_MS}ms'")
            yield
    else:
        yield


def _run(write: Callable[[], Any]) -> None:
    try:
        with _short_lock_wait():
            write()
    except DatabaseError as exc:
        logger.info("Bookkeeping write skipped: %s", exc)
    except Exception:
        # Bookkeeping never breaks a request (or the writes queued after it).
        logger.exception("Bookkeeping write failed")


def _start(**kwargs: Any) -> None:
    _pending.set([])


def _finish(**kwargs: Any) -> None:
    pending = _pending.get()
    _pending.set(None)
    if not pending:
        return
    # Django's own request_finished receiver has usually closed the connection
    # already; if the writes reopen it, close it again, as the end of a request
    # should (a test client keeps its connection open, and so it stays).
    was_closed = connection.connection is None
    for write in pending:
        _run(write)
    if was_closed and connection.connection is not None:
        connection.close()


def connect_signals() -> None:
    """Called from the app's ``ready()``."""
    request_started.connect(_start, dispatch_uid="wagtail_network.bookkeeping.start")
    request_finished.connect(_finish, dispatch_uid="wagtail_network.bookkeeping.finish")


__all__ = ["LOCK_WAIT_MS", "after_response", "connect_signals"]
