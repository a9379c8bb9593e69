"""The viewer's own network: the ``Invitation``, ``BlockedMember`` and
``SuggestionReason`` types.

These are private to the viewer: an invitation is a node only for its two
members, a block only for the blocker. An ignored invitation reads ``PENDING`` to
its sender (the ignore is never disclosed), as the service layer defines.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
import strawberry_django
from django.db.models import Q, QuerySet
from strawberry import relay
from strawberry.types import Info

from wagtail_network import graph, services, visibility
from wagtail_network.models import Block, Connection, ConnectionState

from ..base.context import viewer_of
from ..base.fields import PkNode, visible_fk

if TYPE_CHECKING:
    from ..companies.types import CompanyType
    from ..members.types import MemberType

MemberRef = Annotated["MemberType", strawberry.lazy("graphql_schema.members.types")]
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


@strawberry.enum(
    name="InvitationState", description="An invitation's state, as the viewer may know it."
)
class InvitationStateEnum(enum.Enum):
    PENDING = strawberry.enum_value("pending", description="Waiting for the recipient.")
    IGNORED = strawberry.enum_value(
        "ignored", description="Told only to the recipient; the sender still reads PENDING."
    )


@strawberry_django.type(
    Connection,
    name="Invitation",
    description="An open invitation to connect, visible only to its two members.",
)
class InvitationType(PkNode):
    message: str = strawberry_django.field(description="The inviter's note.")
    created_at: datetime = strawberry_django.field(description="When it was sent.")
    requester: MemberRef | None = visible_fk(description="Who invited.")
    recipient: MemberRef | None = visible_fk(description="Who was invited.")

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs: Any) -> QuerySet:
        user = viewer_of(info)
        me = visibility.viewer_member_id(user)
        if me is None:
            return queryset.none()
        visible = visibility.members_visible_to(user).values("pk")
        return queryset.filter(
            Q(requester_id=me) | Q(recipient_id=me),
            state__in=[ConnectionState.PENDING, ConnectionState.IGNORED],
            requester_id__in=visible,
            recipient_id__in=visible,
        )

    @strawberry_django.field(
        only=["state", "requester_id"],
        description="PENDING, or IGNORED (only ever told to the recipient).",
    )
    def state(self, info: Info) -> InvitationStateEnum:
        return InvitationStateEnum(services.invitation_state_for(viewer_of(info), self))  # type: ignore[arg-type]


@strawberry_django.type(
    Block,
    name="BlockedMember",
    description="A member the viewer blocked. The blocker sees them only here, to unblock "
    "them; nothing else of their profile is shown.",
)
class BlockedMemberType(PkNode):
    blocked_at: datetime = strawberry_django.field(
        field_name="created_at", description="When the block was made."
    )

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs: Any) -> QuerySet:
        me = visibility.viewer_member_id(viewer_of(info))
        if me is None:
            return queryset.none()
        return queryset.filter(blocker_id=me)

    @strawberry_django.field(
        select_related=["blocked"],
        only=["blocked__title", "blocked__slug", "blocked__id"],
        description="The blocked member's Member id (use it with `unblockMember`).",
    )
    def member_id(self) -> relay.GlobalID:
        return relay.GlobalID("Member", str(self.blocked_id))  # type: ignore[attr-defined]

    @strawberry_django.field(
        select_related=["blocked"],
        only=["blocked__title"],
        description="The blocked member's name.",
    )
    def name(self) -> str:
        return self.blocked.title  # type: ignore[attr-defined]

    @strawberry_django.field(
        select_related=["blocked"],
        only=["blocked__slug"],
        description="The blocked member's slug.",
    )
    def slug(self) -> str:
        return self.blocked.slug  # type: ignore[attr-defined]


__all__ = ["BlockedMemberType", "InvitationStateEnum", "InvitationType"]
