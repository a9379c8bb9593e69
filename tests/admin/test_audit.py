"""Every admin write goes through the service layer: it is in the audit log exactly
once, with the user who made it, and a refused write leaves nothing behind.

Issue 6: "Every write goes through the service layer, with its permission check,
validation, transaction and audit entry." Moderation decisions are covered in
``test_moderation.py`` and the CSV import in ``test_import.py``.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import ModelLogEntry, PageLogEntry

from tests.admin.data import AdminData
from tests.admin.test_merge import MergeSkillsData
from tests.factories import UserFactory
from wagtail_network import services
from wagtail_network.errors import ErrorCode, NetworkError
from wagtail_network.models import Skill
from wagtail_network.services import roles


def page_entries(page, action: str):
    return PageLogEntry.objects.filter(page_id=page.pk, action=action)


def model_entries(obj, action: str):
    return ModelLogEntry.objects.filter(
        content_type__model=obj._meta.model_name, object_id=str(obj.pk), action=action
    )


class CompanyAdminGrantAuditTests(AdminData):
    def url(self, company):
        return reverse("wagtail_network_company_admins:company", args=[company.pk])

    def test_grant_on_the_screen_is_logged_once_with_the_editor(self):
        self.login(self.editor)
        self.client.post(self.url(self.globex), {"user": self.bob_user.get_username()})
        entries = page_entries(self.globex, "wagtail_network.company_admin.grant")
        self.assertEqual(entries.count(), 1)
        self.assertEqual(entries.get().user, self.editor)
        self.assertEqual(entries.get().data["user_id"], self.bob_user.pk)

    def test_revoke_on_the_screen_is_logged_once_with_the_editor(self):
        self.login(self.editor)
        self.client.post(self.url(self.acme), {"revoke": self.company_admin.pk})
        entries = page_entries(self.acme, "wagtail_network.company_admin.revoke")
        self.assertEqual(entries.count(), 1)
        self.assertEqual(entries.get().user, self.editor)

    def test_company_admins_may_not_grant_and_nothing_is_written(self):
        before = PageLogEntry.objects.count()
        with self.assertRaises(NetworkError) as refused:
            roles.grant_company_admin(self.company_admin, self.bob_user, self.acme)
        self.assertEqual(refused.exception.code, ErrorCode.PERMISSION_DENIED)
        self.assertNotIn(self.bob_user, roles.company_admins(self.acme))
        self.assertFalse(self.bob_user.groups.filter(name=roles.COMPANY_ADMINS_GROUP).exists())
        self.assertEqual(PageLogEntry.objects.count(), before)

    def test_revoking_someone_who_is_no_admin_is_refused_and_not_logged(self):
        self.login(self.editor)
        response = self.client.post(self.url(self.acme), {"revoke": self.bob_user.pk}, follow=True)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(page_entries(self.acme, "wagtail_network.company_admin.revoke").exists())
        self.assertIn(self.company_admin, roles.company_admins(self.acme))

    def test_inactive_users_cannot_be_made_company_admins(self):
        sleeper = UserFactory(username="sleeper", is_active=False)
        with self.assertRaises(NetworkError) as refused:
            roles.grant_company_admin(self.editor, sleeper, self.globex)
        self.assertEqual(refused.exception.code, ErrorCode.VALIDATION)
        self.assertFalse(roles.company_admins(self.globex).exists())


class RoleGroupAuditTests(AdminData):
    def test_ensuring_complete_groups_writes_and_logs_nothing(self):
        before = ModelLogEntry.objects.count()
        roles.ensure_role_groups(self.superuser)
        self.assertEqual(ModelLogEntry.objects.count(), before)

    def test_completing_a_group_is_logged_once_with_the_superuser(self):
        editors = Group.objects.get(name=roles.EDITORS_GROUP)
        merge_right = Permission.objects.get(
            content_type__app_label="wagtail_network", codename="delete_skill"
        )
        editors.permissions.remove(merge_right)
        roles.ensure_role_groups(self.superuser)
        self.assertTrue(editors.permissions.filter(pk=merge_right.pk).exists())
        entries = model_entries(editors, "wagtail.edit")
        self.assertEqual(entries.count(), 1)
        self.assertEqual(entries.get().user, self.superuser)
        self.assertEqual(entries.get().data["permissions_added"], ["wagtail_network.delete_skill"])

    def test_only_superusers_set_up_role_groups(self):
        Group.objects.filter(name=roles.MODERATORS_GROUP).delete()
        with self.assertRaises(NetworkError):
            roles.ensure_role_groups(self.editor)
        self.assertFalse(Group.objects.filter(name=roles.MODERATORS_GROUP).exists())

    def test_the_demo_site_declares_no_groups_of_its_own(self):
        from example_site.demo import roles as demo_roles

        groups = demo_roles.ensure_groups([self.company_index, self.member_index])
        for name, labels in roles.ROLE_PERMISSIONS.items():
            have = {
                f"{p.content_type.app_label}.{p.codename}"
                for p in groups[name].permissions.select_related("content_type")
            }
            self.assertEqual(have, set(labels), name)


class MergeAuditTests(MergeSkillsData):
    def test_merge_is_logged_once_per_duplicate_with_the_editor(self):
        self.merge(self.editor, [self.skill, self.duplicate], keep=self.skill)
        merged = model_entries(self.skill, "wagtail_network.vocabulary.merge")
        self.assertEqual(merged.count(), 1)
        self.assertEqual(merged.get().user, self.editor)
        deleted = model_entries(self.duplicate, "wagtail.delete")
        self.assertEqual(deleted.count(), 1)
        self.assertEqual(deleted.get().user, self.editor)

    def test_merge_refused_by_the_service_writes_nothing(self):
        before = ModelLogEntry.objects.count()
        with self.assertRaises(NetworkError) as refused:
            services.merge_terms(self.moderator, self.skill, [self.duplicate])
        self.assertEqual(refused.exception.code, ErrorCode.PERMISSION_DENIED)
        self.assertTrue(Skill.objects.filter(pk=self.duplicate.pk).exists())
        self.assertTrue(self.alice.skills.filter(pk=self.duplicate.pk).exists())
        self.assertEqual(ModelLogEntry.objects.count(), before)

    def test_merging_terms_of_two_vocabularies_is_refused(self):
        from tests.factories import IndustryFactory

        with self.assertRaises(NetworkError) as refused:
            services.merge_terms(self.editor, self.skill, [IndustryFactory(name="Oops")])
        self.assertEqual(refused.exception.code, ErrorCode.VALIDATION)
        self.assertTrue(Skill.objects.filter(pk=self.duplicate.pk).exists())
