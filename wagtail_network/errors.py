"""Typed domain errors raised by the service layer.

Every expected failure of a state change is one :class:`NetworkError` with a
machine-readable ``code`` (an :class:`ErrorCode`), the input ``field`` it concerns
(or ``None``) and a translated human ``message``. GraphQL payloads, admin actions
and views turn these into their own error shapes; nothing else is raised for an
expected failure, and nothing is written when one is raised.
"""

from __future__ import annotations

import enum

from django.utils.translation import gettext_lazy as _


class ErrorCode(enum.StrEnum):
    NOT_FOUND = "NOT_FOUND"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    NO_PROFILE = "NO_PROFILE"
    VALIDATION = "VALIDATION"
    SELF_ACTION = "SELF_ACTION"
    ALREADY_CONNECTED = "ALREADY_CONNECTED"
    ALREADY_INVITED = "ALREADY_INVITED"
    NOT_CONNECTED = "NOT_CONNECTED"
    INVALID_STATE = "INVALID_STATE"
    INVITATION_CAP_REACHED = "INVITATION_CAP_REACHED"
    COOLDOWN = "COOLDOWN"
    BLOCKED = "BLOCKED"
    SKILL_NOT_LISTED = "SKILL_NOT_LISTED"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    CONFIRMATION_REQUIRED = "CONFIRMATION_REQUIRED"
    THROTTLED = "THROTTLED"
    RATE_LIMITED = "RATE_LIMITED"


DEFAULT_MESSAGES = {
    ErrorCode.NOT_FOUND: _("Not found."),
    ErrorCode.PERMISSION_DENIED: _("You do not have permission to do this."),
    ErrorCode.UNAUTHENTICATED: _("Sign in first."),
    ErrorCode.NO_PROFILE: _("Create your member profile first."),
    ErrorCode.VALIDATION: _("The input is not valid."),
    ErrorCode.SELF_ACTION: _("You cannot do this to yourself."),
    ErrorCode.ALREADY_CONNECTED: _("You are already connected."),
    ErrorCode.ALREADY_INVITED: _("An invitation is already pending."),
    ErrorCode.NOT_CONNECTED: _("You are not connected to this member."),
    ErrorCode.INVALID_STATE: _("This cannot be done in the current state."),
    ErrorCode.INVITATION_CAP_REACHED: _("You have too many open invitations."),
    ErrorCode.COOLDOWN: _("You cannot invite this member again yet."),
    ErrorCode.BLOCKED: _("This is not possible."),
    ErrorCode.SKILL_NOT_LISTED: _("The member does not list this skill."),
    ErrorCode.ALREADY_EXISTS: _("This already exists."),
    ErrorCode.CONFIRMATION_REQUIRED: _("Confirm with your password."),
    ErrorCode.THROTTLED: _("Too many requests; try again later."),
    ErrorCode.RATE_LIMITED: _("You have done this too often; try again later."),
}


class NetworkError(Exception):
    """An expected failure of a network operation."""

    def __init__(self, code: ErrorCode, message=None, field: str | None = None):
        self.code = ErrorCode(code)
        self.message = str(message if message is not None else DEFAULT_MESSAGES[self.code])
        self.field = field
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"NetworkError({self.code.value!r}, field={self.field!r})"
