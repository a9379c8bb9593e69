"""Position confirmation by company admins (guardian grants), reports and
company-to-company relationships."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from guardian.shortcuts import assign_perm
from wagtail.models import ModelLogEntry

from tests.factories import PositionFactory, UserFactory, connect
from tests.services.conftest import fresh
from tests.services.helpers import raises, snapshot
from wagtail_network import services
from wagtail_network.errors import ErrorCode
from wagtail_network.models import CompanyRelationship, Position, Report, ReportState

pytestmark = pytest.mark.django_db

ADMIN_PERM = "wagtail_network.change_companypage"


def company_admin(company, **kwargs):
    user = UserFactory(**kwargs)
    assign_perm(ADMIN_PERM, user, company)
    return fresh(user)


@pytest.fixture
def wagtail_editor(db):
    """A non-superuser in Wagtail's own "Editors" group (page permissions on the tree)."""
    user = UserFactory(username="wagtail-editor")
    user.groups.add(Group.objects.get(name="Editors"))
    return fresh(user)


# --- positions ------------------------------------------------------------------------


def test_company_admin_confirms_a_position_at_their_company(alice, company):
    position = PositionFactory(member=alice, company=company)
    admin = company_admin(company)
    confirmed = services.confirm_position(admin, position)
    position.refresh_from_db()
    assert position.verified_at is not None and position.verified_by_id == admin.pk
    assert confirmed.is_verified
    assert ModelLogEntry.objects.filter(action="wagtail_network.position.confirm").exists()


def test_other_company_admin_cannot_confirm_a_position(alice, company, other_company):
    position = PositionFactory(member=alice, company=company)
    admin = company_admin(other_company)
    with raises(ErrorCode.PERMISSION_DENIED):
        services.confirm_position(admin, position)
    position.refresh_from_db()
    assert position.verified_at is None


def test_position_hidden_from_other_company_admin_is_not_found(alice, company, other_company):
    alice.positions_visibility = "only_me"
    alice.save()
    position = PositionFactory(member=alice, company=company)
    with raises(ErrorCode.NOT_FOUND, "position"):
        services.confirm_position(company_admin(other_company), position)
    # The company's own admin always sees positions claimed at the company.
    assert services.confirm_position(company_admin(company), position).is_verified


def test_global_change_permission_does_not_make_a_company_admin(alice, company):
    from django.contrib.auth.models import Permission

    position = PositionFactory(member=alice, company=company)
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="change_companypage"))
    with raises(ErrorCode.PERMISSION_DENIED):
        services.confirm_position(fresh(user), position)


def test_editor_confirms_any_position(alice, company, wagtail_editor):
    position = PositionFactory(member=alice, company=company)
    assert services.confirm_position(wagtail_editor, position).is_verified


def test_member_cannot_confirm_own_position(alice, company):
    position = PositionFactory(member=alice, company=company)
    with raises(ErrorCode.PERMISSION_DENIED):
        services.confirm_position(alice.user, position)


def test_free_text_position_cannot_be_confirmed_by_a_company_admin(alice, company):
    position = PositionFactory(member=alice, company=None, company_name="Elsewhere")
    with raises(ErrorCode.PERMISSION_DENIED):
        services.confirm_position(company_admin(company), position)


def test_company_admin_withdraws_a_confirmation(alice, company):
    position = PositionFactory(member=alice, company=company)
    admin = company_admin(company)
    services.confirm_position(admin, position)
    services.unverify_position(admin, position)
    position.refresh_from_db()
    assert position.verified_at is None and position.verified_by is None


def test_confirmation_survives_the_member_editing_their_profile(alice, company):
    position = PositionFactory(member=alice, company=company)
    services.confirm_position(company_admin(company), position)
    services.update_my_profile(alice.user, headline="Still here")
    position.refresh_from_db()
    assert position.verified_at is not None


def test_changing_a_confirmed_position_title_drops_the_confirmation(alice, company):
    position = PositionFactory(member=alice, company=company, title="Engineer")
    services.confirm_position(company_admin(company), position)
    row = {"id": position.pk, "company": company.pk, "title": "CEO", "is_current": True}
    services.update_my_profile(alice.user, positions=[row])
    assert Position.objects.get(member=alice).verified_at is None


# --- reports --------------------------------------------------------------------------


def test_member_reports_a_visible_profile(alice, bob):
    report = services.report_content(alice.user, member=bob, reason="spam", details="Ads")
    assert (report.reporter_id, report.target_member_id, report.state) == (
        alice.pk,
        bob.pk,
        ReportState.OPEN,
    )
    assert ModelLogEntry.objects.filter(action="wagtail_network.report.create").exists()


