"""``manage.py create_network_directories`` creates both directories once, published."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.factories import site_root
from wagtail_network.models import CompanyIndexPage, MemberIndexPage


def run(*args: str) -> str:
    out = StringIO()
    call_command("create_network_directories", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_creates_both_directories_under_the_site_root_published(default_site):
    output = run()
    root = site_root()
    companies = CompanyIndexPage.objects.child_of(root).get()
    members = MemberIndexPage.objects.child_of(root).get()
    assert companies.live and members.live
    assert (companies.slug, members.slug) == ("companies", "members")
    assert "created" in output


@pytest.mark.django_db
def test_running_it_again_keeps_the_directories(default_site):
    run()
    output = run()
    assert CompanyIndexPage.objects.count() == 1
    assert MemberIndexPage.objects.count() == 1
    assert output.count("kept") == 2


@pytest.mark.django_db
def test_titles_slugs_and_parent_can_be_chosen(default_site):
    root = site_root()
    run("--parent", str(root.pk), "--members-title", "Leden", "--members-slug", "leden")
    assert MemberIndexPage.objects.child_of(root).get().slug == "leden"


@pytest.mark.django_db
def test_a_slug_taken_by_another_page_is_refused_without_creating_anything(default_site):
    from wagtail.models import Page

    root = site_root()
    root.add_child(instance=Page(title="Members", slug="members"))
    with pytest.raises(CommandError, match="slug 'members'"):
        run()
    assert not CompanyIndexPage.objects.exists()


@pytest.mark.django_db
def test_an_unknown_parent_is_refused(default_site):
    with pytest.raises(CommandError):
        run("--parent", "/no/such/page/")
