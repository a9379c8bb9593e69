"""The demo loader (`manage.py load_demo_network`): structure, invariants, roles, reruns.

The network is loaded once (``setUpTestData``) at a small size (60 members, 8
companies) and the check groups below (plain mixins) all read it; tests that load
again or reset run inside their own transaction, rolled back afterwards.
"""

from __future__ import annotations

import io
import os
import re
import statistics
from collections import Counter
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Page, PageLogEntry, Site

from example_site.demo import roles
from example_site.demo.images import COLLECTION_NAME
from example_site.demo.management.commands.load_demo_network import default_site_url
from example_site.home.models import HomePage
from tests.graphql.conftest import post_graphql
from wagtail_network import graph, visibility
from wagtail_network.models import (
    Block,
    CompanyIndexPage,
    CompanyPage,
    CompanyRelationship,
    Connection,
    ConnectionEdge,
    ConnectionEvent,
    ConnectionState,
    Endorsement,
    Follow,
    MemberIndexPage,
    MemberPage,
    Position,
    Recommendation,
    RecommendationState,
    Report,
    Skill,
)

MEMBERS, COMPANIES = 60, 8
PASSWORD = roles.DEFAULT_PASSWORD


def load(*args: str) -> str:
    out = io.StringIO()
    call_command(
        "load_demo_network",
        "--members",
        str(MEMBERS),
        "--companies",
        str(COMPANIES),
        *args,
        stdout=out,
    )
    return out.getvalue()


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def role_account(name: str):
    """The demo's role account called ``name``, found by its login on the active model."""
    User = get_user_model()
    return User.objects.get(**{User.USERNAME_FIELD: roles.login_of(name)})


def network_counts() -> dict[str, int]:
    return {
        "companies": CompanyPage.objects.count(),
        "members": MemberPage.objects.count(),
        "connections": Connection.objects.count(),
        "accepted": Connection.objects.filter(state=ConnectionState.ACCEPTED).count(),
        "edges": ConnectionEdge.objects.count(),
        "endorsements": Endorsement.objects.count(),
        "recommendations": Recommendation.objects.count(),
        "follows": Follow.objects.count(),
        "images": get_image_model().objects.count(),
        "users": get_user_model().objects.count(),
    }


class LoadedDemoNetwork(TestCase):
    output: str

    @classmethod
    def setUpTestData(cls) -> None:
        cls.output = load()
        User = get_user_model()
        names = {roles.login_of(name): name for name in roles.ROLE_USERNAMES}
        cls.users = {
            names[u.get_username()]: u
            for u in User.objects.filter(**{f"{User.USERNAME_FIELD}__in": list(names)})
        }
        cls.anna = MemberPage.objects.get(user=cls.users["anna"])
        cls.bram = MemberPage.objects.get(user=cls.users["bram"])


