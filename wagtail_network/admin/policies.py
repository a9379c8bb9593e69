"""Permission policies of the network's admin screens.

Wagtail asks a *permission policy* every question about who may do what in the
admin (menu items, listings, edit and delete views, the page explorer). This
module holds the plugin's policies and registers them with
:func:`wagtail.permissions.register_permission_policy`:

* :class:`CompanyAdminPagePermissionPolicy` for every page type: Wagtail's own
  group page permissions plus the per-object grants of company admins, stored
  with django-guardian. Wagtail never calls ``user.has_perm(perm, page)``, so
  without this policy guardian grants change nothing in the page admin.
* :class:`ModerationPermissionPolicy` for endorsements, recommendations and
  reports: the ``moderate_network`` permission lets moderators list and change
  them, next to Django's model permissions (reports are never edited in a form:
  :class:`ReportPermissionPolicy`).
* :class:`CompanyRelationshipPermissionPolicy`: company admins may list (and
  export) the relationships that concern the companies they administer, and no
  others.
* :class:`SkillSuggestionPolicy`: skill suggestions are listed by those who may
  add skills (the rule of ``services.may_review_skill_suggestions``); nobody edits
  or deletes one in a form.

Which rows a user may *see* is still decided by :mod:`wagtail_network.visibility`;
the policies only compose its querysets.

Roles, their groups and the company-admin grants are written by
:mod:`wagtail_network.services.roles`; this module only answers questions.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from wagtail.models import AbstractPage
from wagtail.permission_policies import BasePermissionPolicy, ModelPermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import policy_registry

from .. import visibility
from ..models import (
    Block,
    CompanyPage,
    CompanyRelationship,
    Connection,
    Endorsement,
    Follow,
    Position,
    Recommendation,
    Report,
    Skill,
    SkillSuggestion,
)
from ..services.roles import COMPANY_ADMIN_CODENAME, group_page_permissions
from ..services.vocabulary import may_review_skill_suggestions

#: Page actions a company admin holds on their company and the pages below it,
#: spelled as Wagtail's page permission codenames (``<action>_page``).
COMPANY_ADMIN_PAGE_CODENAMES = ("change_page", "publish_page")

# --------------------------------------------------------------------------
# Pages: Wagtail's group page permissions + guardian grants on companies
# --------------------------------------------------------------------------


class _Permission:
    """Stands in for :class:`~django.contrib.auth.models.Permission` in a grant row."""

    __slots__ = ("codename",)

    def __init__(self, codename: str) -> None:
        self.codename = codename


class CompanyGrant:
    """A guardian grant shaped like a :class:`~wagtail.models.GroupPagePermission` row.

    Wagtail's page policy reads ``.page``, ``.page_id`` and ``.permission.codename``
    of each row; rows are hashed by page and codename because some admin views
    collect them in sets.
    """

    __slots__ = ("page", "page_id", "permission", "group", "group_id")

    def __init__(self, page: CompanyPage, codename: str) -> None:
        self.page = page
        self.page_id = page.pk
        self.permission = _Permission(codename)
        self.group = None
        self.group_id = None

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, CompanyGrant)
            and other.page_id == self.page_id
            and other.permission.codename == self.permission.codename
        )

    def __hash__(self) -> int:
        return hash((self.page_id, self.permission.codename))

    def __repr__(self) -> str:
        return f"<CompanyGrant {self.permission.codename} on page {self.page_id}>"


class CompanyAdminPagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page policy, plus company admins' per-object grants.

    Every page-permission answer of the admin (menu, explorer, search, chooser
    parents, edit/publish checks, breadcrumbs) goes through
    :meth:`get_all_permissions_for_user`, so appending the grants here makes them
    all agree. Grants come from :func:`visibility.administered_companies`, which
    ignores global permissions: holding ``change_companypage`` model-wide does not
    make anyone the admin of every company.
    """

    # Our rows differ from Wagtail's: cache them under our own name so that the
    # stock policy (used by :meth:`group_permissions_for_user`) never reads ours.
    permission_cache_name = "_wagtail_network_page_permission_cache"

    def get_all_permissions_for_user(self, user: Any) -> list:
        rows = list(super().get_all_permissions_for_user(user))
        if not user.is_active or user.is_anonymous or user.is_superuser:
            return rows
        for company in visibility.administered_companies(user):
            rows.extend(
                CompanyGrant(company, codename) for codename in COMPANY_ADMIN_PAGE_CODENAMES
            )
        return rows

    def users_with_any_permission_for_instance(self, actions, instance, include_superusers=True):
        """Wagtail's answer plus the admins of the company at or above ``instance``
        (workflow and comment notifications use this)."""
        users = super().users_with_any_permission_for_instance(
            actions, instance, include_superusers
        )
        wanted = self._get_permission_codenames(actions)
        if not wanted & set(COMPANY_ADMIN_PAGE_CODENAMES):
            return users
        admin_ids = company_admin_ids_of_ancestors(instance)
        if not admin_ids:
            return users
        return users.model._default_manager.filter(
            Q(pk__in=users.values("pk")) | Q(pk__in=admin_ids, is_active=True)
        )


