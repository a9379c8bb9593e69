"""Helpers shared by the read side of the schema: the viewer, Relay ids, page URLs,
list caps and SQL building blocks for per-row viewer facts.

Nothing here decides visibility: that is :mod:`wagtail_network.visibility`. These
helpers only turn its answers into the shapes strawberry-django's optimizer wants
(annotations added only when a field is selected).
"""

from __future__ import annotations

from typing import Any

import strawberry
import strawberry_django
from django.db.models import (
    Exists,
    OuterRef,
    QuerySet,
)
from django.db.models.fields.related_descriptors import ForwardManyToOneDescriptor
from django.utils.translation import gettext
from graphql import GraphQLError
from strawberry import relay
from strawberry.relay.utils import from_base64
from strawberry.types import Info
from strawberry_django.fields.field import StrawberryDjangoField
from strawberry_django.relay import DjangoListConnection

from wagtail_network.sql import bool_expression, count_subquery
from wagtail_network.viewer import Viewer

#: Hard cap on every list that is not a paged connection (and on ``first``).
MAX_PAGE_SIZE = 100


def viewer_of(info: Info) -> Viewer:
    """Who is making the request: the request's :class:`~wagtail_network.viewer.Viewer`
    (one per request, shared by every resolver), to pass to the visibility rules;
    ``.user`` is the user (anonymous when nobody signed in)."""
    request = request_of(info)
    if request is None:
        return Viewer()
    return Viewer.for_request(request)


def request_of(info: Info) -> Any:
    request = getattr(info.context, "request", None)
    if request is None and isinstance(info.context, dict):
        request = info.context.get("request")
    return request


class PkNode(relay.Node):
    """A Relay node whose id is the model's primary key.

    strawberry-django 0.93 otherwise re-scans the type's annotations for every
    node's id (≈150 µs a row, NOTES.md); naming the attribute avoids that.
    """

    @classmethod
    def resolve_id_attr(cls) -> str:
        return "pk"

    @classmethod
    def resolve_id(cls, root: Any, *, info: Info) -> str:
        return str(root.pk)


def exists(queryset: QuerySet) -> Exists:
    return Exists(queryset)


# --------------------------------------------------------------------------
# Page URLs without a query per row
# --------------------------------------------------------------------------


def site_root_paths(info: Info) -> list[Any]:
    """Wagtail's site root paths, read once per request (Wagtail caches them on
    the request itself, and in the cache between requests)."""
    from wagtail.models import Site

    request = request_of(info)
    if request is not None:
        cached = getattr(request, "_wagtail_network_root_paths", None)
        if cached is not None:
            return cached
    paths = Site.get_site_root_paths()
    if request is not None:
        request._wagtail_network_root_paths = paths
    return paths


def page_url(info: Info, url_path: str) -> str | None:
    """The absolute URL of a page from its ``url_path`` (as ``Page.full_url`` would
    give it), without loading the page's site or parents."""
    for root in site_root_paths(info):
        if url_path.startswith(root.root_path):
            return root.root_url + url_path[len(root.root_path) - 1 :]
    return None


# --------------------------------------------------------------------------
# Foreign keys to visibility-filtered types
# --------------------------------------------------------------------------


class VisibleRelatedField(StrawberryDjangoField):
    """A forward foreign key that never returns an object its type would hide.

    When the optimizer ran, the related object was prefetched through the
    target type's ``get_queryset`` (strawberry-django prefetches, rather than
    joins, every type that has one), so the cached value is already filtered.
    When it did not run (a resolver returned model instances), strawberry-django
    would simply follow the foreign key; here the target's ``get_queryset``
    decides instead, and a hidden object reads ``null``.
    """

    def get_result(self, source: Any, info: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
        attname = self.django_name or self.python_name
        descriptor = getattr(type(source), attname, None) if source is not None else None
        if self.base_resolver is None and isinstance(descriptor, ForwardManyToOneDescriptor):
            field = descriptor.field
            try:
                return field.get_cached_value(source)
            except KeyError:
                pk = getattr(source, field.attname)
                if pk is None:
                    return None
                qs = field.related_model._default_manager.filter(pk=pk)
                target = self.django_type
                if target is not None and hasattr(target, "get_queryset"):
                    qs = target.get_queryset(qs, info)
                return qs.first()
        return super().get_result(source, info, args, kwargs)


def visible_fk(description: str, **kwargs: Any) -> Any:
    """A foreign-key field whose target obeys its type's visibility (see above)."""
    return strawberry_django.field(field_cls=VisibleRelatedField, description=description, **kwargs)


# --------------------------------------------------------------------------
# Connections
# --------------------------------------------------------------------------


def _valid_cursor(cursor: str) -> bool:
    try:
        prefix, offset = from_base64(cursor)
        return prefix == "arrayconnection" and int(offset) >= 0
    except Exception:  # noqa: BLE001 - any undecodable cursor is simply invalid
        return False


@strawberry.type(name="Connection", description="A connection to a list of items.")
class NetworkConnection(DjangoListConnection[relay.NodeType]):
    """strawberry-django's list connection, refusing a malformed cursor as bad input
    (``INVALID_ARGUMENT``) instead of failing with an internal error."""

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
            if cursor is not None and not _valid_cursor(cursor):
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


__all__ = [
    "MAX_PAGE_SIZE",
    "NetworkConnection",
    "OuterRef",
    "PkNode",
    "VisibleRelatedField",
    "bool_expression",
    "count_subquery",
    "exists",
    "page_url",
    "request_of",
    "site_root_paths",
    "viewer_of",
    "visible_fk",
]