class StructureChecks:
    def test_loads_the_requested_numbers_of_companies_and_members(self):
        self.assertEqual(CompanyPage.objects.count(), COMPANIES)
        self.assertEqual(MemberPage.objects.count(), MEMBERS)
        self.assertIn(f"Loaded {COMPANIES} companies, {MEMBERS} members,", self.output)

    def test_default_site_root_is_a_homepage_with_both_directories(self):
        site = Site.objects.get(is_default_site=True)
        home = site.root_page.specific
        self.assertIsInstance(home, HomePage)
        self.assertIn("Welcome to the Wagtail Network demo", home.intro)
        companies = CompanyIndexPage.objects.child_of(home).get()
        members = MemberIndexPage.objects.child_of(home).get()
        self.assertEqual((companies.slug, companies.title), ("companies", "Companies"))
        self.assertEqual((members.slug, members.title), ("members", "Members"))
        self.assertEqual(CompanyPage.objects.child_of(companies).count(), COMPANIES)
        self.assertEqual(MemberPage.objects.child_of(members).count(), MEMBERS)

    def test_bulk_inserted_pages_form_a_valid_wagtail_tree(self):
        self.assertEqual(Page.find_problems(), ([], [], [], [], []))
        for directory in Page.objects.type(CompanyIndexPage, MemberIndexPage):
            self.assertEqual(directory.numchild, directory.get_children().count())
        for page in MemberPage.objects.all()[:10]:
            self.assertEqual(page.url_path, f"/home/members/{page.slug}/")
            self.assertEqual(page.get_parent().specific_class, MemberIndexPage)
            self.assertEqual(page.locale_id, page.get_parent().locale_id)

    def test_every_page_has_a_latest_revision_and_live_pages_a_live_revision(self):
        for page in Page.objects.type(CompanyPage, MemberPage).specific():
            self.assertIsNotNone(page.latest_revision_id, page)
            revision_page = page.latest_revision.as_object()
            self.assertEqual(revision_page.title, page.title)
            if page.live:
                self.assertEqual(page.live_revision_id, page.latest_revision_id)
                self.assertFalse(page.has_unpublished_changes)

    def test_page_history_shows_creation_and_publication_by_the_owner(self):
        entries = PageLogEntry.objects.filter(page=self.anna).order_by("timestamp", "pk")
        self.assertEqual(
            [(e.action, e.user_id) for e in entries],
            [
                ("wagtail.create", self.users["anna"].pk),
                ("wagtail.publish", self.users["anna"].pk),
            ],
        )
        self.assertEqual(entries.last().revision_id, self.anna.live_revision_id)
        self.assertEqual(self.anna.latest_revision.user_id, self.users["anna"].pk)
        drafts = MemberPage.objects.filter(live=False)
        self.assertFalse(
            PageLogEntry.objects.filter(page__in=drafts, action="wagtail.publish").exists()
        )

    def test_revision_content_includes_child_rows(self):
        revision_page = self.anna.latest_revision.as_object()
        self.assertEqual(
            sorted(p.title for p in revision_page.positions.all()),
            sorted(p.title for p in self.anna.positions.all()),
        )
        self.assertEqual(
            {s.pk for s in revision_page.skills.all()}, {s.pk for s in self.anna.skills.all()}
        )

    def test_most_profiles_are_live_and_a_few_wait_for_an_editor(self):
        self.assertGreaterEqual(MemberPage.objects.filter(live=False).count(), 1)
        self.assertGreater(MemberPage.objects.live().count(), MEMBERS * 9 // 10)

    def test_profiles_are_complete_and_varied(self):
        members = MemberPage.objects.all()
        self.assertTrue(all(m.headline and m.bio and m.city for m in members))
        self.assertEqual(
            set(members.values_list("country", flat=True)),
            {"Netherlands", "United Kingdom", "Belgium"},
        )
        self.assertGreater(members.filter(photo__isnull=False).count(), MEMBERS // 2)
        visibilities = set(members.values_list("profile_visibility", flat=True))
        self.assertTrue({"public", "members"} <= visibilities)
        self.assertGreater(Position.objects.filter(is_current=True).count(), MEMBERS // 2)
        self.assertTrue(Position.objects.filter(verified_at__isnull=False).exists())
        self.assertTrue(
            Position.objects.filter(company__isnull=True).exclude(company_name="").exists()
        )

    def test_every_member_skill_and_interest_row_points_at_real_vocabulary(self):
        self.assertTrue(all(m.skills.exists() for m in MemberPage.objects.all()[:20]))
        self.assertTrue(self.anna.interests.exists())

    def test_logos_and_portraits_are_generated_wagtail_images(self):
        Image = get_image_model()
        for company in CompanyPage.objects.select_related("logo"):
            self.assertIsNotNone(company.logo, company)
            self.assertEqual(company.logo.collection.name, COLLECTION_NAME)
            self.assertEqual((company.logo.width, company.logo.height), (256, 256))
            with company.logo.open_file() as handle:
                self.assertEqual(handle.read(8), b"\x89PNG\r\n\x1a\n")
        # Found by the admin's image search, like an uploaded image.
        self.assertIn(company.logo, list(Image.objects.search(company.logo.title)))
        # Portraits are shared by members with the same initials: fewer files than photos.
        photos = MemberPage.objects.filter(photo__isnull=False)
        self.assertLess(Image.objects.count(), photos.count() + COMPANIES)

    def test_company_profiles_have_size_founding_website_and_relationships(self):
        for company in CompanyPage.objects.all():
            self.assertTrue(company.size_range and company.founded_year and company.website)
            self.assertTrue(company.specialities.exists())
        self.assertTrue(CompanyRelationship.objects.exists())

    def test_every_profile_has_a_search_entry_and_only_public_ones_are_in_wagtails_index(self):
        from wagtail_network.filters import filter_members
        from wagtail_network.models import ProfileSearchEntry
        from wagtail_network.search import publicly_visible

        self.assertEqual(ProfileSearchEntry.objects.count(), MemberPage.objects.count() + COMPANIES)
        hidden = MemberPage.objects.exclude(
            pk__in=publicly_visible(MemberPage.objects.all()).values("pk")
        ).first()
        self.assertIsNotNone(hidden)  # the demo has members-only and draft profiles
        self.assertNotIn(hidden.pk, [p.pk for p in Page.objects.search(hidden.title)])
        found = filter_members(self.users["anna"], {"q": self.anna.title})
        self.assertIn(self.anna.pk, list(found.values_list("pk", flat=True)))


class NetworkInvariantChecks:
    def test_every_accepted_connection_has_both_symmetric_edges(self):
        accepted = Connection.objects.filter(state=ConnectionState.ACCEPTED)
        self.assertGreater(accepted.count(), MEMBERS)
        edges = set(ConnectionEdge.objects.values_list("member_id", "other_id", "connection_id"))
        for c in accepted:
            self.assertIn((c.member_low_id, c.member_high_id, c.pk), edges)
            self.assertIn((c.member_high_id, c.member_low_id, c.pk), edges)
        self.assertEqual(len(edges), 2 * accepted.count())

    def test_every_edge_is_backed_by_an_accepted_connection_of_that_pair(self):
        for edge in ConnectionEdge.objects.select_related("connection"):
            self.assertEqual(edge.connection.state, ConnectionState.ACCEPTED)
            self.assertEqual(
                {edge.member_id, edge.other_id},
                {edge.connection.member_low_id, edge.connection.member_high_id},
            )

    def test_connection_history_starts_with_the_invitation_and_ends_in_the_current_state(self):
        events = {}
        for event in ConnectionEvent.objects.order_by("at", "pk"):
            events.setdefault(event.connection_id, []).append(event)
        states = Counter()
        for connection in Connection.objects.all():
            history = events[connection.pk]
            self.assertEqual(history[0].state, ConnectionState.PENDING)
            self.assertEqual(history[0].actor_id, connection.requester_id)
            self.assertEqual(history[-1].state, connection.state)
            states[connection.state] += 1
        self.assertEqual(set(states), set(ConnectionState.values))

    def test_invitations_and_connections_only_involve_live_profiles(self):
        drafts = MemberPage.objects.filter(live=False).values("pk")
        self.assertFalse(
            Connection.objects.filter(Q(member_low__in=drafts) | Q(member_high__in=drafts)).exists()
        )

    def test_endorsements_only_between_connections(self):
        edges = set(ConnectionEdge.objects.values_list("member_id", "other_id"))
        endorsements = Endorsement.objects.all()
        self.assertTrue(endorsements.exists())
        for endorser, member in endorsements.values_list("endorser_id", "member_id"):
            self.assertIn((endorser, member), edges)

    def test_endorsements_only_for_skills_the_member_lists(self):
        listed = set(MemberPage.skills.through.objects.values_list("memberpage_id", "skill_id"))
        for member, skill in Endorsement.objects.values_list("member_id", "skill_id"):
            self.assertIn((member, skill), listed)

    def test_recommendations_only_between_connections(self):
        edges = set(ConnectionEdge.objects.values_list("member_id", "other_id"))
        recommendations = Recommendation.objects.all()
        self.assertTrue(recommendations.filter(state=RecommendationState.PUBLISHED).exists())
        for author, member in recommendations.values_list("author_id", "member_id"):
            self.assertIn((author, member), edges)

    def test_blocked_pairs_have_no_live_relation_endorsement_or_recommendation(self):
        self.assertTrue(Block.objects.exists())
        for block in Block.objects.all():
            pair = Q(member_low=min(block.blocker_id, block.blocked_id)) & Q(
                member_high=max(block.blocker_id, block.blocked_id)
            )
            self.assertFalse(
                Connection.objects.filter(
                    pair,
                    state__in=[
                        ConnectionState.PENDING,
                        ConnectionState.ACCEPTED,
                        ConnectionState.IGNORED,
                    ],
                ).exists()
            )
            both_ways = Q(endorser=block.blocker_id, member=block.blocked_id) | Q(
                endorser=block.blocked_id, member=block.blocker_id
            )
            self.assertFalse(Endorsement.objects.filter(both_ways).exists())

    def test_degree_distribution_is_heavy_tailed(self):
        degrees = Counter(ConnectionEdge.objects.values_list("member_id", flat=True))
        values = sorted(degrees.values())
        median = statistics.median(values)
        self.assertGreaterEqual(max(values), 3 * median)
        self.assertLessEqual(median, 10)

    def test_activity_spans_the_last_six_months_and_grows(self):
        now = timezone.now()
        window_start = now - timedelta(days=183)
        joined = list(MemberPage.objects.live().values_list("first_published_at", flat=True))
        self.assertTrue(all(window_start <= t <= now for t in joined))
        midpoint = window_start + (now - window_start) / 2
        # More members joined in the recent half than in the older half.
        self.assertGreater(sum(t >= midpoint for t in joined), sum(t < midpoint for t in joined))
        for c in Connection.objects.all():
            self.assertTrue(window_start <= c.created_at <= now)
            if c.responded_at:
                self.assertLessEqual(c.created_at, c.responded_at)
        for e in Endorsement.objects.select_related("member"):
            self.assertLessEqual(e.created_at, now)

    def test_there_are_follows_and_reports_for_moderators(self):
        self.assertGreater(Follow.objects.count(), MEMBERS // 2)
        self.assertGreaterEqual(Report.objects.count(), 2)


class RoleChecks:
    def test_role_accounts_exist_and_are_printed_with_where_to_sign_in(self):
        self.assertEqual(set(self.users), set(roles.ROLE_USERNAMES))
        for username in roles.ROLE_USERNAMES:
            login = re.escape(roles.login_of(username))
            self.assertRegex(self.output, rf"\n  {login} +{PASSWORD} +/")
        anna, companyadmin = (re.escape(roles.login_of(n)) for n in ("anna", "companyadmin"))
        self.assertRegex(self.output, rf"{anna} +\S+ +/accounts/login/")
        self.assertRegex(self.output, rf"{companyadmin} +\S+ +/admin/")

    def test_a_newcomer_has_an_account_but_no_profile_and_is_told_to_join(self):
        newcomer = self.users["newcomer"]
        self.assertFalse(MemberPage.objects.filter(user=newcomer).exists())
        self.assertTrue(newcomer.check_password(PASSWORD))
        self.assertFalse(newcomer.is_staff or newcomer.is_superuser)
        self.assertRegex(
            self.output,
            rf"\n  {re.escape(roles.login_of('newcomer'))} +{PASSWORD} +/accounts/login/ +"
            r"site account only \(no profile yet: try Join the network\)",
        )

    def test_admin_is_a_superuser(self):
        admin = self.users["admin"]
        self.assertTrue(admin.is_superuser and admin.is_staff)

    def test_editor_edits_and_publishes_directory_pages_and_sees_private_profiles(self):
        editor = fresh(self.users["editor"])
        self.assertTrue(editor.has_perm("wagtailadmin.access_admin"))
        self.assertTrue(editor.has_perm("wagtail_network.view_private_profiles"))
        self.assertFalse(editor.has_perm("wagtail_network.moderate_network"))
        perms = self.bram.permissions_for_user(editor)
        self.assertTrue(perms.can_edit() and perms.can_publish())
        company = CompanyPage.objects.first()
        self.assertTrue(company.permissions_for_user(editor).can_publish())
        self.assertTrue(visibility.sees_everything(editor))

    def test_moderator_moderates_and_sees_everything_but_edits_no_pages(self):
        moderator = fresh(self.users["moderator"])
        self.assertTrue(moderator.has_perm("wagtail_network.moderate_network"))
        self.assertTrue(moderator.has_perm("wagtailadmin.access_admin"))
        self.assertTrue(visibility.can_moderate(moderator))
        self.assertTrue(visibility.sees_everything(moderator))
        self.assertFalse(self.bram.permissions_for_user(moderator).can_edit())

    def test_company_admin_grant_is_per_object(self):
        company_admin = fresh(self.users["companyadmin"])
        administered = list(visibility.administered_companies(company_admin))
        self.assertEqual(len(administered), 2)
        self.assertEqual(
            sorted(c.title for c in administered),
            sorted(CompanyPage.objects.order_by("path").values_list("title", flat=True)[:2]),
        )
        other = CompanyPage.objects.exclude(pk__in=[c.pk for c in administered]).first()
        self.assertFalse(company_admin.has_perm("wagtail_network.change_companypage"))
        self.assertFalse(company_admin.has_perm("wagtail_network.change_companypage", other))
        self.assertTrue(
            company_admin.has_perm("wagtail_network.change_companypage", administered[0])
        )
        self.assertFalse(visibility.sees_everything(company_admin))
        self.assertEqual(set(company_admin.get_all_permissions()), {"wagtailadmin.access_admin"})

    def test_company_admin_edits_their_company_and_not_another_in_the_admin(self):
        company_admin = fresh(self.users["companyadmin"])
        mine = visibility.administered_companies(company_admin).first()
        other = CompanyPage.objects.exclude(
            pk__in=visibility.administered_companies(company_admin).values("pk")
        ).first()
        self.client.force_login(company_admin)
        response = self.client.get(reverse("wagtailadmin_pages:edit", args=[mine.pk]))
        self.assertEqual(response.status_code, 200)
        response = self.client.get(reverse("wagtailadmin_pages:edit", args=[other.pk]))
        self.assertNotEqual(response.status_code, 200)

    def test_company_admin_has_a_claim_to_confirm(self):
        company_admin = fresh(self.users["companyadmin"])
        claims = Position.objects.filter(
            company__in=visibility.administered_companies(company_admin).values("pk"),
            is_current=True,
            verified_at__isnull=True,
        )
        self.assertIn(self.anna.pk, claims.values_list("member_id", flat=True))

    def test_demo_members_have_connections_endorsements_and_invitations_both_ways(self):
        for member in (self.anna, self.bram):
            self.assertTrue(ConnectionEdge.objects.filter(member=member).exists())
            self.assertTrue(
                Connection.objects.filter(recipient=member, state=ConnectionState.PENDING).exists()
            )
            self.assertTrue(
                Connection.objects.filter(requester=member, state=ConnectionState.PENDING).exists()
            )
            self.assertTrue(Endorsement.objects.filter(member=member).exists())
        self.assertTrue(ConnectionEdge.objects.filter(member=self.anna, other=self.bram).exists())
        self.assertTrue(
            Recommendation.objects.filter(
                member=self.anna, state=RecommendationState.PENDING_RECIPIENT
            ).exists()
        )

    def test_demo_members_sign_in_on_the_sites_login_page(self):
        # Django's login form calls its field "username" whatever the model's login field.
        response = self.client.post(
            reverse("login"), {"username": roles.login_of("anna"), "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.users["anna"].pk)

    def test_other_members_sign_in_with_their_slug(self):
        member = (
            MemberPage.objects.live()
            .filter(user__isnull=False)
            .exclude(pk__in=[self.anna.pk, self.bram.pk])
            .first()
        )
        login = member.user.get_username()
        self.assertEqual(login, roles.login_of(member.slug))
        self.assertTrue(self.client.login(username=login, password=PASSWORD))

    def test_some_profiles_are_not_linked_to_a_user_yet(self):
        self.assertTrue(MemberPage.objects.filter(user__isnull=True).exists())

    def test_visitor_pages_answer_200(self):
        company = CompanyPage.objects.live().first()
        for url in ["/", "/companies/", "/members/", company.url, self.anna.url]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)


class RerunChecks:
    def test_rerun_skips_changes_nothing_and_still_prints_the_logins(self):
        before = network_counts()
        output = load()
        self.assertIn("already loaded", output)
        self.assertEqual(network_counts(), before)
        for username in roles.ROLE_USERNAMES:
            self.assertIn(f"\n  {roles.login_of(username)} ", output)

    def test_rerun_restores_a_deleted_role_account(self):
        self.users["moderator"].delete()
        load()
        moderator = role_account("moderator")
        self.assertTrue(moderator.check_password(PASSWORD))
        self.assertTrue(fresh(moderator).has_perm("wagtail_network.moderate_network"))

    def test_reset_rebuilds_the_same_network(self):
        before = network_counts()
        slugs = set(MemberPage.objects.values_list("slug", flat=True))
        output = load("--reset", "--no-input")
        self.assertIn("Removed the demo network", output)
        self.assertEqual(network_counts(), before)
        self.assertEqual(set(MemberPage.objects.values_list("slug", flat=True)), slugs)
        self.assertEqual(Page.find_problems(), ([], [], [], [], []))
        self.assertEqual(
            len(visibility.administered_companies(role_account("companyadmin"))),
            2,
        )

    def test_reset_asks_for_confirmation_and_a_no_changes_nothing(self):
        before = network_counts()
        with mock.patch("builtins.input", return_value="no"), self.assertRaises(CommandError):
            load("--reset")
        self.assertEqual(network_counts(), before)

    def test_password_option_sets_every_demo_password(self):
        load("--password", "correct horse battery")
        for username in roles.ROLE_USERNAMES:
            user = role_account(username)
            self.assertTrue(user.check_password("correct horse battery"), username)


class SiteOriginChecks:
    """The default Site names the origin the demo serves, so absolute URLs do too."""

    def member_url_over_graphql(self) -> str:
        body = post_graphql(f'{{ member(slug: "{self.anna.slug}") {{ url }} }}')
        self.assertNotIn("errors", body)
        return body["data"]["member"]["url"]

    def test_load_sets_the_default_site_to_the_origin_served(self):
        site = Site.objects.get(is_default_site=True)
        self.assertEqual(f"{site.root_url}", default_site_url())
        self.assertTrue(self.member_url_over_graphql().startswith(default_site_url() + "/"))

    def test_member_url_names_the_port_make_demo_serves_on(self):
        # `make demo` passes --site-url http://127.0.0.1:$PORT; a rerun (the network is
        # loaded already) still moves the Site.
        load("--site-url", "http://127.0.0.1:8765")
        self.assertTrue(self.member_url_over_graphql().startswith("http://127.0.0.1:8765/"))
        self.assertTrue(self.anna.get_full_url().startswith("http://127.0.0.1:8765/"))

    def test_without_site_url_the_port_comes_from_the_port_variable(self):
        with mock.patch.dict(os.environ, {"PORT": "8123"}):
            output = load()
        self.assertIn("Default site: http://127.0.0.1:8123/", output)
        self.assertTrue(self.member_url_over_graphql().startswith("http://127.0.0.1:8123/"))

    def test_sitemap_names_the_origin_served(self):
        load("--site-url", "http://127.0.0.1:8765")
        xml = self.client.get("/sitemap.xml").content.decode()
        self.assertIn("<loc>http://127.0.0.1:8765/members/", xml)
        self.assertNotIn("localhost", xml)

    def test_a_site_url_wagtail_cannot_serve_is_refused_and_changes_nothing(self):
        site = Site.objects.get(is_default_site=True)
        for bad in ["https://127.0.0.1:8443", "ftp://example.org", "http://x.org/demo/"]:
            with self.subTest(bad=bad), self.assertRaises(CommandError):
                load("--site-url", bad)
        self.assertEqual(Site.objects.get(is_default_site=True).root_url, site.root_url)


class LivedInNetworkChecks:
    """What the demo members find in My network (issue 10): something to answer,
    something to withdraw, people to meet for more than one reason."""

    def demo_members(self):
        return {"anna": self.anna, "bram": self.bram}

    def test_demo_members_have_invitations_waiting_both_ways_each_with_a_note(self):
        for name, member in self.demo_members().items():
            with self.subTest(member=name):
                received = Connection.objects.filter(
                    recipient=member, state=ConnectionState.PENDING
                )
                sent = Connection.objects.filter(requester=member, state=ConnectionState.PENDING)
                self.assertGreaterEqual(received.count(), 2)
                self.assertGreaterEqual(sent.count(), 1)
                self.assertEqual(
                    [c.pk for c in received | sent if not c.message.strip()],
                    [],
                    "an invitation of a demo member without a note",
                )

    def test_each_demo_member_has_a_recommendation_from_a_connection_waiting_for_them(self):
        edges = set(ConnectionEdge.objects.values_list("member_id", "other_id"))
        for name, member in self.demo_members().items():
            with self.subTest(member=name):
                waiting = Recommendation.objects.filter(
                    member=member, state=RecommendationState.PENDING_RECIPIENT
                )
                self.assertTrue(waiting.exists())
                for recommendation in waiting:
                    self.assertIsNone(recommendation.responded_at)
                    self.assertIn((member.pk, recommendation.author_id), edges)

    def test_demo_members_have_endorsements_to_hide_and_follow_a_company(self):
        for name, member in self.demo_members().items():
            with self.subTest(member=name):
                self.assertTrue(Endorsement.objects.filter(member=member).exists())
                self.assertTrue(Follow.objects.filter(member=member).exists())

    def test_a_demo_member_has_someone_to_meet_through_a_company_they_worked_at(self):
        """A suggestion that is not (only) about mutual connections: a former colleague
        at Anna's current company, unrelated to her, whose positions members see."""
        company = self.anna.positions.get(is_current=True).company
        self.assertIsNotNone(company)
        related = Connection.objects.filter(
            Q(member_low=self.anna) | Q(member_high=self.anna)
        ).values_list("member_low_id", "member_high_id")
        related_ids = {pk for pair in related for pk in pair}
        colleagues = (
            MemberPage.objects.live()
            .filter(
                positions__company=company,
                positions__is_current=False,
                positions_visibility="public",
            )
            .exclude(pk=self.anna.pk)
            .exclude(pk__in=related_ids)
            .exclude(pk__in=Block.objects.filter(blocker=self.anna).values("blocked_id"))
            .exclude(pk__in=Block.objects.filter(blocked=self.anna).values("blocker_id"))
        )
        self.assertTrue(colleagues.exists())
        visible = visibility.members_visible_to(self.users["anna"])
        self.assertTrue(visible.filter(pk__in=colleagues.values("pk")).exists())

    def test_people_you_may_know_give_varied_reasons(self):
        """The demo members' suggestions (as My network lists them) are not all about
        mutual connections: a company, shared skills, an industry or a city too."""
        kinds = set()
        for name in ("anna", "bram"):
            found = graph.suggestions(self.users[name])
            self.assertTrue(found, name)
            kinds |= {reason.kind for s in found for reason in s.reasons}
        self.assertTrue({"mutual_connections", "company", "skills", "industry"} <= kinds, kinds)
        anna_kinds = {r.kind for s in graph.suggestions(self.users["anna"]) for r in s.reasons}
        self.assertIn("company", anna_kinds)

    def test_my_network_shows_anna_her_invitations_notes_and_a_company_reason(self):
        self.client.force_login(self.users["anna"])
        response = self.client.get(reverse("wagtail_network:my_network"))
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        for invitation in Connection.objects.filter(
            recipient=self.anna, state=ConnectionState.PENDING
        ).select_related("requester"):
            self.assertIn(invitation.requester.title, page)
        self.assertIn("wn-mn-reason--company", page)
        waiting = Recommendation.objects.filter(
            member=self.anna, state=RecommendationState.PENDING_RECIPIENT
        ).select_related("author")
        for recommendation in waiting:
            self.assertIn(recommendation.author.title, page)

    def test_the_logins_say_what_waits_for_each_demo_member(self):
        for name, member in self.demo_members().items():
            with self.subTest(member=name):
                received = Connection.objects.filter(
                    recipient=member, state=ConnectionState.PENDING
                ).select_related("requester")
                waiting = Recommendation.objects.filter(
                    member=member, state=RecommendationState.PENDING_RECIPIENT
                ).count()
                recommendations = f"{waiting} recommendation{'s' if waiting > 1 else ''}"
                self.assertRegex(
                    self.output,
                    rf"\n  {re.escape(roles.login_of(name))} .*{re.escape(member.title)}: "
                    rf"{received.count()} invitations and {recommendations} waiting",
                )
                # The details name who invited them, so a tester knows whom to look for.
                details = self.output.split("What waits for the demo members", 1)[1]
                for invitation in received[:3]:
                    self.assertIn(invitation.requester.title, details)
        self.assertRegex(
            self.output,
            rf"{re.escape(roles.login_of('companyadmin'))}: \d+ positions? to confirm in the "
            rf"admin \(Positions to confirm\), among them {re.escape(self.anna.title)} at ",
        )


class NotificationChecks:
    """The demo's accounts find notifications about what the demo wrote (issue 12),
    each one they may see, none mailed while loading."""

    def test_demo_members_and_the_moderator_find_notifications_they_may_see(self):
        from wagtail_network import notifications
        from wagtail_network.models import Notification

        for name in ("anna", "bram", "moderator"):
            with self.subTest(account=name):
                user = fresh(self.users[name])
                stored = Notification.objects.filter(recipient=user).count()
                visible = notifications.visible_notifications(user).count()
                self.assertGreater(stored, 0)
                self.assertEqual(visible, stored)
                self.assertEqual(notifications.unread_count(user), stored)
        self.assertFalse(Notification.objects.exclude(email_state="").exists())

    def test_the_demo_members_read_their_emails_in_english_and_dutch(self):
        from wagtail_network import notifications

        self.assertEqual(notifications.language_for(self.users["anna"]), "en")
        self.assertEqual(notifications.language_for(self.users["bram"]), "nl")
        self.assertIn("bram in Dutch", self.output)


class LoadDemoNetworkTests(
    StructureChecks,
    NetworkInvariantChecks,
    RoleChecks,
    LivedInNetworkChecks,
    NotificationChecks,
    RerunChecks,
    SiteOriginChecks,
    LoadedDemoNetwork,
):
    """All checks above against one load (loading once per class is the slow part)."""


@pytest.mark.django_db
def test_too_small_a_network_is_refused_and_nothing_is_written():
    with pytest.raises(CommandError):
        call_command("load_demo_network", "--members", "3", stdout=io.StringIO())
    assert not MemberPage.objects.exists()
    User = get_user_model()
    assert not User.objects.filter(**{User.USERNAME_FIELD: roles.login_of("anna")}).exists()


@pytest.mark.skipif(
    roles.signs_in_by_email(),
    reason="on an e-mail login model a role's login is an address in the demo's reserved "
    "domain, which no account made by hand has",
)
@pytest.mark.django_db
def test_an_existing_account_with_a_role_name_keeps_its_password_and_vocabulary_is_reused():
    User = get_user_model()
    User.objects.create_user("admin", "owner@example.com", "my own password")
    Skill.objects.create(name="python", slug="python")  # an editor's spelling

    output = load()

    admin = role_account("admin")
    assert admin.check_password("my own password")
    assert "(unchanged)" in output
    assert Skill.objects.filter(slug="python").count() == 1
    assert Endorsement.objects.exists()
