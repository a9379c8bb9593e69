"""Helpers shared by the read side of the schema: the viewer, Relay ids, page URLs,
list caps and SQL building blocks for per-row viewer facts.

Nothing here decides visibility: that is :mod:`wagtail_network.visibility`. These
helpers only turn its answers into the shapes strawberry-django's optimizer wants
(annotations added only when a field is selected).
"""

from __future__ import annotations

from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from strawberry import relay
from strawberry.types import Info

#: Hard cap on every list that is not a paged connection (and on ``first``).
MAX_PAGE_SIZE = 100


def viewer_of(info: Info) -> Any:
    """The user making the request (anonymous when nobody signed in)."""
    request = getattr(info.context, "request", None)
    if request is None and isinstance(info.context, dict):
        request = info.context.get("request")
    from django.contrib.auth.models import AnonymousUser

    return getattr(request, "user", None) or AnonymousUser()


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


def bool_expression(q: Q) -> Any:
    """``q`` as a boolean SQL expression usable in ``annotate()``.

    An empty ``Q()`` means "everyone" (Django refuses it in ``When``), so it becomes
    a constant; a ``Q`` that can never match compiles to ``FALSE`` inside ``Case``.
    """
    if q == Q():
        return Value(True, output_field=BooleanField())
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def count_subquery(queryset: QuerySet, group_field: str, count_field: str = "pk") -> Any:
    """A correlated ``COUNT`` subquery (``queryset`` must already be filtered on an
    ``OuterRef``), 0 when no row matches.

    Measured on this stack (NOTES.md): a correlated subquery is an order of
    magnitude cheaper than ``Count()`` over a join, which groups the whole table
    before the page's LIMIT applies.
    """
    counted = (
        queryset.order_by()
        .values(group_field)
        .annotate(_n=Count(count_field, distinct=True))
        .values("_n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def exists(queryset: QuerySet) -> Exists:
    return Exists(queryset)


__all__ = [
    "MAX_PAGE_SIZE",
    "OuterRef",
    "PkNode",
    "bool_expression",
    "count_subquery",
    "exists",
    "request_of",
    "viewer_of",
]


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
