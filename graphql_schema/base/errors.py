"""The typed error every mutation payload carries.

Mutations never answer an expected failure with a top-level GraphQL error or a
stack trace: they return their payload with ``errors: [MutationError!]!``, each
error holding a machine-readable ``code`` (the service layer's
:class:`~wagtail_network.errors.ErrorCode`, exposed as the ``MutationErrorCode``
enum), the ``field`` of the input it concerns and a translated ``message``.
"""

from __future__ import annotations

import strawberry

from wagtail_network.errors import DEFAULT_MESSAGES, ErrorCode, NetworkError

from .enums import describe_values

#: The service layer's error codes, one GraphQL enum value each. Wrapping the
#: domain enum itself (rather than copying it) keeps the two from drifting apart.
MutationErrorCode = describe_values(
    strawberry.enum(
        ErrorCode,
        name="MutationErrorCode",
        description=(
            "Machine-readable reason a mutation failed. NOT_FOUND also answers for "
            "objects the viewer may not see; PERMISSION_DENIED only for objects the "
            "viewer sees but may not change."
        ),
    ),
    DEFAULT_MESSAGES,
)


@strawberry.type(description="An expected failure of a mutation: nothing was written.")
class MutationError:
    code: MutationErrorCode = strawberry.field(  # type: ignore[valid-type]
        description="What went wrong, for programs."
    )
    field: str | None = strawberry.field(
        description="The input field the error concerns (camelCase), or null for the whole input."
    )
    message: str = strawberry.field(description="What went wrong, for people (translated).")

    @classmethod
    def from_exception(cls, exc: NetworkError) -> MutationError:
        """The GraphQL shape of a service-layer error."""
        return cls(code=exc.code, field=input_field_name(exc.field), message=str(exc.message))

    @classmethod
    def of(cls, code: ErrorCode, field: str | None = None, message: str | None = None):
        """An error with the default message for ``code``."""
        return cls(
            code=code,
            field=input_field_name(field),
            message=str(message if message is not None else DEFAULT_MESSAGES[code]),
        )


#: Service-layer field names whose GraphQL input carries a global ID instead.
ID_FIELDS = {
    "member": "memberId",
    "company": "companyId",
    "skill": "skillId",
    "skills": "skillIds",
    "industry": "industryId",
    "endorsement": "endorsementId",
    "recommendation": "recommendationId",
    "position": "positionId",
    "target": "targetId",
    "report": "reportId",
}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def input_field_name(name: str | None) -> str | None:
    """The GraphQL input path for a service-layer field name.

    Services name model fields (``contact_email``, ``positions.0.end_date``,
    ``member``); clients sent camelCase input fields (``contactEmail``,
    ``positions.0.endDate``, ``memberId``).
    """
    if not name:
        return name
    return ".".join(ID_FIELDS.get(part) or _camel(part) for part in name.split("."))


__all__ = ["MutationError", "MutationErrorCode", "NetworkError"]
