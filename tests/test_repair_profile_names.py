"""``manage.py repair_profile_names``: profiles titled or slugged with their account's
username or e-mail address get a neutral name, published, with the old name gone
from their history, and a flag their member (and editors) can see until the member
gives a name."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils.text import slugify
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import ModelLogEntry, PageLogEntry, Revision

from tests.factories import (
    HAS_USERNAME,
    MemberIndexPageFactory,
    MemberPageFactory,
    SkillFactory,
    UserFactory,
    connect,
    site_root,
)
from tests.graphql.mutation_support import post
from wagtail_network import services
from wagtail_network.models import MemberPage
from wagtail_network.services.names import account_name_reasons, repair_profile_names

pytestmark = pytest.mark.django_db

EMAIL = "member2@host.example"


@pytest.fixture
def directory(default_site):
    return MemberIndexPageFactory(parent=site_root())


def legacy_profile(
    directory, *, username, email="", title=None, slug=None, live=True, public=False
):
    """A profile made the way joining made them before it asked for a name."""
    account = UserFactory(username=username, email=email, first_name="", last_name="")
    title = title if title is not None else account.get_username()
    page = MemberPageFactory(
        parent=directory,
        user=account,
        title=title,
        slug=slug if slug is not None else slugify(title),
        live=live,
        contact_email=email,
        **({"profile_visibility": "public"} if public else {}),
    )
    revision = page.save_revision()
    if live:
        revision.publish()
    return MemberPage.objects.get(pk=page.pk)


def searched(words: str) -> set[int]:
    """Ids of the member pages Wagtail's search backend finds for ``words``."""
    return {page.pk for page in MemberPage.objects.search(words)}


def repaired(member) -> MemberPage:
    return MemberPage.objects.get(pk=member.pk)


def run(*args: str) -> str:
    out = StringIO()
    call_command("repair_profile_names", *args, stdout=out)
    return out.getvalue()


# --------------------------------------------------------------------------
# Which profiles: one test per rule
# --------------------------------------------------------------------------


#: On a model that signs in by e-mail the login *is* the address: a title equal to it
#: is the ``title_is_email`` case, tested above on every model.
username_model_only = pytest.mark.skipif(
    not HAS_USERNAME, reason="the user model has no username (the login is the e-mail address)"
)


def test_a_title_that_looks_like_an_email_address_is_replaced(directory):
    member = legacy_profile(directory, username="someone", title="someone.else@example.org")
    assert account_name_reasons(member) == ("title_is_email",)


def test_a_title_that_looks_like_an_email_address_counts_without_an_account(directory):
    page = MemberPageFactory(parent=directory, title="x@example.org", slug="plain")
    assert account_name_reasons(page) == ("title_is_email",)


@username_model_only
def test_a_title_equal_to_the_username_is_replaced(directory):
    member = legacy_profile(directory, username="jjansen", title="jjansen", slug="unrelated")
    assert account_name_reasons(member) == ("title_from_account",)


@username_model_only
def test_a_title_equal_to_the_slug_of_the_username_is_replaced(directory):
    member = legacy_profile(directory, username="j.jansen", title="jjansen", slug="unrelated")
    assert account_name_reasons(member) == ("title_from_account",)


def test_a_title_that_is_the_accounts_full_name_stays_even_if_it_is_the_username(directory):
    account = UserFactory(username="Jan", first_name="Jan", last_name="")
    page = MemberPageFactory(parent=directory, user=account, title="Jan", slug="jan")
    assert account_name_reasons(page) == ()


def test_a_title_differing_from_the_username_only_in_letter_case_stays(directory):
    # "Jan" chosen by the member whose username is "jan": a name, not a leak.
    member = legacy_profile(directory, username="jan", title="Jan", slug="jan")
    assert account_name_reasons(member) == ()


def test_a_slug_made_from_the_email_address_is_replaced(directory):
    member = legacy_profile(
        directory, username="ada", email=EMAIL, title="Ada Lovelace", slug="member2hostexample"
    )
    assert account_name_reasons(member) == ("slug_from_account",)


def test_a_slug_from_the_account_with_a_number_suffix_is_replaced(directory):
    member = legacy_profile(
        directory, username="ada", email=EMAIL, title="Ada Lovelace", slug="member2hostexample-2"
    )
    assert account_name_reasons(member) == ("slug_from_account",)


