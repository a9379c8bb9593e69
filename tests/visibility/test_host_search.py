"""The host site's own search never lists a profile the visitor may not see (issue 8).

The host's search view is the one ``wagtail start`` writes (tests/visibility/host_site.py
loads it from Wagtail's project template): ``Page.objects.live().search(query)``,
no visibility rule. It holds because Wagtail's shared page index only holds
profiles every visitor may see; the network's own searches (directories, GraphQL,
the admin's "Network profiles") read the plugin's index of every profile and apply
the viewer's rules in SQL (docs/concepts/search.md).
"""

from __future__ import annotations

import json

from django.test import TestCase, override_settings
from django.urls import reverse
from wagtail.actions.move_page import MovePageAction
from wagtail.models import Page, PageViewRestriction

from tests.factories import (
    CompanyIndexPageFactory,
    CompanyPageFactory,
    MemberIndexPageFactory,
    MemberPageFactory,
    PositionFactory,
    SkillFactory,
    UserFactory,
    connect,
    site_root,
)
from tests.visibility.host_site import SEARCH_TEMPLATES
from wagtail_network import services
from wagtail_network.filters import filter_companies, filter_members
from wagtail_network.models import CompanyPage, MemberPage, ProfileSearchEntry

MEMBERS_SEARCH = "query($s: String) { members(search: $s) { edges { node { name } } } }"

#: One word in every test profile's headline, so one query finds them all.
WORD = "Zebrafish"


def host_search_titles(client, query: str = WORD) -> set[str]:
    """Titles the host's search page lists for ``query``."""
    response = client.get("/search/", {"query": query})
    assert response.status_code == 200, response.status_code
    return {page.title for page in response.context["search_results"]}


def shared_index_titles(query: str = WORD) -> set[str]:
    """What any code searching Wagtail's page index finds (the host view's query)."""
    return {page.title for page in Page.objects.live().search(query)}


@override_settings(ROOT_URLCONF="tests.visibility.host_site", TEMPLATES=SEARCH_TEMPLATES)
class HostSearchNetwork(TestCase):
    """A public, a members-only, a connections-only, an unpublished and a
    view-restricted profile; a public, an unpublished and a restricted company."""

    @classmethod
    def setUpTestData(cls):
        root = site_root()
        cls.directory = MemberIndexPageFactory(parent=root)
        cls.private_directory = MemberIndexPageFactory(parent=root, title="Staff", slug="staff")
        PageViewRestriction.objects.create(
            page=cls.private_directory, restriction_type=PageViewRestriction.LOGIN
        )
        companies = CompanyIndexPageFactory(parent=root)

        def member(title: str, parent=None, **kwargs) -> MemberPage:
            return MemberPageFactory(
                parent=parent or cls.directory, title=title, headline=f"{WORD} keeper", **kwargs
            )

        cls.u_public = UserFactory(username="pia")
        cls.public = member("Public Pia", user=cls.u_public)
        cls.u_members = UserFactory(username="max")
        cls.members_only = member("Members Max", profile_visibility="members", user=cls.u_members)
        cls.connections_only = member("Connected Cor", profile_visibility="connections")
        cls.draft = member("Draft Dirk", live=False)
        cls.restricted = member("Staff Stan", parent=cls.private_directory)
        cls.company = CompanyPageFactory(parent=companies, title="Open Corp", tagline=WORD)
        cls.draft_company = CompanyPageFactory(
            parent=companies, title="Draft Corp", tagline=WORD, live=False
        )
        private_companies = CompanyIndexPageFactory(parent=root, title="Hidden", slug="hidden")
        PageViewRestriction.objects.create(
            page=private_companies, restriction_type=PageViewRestriction.LOGIN
        )
        cls.restricted_company = CompanyPageFactory(
            parent=private_companies, title="Closed Corp", tagline=WORD
        )

    HIDDEN = {"Members Max", "Connected Cor", "Draft Dirk", "Staff Stan"}
    HIDDEN_COMPANIES = {"Draft Corp", "Closed Corp"}


