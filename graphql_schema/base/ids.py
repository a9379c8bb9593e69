"""Relay global ids: the one place a global id is turned into a primary key."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from strawberry import relay

from wagtail_network.errors import ErrorCode, NetworkError
from wagtail_network.limits import ID_MAX_LENGTH, bounded_pk


def parse_global_id(value: Any) -> tuple[str, int] | None:
    """``(type name, primary key)`` behind a global id, or ``None`` when ``value`` is
    not one: malformed, longer than :data:`~wagtail_network.limits.ID_MAX_LENGTH`,
    or a key that is not a positive integer within the database's range (see
    :func:`wagtail_network.limits.bounded_pk`; 30 digits raised OverflowError)."""
    try:
        if isinstance(value, relay.GlobalID):
            gid = value
        else:
            text = str(value)
            if len(text) > ID_MAX_LENGTH:
                return None
            gid = relay.GlobalID.from_id(text)
    except (ValueError, TypeError):
        return None
    pk = bounded_pk(gid.node_id)
    if pk is None:
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
