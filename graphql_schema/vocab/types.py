"""The ``Skill`` and ``Industry`` types."""

from __future__ import annotations

import strawberry_django

from wagtail_network.models import Industry, Skill

from ..base.fields import PkNode


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


__all__ = ["IndustryType", "SkillType"]