class HostSearchViewTests(HostSearchNetwork):
    def test_host_search_lists_public_profiles_and_companies(self):
        self.assertEqual(host_search_titles(self.client), {"Public Pia", "Open Corp"})

    def test_host_search_lists_no_hidden_profile_for_a_visitor(self):
        self.assertFalse(host_search_titles(self.client) & (self.HIDDEN | self.HIDDEN_COMPANIES))

    def test_host_search_lists_no_hidden_profile_for_a_signed_in_member(self):
        # The host's view applies no rule at all: it may only list what everyone may see.
        self.client.force_login(self.u_public)
        self.assertEqual(host_search_titles(self.client), {"Public Pia", "Open Corp"})

    def test_host_search_page_shows_no_hidden_name_or_link(self):
        response = self.client.get("/search/", {"query": WORD})
        for page in (self.members_only, self.connections_only, self.restricted):
            self.assertNotContains(response, page.title)
            self.assertNotContains(response, page.url)
        self.assertContains(response, "Public Pia")

    def test_hidden_profiles_are_not_in_wagtails_shared_index(self):
        self.assertEqual(shared_index_titles(), {"Public Pia", "Open Corp"})
        self.assertEqual({p.title for p in Page.objects.search(WORD)}, {"Public Pia", "Open Corp"})

    def test_every_profile_has_an_entry_in_the_plugins_index(self):
        titles = set(ProfileSearchEntry.objects.values_list("title", flat=True))
        self.assertLessEqual(self.HIDDEN | self.HIDDEN_COMPANIES | {"Public Pia"}, titles)


class VisibilityChangeTests(HostSearchNetwork):
    """An entry never stays in the shared index once a profile becomes hidden."""

    def test_public_to_members_removes_the_profile(self):
        services.update_my_profile(self.u_public, profile_visibility="members")
        self.assertNotIn("Public Pia", host_search_titles(self.client))

    def test_members_to_public_adds_the_profile(self):
        services.update_my_profile(self.u_members, profile_visibility="public")
        self.assertIn("Members Max", host_search_titles(self.client))

    def test_public_to_connections_by_an_editor_in_the_admin_removes_it(self):
        page = MemberPage.objects.get(pk=self.public.pk)
        page.profile_visibility = "connections"
        page.save_revision().publish()
        self.assertNotIn("Public Pia", shared_index_titles())

    def test_unpublishing_removes_and_republishing_adds(self):
        page = MemberPage.objects.get(pk=self.public.pk)
        page.unpublish()
        self.assertNotIn("Public Pia", shared_index_titles())
        page = MemberPage.objects.get(pk=self.public.pk)
        page.save_revision().publish()
        self.assertIn("Public Pia", shared_index_titles())

    def test_a_draft_of_a_hidden_change_keeps_the_published_state(self):
        # A draft (not published) leaves both indexes as the live page is.
        page = MemberPage.objects.get(pk=self.public.pk).get_latest_revision_as_object()
        page.profile_visibility = "members"
        page.headline = "Unpublished words"
        page.save_revision()
        self.assertIn("Public Pia", shared_index_titles())
        self.assertEqual(filter_members(None, {"q": "Unpublished"}).count(), 0)

    def test_view_restriction_on_a_directory_removes_its_profiles_and_lifting_it_adds_them(self):
        restriction = PageViewRestriction.objects.create(
            page=self.directory, restriction_type=PageViewRestriction.PASSWORD, password="x"
        )
        self.assertNotIn("Public Pia", shared_index_titles())
        restriction.delete()
        self.assertIn("Public Pia", shared_index_titles())

    def test_moving_a_profile_into_a_private_section_removes_it(self):
        MovePageAction(
            MemberPage.objects.get(pk=self.public.pk), self.private_directory, pos="last-child"
        ).execute()
        self.assertNotIn("Public Pia", shared_index_titles())

    def test_moving_a_profile_out_of_a_private_section_adds_it(self):
        MovePageAction(
            MemberPage.objects.get(pk=self.restricted.pk), self.directory, pos="last-child"
        ).execute()
        self.assertIn("Staff Stan", shared_index_titles())

    def test_moving_a_directory_into_a_private_section_removes_its_profiles(self):
        section = Page.objects.get(pk=site_root().pk).add_child(
            instance=Page(title="Intranet", slug="intranet")
        )
        PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.LOGIN)
        MovePageAction(Page.objects.get(pk=self.directory.pk), section, pos="last-child").execute()
        self.assertNotIn("Public Pia", shared_index_titles())
        # The plugin's own index follows the move too (its tree filter).
        self.assertEqual(
            set(ProfileSearchEntry.objects.below(section).values_list("title", flat=True)),
            {"Public Pia", "Members Max", "Connected Cor", "Draft Dirk"},
        )

    def test_deleting_a_profile_deletes_its_entry_and_search_document(self):
        from django.contrib.contenttypes.models import ContentType
        from wagtail.search.models import IndexEntry

        entry_type = ContentType.objects.get_for_model(ProfileSearchEntry)
        documents = IndexEntry.objects.filter(content_type=entry_type)
        before = documents.count()
        MemberPage.objects.get(pk=self.members_only.pk).delete()
        self.assertFalse(ProfileSearchEntry.objects.filter(pk=self.members_only.pk).exists())
        self.assertEqual(documents.count(), before - 1)

    def test_company_unpublished_leaves_the_shared_index(self):
        CompanyPage.objects.get(pk=self.company.pk).unpublish()
        self.assertNotIn("Open Corp", shared_index_titles())

    @override_settings(WAGTAIL_NETWORK={"LOCKED_PROFILE_VISIBILITY": "members"})
    def test_a_site_lock_on_members_keeps_every_profile_out_once_rebuilt(self):
        from django.core.management import call_command

        call_command("rebuild_network_search", verbosity=0)
        self.assertEqual(shared_index_titles(), {"Open Corp"})


