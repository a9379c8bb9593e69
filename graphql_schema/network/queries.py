"""``viewer``: the signed-in user's own corner of the network."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info
from strawberry_django.optimizer import optimize

from wagtail_network import services, visibility
from wagtail_network.graph import suggested_members_ranked
from wagtail_network.models import Block, MemberPage

from ..base.connection import NetworkConnection, network_connection
from ..base.context import viewer_of
from ..notifications.queries import NotificationViewerFields
from .types import BlockedMemberType, InvitationType

if TYPE_CHECKING:
    from ..companies.types import CompanyType
    from ..members.types import MemberType

CompanyRef = Annotated["CompanyType", strawberry.lazy("graphql_schema.companies.types")]
MemberRef = Annotated["MemberType", strawberry.lazy("graphql_schema.members.types")]


@strawberry.type(name="Viewer", description="The signed-in user and their own network.")
class ViewerType(NotificationViewerFields):
    @strawberry.field(
        description="What the user signs in with: the site's login field, a username or, "
        "where the site signs in by e-mail, the e-mail address. Only ever the viewer's own."
    )
    def username(self, info: Info) -> str:
        return viewer_of(info).user.get_username()

    @strawberry.field(description="The user's member profile (also while it is a draft).")
    def member(self, info: Info) -> MemberRef | None:
        me = visibility.viewer_member_id(viewer_of(info))
        if me is None:
            return None
        return optimize(MemberPage.objects.filter(pk=me), info).first()  # type: ignore[return-value]

    @network_connection(
        NetworkConnection[InvitationType],
        description="Open invitations the viewer received, newest first.",
    )
    def invitations_received(
        self,
        info: Info,
        include_ignored: Annotated[
            bool, strawberry.argument(description="Also list invitations the viewer ignored.")
        ] = False,
    ) -> Iterable[InvitationType]:
        user = viewer_of(info)
        qs = services.invitations_received(user, include_ignored=include_ignored)
        return InvitationType.get_queryset(qs, info).order_by("-created_at", "-pk")  # type: ignore[return-value]

    @network_connection(
        NetworkConnection[InvitationType],
        description="Open invitations the viewer sent (ignored ones read as pending), "
        "newest first.",
    )
    def invitations_sent(self, info: Info) -> Iterable[InvitationType]:
        qs = services.invitations_sent(viewer_of(info))
        return InvitationType.get_queryset(qs, info).order_by("-created_at", "-pk")  # type: ignore[return-value]

    @network_connection(
        NetworkConnection[MemberRef],
        description="People the viewer may know, best first (at most 100): 2nd-degree members "
        "(mutual connections over edges the viewer may know of) and members who share a "
        "company, skills, interests, the industry, the place or an open-to with the viewer; "
        "read each one's `suggestionReasons`. Never connections, open invitations, blocked "
        "or dismissed members (`dismissSuggestion`).",
    )
    def suggestions(self, info: Info) -> Iterable[MemberRef]:
        # At most 100 (graph.SUGGESTION_CAP), unsliced: the connection pages and counts.
        return suggested_members_ranked(viewer_of(info), limit=None)  # type: ignore[return-value]

    @network_connection(
        NetworkConnection[CompanyRef],
        description="Companies the viewer administers (per-object grants).",
    )
    def administered_companies(self, info: Info) -> Iterable[CompanyRef]:
        return visibility.administered_companies(viewer_of(info)).order_by("title", "pk")  # type: ignore[return-value]

    @network_connection(
        NetworkConnection[BlockedMemberType],
        description="Members the viewer blocked, newest first (only ever shown to the blocker).",
    )
    def blocked_members(self, info: Info) -> Iterable[BlockedMemberType]:
        me = visibility.viewer_member_id(viewer_of(info))
        return Block.objects.filter(blocker_id=me).order_by("-created_at", "-pk")  # type: ignore[return-value]


@strawberry.type
class ViewerQuery:
    @strawberry.field(description="The signed-in user; null for anonymous visitors.")
    def viewer(self, info: Info) -> ViewerType | None:
        user = viewer_of(info)
        if not visibility.is_authenticated(user):
            return None
        return ViewerType()


__all__ = ["ViewerQuery", "ViewerType"]
