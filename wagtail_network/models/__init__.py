from .choices import *  # noqa: F403
from .imports import ImportUpload
from .network import (
    Block,
    CompanyRelationship,
    Connection,
    ConnectionEdge,
    ConnectionEvent,
    Endorsement,
    Follow,
    Recommendation,
    Report,
    SuggestionDismissal,
)
from .notifications import (
    EmailState,
    Notification,
    NotificationChannel,
    NotificationEmail,
    NotificationSettings,
)
from .pages import (
    CompanyIndexPage,
    CompanyPage,
    CompanySpeciality,
    Education,
    MemberIndexPage,
    MemberInterest,
    MemberLink,
    MemberPage,
    Position,
)
from .search import ProfileSearchEntry
from .vocab import Industry, Skill, SkillSuggestion

__all__ = [
    "Block",
    "CompanyIndexPage",
    "CompanyPage",
    "CompanyRelationship",
    "CompanySpeciality",
    "Connection",
    "ConnectionEdge",
    "ConnectionEvent",
    "Education",
    "EmailState",
    "Endorsement",
    "Follow",
    "ImportUpload",
    "Industry",
    "MemberIndexPage",
    "MemberInterest",
    "MemberLink",
    "MemberPage",
    "Notification",
    "NotificationChannel",
    "NotificationEmail",
    "NotificationSettings",
    "Position",
    "ProfileSearchEntry",
    "Recommendation",
    "Report",
    "Skill",
    "SkillSuggestion",
    "SuggestionDismissal",
]