def company_admin_ids_of_ancestors(page: Any) -> set[int]:
    """Ids of users holding a company-admin grant on ``page`` or one of its ancestors."""
    from guardian.shortcuts import get_user_obj_perms_model

    company_ids = CompanyPage.objects.filter(
        pk__in=page.get_ancestors(inclusive=True).values("pk")
    ).values_list("pk", flat=True)
    # Guardian takes the model class as well as an instance (its stubs say instance).
    permission_model = get_user_obj_perms_model(CompanyPage)  # type: ignore[arg-type]
    grants = permission_model._default_manager.filter(
        permission__codename=COMPANY_ADMIN_CODENAME,
        permission__content_type__app_label=CompanyPage._meta.app_label,
        object_pk__in=[str(pk) for pk in company_ids],
    )
    return set(grants.values_list("user_id", flat=True))


def deletes_only_through_company_grant(user: Any, page: Any) -> bool:
    """Whether deleting (or moving) ``page`` would rest on a company-admin grant alone.

    Wagtail lets anyone who may edit a leaf page delete it; company admins edit
    and publish their company, but removing it from the network is an editor's
    decision. True when the user's Wagtail group page permissions do not cover
    ``page`` (superusers and editors are never limited here).
    """
    if not visibility.is_authenticated(user) or user.is_superuser:
        return False
    for row in group_page_permissions(user):
        if row.permission.codename in (
            "add_page",
            "change_page",
            "bulk_delete_page",
        ) and page.path.startswith(row.page.path):
            return False
    return True


class AdministeredCompaniesPolicy(BasePermissionPolicy):
    """The companies a user administers (per-object guardian grants), read once per
    user object — that is, once per request — through Wagtail's own policy cache
    (``permission_cache_name``), because Wagtail's listings ask for every row."""

    permission_cache_name = "_wagtail_network_administered_companies"

    def get_all_permissions_for_user(self, user: Any) -> frozenset[int]:
        if not visibility.is_authenticated(user):
            return frozenset()
        return frozenset(visibility.administered_companies(user).values_list("pk", flat=True))


administered_companies_policy = AdministeredCompaniesPolicy(CompanyPage)


def is_company_admin(user: Any) -> bool:
    """Whether the user administers at least one company (per-object grant)."""
    return bool(administered_companies_policy.get_cached_permissions_for_user(user))


# --------------------------------------------------------------------------
# Relations: moderation and company relationships
# --------------------------------------------------------------------------


class ModerationPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, plus: moderators may list and change the model.

    Moderators hold ``wagtail_network.moderate_network``; that is enough to review
    the queue, approve, reject and edit. Deleting still needs the model's own
    ``delete`` permission.
    """

    MODERATOR_ACTIONS = frozenset({"view", "change"})

    def user_has_permission(self, user: Any, action: str) -> bool:
        if action == "add":
            # Members create these through the service layer, never editors.
            return False
        if action in self.MODERATOR_ACTIONS and visibility.can_moderate(user):
            return True
        return super().user_has_permission(user, action)


class ReportPermissionPolicy(ModerationPermissionPolicy):
    """Moderators list and inspect reports; nobody edits one in a form.

    A report's only changeable fields are its state and resolution note, which
    are the moderator's decision: that is made with the Resolve and Dismiss
    actions, through ``services.resolve_report`` (its checks and audit entry).
    """

    def user_has_permission(self, user: Any, action: str) -> bool:
        if action == "change":
            return False
        return super().user_has_permission(user, action)


class ReadOnlyRelationPermissionPolicy(ModelPermissionPolicy):
    """Connections, follows and blocks are made by members through the service
    layer (which keeps the adjacency and history in step); the admin lists,
    inspects, exports and deletes them, but never adds or edits one."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        if action in ("add", "change"):
            return False
        return super().user_has_permission(user, action)


class CompanyRelationshipPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, plus: company admins may list the relationships that
    concern their companies (and only those)."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        if super().user_has_permission(user, action):
            return True
        return action == "view" and is_company_admin(user)

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Any) -> bool:
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance) -> bool:
        if any(
            super(CompanyRelationshipPermissionPolicy, self).user_has_permission(user, a)
            for a in actions
        ):
            return True
        return (
            self.instances_user_has_any_permission_for(user, actions)
            .filter(pk=instance.pk)
            .exists()
        )

    def instances_user_has_any_permission_for(self, user: Any, actions) -> QuerySet:
        qs = CompanyRelationship.objects.all()
        if any(
            super(CompanyRelationshipPermissionPolicy, self).user_has_permission(user, a)
            for a in actions
        ):
            return qs
        if "view" in actions and is_company_admin(user):
            return scoped_relationships(user)
        return qs.none()


def scoped_relationships(user: Any) -> QuerySet:
    """Relationships a company admin may list: those of their companies that they can see."""
    mine = visibility.administered_companies(user).values("pk")
    return visibility.relationships_visible_to(user).filter(
        Q(from_company_id__in=mine) | Q(to_company_id__in=mine)
    )


# --------------------------------------------------------------------------
# Positions claimed at companies
# --------------------------------------------------------------------------


def companies_confirming_positions(user: Any) -> QuerySet:
    """Companies at which the user may confirm positions: those whose page they may
    edit — as a superuser, through Wagtail *group* page permissions (editors), or
    as the company's admin — which is what ``services.confirm_position`` asks."""
    if not visibility.is_authenticated(user):
        return CompanyPage.objects.none()
    if user.is_superuser:
        return CompanyPage.objects.all()
    paths = Q(pk__in=visibility.administered_companies(user).values("pk"))
    for row in group_page_permissions(user):
        if row.permission.codename == "change_page":
            paths |= Q(path__startswith=row.page.path)
    return CompanyPage.objects.filter(paths)


def can_review_positions(user: Any) -> bool:
    """Who gets "Positions to confirm": those who may confirm a position somewhere
    (moderators, who edit no company page, do not)."""
    return companies_confirming_positions(user).exists()


def positions_to_review(user: Any) -> QuerySet:
    """Positions at company pages that the user may confirm.

    Company admins get the positions claimed at the companies they administer
    (always visible to them, whatever the member's choice); editors get every
    position at the companies whose pages they edit.
    """
    if not visibility.is_authenticated(user):
        return Position.objects.none()
    qs = Position.objects.filter(company_id__in=companies_confirming_positions(user).values("pk"))
    if visibility.sees_everything(user):
        return qs
    return visibility.positions_visible_to(user, qs)


