"""update_my_profile (joining the network, editing one's own profile) and
update_company, through Wagtail revisions and publishing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings
from guardian.shortcuts import assign_perm
from wagtail.models import PageLogEntry

from tests.factories import CompanyPageFactory, IndustryFactory, SkillFactory, UserFactory
from tests.services.conftest import fresh
from tests.services.helpers import raises
from wagtail_network import services
from wagtail_network.errors import ErrorCode
from wagtail_network.models import CompanyPage, MemberPage

pytestmark = pytest.mark.django_db


def test_user_without_profile_joins_under_the_member_directory(directories):
    user = UserFactory(first_name="Joost", last_name="de Vries")
    member = services.update_my_profile(user, name="Joost de Vries", headline="Gardener")
    assert member.user_id == user.pk
    assert member.title == "Joost de Vries"
    assert member.get_parent().pk == directories[0].pk
    assert member.live
    assert member.revisions.count() == 1
    assert PageLogEntry.objects.filter(page=member, action="wagtail.publish").exists()


@override_settings(WAGTAIL_NETWORK={"NEW_PROFILES_LIVE": False})
def test_new_profile_waits_for_an_editor_when_not_live_by_default(directories):
    user = UserFactory()
    member = services.update_my_profile(user, title="Draft Person")
    assert not member.live
    assert member.revisions.count() == 1


def test_member_directory_setting_chooses_the_parent(directories, site_root):
    from tests.factories import MemberIndexPageFactory

    other = MemberIndexPageFactory(parent=site_root, title="Alumni", slug="alumni")
    with override_settings(WAGTAIL_NETWORK={"MEMBER_DIRECTORY": "alumni"}):
        member = services.update_my_profile(UserFactory(), title="Old Hand")
    assert member.get_parent().pk == other.pk


def test_joining_without_a_member_directory_is_refused(db):
    with raises(ErrorCode.INVALID_STATE):
        services.update_my_profile(UserFactory(), title="Nowhere")
    assert not MemberPage.objects.exists()


def test_two_members_with_the_same_name_get_distinct_slugs(directories):
    a = services.update_my_profile(UserFactory(), title="Sam Jansen")
    b = services.update_my_profile(UserFactory(), title="Sam Jansen")
    assert a.slug != b.slug


def test_editing_saves_a_revision_and_publishes(alice):
    industry = IndustryFactory(name="Agriculture")
    python, go = SkillFactory(name="Python"), SkillFactory(name="Go")
    member = services.update_my_profile(
        alice.user,
        headline="Farmer",
        industry=industry.slug,
        skills=[python.slug, go.pk],
        open_to=["mentoring", "advice"],
        interests=["tulips"],
    )
    assert member.headline == "Farmer"
    assert member.industry_id == industry.pk
    assert set(member.skills.values_list("pk", flat=True)) == {python.pk, go.pk}
    assert member.open_to == ["mentoring", "advice"]
    assert list(member.interests.names()) == ["tulips"]
    assert member.revisions.count() == 1
    assert PageLogEntry.objects.filter(page=member, action="wagtail.publish").exists()


def test_bio_is_plain_text_never_markup(alice):
    member = services.update_my_profile(alice.user, bio="<script>x</script>\n\nSecond")
    assert "<script>" not in member.bio
    assert member.bio == "<p>&lt;script&gt;x&lt;/script&gt;</p><p>Second</p>"


def test_invalid_profile_field_is_a_validation_error_with_field(alice):
    with raises(ErrorCode.VALIDATION, "contact_email"):
        services.update_my_profile(alice.user, contact_email="not-an-email")
    with raises(ErrorCode.VALIDATION, "profile_visibility"):
        services.update_my_profile(alice.user, profile_visibility="everyone")
    with raises(ErrorCode.VALIDATION, "title"):
        services.update_my_profile(alice.user, title="")
    with raises(ErrorCode.VALIDATION, "name"):
        services.update_my_profile(alice.user, name="")
    with raises(ErrorCode.VALIDATION, "skills"):
        services.update_my_profile(alice.user, skills=[987654])
    with raises(ErrorCode.VALIDATION, "user"):
        services.update_my_profile(alice.user, user=1)
    alice.refresh_from_db()
    assert alice.revisions.count() == 0


@override_settings(WAGTAIL_NETWORK={"LOCKED_FIELD_VISIBILITY": {"phone": "only_me"}})
def test_locked_field_visibility_cannot_be_changed(alice):
    with raises(ErrorCode.VALIDATION, "phone_visibility"):
        services.update_my_profile(alice.user, phone_visibility="public")
    services.update_my_profile(alice.user, phone_visibility="only_me")


@override_settings(WAGTAIL_NETWORK={"LOCKED_PROFILE_VISIBILITY": "members"})
def test_locked_profile_visibility_cannot_be_changed(alice):
    with raises(ErrorCode.VALIDATION, "profile_visibility"):
        services.update_my_profile(alice.user, profile_visibility="public")


def test_positions_are_replaced_with_validation(alice, company):
    member = services.update_my_profile(
        alice.user,
        positions=[
            {"company": company.pk, "title": "CTO", "is_current": True},
            {"company_name": "Garage", "title": "Founder"},
        ],
    )
    assert sorted(member.positions.values_list("title", flat=True)) == ["CTO", "Founder"]
    with raises(ErrorCode.VALIDATION, "positions.0.end_date"):
        services.update_my_profile(
            alice.user,
            positions=[
                {
                    "company_name": "X",
                    "title": "Y",
                    "start_date": "2020-01-01",
                    "end_date": "2019-01-01",
                }
            ],
        )
    with raises(ErrorCode.VALIDATION, "positions.0.company_name"):
        services.update_my_profile(alice.user, positions=[{"title": "Nowhere"}])


def test_profile_update_accepts_request_user_lazy_proxy(alice):
    from django.utils.functional import SimpleLazyObject

    lazy = SimpleLazyObject(lambda: alice.user)
    assert services.update_my_profile(lazy, headline="Lazy").headline == "Lazy"


def test_profile_update_needs_a_signed_in_user(db):
    with raises(ErrorCode.UNAUTHENTICATED):
        services.update_my_profile(AnonymousUser(), headline="x")


# --- companies ------------------------------------------------------------------------


def test_company_admin_updates_their_company_through_a_revision(company):
    admin = UserFactory()
    assign_perm("wagtail_network.change_companypage", admin, company)
    updated = services.update_company(
        fresh(admin), company, tagline="Better things", description="Line one", founded_year=1999
    )
    assert updated.tagline == "Better things"
    assert updated.description == "<p>Line one</p>"
    assert updated.founded_year == 1999
    assert updated.revisions.count() == 1
    assert PageLogEntry.objects.filter(page=company, action="wagtail.publish").exists()


def test_member_cannot_update_a_company(alice, company):
    with raises(ErrorCode.PERMISSION_DENIED):
        services.update_company(alice.user, company, tagline="Hacked")
    assert CompanyPage.objects.get(pk=company.pk).tagline != "Hacked"


def test_admin_of_another_company_cannot_update_it(company, other_company):
    admin = UserFactory()
    assign_perm("wagtail_network.change_companypage", admin, other_company)
    with raises(ErrorCode.PERMISSION_DENIED):
        services.update_company(fresh(admin), company, tagline="Hacked")


def test_updating_an_invisible_company_is_not_found(alice, directories):
    draft = CompanyPageFactory(parent=directories[1], live=False)
    with raises(ErrorCode.NOT_FOUND):
        services.update_company(alice.user, draft, tagline="x")


def test_invalid_company_field_is_a_validation_error(company, editor):
    with raises(ErrorCode.VALIDATION, "website"):
        services.update_company(editor, company, website="not a url")
    with raises(ErrorCode.VALIDATION, "founded_year"):
        services.update_company(editor, company, founded_year=3000)
    assert CompanyPage.objects.get(pk=company.pk).revisions.count() == 0


def test_education_and_links_are_replaced_and_validated(alice):
    member = services.update_my_profile(
        alice.user,
        education=[{"school": "TU Delft", "degree": "MSc", "start_year": 2010, "end_year": 2012}],
        links=[{"label": "Blog", "url": "https://example.com/blog"}],
    )
    assert list(member.education.values_list("school", flat=True)) == ["TU Delft"]
    assert list(member.links.values_list("url", flat=True)) == ["https://example.com/blog"]
    with raises(ErrorCode.VALIDATION, "links.0.url"):
        services.update_my_profile(alice.user, links=[{"label": "Bad", "url": "javascript:x"}])
    with raises(ErrorCode.VALIDATION, "education.0"):
        services.update_my_profile(alice.user, education=[{"school": "X", "grade": "A"}])
    assert services.update_my_profile(alice.user, links=[]).links.count() == 0


def test_company_industry_and_specialities_are_set(company, editor):
    industry = IndustryFactory(name="Logistics")
    updated = services.update_company(
        editor, company, industry=industry.pk, specialities=["shipping", "ports"]
    )
    assert updated.industry_id == industry.pk
    assert sorted(updated.specialities.names()) == ["ports", "shipping"]
    with raises(ErrorCode.VALIDATION, "industry"):
        services.update_company(editor, company, industry="no-such-industry")


def test_joining_without_a_display_name_is_refused_and_never_uses_the_account(directories):
    from wagtail_network.errors import NetworkError
    from wagtail_network.models import MemberPage

    user = UserFactory(username="member2", email="member2@host.example")
    with pytest.raises(NetworkError) as caught:
        services.update_my_profile(user, headline="Gardener")
    assert (caught.value.code, caught.value.field) == ("VALIDATION", "name")
    assert not MemberPage.objects.filter(user=user).exists()
    member = services.update_my_profile(user, name="Mira Jansen")
    assert member.title == "Mira Jansen"
    assert "member2" not in member.slug and "host" not in member.slug
