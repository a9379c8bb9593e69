"""The ``Endorsement`` and ``Recommendation`` types, as the viewer may see them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry.types import Info

from wagtail_network import visibility
from wagtail_network.models import (
    Endorsement,
    EndorsementState,
    Recommendation,
    RecommendationRelationship,
    RecommendationState,
)

from ..base.context import viewer_of
from ..base.fields import PkNode, visible_fk
from ..vocab.types import SkillType

if TYPE_CHECKING:
    from ..members.types import MemberType

MemberRef = Annotated["MemberType", strawberry.lazy("graphql_schema.members.types")]

EndorsementStateEnum = strawberry.enum(
    EndorsementState, name="EndorsementState", description="Moderation state of an endorsement."
)
RecommendationStateEnum = strawberry.enum(
    RecommendationState,
    name="RecommendationState",
    description="Where a recommendation is on its way to publication.",
)
RecommendationRelationshipEnum = strawberry.enum(
    RecommendationRelationship,
    name="RecommendationRelationship",
    description="How the author knows the member.",
)


def _is_party(info: Info, *member_ids: int) -> bool:
    """The viewer is one of ``member_ids``, or an editor or moderator (who review
    these objects and must see their real state)."""
    user = viewer_of(info)
    me = visibility.viewer_member_id(user)
    if me is not None and me in member_ids:
        return True
    return visibility.sees_everything(user) or visibility.can_moderate(user)


@strawberry_django.type(
    Endorsement,
    name="Endorsement",
    description="One member vouching for a skill another member lists.",
)
class EndorsementType(PkNode):
    endorser: MemberRef | None = visible_fk(
        description="Who endorsed (null if the viewer may not see them)."
    )
    member: MemberRef | None = visible_fk(description="Who was endorsed.")
    skill: SkillType = strawberry_django.field(description="The skill endorsed.")
    created_at: datetime = strawberry_django.field(description="When.")

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs: Any) -> QuerySet:
        return visibility.endorsements_visible_to(viewer_of(info), queryset)

    @strawberry_django.field(
        only=["state", "member_id", "endorser_id"],
        description="Moderation state; told only to the two members, editors and moderators "
        "(others see LIVE).",
    )
    def state(self, info: Info) -> EndorsementStateEnum:  # type: ignore[valid-type]
        if _is_party(info, self.member_id, self.endorser_id):  # type: ignore[attr-defined]
            return EndorsementState(self.state)  # type: ignore[attr-defined]
        return EndorsementState.LIVE

    @strawberry_django.field(
        only=["is_hidden", "member_id"],
        description="Hidden from the profile by its recipient; told only to the recipient, "
        "editors and moderators.",
    )
    def is_hidden(self, info: Info) -> bool:
        return bool(_is_party(info, self.member_id) and self.is_hidden)  # type: ignore[attr-defined]


@strawberry_django.type(
    Recommendation,
    name="Recommendation",
    description="A written recommendation; published once its recipient accepts it.",
)
class RecommendationType(PkNode):
    author: MemberRef | None = visible_fk(
        description="Who wrote it (null if the viewer may not see them)."
    )
    member: MemberRef | None = visible_fk(description="Who it recommends.")
    relationship: RecommendationRelationshipEnum = strawberry_django.field(  # type: ignore[valid-type]
        description="How the author knows the member."
    )
    text: str = strawberry_django.field(description="The recommendation (plain text).")
    created_at: datetime = strawberry_django.field(description="When it was written.")

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs: Any) -> QuerySet:
        return visibility.recommendations_visible_to(viewer_of(info), queryset)

    @strawberry_django.field(
        only=["state", "member_id", "author_id"],
        description="Publication state; told only to author, recipient, editors and moderators "
        "(others see PUBLISHED).",
    )
    def state(self, info: Info) -> RecommendationStateEnum:  # type: ignore[valid-type]
        if _is_party(info, self.member_id, self.author_id):  # type: ignore[attr-defined]
            return RecommendationState(self.state)  # type: ignore[attr-defined]
        return RecommendationState.PUBLISHED

    @strawberry_django.field(
        only=["is_hidden", "member_id"],
        description="Hidden from the profile by its recipient; told only to the recipient, "
        "editors and moderators.",
    )
    def is_hidden(self, info: Info) -> bool:
        return bool(_is_party(info, self.member_id) and self.is_hidden)  # type: ignore[attr-defined]


__all__ = [
    "EndorsementStateEnum",
    "EndorsementType",
    "RecommendationRelationshipEnum",
    "RecommendationStateEnum",
    "RecommendationType",
]