def test_reporting_the_same_thing_twice_keeps_one_open_report(alice, bob):
    first = services.report_content(alice.user, member=bob, reason="spam")
    second = services.report_content(alice.user, member=bob, reason="fake")
    assert first.pk == second.pk
    assert Report.objects.count() == 1


def test_report_needs_exactly_one_target(alice, bob, company):
    with raises(ErrorCode.VALIDATION, "target"):
        services.report_content(alice.user, reason="spam")
    with raises(ErrorCode.VALIDATION, "target"):
        services.report_content(alice.user, member=bob, company=company, reason="spam")
    assert not Report.objects.exists()


def test_report_reason_must_be_a_known_choice(alice, bob):
    with raises(ErrorCode.VALIDATION, "reason"):
        services.report_content(alice.user, member=bob, reason="boring")


def test_reporting_an_invisible_target_is_not_found(alice, make_member):
    hidden = make_member(profile_visibility="connections")
    with raises(ErrorCode.NOT_FOUND):
        services.report_content(alice.user, member=hidden, reason="spam")
    assert not Report.objects.exists()


def test_reporting_an_unpublished_recommendation_of_others_is_not_found(alice, bob, carol):
    connect(alice, bob)
    rec = services.write_recommendation(alice.user, bob, "same_team", "Great")
    with raises(ErrorCode.NOT_FOUND):
        services.report_content(carol.user, recommendation=rec, reason="spam")


def test_member_reports_a_company_and_a_published_recommendation(alice, bob, carol, company):
    connect(alice, bob)
    rec = services.write_recommendation(alice.user, bob, "same_team", "Great")
    services.respond_to_recommendation(bob.user, rec, "accept")
    services.report_content(carol.user, recommendation=rec, reason="inappropriate")
    services.report_content(carol.user, company=company, reason="fake")
    assert Report.objects.count() == 2


def test_moderator_resolves_a_report(alice, bob, moderator):
    report = services.report_content(alice.user, member=bob, reason="spam")
    resolved = services.resolve_report(moderator, report, "resolved", "Warned the member")
    assert (resolved.state, resolved.handled_by_id, resolved.resolution_note) == (
        ReportState.RESOLVED,
        moderator.pk,
        "Warned the member",
    )


def test_non_moderator_cannot_resolve_reports(alice, bob):
    report = services.report_content(alice.user, member=bob, reason="spam")
    before = snapshot()
    with raises(ErrorCode.NOT_FOUND):
        services.resolve_report(bob.user, report, "dismissed")
    assert snapshot() == before


def test_resolving_with_an_unknown_state_is_a_validation_error(alice, bob, moderator):
    report = services.report_content(alice.user, member=bob, reason="spam")
    with raises(ErrorCode.VALIDATION, "state"):
        services.resolve_report(moderator, report, "open")


# --- company relationships ------------------------------------------------------------


def test_company_admin_proposes_and_other_side_confirms(company, other_company):
    proposer, confirmer = company_admin(company), company_admin(other_company)
    rel = services.propose_company_relationship(proposer, company, other_company, "partner")
    assert (rel.confirmed_by_from, rel.confirmed_by_to, rel.is_confirmed) == (True, False, False)
    rel = services.confirm_company_relationship(confirmer, rel)
    assert rel.is_confirmed
    rel.refresh_from_db()
    assert rel.confirmed_by_to


def test_admin_of_another_company_cannot_propose_for_this_one(company, other_company):
    with raises(ErrorCode.PERMISSION_DENIED):
        services.propose_company_relationship(
            company_admin(other_company), company, other_company, "client"
        )
    assert not CompanyRelationship.objects.exists()


def test_stranger_cannot_confirm_a_relationship(company, other_company, alice):
    rel = services.propose_company_relationship(
        company_admin(company), company, other_company, "supplier"
    )
    # Unconfirmed relationships are visible only to the two sides' admins.
    with raises(ErrorCode.NOT_FOUND):
        services.confirm_company_relationship(alice.user, rel)


def test_editor_proposed_relationship_is_confirmed_by_the_editor(
    company, other_company, wagtail_editor
):
    rel = services.propose_company_relationship(
        wagtail_editor, company, other_company, "subsidiary"
    )
    assert rel.confirmed_by_editor and rel.is_confirmed


def test_relationship_kind_must_be_known(company, other_company):
    with raises(ErrorCode.VALIDATION, "kind"):
        services.propose_company_relationship(
            company_admin(company), company, other_company, "rival"
        )


def test_company_cannot_relate_to_itself(company):
    with raises(ErrorCode.SELF_ACTION):
        services.propose_company_relationship(company_admin(company), company, company, "partner")


def test_either_side_removes_a_relationship(company, other_company):
    rel = services.propose_company_relationship(
        company_admin(company), company, other_company, "partner"
    )
    services.remove_company_relationship(company_admin(other_company), rel)
    assert not CompanyRelationship.objects.exists()
