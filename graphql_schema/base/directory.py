"""The two root fields every directory has (``member``/``members``,
``company``/``companies``): one object by slug, and the searchable, filtered,
ordered connection, both only ever showing what the viewer may see."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Annotated, Any

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry.types import Info
from strawberry_django.optimizer import optimize

from wagtail_network.limits import ID_MAX_LENGTH, SEARCH_MAX_LENGTH, limit_text

from .connection import NetworkConnection, network_connection
from .context import viewer_of
from .filters import checked_argument, directory_criteria


def by_slug_field(
    node: type, visible_to: Callable[[Any], QuerySet], description: str, slug_description: str
) -> Any:
    """The ``member(slug:)``-style field: the ``node`` with that slug among those
    ``visible_to`` the viewer, or null (missing and hidden read the same)."""

    def resolve(info: Info, slug: str) -> Any:
        slug = checked_argument(slug, ID_MAX_LENGTH, "slug")
        qs = visible_to(viewer_of(info)).filter(slug=slug)
        return optimize(qs, info).first()

    resolve.__annotations__ = {
        "info": Info,
        "slug": Annotated[
            str,
            strawberry.argument(description=f"{slug_description} {limit_text(ID_MAX_LENGTH)}"),
        ],
        "return": node | None,
    }
    return strawberry_django.field(resolve, description=description)


def directory_field(
    node: type,
    filters: type,
    ordering: type,
    search_description: str,
    find: Callable[[Any, dict[str, Any]], Iterable[Any]],
    description: str,
    *,
    lists: Collection[str] = (),
) -> Any:
    """The ``members``-style connection: ``find(viewer, criteria)`` (a
    :mod:`wagtail_network.filters` directory function) for the ``filters``,
    ``ordering`` and ``search`` arguments (see :func:`.filters.directory_criteria`
    for ``lists``)."""

    def resolve(info: Info, filters: Any = None, ordering: Any = None, search: Any = None) -> Any:
        return find(viewer_of(info), directory_criteria(filters, ordering, search, lists=lists))

    resolve.__annotations__ = {
        "info": Info,
        "filters": Annotated[filters | None, strawberry.argument(description="Narrow the list.")],
        "ordering": Annotated[
            ordering | None,
            strawberry.argument(
                description="Sort order (default: by relevance with `search`, else by name)."
            ),
        ],
        "search": Annotated[
            str | None,
            strawberry.argument(
                description=f"{search_description} Read as plain words (quotes, operators "
                f"and control characters separate words). {limit_text(SEARCH_MAX_LENGTH)}"
            ),
        ],
        "return": Iterable[node],  # type: ignore[valid-type]
    }
    return network_connection(NetworkConnection[node], description=description)(resolve)  # type: ignore[valid-type]


__all__ = ["by_slug_field", "directory_field"]
