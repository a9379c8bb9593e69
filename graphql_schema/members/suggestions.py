"""Why a member is suggested to the viewer: the ``SuggestionReason`` type of
``Member.suggestionReasons`` (reasons from :func:`wagtail_network.graph.suggestions`).

Its own module so that the member type can use it without importing the network
types, which point back at members.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from wagtail_network import graph

if TYPE_CHECKING:
    from ..companies.types import CompanyType

CompanyRef = Annotated["CompanyType", strawberry.lazy("graphql_schema.companies.types")]


@strawberry.enum(
    name="SuggestionReasonKind", description="What a suggested member shares with you."
)
class SuggestionReasonKindEnum(enum.Enum):
    MUTUAL_CONNECTIONS = strawberry.enum_value(
        "mutual_connections", description="Connections you both have (`count`)."
    )
    COMPANY = strawberry.enum_value(
        "company", description="A company you both work or worked at (`company`)."
    )
    SKILLS = strawberry.enum_value("skills", description="Skills you both list (`count`).")
    INTERESTS = strawberry.enum_value("interests", description="Interests you both list (`count`).")
    INDUSTRY = strawberry.enum_value("industry", description="The same industry.")
    LOCATION = strawberry.enum_value("location", description="The same city and country.")
    OPEN_TO = strawberry.enum_value(
        "open_to", description="Open to the same things (`count`: how many)."
    )


@strawberry.type(
    name="SuggestionReason",
    description="Why a member is suggested to you, from what you may see of both profiles.",
)
class SuggestionReasonType:
    kind: SuggestionReasonKindEnum = strawberry.field(description="What you share.")
    count: int | None = strawberry.field(
        description="How many (mutual connections, shared skills or interests, open-to "
        "choices); null for the other kinds."
    )
    label: str = strawberry.field(
        description='Ready to show, translated: "12 mutual connections", "Both worked at '
        'Acme", "Shares 3 skills".'
    )
    company: CompanyRef | None = strawberry.field(
        description="The shared company (kind COMPANY), as you may see it."
    )

    @classmethod
    def of(cls, reason: graph.SuggestionReason) -> SuggestionReasonType:
        return cls(
            kind=SuggestionReasonKindEnum(reason.kind),
            count=reason.count,
            label=reason.label,
            company=reason.company,  # type: ignore[arg-type]
        )
