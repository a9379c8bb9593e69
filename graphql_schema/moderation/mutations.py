"""``reportContent``: anyone signed in reports a member, company, endorsement or
recommendation to the moderators."""

from __future__ import annotations

import strawberry

from wagtail_network import limits, services
from wagtail_network.errors import ErrorCode, NetworkError
from wagtail_network.limits import limit_text
from wagtail_network.models import ReportReason

from ..base.enums import choices_enum
from ..base.errors import MutationError
from ..base.ids import global_id, parse_global_id
from ..base.mutations import enum_value, errors_field, performed_mutation

ReportReasonEnum = choices_enum(
    ReportReason, name="ReportReason", description="Why something is reported."
)


@strawberry.input(description="Report a member, company, endorsement or recommendation.")
class ReportContentInput:
    target_id: strawberry.ID = strawberry.field(
        description="Global ID of a Member, Company, Endorsement or Recommendation."
    )
    reason: ReportReasonEnum = strawberry.field(description="Why.")  # type: ignore[valid-type]
    details: str | None = strawberry.field(
        default=None,
        description="What moderators should know. " + limit_text(limits.REPORT_DETAILS_MAX_LENGTH),
    )


@strawberry.type(description="Your report, now with the moderators.")
class ReportContentPayload:
    report_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Global ID of the report (an open report of the same thing "
        "by you is returned instead of a new one).",
    )
    errors: list[MutationError] = errors_field()


REPORT_TARGETS = {
    "Member": "member",
    "Company": "company",
    "Endorsement": "endorsement",
    "Recommendation": "recommendation",
}


@strawberry.type
class ModerationMutations:
    @performed_mutation(
        ReportContentInput,
        ReportContentPayload,
        "Report a member, company, endorsement or recommendation to the "
        "moderators. Errors: NOT_FOUND, SELF_ACTION, VALIDATION.",
    )
    @staticmethod
    def report_content(user, input):
        parsed = parse_global_id(input.target_id)
        if parsed is None or parsed[0] not in REPORT_TARGETS:
            raise NetworkError(ErrorCode.NOT_FOUND, field="targetId")
        type_name, pk = parsed
        kind = REPORT_TARGETS[type_name]
        try:
            report = services.report_content(
                user,
                reason=enum_value(input.reason),
                details=input.details or "",
                **{kind: pk},
            )
        except NetworkError as exc:
            if exc.field in REPORT_TARGETS.values():
                exc.field = "targetId"
            raise
        return ReportContentPayload(report_id=strawberry.ID(global_id("Report", report.pk)))


__all__ = ["ModerationMutations"]
