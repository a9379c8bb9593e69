"""One validation for every profile write: the field groups' forms
(wagtail_network.profile_forms), used by update_my_profile, save_member_profile
(the CSV import) and the site's profile editor alike."""

from __future__ import annotations

import datetime

import pytest
from django.http import QueryDict
from django.test import override_settings

from tests.factories import SkillFactory, UserFactory
from tests.services.helpers import raises
from wagtail_network import profile_forms, services
from wagtail_network.admin import importing
from wagtail_network.errors import ErrorCode
from wagtail_network.models import MemberPage, Skill, SkillSuggestion

pytestmark = pytest.mark.django_db


def _messages(exc) -> dict[str | None, str]:
    return {error.field: error.message for error in exc.errors}


def test_profile_change_reports_every_invalid_field_at_once_and_writes_nothing(alice):
    with pytest.raises(services.ProfileInvalid) as caught:
        services.update_my_profile(
            alice.user,
            contact_email="not-an-email",
            profile_visibility="everyone",
            links=[{"label": "Site", "url": "javascript:alert(1)"}],
            positions=[
                {
                    "title": "CTO",
                    "company_name": "Acme",
                    "start_date": datetime.date(2024, 1, 1),
                    "end_date": datetime.date(2023, 1, 1),
                }
            ],
        )
    fields = set(_messages(caught.value))
    assert {"contact_email", "profile_visibility", "links.0.url", "positions.0.end_date"} <= fields
    assert caught.value.code == ErrorCode.VALIDATION
    alice.refresh_from_db()
    assert alice.revisions.count() == 0


def test_the_same_rule_answers_the_same_on_the_service_the_import_and_the_page(alice):
    """A bad e-mail address: one message, whichever surface sends it."""
    with pytest.raises(services.ProfileInvalid) as service:
        services.update_my_profile(alice.user, contact_email="nope")
    page = profile_forms.ProfileForms.for_fields(
        profile_forms.fields_from_post(QueryDict("contact_email=nope&name=Alice"))
    )
    csv_rows, csv_errors = importing.parse_text(
        importing.MEMBERS, "email,name,contact_phone\nnew@example.com,New,\x01\n"
    )
    message = _messages(service.value)["contact_email"]
    assert {e.field: e.message for e in page.errors()}["contact_email"] == message
    # The import's phone cell holds a control character: the model form's own message.
    assert [e.column for e in csv_errors] == ["contact_phone"]


def test_unknown_skill_id_is_refused_but_an_unknown_name_is_suggested_to_editors(alice):
    with raises(ErrorCode.VALIDATION, "skills"):
        services.update_my_profile(alice.user, skills=[987654])
    known = SkillFactory(name="Python")
    member = services.update_my_profile(alice.user, skills=[known.pk, "Beekeeping"])
    assert [s.name for s in member.skills.all()] == ["Python"]
    assert list(SkillSuggestion.objects.filter(member=member).values_list("name", flat=True)) == [
        "Beekeeping"
    ]
    assert not Skill.objects.filter(name="Beekeeping").exists()
    # Suggesting it again does not make a second suggestion.
    services.update_my_profile(alice.user, add_skills=["beekeeping"])
    assert SkillSuggestion.objects.filter(member=member).count() == 1


@override_settings(WAGTAIL_NETWORK={"NEW_SKILLS": "create"})
def test_with_new_skills_create_an_unknown_name_becomes_a_skill_listed_at_once(alice):
    existing = SkillFactory(name="Django")
    member = services.update_my_profile(alice.user, skills=[existing.pk])
    member = services.update_my_profile(alice.user, add_skills=["Beekeeping", "django"])
    assert sorted(s.name for s in member.skills.all()) == ["Beekeeping", "Django"]
    assert Skill.objects.filter(name="Django").count() == 1
    assert not SkillSuggestion.objects.exists()


@override_settings(WAGTAIL_NETWORK={"LOCKED_FIELD_VISIBILITY": {"email": "connections"}})
def test_locked_visibility_is_shown_locked_and_refused_otherwise(alice):
    form = profile_forms.ProfileForms.for_member(alice).groups["visibility"]
    assert form.locked == {"email_visibility": "connections"}
    assert form.initial["email_visibility"] == "connections"
    with raises(ErrorCode.VALIDATION, "email_visibility"):
        services.update_my_profile(alice.user, email_visibility="public")
    services.update_my_profile(alice.user, email_visibility="connections")


def test_editor_post_becomes_service_fields_without_deleted_or_empty_rows():
    post = QueryDict(mutable=True)
    post.update({"name": "Ann", "open_to-present": "1", "positions-TOTAL_FORMS": "3"})
    post.update({"positions-0-title": "CTO", "positions-0-company_name": "Acme"})
    post.update(
        {"positions-1-title": "Old", "positions-1-company_name": "X", "positions-1-DELETE": "on"}
    )
    post.update({"positions-2-title": "", "positions-2-company_name": ""})
    fields = profile_forms.fields_from_post(post)
    assert fields["name"] == "Ann"
    assert fields["open_to"] == []
    assert [row["title"] for row in fields["positions"]] == ["CTO"]
    assert "links" not in fields


def test_joining_needs_a_display_name_from_every_surface(directories):
    user = UserFactory()
    with raises(ErrorCode.VALIDATION, "name"):
        services.update_my_profile(user, headline="Gardener")
    assert not MemberPage.objects.filter(user=user).exists()


def test_education_ending_before_it_starts_is_refused_on_its_field(alice):
    with raises(ErrorCode.VALIDATION, "education.0.end_year"):
        services.update_my_profile(
            alice.user, education=[{"school": "TU", "start_year": 2010, "end_year": 2001}]
        )


def test_an_unreadable_row_count_leaves_the_list_alone_instead_of_emptying_it():
    for count in ("abc", "-1", ""):
        post = QueryDict(mutable=True)
        post.update({"name": "Ann", "positions-TOTAL_FORMS": count, "interests": "a, b, a"})
        fields = profile_forms.fields_from_post(post)
        if count == "":
            assert fields["positions"] == []
        else:
            assert "positions" not in fields
        assert fields["interests"] == ["a", "b"]
