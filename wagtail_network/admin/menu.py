"""The "Network" menu of the admin, and the bulk actions registered with it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from .company_admins import CompanyAdminsViewSet
from .importing import ImportViewSet
from .moderation import (
    ApproveEndorsementsBulkAction,
    ApproveRecommendationsBulkAction,
    DismissReportsBulkAction,
    EndorsementViewSet,
    LoggedDeleteBulkAction,
    ModerationQueueViewSet,
    RecommendationViewSet,
    RejectEndorsementsBulkAction,
    RejectRecommendationsBulkAction,
    ReportViewSet,
    ResolveReportsBulkAction,
)
from .profiles import MemberProfilesViewSet
from .relations import (
    BlockViewSet,
    CompanyRelationshipViewSet,
    ConnectionViewSet,
    FollowViewSet,
    PositionViewSet,
)
from .vocabulary import IndustryViewSet, MergeTermsBulkAction, SkillViewSet


class NetworkViewSetGroup(SnippetViewSetGroup):
    """One "Network" menu; each item asks its permission policy whether to show,
    and the group shows when any item does."""

    menu_label = _("Network")
    menu_name = "network"
    menu_icon = "group"
    menu_order = 250
    items = (
        ModerationQueueViewSet,
        MemberProfilesViewSet,
        SkillViewSet,
        IndustryViewSet,
        ConnectionViewSet,
        EndorsementViewSet,
        RecommendationViewSet,
        ReportViewSet,
        FollowViewSet,
        BlockViewSet,
        CompanyRelationshipViewSet,
        PositionViewSet,
        CompanyAdminsViewSet,
        ImportViewSet,
    )


BULK_ACTIONS = (
    ApproveEndorsementsBulkAction,
    RejectEndorsementsBulkAction,
    ApproveRecommendationsBulkAction,
    RejectRecommendationsBulkAction,
    ResolveReportsBulkAction,
    DismissReportsBulkAction,
    MergeTermsBulkAction,
    LoggedDeleteBulkAction,
)
