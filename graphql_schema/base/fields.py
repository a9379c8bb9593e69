"""Field building blocks every domain type uses: the Relay node base, and a
foreign key that obeys its target type's visibility."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry_django
from django.db.models import QuerySet
from strawberry import relay
from strawberry.extensions import FieldExtension
from strawberry.types import Info
from strawberry.types.field import StrawberryField

from .context import viewer_of


class PkNode(relay.Node):
    """A Relay node whose id is the model's primary key.

    strawberry-django 0.93 otherwise re-scans the type's annotations for every
    node's id (≈150 µs a row; docs/reference/graphql.md, "Query counts");
    naming the attribute avoids that.
    """

    @classmethod
    def resolve_id_attr(cls) -> str:
        return "pk"

    @classmethod
    def resolve_id(cls, root: Any, *, info: Info) -> str:
        return str(root.pk)


class VisibleRelated(FieldExtension):
    """A forward foreign key never returns an object its type would hide.

    When the optimizer ran, the related object was prefetched through the target
    type's ``get_queryset`` (strawberry-django prefetches, rather than joins, every
    type that has one), so the cached value is already filtered and is used as is.
    When it did not run (a resolver handed back model instances, as mutation
    payloads do), following the foreign key would skip that rule: the target's
    ``get_queryset`` decides instead, and a hidden object reads ``null``.
    """

    field: StrawberryField

    def apply(self, field: StrawberryField) -> None:
        self.field = field

    def resolve(self, next_: Any, source: Any, info: Info, **kwargs: Any) -> Any:
        if source is None:
            return next_(source, info, **kwargs)
        name = getattr(self.field, "django_name", None) or self.field.python_name
        foreign_key = source._meta.get_field(name)
        if foreign_key.is_cached(source):
            return next_(source, info, **kwargs)
        pk = getattr(source, foreign_key.attname)
        if pk is None:
            return None
        queryset = foreign_key.related_model._default_manager.filter(pk=pk)
        target = getattr(self.field, "django_type", None)
        if target is not None and hasattr(target, "get_queryset"):
            queryset = target.get_queryset(queryset, info)
        return queryset.first()


def visible_fk(description: str, **kwargs: Any) -> Any:
    """A foreign-key field whose target obeys its type's visibility (see above)."""
    extensions = [*kwargs.pop("extensions", []), VisibleRelated()]
    return strawberry_django.field(description=description, extensions=extensions, **kwargs)


def visible_queryset(visible_to: Callable[[Any, QuerySet], QuerySet]) -> Any:
    """A type's ``get_queryset``: the rows the visibility rule ``visible_to`` (e.g.
    :func:`wagtail_network.visibility.members_visible_to`) lets the request's viewer
    see. strawberry-django applies it to every list, prefetch and node lookup of the
    type, and :class:`VisibleRelated` to its foreign keys."""

    def get_queryset(cls: type, queryset: QuerySet, info: Info, **kwargs: Any) -> QuerySet:
        return visible_to(viewer_of(info), queryset)

    return classmethod(get_queryset)


__all__ = ["PkNode", "VisibleRelated", "visible_fk", "visible_queryset"]
