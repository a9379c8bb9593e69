"""Endorsements and recommendations."""

from __future__ import annotations

import enum

import strawberry

from wagtail_network import limits, services, visibility
from wagtail_network.limits import limit_text

from ..base.errors import MutationError
from ..base.ids import decode_id
from ..base.mutations import errors_field, performed_mutation, visible_now
from ..members.types import MemberType
from .types import EndorsementType, RecommendationRelationshipEnum, RecommendationType


@strawberry.input(name="MemberSkillInput", description="A member and one skill they list.")
class MemberSkillInput:
    """The two ids that name an endorsement (whose, of which skill); the endorse and
    withdraw inputs are this under their own names (this one is in no field)."""

    member_id: strawberry.ID = strawberry.field(description="Global ID of the member.")
    skill_id: strawberry.ID = strawberry.field(description="Global ID of the skill.")

    def pks(self) -> tuple[int, int]:
        """The member's and the skill's primary keys (NOT_FOUND on the field otherwise)."""
        return (
            decode_id(self.member_id, "Member", "memberId"),
            decode_id(self.skill_id, "Skill", "skillId"),
        )


@strawberry.input(description="Endorse a member for a skill they list.")
class EndorseSkillInput(MemberSkillInput):
    pass


@strawberry.type(description="The endorsement and the member it concerns.")
class EndorseSkillPayload:
    endorsement: EndorsementType | None = strawberry.field(
        default=None, description="The endorsement (state PENDING with endorsement moderation)."
    )
    member: MemberType | None = strawberry.field(
        default=None, description="The endorsed member (read `skills` for the new counts)."
    )
    errors: list[MutationError] = errors_field()


@strawberry.input(description="Withdraw your endorsement of a member's skill.")
class WithdrawEndorsementInput(MemberSkillInput):
    pass


@strawberry.type(description="The member after the endorsement was withdrawn.")
class WithdrawEndorsementPayload:
    member: MemberType | None = strawberry.field(default=None, description="The member.")
    errors: list[MutationError] = errors_field()


@strawberry.input(description="Write a recommendation for a 1st-degree connection.")
class WriteRecommendationInput:
    member_id: strawberry.ID = strawberry.field(description="Global ID of the member.")
    relationship: RecommendationRelationshipEnum = strawberry.field(  # type: ignore[valid-type]
        description="How you know them."
    )
    text: str = strawberry.field(
        description="The recommendation (plain text). "
        + limit_text(limits.RECOMMENDATION_MAX_LENGTH)
    )


@strawberry.type(description="The recommendation, waiting for its recipient.")
class RecommendationPayload:
    recommendation: RecommendationType | None = strawberry.field(
        default=None, description="The recommendation."
    )
    errors: list[MutationError] = errors_field()


@strawberry.enum(name="RecommendationAction", description="What the recipient does with it.")
class RecommendationAction(enum.Enum):
    ACCEPT = strawberry.enum_value("accept", description="Show it (after moderation, if on).")
    DECLINE = strawberry.enum_value("decline", description="Refuse it (while it waits).")
    HIDE = strawberry.enum_value("hide", description="Hide it from your profile.")
    UNHIDE = strawberry.enum_value("unhide", description="Show a hidden one again.")


@strawberry.input(description="Accept, decline, hide or unhide a recommendation you received.")
class RespondToRecommendationInput:
    recommendation_id: strawberry.ID = strawberry.field(
        description="Global ID of the recommendation."
    )
    action: RecommendationAction = strawberry.field(description="What to do with it.")


@strawberry.type
class EndorsementMutations:
    @performed_mutation(
        EndorseSkillInput,
        EndorseSkillPayload,
        "Endorse a 1st-degree connection for a skill they list (repeating returns "
        "the existing endorsement). Errors: NOT_FOUND, SELF_ACTION, NOT_CONNECTED, "
        "SKILL_NOT_LISTED, NO_PROFILE.",
    )
    @staticmethod
    def endorse_skill(user, input):
        member_pk, skill_pk = input.pks()
        endorsement = services.endorse_skill(user, member_pk, skill_pk)
        return EndorseSkillPayload(
            endorsement=visible_now(user, visibility.endorsements_visible_to, endorsement.pk),
            member=visible_now(user, visibility.members_visible_to, member_pk),
        )

    @performed_mutation(
        WithdrawEndorsementInput,
        WithdrawEndorsementPayload,
        "Withdraw your endorsement. Errors: NOT_FOUND (no such endorsement).",
    )
    @staticmethod
    def withdraw_endorsement(user, input):
        member_pk, skill_pk = input.pks()
        services.withdraw_endorsement(user, member_pk, skill_pk)
        return WithdrawEndorsementPayload(
            member=visible_now(user, visibility.members_visible_to, member_pk)
        )

    @performed_mutation(
        WriteRecommendationInput,
        RecommendationPayload,
        "Write (or rewrite, until published) a recommendation for a 1st-degree "
        "connection; it is shown once they accept it. Errors: NOT_FOUND, SELF_ACTION, "
        "NOT_CONNECTED, VALIDATION, ALREADY_EXISTS.",
    )
    @staticmethod
    def write_recommendation(user, input):
        member_pk = decode_id(input.member_id, "Member", "memberId")
        rec = services.write_recommendation(
            user, member_pk, str(input.relationship.value), input.text
        )
        return RecommendationPayload(
            recommendation=visible_now(user, visibility.recommendations_visible_to, rec.pk)
        )

    @performed_mutation(
        RespondToRecommendationInput,
        RecommendationPayload,
        "The recipient accepts, declines, hides or unhides a recommendation. "
        "Errors: NOT_FOUND, PERMISSION_DENIED (not yours), INVALID_STATE.",
    )
    @staticmethod
    def respond_to_recommendation(user, input):
        pk = decode_id(input.recommendation_id, "Recommendation", "recommendationId")
        rec = services.respond_to_recommendation(user, pk, input.action.value)
        return RecommendationPayload(
            recommendation=visible_now(user, visibility.recommendations_visible_to, rec.pk)
        )


__all__ = ["EndorsementMutations", "RecommendationAction"]
