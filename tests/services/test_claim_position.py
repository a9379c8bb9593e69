"""``claim_position``: the one-click "I work here", through the profile's own path."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation
from guardian.shortcuts import assign_perm
from wagtail.models import PageLogEntry

from tests.factories import CompanyPageFactory, UserFactory
from tests.services.conftest import fresh
from tests.services.helpers import raises
from wagtail_network import services
from wagtail_network.errors import ErrorCode
from wagtail_network.models import Position

pytestmark = pytest.mark.django_db


def company_admin(company):
    user = UserFactory()
    assign_perm("wagtail_network.change_companypage", user, company)
    return fresh(user)


def test_claim_creates_an_unconfirmed_current_position_published_as_a_revision(alice, company):
    revisions = alice.revisions.count()
    position = services.claim_position(alice.user, company, title="Engineer")
    assert position.pk is not None
    assert (position.member_id, position.company_id) == (alice.pk, company.pk)
    assert position.title == "Engineer" and position.is_current
    assert position.verified_at is None
    alice.refresh_from_db()
    assert alice.revisions.count() == revisions + 1
    assert not alice.has_unpublished_changes
    assert PageLogEntry.objects.filter(action="wagtail.publish", page_id=alice.pk).exists()


def test_claim_is_confirmed_by_the_company_admin(alice, company):
    position = services.claim_position(alice.user, company)
    confirmed = services.confirm_position(company_admin(company), position.pk)
    assert confirmed.is_verified


def test_claim_keeps_the_other_positions_and_their_confirmations(alice, company, other_company):
    services.update_my_profile(
        alice.user,
        positions=[
            {"company": other_company.pk, "title": "Founder", "is_current": False},
            {"company_name": "Garage", "title": "Tinkerer"},
        ],
    )
    old = Position.objects.get(member=alice, company=other_company)
    services.confirm_position(company_admin(other_company), old)
    services.claim_position(alice.user, company, title="CTO")
    rows = Position.objects.filter(member=alice).order_by("sort_order")
    assert [(p.display_company, p.title) for p in rows] == [
        ("Globex", "Founder"),
        ("Garage", "Tinkerer"),
        ("Acme", "CTO"),
    ]
    assert Position.objects.get(pk=old.pk).verified_at is not None


def test_claim_without_a_title_reads_employee_in_the_members_language(alice, company):
    assert services.claim_position(alice.user, company).title == "Employee"
    with translation.override("nl"):
        other = CompanyPageFactory(parent=company.get_parent(), title="Initech")
        title = services.claim_position(alice.user, other, title="   ").title
    # Dutch (or English until the lead translates it): never empty.
    assert title


def test_claim_twice_is_already_exists_and_writes_nothing(alice, company):
    services.claim_position(alice.user, company)
    revisions = alice.revisions.count()
    with raises(ErrorCode.ALREADY_EXISTS, "company"):
        services.claim_position(alice.user, company, title="Other")
    assert alice.revisions.count() == revisions
    assert Position.objects.filter(member=alice).count() == 1


def test_a_past_position_there_does_not_stop_a_claim(alice, company):
    services.update_my_profile(
        alice.user, positions=[{"company": company.pk, "title": "Intern", "is_current": False}]
    )
    services.claim_position(alice.user, company, title="Engineer")
    titles = set(Position.objects.filter(member=alice).values_list("title", "is_current"))
    assert titles == {("Intern", False), ("Engineer", True)}


def test_claim_at_a_draft_company_is_not_found(alice, company):
    company.unpublish()
    with raises(ErrorCode.NOT_FOUND, "company"):
        services.claim_position(alice.user, company)
    assert not Position.objects.exists()


def test_claim_at_a_missing_company_is_not_found(alice):
    with raises(ErrorCode.NOT_FOUND, "company"):
        services.claim_position(alice.user, 999_999)


def test_claim_elsewhere_keeps_a_position_at_a_company_since_unpublished(
    alice, company, other_company
):
    services.claim_position(alice.user, other_company)
    other_company.unpublish()
    services.claim_position(alice.user, company)
    assert Position.objects.filter(member=alice).count() == 2


def test_claim_needs_a_signed_in_user_and_a_published_profile(alice, company, db):
    with raises(ErrorCode.UNAUTHENTICATED):
        services.claim_position(AnonymousUser(), company)
    with raises(ErrorCode.NO_PROFILE):
        services.claim_position(UserFactory(), company)
    alice.unpublish()
    with raises(ErrorCode.NO_PROFILE):
        services.claim_position(fresh(alice.user), company)
    assert not Position.objects.exists()


def test_claim_title_too_long_or_with_control_characters_is_validation(alice, company):
    with raises(ErrorCode.VALIDATION, "title"):
        services.claim_position(alice.user, company, title="x" * 201)
    with raises(ErrorCode.VALIDATION, "title"):
        services.claim_position(alice.user, company, title="a\x00b")
    assert not Position.objects.exists()


def test_claim_beyond_the_most_positions_allowed_is_validation(alice, company, monkeypatch):
    from wagtail_network import limits

    services.update_my_profile(alice.user, positions=[{"company_name": "Garage", "title": "A"}])
    monkeypatch.setattr(limits, "POSITIONS_MAX_ITEMS", 1)
    monkeypatch.setitem(services.profiles.PROFILE_LIST_LIMITS, "positions", 1)
    with raises(ErrorCode.VALIDATION, "positions"):
        services.claim_position(alice.user, company)
    assert Position.objects.filter(member=alice).count() == 1
