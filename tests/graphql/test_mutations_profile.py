"""updateMyProfile, updateCompany, confirmPosition and reportContent."""

from __future__ import annotations

from django.test import TestCase

from tests.factories import CompanyPageFactory, PositionFactory, UserFactory
from tests.graphql.mutation_support import build_net, error_codes, gid, mutate
from tests.graphql.test_protection import network
from wagtail_network.models import CompanyPage, MemberPage, Position, Report

PROFILE = """mutation($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) {
  member { id name headline city openTo email skills { skill { name } }
           positions { title company { name } verified } }
  errors { code field message } } }"""
COMPANY = """mutation($input: UpdateCompanyInput!) { updateCompany(input: $input) {
  company { name tagline city } errors { code field message } } }"""
CONFIRM = """mutation($id: ID!, $c: Boolean) {
  confirmPosition(input: {positionId: $id, confirmed: $c}) {
  position { title verified } errors { code field message } } }"""
REPORT = """mutation($id: ID!, $r: ReportReason!, $d: String) {
  reportContent(input: {targetId: $id, reason: $r, details: $d}) {
  reportId errors { code field message } } }"""


class Profile(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()

    def test_update_my_profile_changes_only_sent_fields_as_a_revision(self):
        revisions = self.n.alice.revisions.count()
        payload = mutate(
            "updateMyProfile",
            PROFILE,
            {"input": {"headline": "Builder", "openTo": ["MENTORING"], "city": "Delft"}},
            user=self.n.u_alice,
        )
        assert payload["errors"] == []
        member = payload["member"]
        assert (member["name"], member["headline"], member["city"]) == ("Alice", "Builder", "Delft")
        assert member["openTo"] == ["MENTORING"]
        page = MemberPage.objects.get(pk=self.n.alice.pk)
        assert page.headline == "Builder" and page.open_to_mentoring
        assert page.country == "Netherlands"  # not sent, not changed
        assert page.revisions.count() == revisions + 1

    def test_update_my_profile_sets_skills_and_positions_by_global_id(self):
        payload = mutate(
            "updateMyProfile",
            PROFILE,
            {
                "input": {
                    "skillIds": [gid("Skill", self.n.django.pk)],
                    "positions": [
                        {
                            "title": "CEO",
                            "companyId": gid("Company", self.n.acme.pk),
                            "isCurrent": True,
                        },
                        {
                            "title": "Intern",
                            "companyName": "Elsewhere",
                            "startDate": "2010-01-01",
                            "endDate": "2011-01-01",
                        },
                    ],
                }
            },
            user=self.n.u_alice,
        )
        assert payload["errors"] == [], payload
        assert [s["skill"]["name"] for s in payload["member"]["skills"]] == ["Django"]
        assert {p["title"] for p in payload["member"]["positions"]} == {"CEO", "Intern"}
        assert Position.objects.filter(member=self.n.alice, company=self.n.acme).exists()

    def test_position_ending_before_it_starts_is_a_validation_error_on_the_field(self):
        before = Position.objects.count(), self.n.alice.revisions.count()
        payload = mutate(
            "updateMyProfile",
            PROFILE,
            {
                "input": {
                    "headline": "Changed",
                    "positions": [
                        {
                            "title": "X",
                            "companyName": "Y",
                            "startDate": "2020-01-01",
                            "endDate": "2019-01-01",
                        }
                    ],
                }
            },
            user=self.n.u_alice,
        )
        assert error_codes(payload) == [("VALIDATION", "positions.0.endDate")]
        assert (Position.objects.count(), self.n.alice.revisions.count()) == before
        assert MemberPage.objects.get(pk=self.n.alice.pk).headline == "Professional"

    def test_unknown_company_in_position_is_not_found_on_the_field(self):
        payload = mutate(
            "updateMyProfile",
            PROFILE,
            {"input": {"positions": [{"title": "X", "companyId": "nonsense"}]}},
            user=self.n.u_alice,
        )
        assert error_codes(payload) == [("NOT_FOUND", "positions.0.companyId")]

    def test_malformed_skill_id_is_not_found_with_its_index(self):
        payload = mutate(
            "updateMyProfile",
            PROFILE,
            {"input": {"skillIds": [gid("Skill", self.n.python.pk), "bad"]}},
            user=self.n.u_alice,
        )
        assert error_codes(payload) == [("NOT_FOUND", "skillIds.1")]

    def test_invalid_email_is_a_validation_error(self):
        payload = mutate(
            "updateMyProfile",
            PROFILE,
            {"input": {"contactEmail": "not-an-email"}},
            user=self.n.u_alice,
        )
        assert error_codes(payload) == [("VALIDATION", "contactEmail")]

    def test_locked_visibility_cannot_be_changed(self):
        with network(LOCKED_FIELD_VISIBILITY={"email": "members"}):
            payload = mutate(
                "updateMyProfile",
                PROFILE,
                {"input": {"emailVisibility": "PUBLIC"}},
                user=self.n.u_alice,
            )
        assert error_codes(payload) == [("VALIDATION", "emailVisibility")]

    def test_signed_in_user_without_profile_joins_the_network(self):
        user = UserFactory(username="newbie", first_name="New", last_name="Bie")
        payload = mutate(
            "updateMyProfile",
            PROFILE,
            {"input": {"name": "New Bie", "headline": "Hello"}},
            user=user,
        )
        assert payload["errors"] == [], payload
        page = MemberPage.objects.get(user=user)
        assert page.title == "New Bie" and page.live
        assert page.get_parent().pk == self.n.directory.pk

    def test_new_profile_waits_for_editor_when_configured(self):
        user = UserFactory(username="waiting")
        with network(NEW_PROFILES_LIVE=False):
            payload = mutate("updateMyProfile", PROFILE, {"input": {"name": "Waiting"}}, user=user)
        assert payload["errors"] == []
        assert not MemberPage.objects.get(user=user).live

    def test_anonymous_cannot_update_profile(self):
        payload = mutate("updateMyProfile", PROFILE, {"input": {"headline": "x"}})
        assert error_codes(payload) == [("UNAUTHENTICATED", None)]


class Company(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()

    def test_company_admin_updates_own_company(self):
        payload = mutate(
            "updateCompany",
            COMPANY,
            {
                "input": {
                    "companyId": gid("Company", self.n.acme.pk),
                    "tagline": "Rockets",
                    "city": "Leiden",
                }
            },
            user=self.n.u_admin,
        )
        assert payload == {
            "company": {"name": "Acme", "tagline": "Rockets", "city": "Leiden"},
            "errors": [],
        }
        assert CompanyPage.objects.get(pk=self.n.acme.pk).tagline == "Rockets"

    def test_company_admin_cannot_update_another_company_permission_denied(self):
        payload = mutate(
            "updateCompany",
            COMPANY,
            {"input": {"companyId": gid("Company", self.n.globex.pk), "tagline": "Mine now"}},
            user=self.n.u_admin,
        )
        assert error_codes(payload) == [("PERMISSION_DENIED", None)]
        assert CompanyPage.objects.get(pk=self.n.globex.pk).tagline == "We make things"

    def test_member_cannot_update_company(self):
        payload = mutate(
            "updateCompany",
            COMPANY,
            {"input": {"companyId": gid("Company", self.n.acme.pk), "tagline": "x"}},
            user=self.n.u_alice,
        )
        assert error_codes(payload) == [("PERMISSION_DENIED", None)]

    def test_invisible_draft_company_is_not_found(self):
        draft = CompanyPageFactory(parent=self.n.companies, title="Stealth", live=False)
        payload = mutate(
            "updateCompany",
            COMPANY,
            {"input": {"companyId": gid("Company", draft.pk), "tagline": "x"}},
            user=self.n.u_admin,
        )
        assert error_codes(payload) == [("NOT_FOUND", "companyId")]

    def test_editor_updates_any_company(self):
        payload = mutate(
            "updateCompany",
            COMPANY,
            {"input": {"companyId": gid("Company", self.n.globex.pk), "name": "Globex Corp"}},
            user=self.n.u_editor,
        )
        assert payload["company"]["name"] == "Globex Corp"

    def test_invalid_website_is_validation_error_and_nothing_changes(self):
        payload = mutate(
            "updateCompany",
            COMPANY,
            {
                "input": {
                    "companyId": gid("Company", self.n.acme.pk),
                    "tagline": "New",
                    "website": "not a url",
                }
            },
            user=self.n.u_admin,
        )
        assert error_codes(payload) == [("VALIDATION", "website")]
        assert CompanyPage.objects.get(pk=self.n.acme.pk).tagline == "We make things"


class ConfirmPosition(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()
        cls.at_acme = PositionFactory(member=cls.n.bob, company=cls.n.acme, title="Dev")
        # alice's profile is public, so the Acme admin sees this position.
        cls.at_globex = PositionFactory(member=cls.n.alice, company=cls.n.globex, title="Ops")

    def test_company_admin_confirms_position(self):
        payload = mutate(
            "confirmPosition",
            CONFIRM,
            {"id": gid("Position", self.at_acme.pk)},
            user=self.n.u_admin,
        )
        assert payload == {"position": {"title": "Dev", "verified": True}, "errors": []}
        position = Position.objects.get(pk=self.at_acme.pk)
        assert position.verified_at is not None and position.verified_by == self.n.u_admin

    def test_company_admin_withdraws_confirmation(self):
        mutate(
            "confirmPosition",
            CONFIRM,
            {"id": gid("Position", self.at_acme.pk)},
            user=self.n.u_admin,
        )
        payload = mutate(
            "confirmPosition",
            CONFIRM,
            {"id": gid("Position", self.at_acme.pk), "c": False},
            user=self.n.u_admin,
        )
        assert payload["position"]["verified"] is False

    def test_admin_of_another_company_gets_permission_denied(self):
        payload = mutate(
            "confirmPosition",
            CONFIRM,
            {"id": gid("Position", self.at_globex.pk)},
            user=self.n.u_admin,
        )
        assert error_codes(payload) == [("PERMISSION_DENIED", None)]
        assert Position.objects.get(pk=self.at_globex.pk).verified_at is None

    def test_member_cannot_confirm_own_position(self):
        payload = mutate(
            "confirmPosition", CONFIRM, {"id": gid("Position", self.at_acme.pk)}, user=self.n.u_bob
        )
        assert error_codes(payload) == [("PERMISSION_DENIED", None)]

    def test_position_hidden_from_viewer_is_not_found(self):
        # Positions claimed at Acme stay visible to Acme's admin; this one is at Globex.
        MemberPage.objects.filter(pk=self.n.alice.pk).update(positions_visibility="only_me")
        payload = mutate(
            "confirmPosition",
            CONFIRM,
            {"id": gid("Position", self.at_globex.pk)},
            user=self.n.u_admin,
        )
        assert error_codes(payload) == [("NOT_FOUND", "positionId")]

    def test_malformed_position_id_is_not_found(self):
        payload = mutate("confirmPosition", CONFIRM, {"id": "Position:1"}, user=self.n.u_admin)
        assert error_codes(payload) == [("NOT_FOUND", "positionId")]


class ReportContent(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()

    def test_report_member_creates_open_report(self):
        payload = mutate(
            "reportContent",
            REPORT,
            {"id": gid("Member", self.n.eve.pk), "r": "SPAM", "d": "Ads"},
            user=self.n.u_alice,
        )
        assert payload["errors"] == [] and payload["reportId"]
        report = Report.objects.get()
        assert (report.reporter, report.target_member, report.reason) == (
            self.n.alice,
            self.n.eve,
            "spam",
        )

    def test_report_company(self):
        payload = mutate(
            "reportContent",
            REPORT,
            {"id": gid("Company", self.n.acme.pk), "r": "FAKE"},
            user=self.n.u_alice,
        )
        assert payload["errors"] == []
        assert Report.objects.get().target_company == self.n.acme

    def test_reporting_twice_returns_the_open_report(self):
        variables = {"id": gid("Member", self.n.eve.pk), "r": "SPAM"}
        first = mutate("reportContent", REPORT, variables, user=self.n.u_alice)
        second = mutate("reportContent", REPORT, variables, user=self.n.u_alice)
        assert first["reportId"] == second["reportId"] and Report.objects.count() == 1

    def test_report_invisible_member_is_not_found(self):
        payload = mutate(
            "reportContent",
            REPORT,
            {"id": gid("Member", self.n.carol.pk), "r": "SPAM"},
            user=self.n.u_alice,
        )
        assert error_codes(payload) == [("NOT_FOUND", "targetId")]
        assert not Report.objects.exists()

    def test_report_yourself_is_self_action(self):
        payload = mutate(
            "reportContent",
            REPORT,
            {"id": gid("Member", self.n.alice.pk), "r": "SPAM"},
            user=self.n.u_alice,
        )
        assert error_codes(payload) == [("SELF_ACTION", "targetId")]

    def test_report_with_unsupported_type_is_not_found(self):
        payload = mutate(
            "reportContent",
            REPORT,
            {"id": gid("Skill", self.n.python.pk), "r": "SPAM"},
            user=self.n.u_alice,
        )
        assert error_codes(payload) == [("NOT_FOUND", "targetId")]

    def test_report_details_too_long_is_validation(self):
        payload = mutate(
            "reportContent",
            REPORT,
            {"id": gid("Member", self.n.eve.pk), "r": "OTHER", "d": "x" * 2001},
            user=self.n.u_alice,
        )
        assert error_codes(payload) == [("VALIDATION", "details")]
        assert not Report.objects.exists()
