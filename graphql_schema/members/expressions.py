"""Per-row viewer facts about members as SQL expressions.

strawberry-django's optimizer adds them as annotations only when their field is
selected, so a page of members costs no query per row. The rules themselves are
:mod:`wagtail_network.visibility`'s (and :mod:`wagtail_network.graph`'s for
``connectionStatus`` and ``degree``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef
from strawberry.types import Info

from wagtail_network import visibility
from wagtail_network.models import ConnectionEdge
from wagtail_network.sql import bool_expression, count_subquery
from wagtail_network.viewer import Viewer

from ..base.context import viewer_of


def visible_connection_count_expression(user: Any) -> Any:
    """How many of the row's edges the viewer may know of (built once per viewer:
    annotating copies an expression, never changes it)."""
    viewer = Viewer.of(user)

    def build() -> Any:
        edges = visibility.edges_visible_to(
            viewer, ConnectionEdge.objects.filter(member_id=OuterRef("pk"))
        )
        return count_subquery(edges, "member_id")

    return viewer.fact("expression:visible_connection_count", build)


def mutual_connection_count_expression(user: Any) -> Any:
    """How many members are connected to both the viewer and the row, through
    edges the viewer may know of (the same rows as ``mutualConnections``)."""
    return visibility.mutual_connection_count_expression(user)


def field_visible_annotation(field: str) -> Any:
    """An optimizer hint: whether the viewer may see the row's ``field``."""

    def annotation(info: Info) -> Any:
        viewer = viewer_of(info)
        return viewer.fact(
            f"expression:field_visible:{field}",
            lambda: bool_expression(visibility.field_visible_q(viewer, field)),
        )

    return annotation


def sees_field(member: Any, info: Info, field: str) -> bool:
    """The answer of :func:`field_visible_annotation` (``_wn_<field>_visible``), or
    the same rule asked directly when the member was loaded without it."""
    value = getattr(member, f"_wn_{field}_visible", None)
    if value is None:
        return visibility.can_see_field(viewer_of(info), member, field)
    return bool(value)


__all__ = [
    "field_visible_annotation",
    "mutual_connection_count_expression",
    "sees_field",
    "visible_connection_count_expression",
]
