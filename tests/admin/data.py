"""One network and one user per admin role, built once per test class.

Roles follow PRODUCT.md: a superuser, an editor (the "Network editors" group
plus Wagtail page permissions on the site), a moderator (the "Network
moderators" group), a company admin of Acme (a guardian grant, nothing else),
and a user holding the *global* ``change_companypage`` permission.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.test import TestCase
from wagtail.models import GroupPagePermission

from tests.factories import (
    CompanyIndexPageFactory,
    CompanyPageFactory,
    MemberIndexPageFactory,
    MemberPageFactory,
    PositionFactory,
    SkillFactory,
    UserFactory,
    site_root,
)
from wagtail_network.models import CompanyRelationship, CompanyRelationshipKind
from wagtail_network.services import roles


def page_perm(codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)


class AdminData(TestCase):
    """Shared fixture: read it freely; tests that write roll back per test."""

    @classmethod
    def setUpTestData(cls):
        groups = roles.ensure_role_groups()
        cls.root = site_root()
        cls.company_index = CompanyIndexPageFactory(parent=cls.root)
        cls.member_index = MemberIndexPageFactory(parent=cls.root)
        cls.acme = CompanyPageFactory(parent=cls.company_index, title="Acme Widgets")
        cls.globex = CompanyPageFactory(parent=cls.company_index, title="Globex Widgets")
        cls.initech = CompanyPageFactory(
            parent=cls.company_index, title="Initech Widgets", live=False
        )

        cls.superuser = UserFactory(username="root", is_superuser=True, is_staff=True)

        cls.editor = UserFactory(username="editor")
        cls.editor.groups.add(groups[roles.EDITORS_GROUP])
        wagtail_editors = Group.objects.create(name="Site editors")
        for codename in ("add_page", "change_page", "publish_page"):
            GroupPagePermission.objects.create(
                group=wagtail_editors, page=cls.root, permission=page_perm(codename)
            )
        cls.editor.groups.add(wagtail_editors)

        cls.moderator = UserFactory(username="moderator")
        cls.moderator.groups.add(groups[roles.MODERATORS_GROUP])

        cls.company_admin = UserFactory(username="acmeadmin")
        roles.grant_company_admin(cls.superuser, cls.company_admin, cls.acme)

        cls.global_perm_user = UserFactory(username="globalperm")
        cls.global_perm_user.user_permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
            Permission.objects.get(
                content_type__app_label="wagtail_network", codename="change_companypage"
            ),
        )

        cls.skill = SkillFactory(name="Python")
        cls.alice_user = UserFactory(username="alice")
        cls.alice = MemberPageFactory(parent=cls.member_index, title="Alice", user=cls.alice_user)
        cls.bob_user = UserFactory(username="bob")
        cls.bob = MemberPageFactory(parent=cls.member_index, title="Bob", user=cls.bob_user)
        cls.alice_at_acme = PositionFactory(member=cls.alice, company=cls.acme, title="CTO")
        cls.bob_at_globex = PositionFactory(member=cls.bob, company=cls.globex, title="CEO")

        cls.acme_partner = CompanyRelationship.objects.create(
            from_company=cls.acme,
            to_company=cls.globex,
            kind=CompanyRelationshipKind.PARTNER,
            confirmed_by_editor=True,
        )
        cls.globex_client = CompanyRelationship.objects.create(
            from_company=cls.globex,
            to_company=cls.initech,
            kind=CompanyRelationshipKind.CLIENT,
            confirmed_by_editor=True,
        )

    def login(self, user):
        self.client.force_login(user)
        return user
