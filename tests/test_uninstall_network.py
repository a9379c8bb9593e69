"""``manage.py uninstall_network``: the dry run lists and changes nothing; the real run
removes every part of the network, keeps the host's pages, images, accounts and
audit trail (without personal data), and leaves ``migrate wagtail_network zero``
with nothing to trip over."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Q
from django.test import Client, TestCase
from guardian.shortcuts import assign_perm
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model
from taggit.models import Tag, TaggedItem
from wagtail.images import get_image_model
from wagtail.images.models import Filter
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import APIToken, ModelLogEntry, Page, PageLogEntry, Revision, Site
from wagtail.search.models import IndexEntry

from tests import factories
from tests.factories import (
    CompanyIndexPageFactory,
    CompanyPageFactory,
    IndustryFactory,
    MemberIndexPageFactory,
    SkillFactory,
    UserFactory,
)
from wagtail_network import privacy, services
from wagtail_network.models import MemberPage
from wagtail_network.services import roles
from wagtail_network.uninstall import UninstallRefused, plan_uninstall, uninstall_network

REPO = Path(__file__).resolve().parent.parent
NETWORK_PAGE_TYPES = ("companyindexpage", "memberindexpage", "companypage", "memberpage")


@dataclass
class Net:
    members_dir: Any = None
    companies_dir: Any = None
    acme: Any = None
    host_page: Any = None
    host_user: Any = None
    host_group: Any = None
    photo: Any = None
    logo: Any = None
    users: dict[str, Any] = field(default_factory=dict)
    members: dict[str, Any] = field(default_factory=dict)
    #: Every string that identifies a member: names, usernames, e-mail addresses.
    personal: list[str] = field(default_factory=list)


def image(title: str):
    img = get_image_model().objects.create(title=title, file=get_test_image_file())
    # create_rendition, not get_rendition: an earlier test's image with the same id
    # may have left its renditions in the cache, and get_rendition would trust it.
    img.create_rendition(Filter("fill-32x32"))
    img.create_rendition(Filter("width-20"))
    return img


def build_net() -> Net:
    """A network with something in every category the uninstall covers, beside
    host content that must survive it."""
    site_root = factories.site_root()
    n = Net()
    n.members_dir = MemberIndexPageFactory(parent=site_root)
    n.companies_dir = CompanyIndexPageFactory(parent=site_root)
    n.logo = image("Acme logo")
    n.photo = image("Portrait of Jan")
    n.acme = CompanyPageFactory(parent=n.companies_dir, title="Acme", slug="acme", logo=n.logo)
    globex = CompanyPageFactory(parent=n.companies_dir, title="Globex", slug="globex")
    n.acme.specialities.add("Widgets", "Shared tag")
    n.acme.save_revision().publish()
    python = SkillFactory(name="Python")
    IndustryFactory(name="Software")

    editor = UserFactory(username="editor", is_superuser=True, is_staff=True)
    for username, name in (
        ("jjansen", "Jan Jansen"),
        ("pdevries", "Piet de Vries"),
        ("kbakker", "Klaas Bakker"),
    ):
        first, last = name.split(" ", 1)
        user = UserFactory(username=username, first_name=first, last_name=last)
        member = services.update_my_profile(
            user,
            name=name,
            headline=f"{first}'s headline",
            skills=[python.slug],
            interests=[f"Cycling with {first}", "Shared tag"],
            positions=[{"company": n.acme.pk, "title": "Engineer"}],
            education=[{"school": f"{first}'s school"}],
            links=[{"label": "Blog", "url": f"https://{username}.example.com/"}],
        )
        n.users[username], n.members[username] = user, member
        n.personal += [name, first, last, username, user.email, member.contact_email]
    jan, piet, klaas = (n.members[k] for k in ("jjansen", "pdevries", "kbakker"))
    u_jan, u_piet, u_klaas = (n.users[k] for k in ("jjansen", "pdevries", "kbakker"))
    MemberPage.objects.filter(pk=jan.pk).update(photo=n.photo)

    services.request_connection(u_jan, piet, "Hello Piet")
    services.accept_connection(u_piet, jan)
    services.request_connection(u_klaas, jan)  # left pending: an invitation
    services.endorse_skill(u_piet, jan, python)
    services.write_recommendation(u_piet, jan, "same_team", "Jan Jansen is great")
    services.follow_company(u_jan, n.acme)
    services.block_member(u_klaas, piet)
    services.report_content(u_klaas, member=jan, reason="spam", details="Jan Jansen spams")
    services.propose_company_relationship(editor, n.acme, globex, "partner")
    roles.ensure_role_groups()
    roles.grant_company_admin(editor, u_klaas, n.acme)
    u_piet.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtail_network", codename="moderate_network"
        )
    )
    APIToken.create_token(user=u_jan, name="Jan's phone")
    # An alias of a company page in the host's own tree goes too: it shows the company.
    n.acme.create_alias(parent=site_root, update_slug="acme-alias")

    # The host's own content.
    n.host_user = UserFactory(username="hostuser")
    n.host_group = Group.objects.create(name="Host editors")
    n.host_group.permissions.add(Permission.objects.get(codename="access_admin"))
    n.host_user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    n.host_page = site_root.add_child(instance=Page(title="About us", slug="about"))
    n.host_page.save_revision().publish()
    n.host_page.title = "About us, again"
    n.host_page.save_revision().publish()
    assign_perm("wagtailcore.change_page", n.host_user, n.host_page)
    TaggedItem.objects.create(
        tag=Tag.objects.get(name="Shared tag"),
        content_type=ContentType.objects.get_for_model(Page),
        object_id=n.host_page.pk,
    )
    return n


def network_pages():
    return Page.objects.filter(content_type__app_label="wagtail_network")


def network_row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_app_config("wagtail_network").get_models(include_auto_created=True)
        if not issubclass(model, Page)
    }


def page_revisions(page_ids) -> int:
    return Revision.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id__in=[str(pk) for pk in page_ids],
    ).count()


def index_entries(page_ids) -> int:
    network_types = ContentType.objects.filter(app_label="wagtail_network")
    return (
        IndexEntry.objects.filter(content_type__in=network_types).count()
        + IndexEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Page),
            object_id__in=[str(pk) for pk in page_ids],
        ).count()
    )


def network_object_permissions() -> int:
    network = ContentType.objects.filter(app_label="wagtail_network")
    return sum(
        model.objects.filter(
            Q(content_type__in=network) | Q(permission__content_type__in=network)
        ).count()
        for model in (get_user_obj_perms_model(), get_group_obj_perms_model())
    )


def network_permission_assignments() -> int:
    network = {"permission__content_type__app_label": "wagtail_network"}
    User = get_user_model()
    return (
        Group.permissions.through.objects.filter(**network).count()
        + User.user_permissions.through.objects.filter(**network).count()
    )


def renditions(*images) -> int:
    Rendition = get_image_model().get_rendition_model()
    return Rendition.objects.filter(image__in=images).count()


def snapshot(n: Net) -> dict[str, Any]:
    ids = list(network_pages().values_list("pk", flat=True))
    return {
        "pages": Page.objects.count(),
        "network_pages": len(ids),
        "revisions": Revision.objects.count(),
        "index_entries": IndexEntry.objects.count(),
        "renditions": renditions(n.photo, n.logo),
        "rows": network_row_counts(),
        "tags": Tag.objects.count(),
        "object_permissions": network_object_permissions(),
        "permission_assignments": network_permission_assignments(),
        "groups": sorted(Group.objects.values_list("name", flat=True)),
        "log": sorted(
            [(e.label, json.dumps(e.data, sort_keys=True)) for e in PageLogEntry.objects.all()]
            + [(e.label, json.dumps(e.data, sort_keys=True)) for e in ModelLogEntry.objects.all()]
        ),
    }


def run(*args: str) -> str:
    out = StringIO()
    call_command("uninstall_network", *args, stdout=out)
    return out.getvalue()


class Uninstall(TestCase):
    """One network for every test (each test's changes are rolled back)."""

    net: Net

    @classmethod
    def setUpTestData(cls) -> None:
        cls.net = build_net()

    # --------------------------------------------------------------------------
    # Dry run
    # --------------------------------------------------------------------------

    def test_dry_run_changes_nothing(self):
        before = snapshot(self.net)
        run("--dry-run")
        assert snapshot(self.net) == before

    def test_dry_run_lists_the_directories_the_counts_and_what_stays(self):
        output = run("--dry-run")
        assert "/home/members/  'Members'" in output
        assert "/home/companies/  'Companies'" in output
        assert "/home/acme-alias/" in output  # the alias in the host's tree
        assert "company page: 3" in output  # two companies and the alias
        assert "member page: 3" in output
        assert "'Network editors'" in output and "'Company admins' (1 users)" in output
        assert "renditions: 4 of 2 images" in output
        assert "API tokens of members' accounts: 1" in output
        assert "Dry run: nothing was changed." in output

    def test_dry_run_at_verbosity_2_lists_every_page_and_image(self):
        output = run("--dry-run", "-v", "2")
        for member in self.net.members.values():
            assert f"{member.url_path}  {member.title!r}" in output
        assert "'Portrait of Jan'" in output

    def test_plan_counts_match_the_database(self):
        ids = list(network_pages().values_list("pk", flat=True))
        inventory = plan_uninstall()
        assert len(inventory.pages) == len(ids) == 2 + 2 + 1 + 3
        assert {item.pk for item in inventory.top_pages} == {
            self.net.members_dir.pk,
            self.net.companies_dir.pk,
            Page.objects.get(slug="acme-alias").pk,
        }
        assert inventory.revisions == page_revisions(ids) > 0
        assert inventory.renditions == renditions(self.net.photo, self.net.logo) == 4
        assert inventory.rows == {label: n for label, n in network_row_counts().items() if n}
        assert inventory.object_permissions == network_object_permissions() == 1
        assert inventory.permission_assignments == network_permission_assignments() > 0
        assert inventory.tags == 4  # three members' cycling tags and Widgets, not the shared one
        assert inventory.member_tokens == 1

    # --------------------------------------------------------------------------
    # The real run
    # --------------------------------------------------------------------------

    def test_uninstall_removes_every_page_of_the_network_with_its_revisions_and_search_entries(
        self,
    ):
        ids = list(network_pages().values_list("pk", flat=True))
        assert page_revisions(ids) > 0 and index_entries(ids) > 0

        run("--noinput")

        assert not network_pages().exists()
        assert not Page.objects.filter(pk__in=ids).exists()
        assert page_revisions(ids) == 0
        assert index_entries(ids) == 0

    def test_uninstall_removes_the_renditions_and_keeps_the_images(self):
        run("--noinput")
        assert renditions(self.net.photo, self.net.logo) == 0
        assert (
            get_image_model().objects.filter(pk__in=[self.net.photo.pk, self.net.logo.pk]).count()
            == 2
        )

    def test_uninstall_removes_every_row_of_the_networks_models(self):
        before = network_row_counts()
        for label in (
            "wagtail_network.Connection",
            "wagtail_network.ConnectionEvent",
            "wagtail_network.Endorsement",
            "wagtail_network.Recommendation",
            "wagtail_network.Follow",
            "wagtail_network.Block",
            "wagtail_network.Report",
            "wagtail_network.Position",
            "wagtail_network.Education",
            "wagtail_network.MemberLink",
            "wagtail_network.MemberInterest",
            "wagtail_network.CompanySpeciality",
            "wagtail_network.CompanyRelationship",
            "wagtail_network.Skill",
            "wagtail_network.Industry",
        ):
            assert before[label] > 0, label

        inventory = uninstall_network()

        assert inventory.rows == {label: n for label, n in before.items() if n}
        assert set(network_row_counts().values()) == {0}

    def test_uninstall_removes_tags_only_the_network_used(self):
        run("--noinput")
        assert not Tag.objects.filter(name__startswith="Cycling with").exists()
        assert not Tag.objects.filter(name="Widgets").exists()
        # Also tagged on a host page: stays.
        assert Tag.objects.filter(name="Shared tag").exists()

    def test_uninstall_removes_network_grants_and_permission_assignments_only(self):
        assert network_object_permissions() == 1
        run("--noinput")
        assert network_object_permissions() == 0
        assert network_permission_assignments() == 0
        # The host's own grants and permissions stay.
        assert get_user_obj_perms_model().objects.filter(user=self.net.host_user).count() == 1
        assert self.net.host_user.user_permissions.filter(codename="access_admin").exists()
        assert self.net.host_group.permissions.filter(codename="access_admin").exists()

    def test_uninstall_removes_the_plugins_role_groups_and_keeps_the_hosts(self):
        run("--noinput")
        assert not Group.objects.filter(name__in=roles.ROLE_PERMISSIONS).exists()
        assert Group.objects.filter(name="Host editors").exists()
        # Their deletion is in the audit trail, as the admin's Groups screen logs it.
        assert ModelLogEntry.objects.filter(
            action="wagtail.delete", label="Company admins"
        ).exists()

    def test_keep_groups_keeps_the_role_groups_without_network_permissions(self):
        run("--noinput", "--keep-groups")
        editors = Group.objects.get(name=roles.EDITORS_GROUP)
        assert not editors.permissions.filter(content_type__app_label="wagtail_network").exists()
        assert editors.permissions.filter(codename="access_admin").exists()

    def test_host_pages_and_their_revisions_stay(self):
        host_ids = list(
            Page.objects.exclude(content_type__app_label="wagtail_network").values_list(
                "pk", flat=True
            )
        )
        revisions = page_revisions(host_ids)
        assert revisions >= 2

        run("--noinput")

        assert set(Page.objects.values_list("pk", flat=True)) == set(host_ids)
        assert Page.objects.get(pk=self.net.host_page.pk).title == "About us, again"
        assert page_revisions(host_ids) == revisions
        root = factories.site_root()
        assert Page.objects.get(pk=root.pk).specific_class is root.specific_class

    def test_host_accounts_and_api_tokens_stay(self):
        users = get_user_model().objects.count()
        run("--noinput")
        assert get_user_model().objects.count() == users
        assert APIToken.objects.filter(user=self.net.users["jjansen"]).count() == 1

    def test_audit_entries_stay_without_personal_data(self):
        page_entries = PageLogEntry.objects.count()
        model_entries = ModelLogEntry.objects.count()
        assert PageLogEntry.objects.filter(label="Jan Jansen").exists()
        assert ModelLogEntry.objects.filter(label__contains="Jan Jansen").exists()

        run("--noinput")

        # Kept (and joined by the deletions' own entries) ...
        assert PageLogEntry.objects.count() > page_entries
        assert ModelLogEntry.objects.count() > model_entries
        # ... but nothing in them names a member.
        rows = [(e.label, json.dumps(e.data)) for e in PageLogEntry.objects.all()] + [
            (e.label, json.dumps(e.data)) for e in ModelLogEntry.objects.all()
        ]
        for label, data in rows:
            for text in self.net.personal:
                assert text not in label and text not in data, (text, label, data)
        jan = self.net.members["jjansen"]
        assert set(PageLogEntry.objects.filter(page_id=jan.pk).values_list("label", flat=True)) == {
            privacy.DELETED_LABEL
        }
        # No entry points at a deleted revision.
        assert not PageLogEntry.objects.filter(
            revision__isnull=False, page_id__in=[m.pk for m in self.net.members.values()]
        ).exists()

    def test_the_member_directory_answers_404_afterwards(self):
        client = Client()
        assert client.get("/members/").status_code == 200
        run("--noinput")
        assert client.get("/members/").status_code == 404
        assert client.get("/companies/").status_code == 404
        assert client.get("/acme-alias/").status_code == 404
        assert client.get("/about/").status_code == 200

    def test_a_second_run_finds_nothing_left(self):
        run("--noinput")
        inventory = plan_uninstall()
        assert not inventory.pages and not inventory.rows and not inventory.role_groups
        assert inventory.object_permissions == inventory.permission_assignments == 0

    # --------------------------------------------------------------------------
    # Asking, refusing
    # --------------------------------------------------------------------------

    def test_without_noinput_it_asks_and_anything_but_yes_cancels(self):
        before = snapshot(self.net)
        with patch("builtins.input", return_value="no"):  # the operator's answer
            with pytest.raises(CommandError, match="cancelled"):
                run()
        assert snapshot(self.net) == before

        with patch("builtins.input", return_value="yes"):
            run()
        assert not network_pages().exists()

    def test_a_host_page_below_a_network_page_goes_with_it_and_is_listed_apart(self):
        note = self.net.members_dir.add_child(instance=Page(title="Member rules", slug="rules"))
        inventory = plan_uninstall()
        assert [item.pk for item in inventory.host_pages] == [note.pk]
        assert "host pages below network pages, removed with them: 1" in run("--dry-run")
        run("--noinput")
        assert not Page.objects.filter(pk=note.pk).exists()

    def test_a_site_rooted_in_the_network_is_refused_and_nothing_changes(self):
        Site.objects.create(hostname="members.example", root_page=self.net.members_dir)
        before = snapshot(self.net)
        with pytest.raises(UninstallRefused, match="members.example"):
            uninstall_network()
        with pytest.raises(CommandError, match="members.example"):
            run("--noinput")
        with pytest.raises(CommandError, match="members.example"):
            run("--dry-run")
        assert snapshot(self.net) == before


# --------------------------------------------------------------------------
# migrate wagtail_network zero afterwards
# --------------------------------------------------------------------------

MIGRATE_ZERO_SCRIPT = textwrap.dedent(
    """
    import json
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from wagtail.models import Page, Revision, Site

    call_command("migrate", verbosity=0)
    call_command("create_network_directories", verbosity=0)
    from django.contrib.auth import get_user_model
    from wagtail_network import services

    User = get_user_model()
    # Whatever the host's login field is (CI's PostgreSQL leg signs in by e-mail).
    login = "ada@example.com" if User.USERNAME_FIELD == "email" else "ada"
    user = User.objects.create_user(**{"email": "ada@example.com", User.USERNAME_FIELD: login})
    services.update_my_profile(user, name="Ada Lovelace")
    root = Site.objects.get(is_default_site=True).root_page
    about = root.add_child(instance=Page(title="About", slug="about"))
    about.save_revision().publish()

    call_command("uninstall_network", interactive=False, verbosity=0)
    members = Client().get("/members/").status_code
    call_command("migrate", "wagtail_network", "zero", verbosity=0)
    print(json.dumps({
        "members": members,
        "pages": sorted(Page.objects.values_list("content_type__app_label", "title")),
        "about_revisions": Revision.objects.filter(object_id=str(about.pk)).count(),
    }))
    """
)


@pytest.fixture
def scratch_database_url(tmp_path):
    """A new, empty database of the suite's own kind: a SQLite file, or a PostgreSQL
    database created for this test and dropped after it."""
    settings_dict = connection.settings_dict
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'db.sqlite3'}"
        return
    import psycopg

    name = f"wn_uninstall_{os.getpid()}"
    params = {
        "host": settings_dict["HOST"] or None,
        "port": settings_dict["PORT"] or None,
        "user": settings_dict["USER"] or None,
        "password": settings_dict["PASSWORD"] or None,
        "dbname": "postgres",
    }
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        user = settings_dict["USER"] or ""
        password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
        host = settings_dict["HOST"] or "127.0.0.1"
        port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
        yield f"postgres://{user}{password}@{host}{port}/{name}"
    finally:
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_migrate_wagtail_network_zero_works_after_the_uninstall(scratch_database_url):
    # Unapplying migrations cannot run inside the test database's transaction (and
    # would take the tables away from the other tests): a fresh database of the same
    # kind, with the test settings, in a process of its own.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": scratch_database_url,
        "PYTHONPATH": str(REPO),
    }
    result = subprocess.run(
        [sys.executable, "-c", MIGRATE_ZERO_SCRIPT],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    state = json.loads(result.stdout.strip().splitlines()[-1])
    assert state["members"] == 404
    assert state["about_revisions"] == 1
    # The host's root, home page and own page, untouched; no page of a network type.
    assert [tuple(row) for row in state["pages"]] == [
        ("home", "Wagtail Network"),
        ("wagtailcore", "About"),
        ("wagtailcore", "Root"),
    ]
