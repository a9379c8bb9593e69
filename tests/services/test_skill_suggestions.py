"""Editors accept or reject the skills members suggested (issue 11: a skill the
vocabulary lacks "follows an editor-set policy: suggest, or create")."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, ModelLogEntry

from tests.factories import SkillFactory, UserFactory, site_root
from tests.services.conftest import fresh
from tests.services.helpers import raises
from wagtail_network import services
from wagtail_network.errors import ErrorCode
from wagtail_network.models import MemberPage, Skill, SkillSuggestion
from wagtail_network.services import roles

pytestmark = pytest.mark.django_db


def page_editor(username: str = "editor"):
    """A Network editor with Wagtail page rights on the site: not a superuser."""
    user = UserFactory(username=username)
    user.groups.add(roles.ensure_role_groups()[roles.EDITORS_GROUP])
    group = Group.objects.create(name=f"Site editors {username}")
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=group,
            page=site_root(),
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    user.groups.add(group)
    return fresh(user)


def suggest(member, *names):
    """``member`` names skills the vocabulary lacks, as on their profile."""
    services.update_my_profile(member.user, add_skills=list(names))
    return list(SkillSuggestion.objects.filter(member=member).order_by("pk"))


def skill_names(member) -> list[str]:
    return sorted(MemberPage.objects.get(pk=member.pk).skills.values_list("name", flat=True))


def test_accepting_creates_the_skill_and_adds_it_to_every_member_who_suggested_it(
    alice, bob, carol
):
    editor = page_editor()
    [by_alice] = suggest(alice, "Beekeeping")
    suggest(bob, "beekeeping")
    suggest(carol, "Pottery")
    counts = services.accept_skill_suggestions(editor, [by_alice])
    assert counts == {"skills_created": 1, "members": 2, "suggestions": 2}
    assert skill_names(alice) == ["Beekeeping"]
    assert skill_names(bob) == ["Beekeeping"]
    assert Skill.objects.filter(name__iexact="beekeeping").count() == 1
    # Carol's other name waits.
    assert list(SkillSuggestion.objects.values_list("name", flat=True)) == ["Pottery"]


def test_accepted_skill_is_added_as_a_revision_by_the_editor(alice):
    editor = page_editor()
    suggestions = suggest(alice, "Beekeeping")
    before = alice.revisions.count()
    services.accept_skill_suggestions(editor, suggestions)
    page = MemberPage.objects.get(pk=alice.pk)
    assert page.revisions.count() == before + 1
    assert page.latest_revision.user == editor
    assert page.live and not page.has_unpublished_changes


def test_accepting_a_name_the_vocabulary_now_holds_uses_that_skill(alice):
    editor = page_editor()
    suggestions = suggest(alice, "Beekeeping")
    existing = SkillFactory(name="BEEKEEPING")
    counts = services.accept_skill_suggestions(editor, suggestions)
    assert counts["skills_created"] == 0
    assert skill_names(alice) == ["BEEKEEPING"]
    assert Skill.objects.count() == 1 and Skill.objects.get() == existing


def test_accepting_mapped_to_an_existing_skill_adds_that_skill_and_creates_none(alice, bob):
    editor = page_editor()
    javascript = SkillFactory(name="JavaScript")
    chosen = suggest(alice, "JS") + suggest(bob, "Javascript.")
    counts = services.accept_skill_suggestions(editor, chosen, skill=javascript)
    assert counts == {"skills_created": 0, "members": 2, "suggestions": 2}
    assert skill_names(alice) == skill_names(bob) == ["JavaScript"]
    assert list(Skill.objects.values_list("name", flat=True)) == ["JavaScript"]
    assert not SkillSuggestion.objects.exists()


def test_accepting_is_logged_on_the_skill_with_the_name_and_the_members(alice, bob):
    editor = page_editor()
    suggest(bob, "Beekeeping")
    services.accept_skill_suggestions(editor, suggest(alice, "Beekeeping"))
    skill = Skill.objects.get(name="Beekeeping")
    actions = set(
        ModelLogEntry.objects.filter(object_id=str(skill.pk)).values_list("action", flat=True)
    )
    assert actions == {"wagtail.create", "wagtail_network.skill_suggestion.accept"}
    entry = ModelLogEntry.objects.get(action="wagtail_network.skill_suggestion.accept")
    assert entry.user == editor
    assert entry.data["suggested"] == "Beekeeping"
    assert sorted(entry.data["members"]) == sorted([alice.pk, bob.pk])


def test_rejecting_deletes_the_name_for_every_member_and_logs_each(alice, bob):
    editor = page_editor()
    suggest(bob, "BEEKEEPING")
    assert services.reject_skill_suggestions(editor, suggest(alice, "Beekeeping")) == 2
    assert not SkillSuggestion.objects.exists()
    assert not Skill.objects.exists()
    assert skill_names(alice) == skill_names(bob) == []
    entries = ModelLogEntry.objects.filter(action="wagtail_network.skill_suggestion.reject")
    assert sorted(e.data["member"] for e in entries) == sorted([alice.pk, bob.pk])
    assert {e.user for e in entries} == {editor}


@pytest.mark.parametrize("who", ["member", "moderator", "company_admin"])
def test_only_users_who_may_add_skills_review_suggestions(who, alice, bob, moderator, company):
    suggestions = suggest(alice, "Beekeeping")
    user = {"member": bob.user, "moderator": moderator}.get(who)
    if user is None:
        user = UserFactory(username="acmeadmin")
        services.grant_company_admin(UserFactory(username="root", is_superuser=True), user, company)
    for call in (services.accept_skill_suggestions, services.reject_skill_suggestions):
        with raises(ErrorCode.PERMISSION_DENIED):
            call(fresh(user), suggestions)
    assert SkillSuggestion.objects.count() == 1
    assert not Skill.objects.exists()


def test_anonymous_review_is_unauthenticated(alice):
    from django.contrib.auth.models import AnonymousUser

    with raises(ErrorCode.UNAUTHENTICATED):
        services.accept_skill_suggestions(AnonymousUser(), suggest(alice, "Beekeeping"))


def test_a_profile_the_editor_may_not_edit_refuses_the_whole_batch(alice, bob):
    # May add skills, but holds no Wagtail page permission on the profiles.
    skills_only = UserFactory(username="vocab")
    skills_only.groups.add(roles.ensure_role_groups()[roles.EDITORS_GROUP])
    suggest(bob, "Beekeeping")
    chosen = suggest(alice, "Beekeeping") + suggest(alice, "Pottery")
    revisions = {m.pk: m.revisions.count() for m in (alice, bob)}
    with raises(ErrorCode.PERMISSION_DENIED):
        services.accept_skill_suggestions(fresh(skills_only), chosen)
    assert not Skill.objects.exists()
    assert SkillSuggestion.objects.count() == 3
    assert {m.pk: m.revisions.count() for m in (alice, bob)} == revisions
    assert not ModelLogEntry.objects.filter(
        action__startswith="wagtail_network.skill_suggestion"
    ).exists()


def test_a_suggestion_already_decided_is_not_found_and_nothing_is_written(alice):
    editor = page_editor()
    chosen = suggest(alice, "Beekeeping", "Pottery")
    services.reject_skill_suggestions(editor, chosen[:1])
    with raises(ErrorCode.NOT_FOUND, "suggestions"):
        services.accept_skill_suggestions(editor, chosen)
    assert not Skill.objects.exists()
    assert list(SkillSuggestion.objects.values_list("name", flat=True)) == ["Pottery"]


def test_bad_input_is_a_typed_error(alice):
    editor = page_editor()
    with raises(ErrorCode.VALIDATION, "suggestions"):
        services.accept_skill_suggestions(editor, [])
    with raises(ErrorCode.NOT_FOUND, "suggestions"):
        services.reject_skill_suggestions(editor, ["not-an-id"])
    suggestions = suggest(alice, "Beekeeping")
    with raises(ErrorCode.NOT_FOUND, "skill"):
        services.accept_skill_suggestions(editor, suggestions, skill=987654)
    assert SkillSuggestion.objects.count() == 1 and not Skill.objects.exists()


def test_a_members_waiting_suggestions_are_in_their_export_and_go_with_their_erasure(alice, bob):
    from wagtail_network import privacy

    suggest(alice, "Beekeeping", "Pottery")
    suggest(bob, "Beekeeping")
    archive = privacy.export_member_data(alice.user)
    assert [s["name"] for s in archive["skill_suggestions"]] == ["Beekeeping", "Pottery"]
    assert archive["skill_suggestions"][0]["suggested_at"]
    assert [s["name"] for s in privacy.export_member_data(bob.user)["skill_suggestions"]] == [
        "Beekeeping"
    ]
    privacy.erase_member(alice, actor=UserFactory(username="root", is_superuser=True))
    assert list(SkillSuggestion.objects.values_list("member_id", flat=True)) == [bob.pk]