class HiddenFieldTests(HostSearchNetwork):
    """E-mail, phone, positions and connections are in neither index."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.public.contact_email = "quokka@example.com"
        cls.public.contact_phone = "+31 6 98765432"
        cls.public.save()
        PositionFactory(member=cls.public, company=cls.company, title="Narwhalist")
        connect(cls.public, cls.members_only)

    def test_email_phone_and_position_never_match_the_host_search(self):
        for words in ("quokka", "98765432", "Narwhalist"):
            with self.subTest(words=words):
                self.assertEqual(host_search_titles(self.client, words), set())

    def test_email_phone_and_position_never_match_a_network_search(self):
        editor = UserFactory(username="root", is_superuser=True)
        for words in ("quokka", "98765432", "Narwhalist"):
            for viewer in (None, self.u_members, editor):
                with self.subTest(words=words, viewer=viewer):
                    self.assertEqual(filter_members(viewer, {"q": words}).count(), 0)

    def test_a_connection_never_makes_a_member_match(self):
        self.assertEqual(filter_members(self.u_public, {"q": "Members Max"}).count(), 1)
        self.assertEqual(
            set(filter_members(self.u_public, {"q": "Pia"}).values_list("title", flat=True)),
            {"Public Pia"},
        )


class NetworkSearchTests(HostSearchNetwork):
    """The directories and GraphQL still find what the viewer may see."""

    def directory_titles(self, query: str) -> list[str]:
        response = self.client.get(self.directory.url, {"q": query})
        self.assertEqual(response.status_code, 200)
        return [member.title for member in response.context["members"]]

    def test_member_finds_members_only_profile_in_the_directory(self):
        self.client.force_login(self.u_public)
        self.assertEqual(self.directory_titles("Members Max"), ["Members Max"])

    def test_visitor_does_not_find_members_only_profile_in_the_directory(self):
        self.assertEqual(self.directory_titles("Members Max"), [])

    def graphql_names(self, user=None, search: str = WORD) -> set[str]:
        if user is not None:
            self.client.force_login(user)
        response = self.client.post(
            "/graphql/",
            data=json.dumps(
                {
                    "query": MEMBERS_SEARCH,
                    "variables": {"s": search},
                }
            ),
            content_type="application/json",
        )
        body = response.json()
        self.assertNotIn("errors", body)
        return {edge["node"]["name"] for edge in body["data"]["members"]["edges"]}

    def test_graphql_members_search_finds_members_only_profile_for_a_member(self):
        # Stan's section is restricted to signed-in users: a member may enter it.
        self.assertEqual(
            self.graphql_names(self.u_public), {"Public Pia", "Members Max", "Staff Stan"}
        )

    def test_graphql_members_search_finds_only_public_profiles_for_a_visitor(self):
        self.assertEqual(self.graphql_names(), {"Public Pia"})

    def test_company_search_reads_the_plugins_index(self):
        self.assertEqual(
            set(filter_companies(None, {"q": WORD}).values_list("title", flat=True)), {"Open Corp"}
        )

    def test_skills_added_through_update_my_profile_are_searchable(self):
        skill = SkillFactory(name="Capybara Herding")
        services.update_my_profile(self.u_members, skills=[skill.slug], interests=["Okapi"])
        for words in ("Capybara", "Okapi"):
            with self.subTest(words=words):
                found = filter_members(self.u_public, {"q": words})
                self.assertEqual(list(found.values_list("title", flat=True)), ["Members Max"])

    def test_specialities_set_through_update_company_are_searchable(self):
        editor = UserFactory(username="root", is_superuser=True)
        services.update_company(editor, self.company, specialities=["Axolotl Care"])
        found = filter_companies(None, {"q": "Axolotl"})
        self.assertEqual(list(found.values_list("title", flat=True)), ["Open Corp"])

    def test_renaming_a_skill_renames_it_in_the_search(self):
        skill = SkillFactory(name="Tapir Taming")
        services.update_my_profile(self.u_public, skills=[skill.slug])
        skill.name = "Wombat Walking"
        skill.save()
        self.assertEqual(filter_members(None, {"q": "Wombat"}).count(), 1)
        self.assertEqual(filter_members(None, {"q": "Tapir"}).count(), 0)
        # The shared index (Wagtail indexes skill names with the page) follows too.
        self.assertEqual(shared_index_titles("Wombat"), {"Public Pia"})

    def test_deleting_a_skill_removes_it_from_the_search(self):
        skill = SkillFactory(name="Tapir Taming")
        services.update_my_profile(self.u_public, skills=[skill.slug])
        skill.delete()
        self.assertEqual(filter_members(None, {"q": "Tapir"}).count(), 0)

    def test_merging_skills_finds_members_by_the_kept_name(self):
        editor = UserFactory(username="root", is_superuser=True)
        keep = SkillFactory(name="Lemur Logic")
        duplicate = SkillFactory(name="Lemur Algebra")
        services.update_my_profile(self.u_public, skills=[duplicate.slug])
        services.merge_terms(editor, keep, [duplicate])
        self.assertEqual(filter_members(None, {"q": "Lemur Logic"}).count(), 1)
        self.assertEqual(filter_members(None, {"q": "Algebra"}).count(), 0)

    def test_the_candidate_search_is_scoped_to_the_directory(self):
        found = filter_members(None, {"q": WORD}, within=self.private_directory)
        self.assertEqual(found.count(), 0)  # Stan is there, but not visible to visitors
        editor = UserFactory(username="root", is_superuser=True)
        found = filter_members(editor, {"q": WORD}, within=self.private_directory)
        self.assertEqual(list(found.values_list("title", flat=True)), ["Staff Stan"])


class SitemapAndPageAPITests(HostSearchNetwork):
    def test_sitemap_lists_no_hidden_profile(self):
        body = self.client.get("/sitemap.xml").content.decode()
        self.assertIn(self.public.slug, body)
        self.assertIn(self.company.slug, body)
        for page in (self.members_only, self.connections_only, self.draft, self.restricted):
            self.assertNotIn(f"/{page.slug}/", body)
        for page in (self.draft_company, self.restricted_company):
            self.assertNotIn(f"/{page.slug}/", body)

    def test_network_page_api_search_lists_no_hidden_profile(self):
        response = self.client.get("/api/v2/pages/", {"search": WORD})
        titles = {item["title"] for item in response.json()["items"]}
        self.assertEqual(titles, {"Public Pia", "Open Corp"})

    def test_network_page_api_never_serves_a_hidden_profile(self):
        for page in (self.members_only, self.connections_only, self.draft, self.restricted):
            with self.subTest(page=page.title):
                response = self.client.get(f"/api/v2/pages/{page.pk}/")
                self.assertEqual(response.status_code, 404)


class RebuildCommandTests(HostSearchNetwork):
    def run_command(self) -> str:
        from io import StringIO

        from django.core.management import call_command

        out = StringIO()
        call_command("rebuild_network_search", stdout=out)
        return out.getvalue()

    def test_rebuild_recreates_every_entry(self):
        ProfileSearchEntry.objects.all().delete()
        self.run_command()
        self.assertEqual(
            ProfileSearchEntry.objects.count(),
            MemberPage.objects.count() + CompanyPage.objects.count(),
        )
        self.assertEqual(filter_members(self.u_public, {"q": "Members Max"}).count(), 1)

    def test_rebuild_removes_hidden_profiles_from_the_shared_index(self):
        # As an installation from before this release left them: every live page indexed.
        from wagtail.search.backends import get_search_backend

        backend = get_search_backend()
        for page in (self.members_only, self.connections_only, self.restricted):
            backend.add(page)
        self.assertIn("Members Max", shared_index_titles())
        self.run_command()
        self.assertEqual(shared_index_titles(), {"Public Pia", "Open Corp"})

    def test_rebuild_is_idempotent(self):
        first = self.run_command()
        entries = list(ProfileSearchEntry.objects.order_by("pk").values())
        second = self.run_command()
        self.assertEqual(first, second)
        self.assertEqual(list(ProfileSearchEntry.objects.order_by("pk").values()), entries)
        self.assertEqual(shared_index_titles(), {"Public Pia", "Open Corp"})

    def test_rebuild_reports_what_it_did(self):
        output = self.run_command()
        self.assertIn("8 profiles indexed", output)
        self.assertIn("the 2 public ones, 6 kept out", output)

    def test_rebuild_reads_profiles_in_chunks(self):
        from django.core.management import call_command

        ProfileSearchEntry.objects.all().delete()
        call_command("rebuild_network_search", "--chunk-size", "2", verbosity=0)
        self.assertEqual(ProfileSearchEntry.objects.count(), 8)
        self.assertEqual(shared_index_titles(), {"Public Pia", "Open Corp"})


class AdminProfileSearchTests(TestCase):
    """Editors find every profile in the admin; company admins only their companies."""

    @classmethod
    def setUpTestData(cls):
        from tests.admin.data import AdminData

        AdminData.setUpTestData.__func__(cls)
        cls.hidden_member = MemberPageFactory(
            parent=cls.member_index, title="Widgets Secret", profile_visibility="members"
        )
        cls.draft_member = MemberPageFactory(
            parent=cls.member_index, title="Widgets Draft", live=False
        )

    def search(self, user, query: str = "Widgets"):
        self.client.force_login(user)
        return self.client.get(reverse("network_profiles:index"), {"q": query})

    def listed(self, response) -> list[str]:
        self.assertEqual(response.status_code, 200)
        return sorted(page.title for page in response.context["object_list"])

    def test_editor_finds_members_only_and_draft_profiles(self):
        self.assertEqual(
            self.listed(self.search(self.editor)),
            [
                "Acme Widgets",
                "Globex Widgets",
                "Initech Widgets",
                "Widgets Draft",
                "Widgets Secret",
            ],
        )

    def test_editor_no_longer_finds_them_in_wagtails_page_search(self):
        # Why the search area exists: Wagtail's own admin search reads the shared index.
        self.client.force_login(self.editor)
        response = self.client.get(reverse("wagtailadmin_pages:search"), {"q": "Widgets"})
        self.assertNotContains(response, "Widgets Secret")

    def test_results_link_to_the_edit_view_with_type_and_status(self):
        response = self.search(self.editor, "Secret")
        self.assertContains(
            response, reverse("wagtailadmin_pages:edit", args=[self.hidden_member.pk])
        )
        self.assertContains(response, "Member page")
        self.assertContains(response, "live")

    def test_results_offer_wagtails_page_search_with_the_same_words(self):
        response = self.search(self.editor, "Secret")
        self.assertContains(response, f'href="{reverse("wagtailadmin_pages:search")}?q=Secret"')
        self.assertContains(response, "There is one matching profile")
        self.assertContains(self.search(self.editor, "Nobody"), "Sorry, no profiles match")

    def test_company_admin_finds_only_their_own_company(self):
        self.assertEqual(self.listed(self.search(self.company_admin)), ["Acme Widgets"])

    def test_company_admin_never_finds_a_member_profile(self):
        self.assertEqual(self.listed(self.search(self.company_admin, "Secret")), [])

    def test_member_without_admin_rights_is_refused(self):
        response = self.search(self.alice_user)
        self.assertIn(response.status_code, (302, 403))

    def test_wagtails_search_results_link_to_the_area_with_the_query(self):
        self.client.force_login(self.editor)
        response = self.client.get(reverse("wagtailadmin_pages:search"), {"q": "Widgets"})
        self.assertContains(response, f'href="{reverse("network_profiles:index")}?q=Widgets"')

    def test_area_not_offered_to_users_without_page_rights(self):
        from django.test import RequestFactory

        from wagtail_network.admin.profile_search import ProfileSearchArea

        request = RequestFactory().get("/admin/")
        request.user = self.moderator
        self.assertFalse(ProfileSearchArea().is_shown(request))
        request.user = self.company_admin
        self.assertTrue(ProfileSearchArea().is_shown(request))
