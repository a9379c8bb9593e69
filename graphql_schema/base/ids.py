"""Relay global ids: the one place a global id is turned into a primary key."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from strawberry import relay

from wagtail_network.errors import ErrorCode, NetworkError


def parse_global_id(value: Any) -> tuple[str, int] | None:
    """``(type name, primary key)`` behind a global id, or ``None`` when ``value`` is
    not one (malformed, or a key that is not a positive integer)."""
    try:
        gid = value if isinstance(value, relay.GlobalID) else relay.GlobalID.from_id(str(value))
        pk = int(gid.node_id)
    except (ValueError, TypeError):
        return None
    if pk <= 0:
        return None
    return gid.type_name, pk


def decode_id(value: Any, type_names: str | Iterable[str], field: str) -> int:
    """The primary key behind a global id of one of ``type_names``.

    A malformed id, an id of another type, or a non-numeric key all read as
    NOT_FOUND on ``field``: the client learns nothing a missing object would not tell.
    """
    names = {type_names} if isinstance(type_names, str) else set(type_names)
    parsed = parse_global_id(value)
    if parsed is None or parsed[0] not in names:
        raise NetworkError(ErrorCode.NOT_FOUND, field=field)
    return parsed[1]


def decode_optional_id(value: Any, type_names: str | Iterable[str], field: str) -> int | None:
    """Like :func:`decode_id`, for an input where ``null`` clears the reference."""
    return None if value is None else decode_id(value, type_names, field)


def global_id(type_name: str, pk: int) -> str:
    """The global id of the ``type_name`` object with primary key ``pk``."""
    return str(relay.GlobalID(type_name, str(pk)))


__all__ = ["decode_id", "decode_optional_id", "global_id", "parse_global_id"]
