"""Roles: the plugin's role groups and the grants that make someone a company admin.

The one declaration of the role groups and their model permissions is
:data:`ROLE_PERMISSIONS`; :func:`ensure_role_groups` creates or completes them
(the admin, tests and the example site's demo loader all call it). A company
admin is a user holding the guardian per-object grant
:data:`COMPANY_ADMIN_PERMISSION` on a company, and a member of the shared
"Company admins" group that lets them sign in to the admin;
:func:`grant_company_admin` and :func:`revoke_company_admin` keep the two in step.

Who may do what (``docs/how-to/admin.md``): superusers and editors whose Wagtail
*group* page permissions cover a company appoint its admins
(:func:`can_manage_company_admins`); a company admin's own grant never counts.

Like every service, each write checks its permission, runs in a transaction and
writes one audit-log entry with its actor. ``actor=None`` is for setup code with
no user (a data migration, a management command, the demo loader): it skips the
permission check, and the entry has no user.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import GroupPagePermission

from .. import visibility
from ..errors import ErrorCode
from ..models import CompanyPage
from ..viewer import user_of
from .base import _changed, _error, _log, _record, _require_user

#: The guardian permission that makes a user the admin of one company.
COMPANY_ADMIN_PERMISSION = visibility.COMPANY_ADMIN_PERMISSION
COMPANY_ADMIN_CODENAME = COMPANY_ADMIN_PERMISSION.split(".", 1)[1]

#: Names of the groups created by :func:`ensure_role_groups`.
EDITORS_GROUP = "Network editors"
MODERATORS_GROUP = "Network moderators"
COMPANY_ADMINS_GROUP = "Company admins"


def _labels(app_label: str, *codenames: str) -> tuple[str, ...]:
    return tuple(f"{app_label}.{codename}" for codename in codenames)


#: Model permissions of each role group, as ``app_label.codename``.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    EDITORS_GROUP: (
        *_labels("wagtailadmin", "access_admin"),
        *_labels(
            "wagtail_network",
            "view_private_profiles",
            "add_skill",
            "change_skill",
            "delete_skill",
            "add_industry",
            "change_industry",
            "delete_industry",
            "view_connection",
            "view_follow",
            "view_block",
            "change_endorsement",
            "delete_endorsement",
            "change_recommendation",
            "delete_recommendation",
            "view_report",
            "add_companyrelationship",
            "change_companyrelationship",
            "delete_companyrelationship",
        ),
    ),
    MODERATORS_GROUP: (
        *_labels("wagtailadmin", "access_admin"),
        *_labels(
            "wagtail_network",
            "view_private_profiles",
            # Lists, inspects and decides on endorsements, recommendations and
            # reports (through the admin's permission policies and the services).
            "moderate_network",
            "delete_endorsement",
            "delete_recommendation",
            "view_connection",
            "view_block",
        ),
    ),
    # Company admins' real rights are guardian grants on their companies; the
    # group only lets them sign in to the admin.
    COMPANY_ADMINS_GROUP: _labels("wagtailadmin", "access_admin"),
}

ROLE_DESCRIPTIONS = {
    EDITORS_GROUP: _("Edit company and member pages, skills and industries."),
    MODERATORS_GROUP: _("Review endorsements, recommendations and reports."),
    COMPANY_ADMINS_GROUP: _("Sign in to the admin; rights on companies are granted per company."),
}


def _audit(instance: Any, action: str, actor: Any, **data: Any) -> None:
    """The audit entry of a write: with the actor, or with no user for setup code
    (``actor=None``; the services' ``_log`` would name an anonymous visitor)."""
    if actor is None:
        log(instance, action, user=None, data=data)
        _record(action)
    else:
        _log(instance, action, actor, **data)


# --------------------------------------------------------------------------
# Who may appoint company admins
# --------------------------------------------------------------------------


def group_page_permissions(who: Any) -> QuerySet:
    """The user's page permissions from Wagtail groups alone (no guardian grants)."""
    user = user_of(who)
    if not user.is_active or user.is_anonymous:
        return GroupPagePermission.objects.none()
    return GroupPagePermission.objects.filter(group__user=user).select_related("page", "permission")


def can_manage_company_admins(user: Any, company: CompanyPage | None = None) -> bool:
    """Who may grant and revoke company-admin rights: superusers and editors.

    An editor here is someone whose *Wagtail group* page permissions let them edit
    the company (or, without ``company``, edit some company page). A company
    admin's own guardian grant does not count: admins do not appoint admins.
    """
    if not visibility.is_authenticated(user):
        return False
    if user_of(user).is_superuser:
        return True
    rows = [
        row
        for row in group_page_permissions(user)
        if row.permission.codename in ("change_page", "add_page")
    ]
    if company is None:
        return any(
            CompanyPage.objects.filter(path__startswith=row.page.path).exists()
            or row.page.depth == 1
            for row in rows
        )
    return any(company.path.startswith(row.page.path) for row in rows)


def companies_user_can_manage_admins_for(user: Any) -> QuerySet:
    """Company pages whose admins the user may grant and revoke."""
    if not visibility.is_authenticated(user):
        return CompanyPage.objects.none()
    if user_of(user).is_superuser:
        return CompanyPage.objects.all()
    q = Q(pk__in=[])
    for row in group_page_permissions(user):
        if row.permission.codename in ("change_page", "add_page"):
            q |= Q(path__startswith=row.page.path)
    return CompanyPage.objects.filter(q)


def company_admins(company: CompanyPage) -> QuerySet:
    """Users holding a direct company-admin grant on ``company``."""
    from guardian.shortcuts import get_user_obj_perms_model

    UserObjectPermission = get_user_obj_perms_model(company)
    user_ids = UserObjectPermission._default_manager.filter(
        permission__codename=COMPANY_ADMIN_CODENAME,
        permission__content_type__app_label=CompanyPage._meta.app_label,
        object_pk=str(company.pk),
    ).values("user_id")
    User = get_user_model()
    # The host's user model may have no ``username`` (an e-mail login): order by its login field.
    return User._default_manager.filter(pk__in=user_ids).order_by(User.USERNAME_FIELD)


# --------------------------------------------------------------------------
# Role groups
# --------------------------------------------------------------------------


def _permissions(labels: tuple[str, ...]) -> list[Permission]:
    """Permissions by ``app_label.codename``; a missing one is an error, not a silent gap."""
    wanted = set(labels)
    codenames = [label.split(".", 1)[1] for label in wanted]
    found = []
    for perm in Permission.objects.select_related("content_type").filter(codename__in=codenames):
        label = f"{perm.content_type.app_label}.{perm.codename}"
        if label in wanted:
            found.append(perm)
            wanted.discard(label)
    if wanted:
        raise LookupError(f"Permissions missing (migrations not run?): {sorted(wanted)}")
    return found


def ensure_role_groups(actor: Any = None, names: tuple[str, ...] | None = None) -> dict[str, Group]:
    """Create (or complete) the role groups with the permissions of :data:`ROLE_PERMISSIONS`.

    Idempotent: a group is created when missing and given the permissions it
    lacks; permissions added by hand stay. Each group created or completed is one
    audit-log entry on the group (``wagtail.create`` or ``wagtail.edit``, with the
    permissions added); nothing is logged when nothing changed. ``names`` limits
    the work to some groups.

    Only superusers may run it (``actor=None``: setup code). Editors additionally
    need Wagtail page permissions on the directories; those are Wagtail's own
    ``GroupPagePermission`` rows, which the host site grants in Settings → Groups
    (the demo data does it for the example site). Errors: ``PERMISSION_DENIED``.
    """
    if actor is not None:
        _require_user(actor)
        if not user_of(actor).is_superuser:
            raise _error(ErrorCode.PERMISSION_DENIED)
    return _ensure_groups(actor, names)


def _ensure_groups(actor: Any, names: tuple[str, ...] | None) -> dict[str, Group]:
    groups: dict[str, Group] = {}
    with transaction.atomic():
        for name, labels in ROLE_PERMISSIONS.items():
            if names is not None and name not in names:
                continue
            group, created = Group.objects.get_or_create(name=name)
            have = set(group.permissions.values_list("pk", flat=True))
            missing = [perm for perm in _permissions(labels) if perm.pk not in have]
            if missing:
                group.permissions.add(*missing)
            if created or missing:
                # Wagtail's own actions, as its Groups screens log them.
                _audit(
                    group,
                    "wagtail.create" if created else "wagtail.edit",
                    actor,
                    permissions_added=sorted(
                        f"{p.content_type.app_label}.{p.codename}" for p in missing
                    ),
                )
            groups[name] = group
    return groups


# --------------------------------------------------------------------------
# Company admins
# --------------------------------------------------------------------------


def _check_manager(actor: Any, company: CompanyPage) -> None:
    if actor is None:
        return
    _require_user(actor)
    if not can_manage_company_admins(actor, company):
        raise _error(ErrorCode.PERMISSION_DENIED)


def grant_company_admin(actor: Any, user: Any, company: CompanyPage) -> bool:
    """Make ``user`` an admin of ``company`` (a guardian per-object grant).

    Admin login needs ``wagtailadmin.access_admin`` as well: the user is added to
    the shared "Company admins" group, which holds only that permission. Logged
    as ``wagtail_network.company_admin.grant`` on the company page. A user who
    already holds the grant (and the group) is left as they are: nothing is
    written or logged, and ``False`` is returned (``True`` when granted). Errors:
    ``PERMISSION_DENIED`` (the actor may not appoint this company's admins),
    ``VALIDATION`` on ``user`` (an inactive account).
    """
    from guardian.shortcuts import assign_perm

    _check_manager(actor, company)
    if not user.is_active:
        raise _error(ErrorCode.VALIDATION, field="user")
    if (
        company_admins(company).filter(pk=user.pk).exists()
        and user.groups.filter(name=COMPANY_ADMINS_GROUP).exists()
    ):
        return False
    with transaction.atomic():
        # The group is part of the grant: created here if missing, whoever grants.
        group = _ensure_groups(actor, (COMPANY_ADMINS_GROUP,))[COMPANY_ADMINS_GROUP]
        assign_perm(COMPANY_ADMIN_PERMISSION, user, company)
        user.groups.add(group)
        _audit(
            company,
            "wagtail_network.company_admin.grant",
            actor,
            user_id=user.pk,
            username=user.get_username(),
        )
    # The user's page permissions come from their grants (admin page policy):
    # forget what was memoised about them. Wagtail's own page-permission caches
    # live on the user object of one request, which the grant does not reach.
    _changed(user)
    return True


def revoke_company_admin(actor: Any, user: Any, company: CompanyPage) -> bool:
    """Take ``user``'s admin rights on ``company`` away; once they administer no
    company, they also leave the "Company admins" group.

    Logged as ``wagtail_network.company_admin.revoke`` on the company page. A user
    who is not an admin of ``company`` (any more: a second click) is left as they
    are: nothing is written or logged, and ``False`` is returned (``True`` when
    revoked). Errors: ``PERMISSION_DENIED``.
    """
    from guardian.shortcuts import remove_perm

    _check_manager(actor, company)
    with transaction.atomic():
        if not company_admins(company).filter(pk=user.pk).exists():
            return False
        remove_perm(COMPANY_ADMIN_PERMISSION, user, company)
        _changed(user)  # before asking which companies they still administer
        if not visibility.administered_companies(user).exists():
            user.groups.remove(*Group.objects.filter(name=COMPANY_ADMINS_GROUP))
        _audit(
            company,
            "wagtail_network.company_admin.revoke",
            actor,
            user_id=user.pk,
            username=user.get_username(),
        )
    return True


__all__ = [
    "COMPANY_ADMINS_GROUP",
    "COMPANY_ADMIN_CODENAME",
    "COMPANY_ADMIN_PERMISSION",
    "EDITORS_GROUP",
    "MODERATORS_GROUP",
    "ROLE_DESCRIPTIONS",
    "ROLE_PERMISSIONS",
    "can_manage_company_admins",
    "companies_user_can_manage_admins_for",
    "company_admins",
    "ensure_role_groups",
    "grant_company_admin",
    "group_page_permissions",
    "revoke_company_admin",
]