class PositionReviewPolicy(BasePermissionPolicy):
    """Positions are edited on the member's page; in the "Positions to confirm"
    listing they are only viewed (by editors and by the admins of the company
    they were claimed at) and confirmed through the service layer."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action == "view" and can_review_positions(user)

    def user_has_any_permission(self, user: Any, actions) -> bool:
        return "view" in actions and can_review_positions(user)

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Any) -> bool:
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user: Any, actions, instance: Any) -> bool:
        return (
            self.instances_user_has_any_permission_for(user, actions)
            .filter(pk=instance.pk)
            .exists()
        )

    def instances_user_has_any_permission_for(self, user: Any, actions) -> QuerySet:
        if "view" not in actions:
            return Position.objects.none()
        return positions_to_review(user)

    def users_with_any_permission(self, actions) -> QuerySet:
        from django.contrib.auth import get_user_model

        # Answered per company (guardian); no single user list applies.
        return get_user_model()._default_manager.none()


# --------------------------------------------------------------------------
# Skill suggestions
# --------------------------------------------------------------------------


class SkillSuggestionPolicy(BasePermissionPolicy):
    """Members make suggestions through the profile service; in the admin they are
    only listed, by those who may add skills, and accepted or rejected through
    ``services.accept_skill_suggestions`` / ``reject_skill_suggestions`` (never
    edited or deleted in a form: a delete would skip the audit entry)."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action == "view" and may_review_skill_suggestions(user)

    def user_has_any_permission(self, user: Any, actions) -> bool:
        return "view" in actions and may_review_skill_suggestions(user)

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Any) -> bool:
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user: Any, actions, instance: Any) -> bool:
        return self.user_has_any_permission(user, actions)

    def instances_user_has_any_permission_for(self, user: Any, actions) -> QuerySet:
        if self.user_has_any_permission(user, actions):
            return SkillSuggestion.objects.all()
        return SkillSuggestion.objects.none()

    def users_with_any_permission(self, actions) -> QuerySet:
        from django.contrib.auth import get_user_model

        if "view" not in actions:
            return get_user_model()._default_manager.none()
        return ModelPermissionPolicy(Skill).users_with_permission("add")


# --------------------------------------------------------------------------
# Registration
# --------------------------------------------------------------------------

page_permission_policy = CompanyAdminPagePermissionPolicy()
moderation_policies = {
    Endorsement: ModerationPermissionPolicy(Endorsement),
    Recommendation: ModerationPermissionPolicy(Recommendation),
    Report: ReportPermissionPolicy(Report),
}
read_only_policies = {
    model: ReadOnlyRelationPermissionPolicy(model) for model in (Connection, Follow, Block)
}
company_relationship_policy = CompanyRelationshipPermissionPolicy(CompanyRelationship)
position_review_policy = PositionReviewPolicy(Position)
skill_suggestion_policy = SkillSuggestionPolicy(SkillSuggestion)


def register_policies() -> None:
    """Register the policies with Wagtail (idempotent).

    Called at the top of ``wagtail_hooks.py``, before any viewset asks for a
    policy (Wagtail refuses a registration once it has built a fallback).
    """
    from wagtail.permissions import register_permission_policy

    if policy_registry.get_by_type(AbstractPage) is not page_permission_policy:
        register_permission_policy(AbstractPage, page_permission_policy)
    for model, policy in (*moderation_policies.items(), *read_only_policies.items()):
        if policy_registry.get_by_type(model, fallback=False) is not policy:
            register_permission_policy(model, policy, exact_class=True)
    for model, policy in (
        (CompanyRelationship, company_relationship_policy),
        (Position, position_review_policy),
        (SkillSuggestion, skill_suggestion_policy),
    ):
        if policy_registry.get_by_type(model, fallback=False) is not policy:
            register_permission_policy(model, policy, exact_class=True)
