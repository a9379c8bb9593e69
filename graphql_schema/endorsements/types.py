"""The ``Endorsement`` and ``Recommendation`` types, as the viewer may see them."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
import strawberry_django
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
from ..base.enums import choices_enum
from ..base.fields import PkNode, visible_fk, visible_queryset
from ..vocab.types import SkillType

if TYPE_CHECKING:
    from ..members.types import MemberType

MemberRef = Annotated["MemberType", strawberry.lazy("graphql_schema.members.types")]

EndorsementStateEnum = choices_enum(
    EndorsementState, name="EndorsementState", description="Moderation state of an endorsement."
)
RecommendationStateEnum = choices_enum(
    RecommendationState,
    name="RecommendationState",
    description="Where a recommendation is on its way to publication.",
)
RecommendationRelationshipEnum = choices_enum(
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


def _party_state(
    state: type[enum.Enum], author: str, others_see: enum.Enum, description: str
) -> Any:
    """The ``state`` field: the real state for the two members (``member`` and the
    one in ``author``), editors and moderators; ``others_see`` for everyone else."""

    def resolve(root: Any, info: Info) -> Any:
        if _is_party(info, root.member_id, getattr(root, author)):
            return state(root.state)
        return others_see

    return strawberry_django.field(
        resolve, graphql_type=state, only=["state", "member_id", author], description=description
    )


def _hidden_by_recipient() -> Any:
    """The ``isHidden`` field: told only to the recipient, editors and moderators
    (everyone else is told ``false``)."""

    def resolve(root: Any, info: Info) -> bool:
        return bool(_is_party(info, root.member_id) and root.is_hidden)

    return strawberry_django.field(
        resolve,
        only=["is_hidden", "member_id"],
        description="Hidden from the profile by its recipient; told only to the recipient, "
        "editors and moderators.",
    )


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

    get_queryset = visible_queryset(visibility.endorsements_visible_to)

    state: EndorsementStateEnum = _party_state(  # type: ignore[valid-type]
        EndorsementState,
        "endorser_id",
        EndorsementState.LIVE,
        "Moderation state; told only to the two members, editors and moderators (others see LIVE).",
    )
    is_hidden: bool = _hidden_by_recipient()


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

    get_queryset = visible_queryset(visibility.recommendations_visible_to)

    state: RecommendationStateEnum = _party_state(  # type: ignore[valid-type]
        RecommendationState,
        "author_id",
        RecommendationState.PUBLISHED,
        "Publication state; told only to author, recipient, editors and moderators "
        "(others see PUBLISHED).",
    )
    is_hidden: bool = _hidden_by_recipient()


__all__ = [
    "EndorsementStateEnum",
    "EndorsementType",
    "RecommendationRelationshipEnum",
    "RecommendationStateEnum",
    "RecommendationType",
]