def test_a_slug_made_from_the_title_stays_even_if_it_equals_the_username(directory):
    member = legacy_profile(directory, username="amelie-de-backer", title="Amélie De Backer")
    assert member.slug == "amelie-de-backer"
    assert account_name_reasons(member) == ()


def test_a_profile_named_by_its_member_is_left_alone(directory):
    member = legacy_profile(directory, username="ada", email=EMAIL, title="Ada Lovelace")
    revisions = member.revisions.count()
    assert run().strip().endswith("0 profile(s) repaired.")
    assert repaired(member).title == "Ada Lovelace"
    assert member.revisions.count() == revisions


# --------------------------------------------------------------------------
# What the repair does
# --------------------------------------------------------------------------


def test_the_neutral_name_is_member_and_the_page_id_with_a_slug_made_from_it(directory):
    member = legacy_profile(directory, username=EMAIL, email=EMAIL)
    repair_profile_names()
    member = repaired(member)
    assert member.title == f"Member {member.pk}"
    assert member.slug == f"member-{member.pk}"
    assert member.name_needs_review


def test_the_new_slug_is_unique_among_the_directorys_pages(directory):
    member = legacy_profile(directory, username=EMAIL, email=EMAIL)
    MemberPageFactory(parent=directory, title="Someone", slug=f"member-{member.pk}")
    repair_profile_names()
    assert repaired(member).slug == f"member-{member.pk}-2"


def test_a_chosen_title_stays_when_only_the_slug_came_from_the_account(directory):
    member = legacy_profile(
        directory, username="ada", email=EMAIL, title="Ada Lovelace", slug="member2hostexample"
    )
    repair_profile_names()
    member = repaired(member)
    assert (member.title, member.slug) == ("Ada Lovelace", "ada-lovelace")
    # Nothing for the member to do: their name was theirs.
    assert not member.name_needs_review


def test_the_change_is_published_so_the_old_name_is_no_longer_served(directory):
    member = legacy_profile(directory, username=EMAIL, email=EMAIL, public=True)
    old_url = member.url
    assert EMAIL in Client().get(old_url).content.decode()
    assert member.pk in searched(EMAIL)

    repair_profile_names()

    member = repaired(member)
    assert member.live and not member.has_unpublished_changes
    assert Client().get(old_url).status_code == 404
    html = Client().get(member.url).content.decode()
    assert f"Member {member.pk}" in html
    assert "member2hostexample" not in html
    # Searched under the new name only.
    assert member.pk in searched(f"Member {member.pk}")
    assert member.pk not in searched(EMAIL)


def test_a_draft_profile_is_renamed_and_stays_a_draft(directory):
    member = legacy_profile(directory, username=EMAIL, email=EMAIL, live=False)
    repair_profile_names()
    member = repaired(member)
    assert not member.live
    assert member.title == member.draft_title == f"Member {member.pk}"
    assert member.get_latest_revision_as_object().title == member.title
    assert member.name_needs_review


def test_old_revisions_and_audit_entries_no_longer_hold_the_old_name(directory):
    member = legacy_profile(directory, username=EMAIL, email=EMAIL)
    other = legacy_profile(directory, username="bob", title="Bob Builder")
    python = SkillFactory(name="Python")
    other.skills.add(python)
    other.save()  # a ParentalManyToManyField is written when the page is saved
    connect(member, other)
    services.endorse_skill(member.user, other, python)
    assert ModelLogEntry.objects.filter(label__contains=EMAIL).exists()
    assert PageLogEntry.objects.filter(page_id=member.pk, label=EMAIL).exists()

    repair_profile_names()

    member = repaired(member)
    for revision in Revision.objects.filter(object_id=str(member.pk)):
        for key in ("title", "draft_title", "slug", "url_path"):
            assert "member2" not in str(revision.content.get(key)), (key, revision.content)
        assert EMAIL not in revision.object_str
        # The contact address is the member's to show or hide: kept, and valid.
        assert revision.content["contact_email"] == EMAIL
    for entry in PageLogEntry.objects.filter(page_id=member.pk):
        assert EMAIL not in entry.label and EMAIL not in json.dumps(entry.data)
        assert "member2hostexample" not in json.dumps(entry.data)
    assert not ModelLogEntry.objects.filter(label__contains=EMAIL).exists()
    assert ModelLogEntry.objects.filter(
        label=f"Member {member.pk} endorses Bob Builder for Python"
    ).exists()


