"""Skills and industries: editor-managed vocabularies, public to everyone."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry.types import Info

from wagtail_network.models import Industry, Skill

from .relay import NetworkConnection, PkNode


@strawberry_django.type(Skill, name="Skill", description="A skill members list and endorse.")
class SkillType(PkNode):
    name: str = strawberry_django.field(description="The skill's name.")
    slug: str = strawberry_django.field(description="Stable identifier, used in filters.")
    description: str = strawberry_django.field(description="Editor's description.")


@strawberry_django.type(
    Industry, name="Industry", description="An industry companies and members work in."
)
class IndustryType(PkNode):
    name: str = strawberry_django.field(description="The industry's name.")
    slug: str = strawberry_django.field(description="Stable identifier, used in filters.")
    description: str = strawberry_django.field(description="Editor's description.")


@strawberry.type
class VocabularyQuery:
    @strawberry_django.connection(
        NetworkConnection[SkillType],
        description="Skills, by name; `search` matches part of the name.",
    )
    def skills(
        self,
        info: Info,
        search: Annotated[
            str | None,
            strawberry.argument(description="Part of the skill's name, case-insensitive."),
        ] = None,
    ) -> Iterable[SkillType]:
        qs: QuerySet = Skill.objects.order_by("name", "pk")
        if search:
            qs = qs.filter(name__icontains=search.strip())
        return qs  # type: ignore[return-value]

    @strawberry_django.connection(
        NetworkConnection[IndustryType], description="Industries, by name."
    )
    def industries(self, info: Info) -> Iterable[IndustryType]:
        return Industry.objects.order_by("name", "pk")  # type: ignore[return-value]
