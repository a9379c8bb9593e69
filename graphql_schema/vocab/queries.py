"""The ``skills`` and ``industries`` root fields."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

import strawberry
from django.db.models import QuerySet
from strawberry.types import Info

from wagtail_network.limits import FILTER_MAX_LENGTH, limit_text
from wagtail_network.models import Industry, Skill

from ..base.connection import NetworkConnection, network_connection
from ..base.filters import checked_argument
from .types import IndustryType, SkillType


@strawberry.type
class VocabularyQuery:
    @network_connection(
        NetworkConnection[SkillType],
        description="Skills, by name; `search` matches part of the name.",
    )
    def skills(
        self,
        info: Info,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Part of the skill's name, case-insensitive. "
                + limit_text(FILTER_MAX_LENGTH)
            ),
        ] = None,
    ) -> Iterable[SkillType]:
        qs: QuerySet = Skill.objects.order_by("name", "pk")
        search = checked_argument(search, FILTER_MAX_LENGTH, "search").strip()
        if search:
            qs = qs.filter(name__icontains=search)
        return qs  # type: ignore[return-value]

    @network_connection(NetworkConnection[IndustryType], description="Industries, by name.")
    def industries(self, info: Info) -> Iterable[IndustryType]:
        return Industry.objects.order_by("name", "pk")  # type: ignore[return-value]


__all__ = ["VocabularyQuery"]
