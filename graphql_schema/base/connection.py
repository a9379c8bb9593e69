"""The connection every list of nodes is served as, and the one page-size limit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, TypeVar

import strawberry
from django.utils.translation import gettext
from graphql import GraphQLError
from strawberry import relay
from strawberry.relay.utils import from_base64
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

T = TypeVar("T")

#: Largest page a connection serves (``first``/``last`` above it are refused), and
#: the cap on every plain list that is not a connection (profile parts).
MAX_PAGE_SIZE = 100


def capped(items: Iterable[T]) -> list[T]:
    """``items`` cut to :data:`MAX_PAGE_SIZE` (plain lists are never unbounded)."""
    return list(items)[:MAX_PAGE_SIZE]


def valid_cursor(cursor: str) -> bool:
    """Whether ``cursor`` is one this connection hands out."""
    try:
        prefix, offset = from_base64(cursor)
        return prefix == "arrayconnection" and int(offset) >= 0
    except Exception:  # noqa: BLE001 - any undecodable cursor is simply invalid
        return False


@strawberry.type(name="Connection", description="A connection to a list of items.")
class NetworkConnection(DjangoListConnection[relay.NodeType]):
    """strawberry-django's list connection, refusing a malformed cursor as bad input
    (``INVALID_ARGUMENT``) instead of failing with an internal error.

    A nested connection may be prefetched as rows of a *through* model (a member's
    ``connections`` as their ``ConnectionEdge`` rows, window-paginated per member by
    strawberry-django); :meth:`resolve_node` turns each such row into the node it
    points at, as registered with :func:`register_through_model`.
    """

    through_models: ClassVar[dict[type, str]] = {}

    @classmethod
    def resolve_node(cls, node: Any, *, info: Info, **kwargs: Any) -> Any:
        attribute = cls.through_models.get(type(node))
        return getattr(node, attribute) if attribute is not None else node

    @classmethod
    def resolve_connection(
        cls,
        nodes: Any,
        *,
        info: Info,
        before: str | None = None,
        after: str | None = None,
        first: int | None = None,
        last: int | None = None,
        max_results: int | None = None,
        **kwargs: Any,
    ) -> Any:
        for name, cursor in (("before", before), ("after", after)):
            if cursor is not None and not valid_cursor(cursor):
                raise GraphQLError(
                    gettext("Invalid cursor."),
                    extensions={"code": "INVALID_ARGUMENT", "field": name},
                )
        return super().resolve_connection(
            nodes,
            info=info,
            before=before,
            after=after,
            first=first,
            last=last,
            max_results=max_results,
            **kwargs,
        )


def register_through_model(model: type, node_attribute: str) -> None:
    """Rows of ``model`` listed in a connection stand for ``row.<node_attribute>``."""
    NetworkConnection.through_models[model] = node_attribute


__all__ = [
    "MAX_PAGE_SIZE",
    "NetworkConnection",
    "capped",
    "register_through_model",
    "valid_cursor",
]