def test_the_redirect_from_the_old_address_is_removed(
    directory, django_capture_on_commit_callbacks
):
    legacy_profile(directory, username=EMAIL, email=EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        repair_profile_names()
    assert not Redirect.objects.filter(old_path__contains="member2hostexample").exists()


def test_the_repair_is_in_the_audit_log_with_its_reasons(directory):
    member = legacy_profile(directory, username=EMAIL, email=EMAIL)
    repair_profile_names()
    entry = PageLogEntry.objects.get(
        page_id=member.pk, action="wagtail_network.profile.repair_name"
    )
    assert entry.data == {"reasons": ["title_is_email", "slug_from_account"]}
    assert entry.user is None


def test_dry_run_lists_the_profiles_and_changes_nothing(directory):
    member = legacy_profile(directory, username=EMAIL, email=EMAIL)
    revisions = Revision.objects.count()

    output = run("--dry-run")

    assert f"member page {member.pk}: the name looks like an e-mail address" in output
    assert f"'Member {member.pk}', slug 'member-{member.pk}'" in output
    assert "1 profile(s) would be repaired; nothing was changed." in output
    # The command never prints the names it repairs.
    assert EMAIL not in output
    assert repaired(member).title == EMAIL
    assert Revision.objects.count() == revisions


def test_running_it_again_finds_nothing(directory):
    legacy_profile(directory, username=EMAIL, email=EMAIL)
    assert "1 profile(s) repaired." in run()
    assert "0 profile(s) repaired." in run()


# --------------------------------------------------------------------------
# The flag
# --------------------------------------------------------------------------


def test_the_flag_clears_when_the_member_sets_their_name(directory):
    member = legacy_profile(directory, username=EMAIL, email=EMAIL)
    repair_profile_names()
    services.update_my_profile(member.user, name="Ada Lovelace")
    member = repaired(member)
    assert member.title == "Ada Lovelace"
    assert not member.name_needs_review


def test_the_flag_stays_while_the_member_edits_other_fields(directory):
    member = legacy_profile(directory, username=EMAIL, email=EMAIL)
    repair_profile_names()
    services.update_my_profile(member.user, headline="Mathematician")
    assert repaired(member).name_needs_review


NEEDS_NAME = """query($slug: String!) { member(slug: $slug) { needsDisplayName } }"""


def test_needs_display_name_is_told_to_the_member_editors_and_moderators_only(directory):
    from django.contrib.auth.models import Permission

    member = legacy_profile(directory, username=EMAIL, email=EMAIL, public=True)
    repair_profile_names()
    slug = repaired(member).slug
    editor = UserFactory(username="editor", is_superuser=True)
    moderator = UserFactory(username="moderator")
    moderator.user_permissions.add(
        Permission.objects.get(
            codename="moderate_network", content_type__app_label="wagtail_network"
        )
    )
    someone = legacy_profile(directory, username="bob", title="Bob Builder").user

    def told(user):
        status, body = post(NEEDS_NAME, {"slug": slug}, user=user)
        assert status == 200 and not body.get("errors"), body
        return body["data"]["member"]["needsDisplayName"]

    assert told(member.user) is True
    assert told(editor) is True
    assert told(moderator) is True
    assert told(someone) is None
    assert told(None) is None


def test_editors_find_flagged_profiles_in_the_member_profiles_listing(directory):
    flagged = legacy_profile(directory, username=EMAIL, email=EMAIL)
    fine = legacy_profile(directory, username="bob", title="Bob Builder")
    repair_profile_names()
    client = Client()
    client.force_login(UserFactory(username="editor", is_superuser=True, is_staff=True))
    url = reverse("wagtail_network_member_profiles:index")

    everyone = client.get(url).content.decode()
    only_flagged = client.get(url + "?name_needs_review=true").content.decode()

    assert f"Member {flagged.pk}" in everyone and "Bob Builder" in everyone
    assert f"Member {flagged.pk}" in only_flagged and "Bob Builder" not in only_flagged
    assert fine.pk  # listed above, not flagged


def test_the_dashboard_links_editors_to_the_names_to_review(directory):
    legacy_profile(directory, username=EMAIL, email=EMAIL)
    repair_profile_names()
    client = Client()
    client.force_login(UserFactory(username="editor", is_superuser=True, is_staff=True))
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'data-figure="names_to_review"' in html
    assert reverse("wagtail_network_member_profiles:index") + "?name_needs_review=true" in html
