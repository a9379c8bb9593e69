"""Enumerations shared by models, services, visibility and the API."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProfileVisibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    MEMBERS = "members", _("Signed-in members")
    CONNECTIONS = "connections", _("My connections")


class FieldVisibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    MEMBERS = "members", _("Signed-in members")
    CONNECTIONS = "connections", _("My connections")
    ONLY_ME = "only_me", _("Only me")


#: The member fields whose audience each member chooses (docs/concepts/visibility.md).
SENSITIVE_FIELDS = ("email", "phone", "connections", "positions")


class OpenTo(models.TextChoices):
    HIRING = "hiring", _("Hiring")
    NEW_JOB = "new_job", _("A new job")
    PARTNERSHIPS = "partnerships", _("Partnerships")
    MENTORING = "mentoring", _("Mentoring")
    ADVICE = "advice", _("Giving advice")


class CompanySize(models.TextChoices):
    S1 = "1", _("1 employee")
    S2_10 = "2-10", _("2–10 employees")
    S11_50 = "11-50", _("11–50 employees")
    S51_200 = "51-200", _("51–200 employees")
    S201_500 = "201-500", _("201–500 employees")
    S501_1000 = "501-1000", _("501–1,000 employees")
    S1001_5000 = "1001-5000", _("1,001–5,000 employees")
    S5001 = "5001+", _("5,001+ employees")


class ConnectionState(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    IGNORED = "ignored", _("Ignored")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REMOVED = "removed", _("Removed")


#: States in which a connection row is "live": at most one per unordered pair.
LIVE_CONNECTION_STATES = (
    ConnectionState.PENDING,
    ConnectionState.ACCEPTED,
    ConnectionState.IGNORED,
)


class ConnectionStatus(models.TextChoices):
    """How another member stands to the viewer (``services.connection_status``).

    An invitation the recipient ignored reads ``PENDING_SENT`` to its sender (the
    ignore is never disclosed) and ``IGNORED`` to the recipient, who may still
    accept it. ``BLOCKED`` is only ever answered to the blocker; the blocked
    member cannot see the blocker at all.
    """

    NONE = "NONE", _("Not connected")
    SELF = "SELF", _("You")
    PENDING_SENT = "PENDING_SENT", _("Invitation sent")
    PENDING_RECEIVED = "PENDING_RECEIVED", _("Invitation received")
    IGNORED = "IGNORED", _("Invitation ignored")
    CONNECTED = "CONNECTED", _("Connected")
    BLOCKED = "BLOCKED", _("Blocked")


class EndorsementState(models.TextChoices):
    PENDING = "pending", _("Awaiting moderation")
    LIVE = "live", _("Live")
    REJECTED = "rejected", _("Rejected")


class RecommendationState(models.TextChoices):
    PENDING_RECIPIENT = "pending_recipient", _("Awaiting the recipient")
    PENDING_MODERATION = "pending_moderation", _("Awaiting moderation")
    PUBLISHED = "published", _("Published")
    DECLINED = "declined", _("Declined by the recipient")
    REJECTED = "rejected", _("Rejected by a moderator")


class RecommendationRelationship(models.TextChoices):
    MANAGED = "managed", _("Managed them directly")
    REPORTED_TO = "reported_to", _("Reported to them")
    SAME_TEAM = "same_team", _("Worked in the same team")
    DIFFERENT_TEAMS = "different_teams", _("Worked together in different teams")
    CLIENT = "client", _("Was their client")
    SERVICE_PROVIDER = "service_provider", _("They were my client")
    MENTOR = "mentor", _("Mentored them")
    STUDIED_TOGETHER = "studied_together", _("Studied together")
    OTHER = "other", _("Other")


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam")
    FAKE = "fake", _("Fake profile or content")
    HARASSMENT = "harassment", _("Harassment or hate")
    INAPPROPRIATE = "inappropriate", _("Inappropriate content")
    OTHER = "other", _("Other")


class ReportState(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")
    DISMISSED = "dismissed", _("Dismissed")


class CompanyRelationshipKind(models.TextChoices):
    PARTNER = "partner", _("Partner")
    SUPPLIER = "supplier", _("Supplier")
    CLIENT = "client", _("Client")
    SUBSIDIARY = "subsidiary", _("Subsidiary")
