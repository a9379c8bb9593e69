"""The large-network generator (`manage.py generate_network`, issue 13): real pages that
pass treebeard's and Wagtail's checks, the data model's invariants, a heavy-tailed
degree distribution, a working site on top, a fast reset.

The network is generated once (``setUpTestData``) at a small size; tests that
generate again run inside their own transaction, rolled back afterwards.
"""

from __future__ import annotations

import io
import statistics
from collections import Counter

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.test import TestCase

from example_site.demo import generate, roles
from wagtail_network import graph
from wagtail_network.models import (
    Block,
    CompanyPage,
    Connection,
    ConnectionEdge,
    ConnectionState,
    Endorsement,
    MemberPage,
    Position,
    ProfileSearchEntry,
    Recommendation,
)

MEMBERS, COMPANIES, CONNECTIONS = 400, 20, 3_000


def run(*args: str, members=MEMBERS, companies=COMPANIES, connections=CONNECTIONS) -> str:
    out = io.StringIO()
    call_command(
        "generate_network",
        "--members",
        str(members),
        "--companies",
        str(companies),
        "--connections",
        str(connections),
        *args,
        stdout=out,
    )
    return out.getvalue()


def degrees() -> list[int]:
    counted = list(
        ConnectionEdge.objects.values("member").annotate(n=Count("pk")).values_list("n", flat=True)
    )
    return sorted([0] * (MemberPage.objects.count() - len(counted)) + counted)


class GeneratedNetworkTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = run("--check")

    def test_generate_network_writes_what_was_asked(self):
        self.assertEqual(MemberPage.objects.count(), MEMBERS)
        self.assertEqual(CompanyPage.objects.count(), COMPANIES)
        accepted = Connection.objects.filter(state=ConnectionState.ACCEPTED)
        self.assertEqual(accepted.count(), CONNECTIONS)
        self.assertEqual(ConnectionEdge.objects.count(), 2 * CONNECTIONS)
        self.assertEqual(
            Connection.objects.filter(state=ConnectionState.PENDING).count(), CONNECTIONS // 100
        )
        self.assertGreater(Endorsement.objects.count(), CONNECTIONS // 5)
        self.assertGreater(Recommendation.objects.count(), 0)
        self.assertGreater(Block.objects.count(), 0)
        # Every member has a site account, skills, and most have a current position.
        self.assertFalse(MemberPage.objects.filter(user__isnull=True).exists())
        self.assertFalse(MemberPage.objects.filter(skills__isnull=True).exists())
        current = Position.objects.filter(is_current=True, company__isnull=False)
        self.assertGreaterEqual(current.values("member").distinct().count(), MEMBERS * 9 // 10)
        self.assertIn("Loaded 20 companies, 400 members, 3,000 connections", self.output)

    def test_generate_network_pages_pass_fixtree(self):
        out = io.StringIO()
        call_command("fixtree", stdout=out, interactive=False)
        self.assertIn("No problems found", out.getvalue())
        self.assertIn("Checked the page tree and the invariants", self.output)
        member = MemberPage.objects.order_by("pk").first()
        self.assertEqual(member.url_path, f"{member.get_parent().url_path}{member.slug}/")
        self.assertEqual(member.get_parent().specific_class.__name__, "MemberIndexPage")

    def test_generate_network_keeps_every_invariant(self):
        self.assertEqual(generate.check_invariants(), [])
        # The same, asked directly: one live connection per pair, both edge rows,
        # endorsements and recommendations only between connections.
        pairs = Counter(
            Connection.objects.filter(
                state__in=[ConnectionState.ACCEPTED, ConnectionState.PENDING]
            ).values_list("member_low", "member_high")
        )
        self.assertEqual(max(pairs.values()), 1)
        edges = set(ConnectionEdge.objects.values_list("member", "other"))
        for low, high in Connection.objects.filter(state=ConnectionState.ACCEPTED).values_list(
            "member_low", "member_high"
        ):
            self.assertIn((low, high), edges)
            self.assertIn((high, low), edges)
        for endorser, member in Endorsement.objects.values_list("endorser", "member"):
            self.assertIn((endorser, member), edges)
        skills = set(MemberPage.skills.through.objects.values_list("memberpage_id", "skill_id"))
        for member, skill in Endorsement.objects.values_list("member", "skill"):
            self.assertIn((member, skill), skills)
        for author, member in Recommendation.objects.values_list("author", "member"):
            self.assertIn((author, member), edges)
        for blocker, blocked in Block.objects.values_list("blocker", "blocked"):
            self.assertNotIn((blocker, blocked), edges)

    def test_generate_network_leaves_every_foreign_key_in_place(self):
        # On PostgreSQL the load parks the foreign keys and adds them back (the
        # PostgreSQL leg of CI tests that; on SQLite nothing is parked).
        models = {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}
        with connection.cursor() as cursor:
            for table in generate.written_tables():
                found = {
                    tuple(c["columns"])
                    for c in connection.introspection.get_constraints(cursor, table).values()
                    if c["foreign_key"]
                }
                expected = {
                    (f.column,)
                    for f in models[table]._meta.local_fields
                    if f.is_relation and f.db_constraint
                }
                with self.subTest(table=table):
                    self.assertTrue(expected)
                    self.assertEqual(found, expected)
        edge = ConnectionEdge.objects.order_by("pk").first()
        with self.assertRaises(IntegrityError), transaction.atomic():
            ConnectionEdge.objects.filter(pk=edge.pk).update(other_id=10**9)
            connection.check_constraints(table_names=[ConnectionEdge._meta.db_table])

    def test_generate_network_check_finds_a_missing_edge(self):
        ConnectionEdge.objects.filter(pk=ConnectionEdge.objects.order_by("pk")[0].pk).delete()
        problems = generate.check_invariants()
        self.assertIn("1 accepted connections without both edge rows", problems)

    def test_generate_network_degrees_are_heavy_tailed(self):
        found = degrees()
        median = statistics.median(found)
        self.assertGreaterEqual(median, 5)
        self.assertGreater(found[-1], 6 * median)
        self.assertEqual(
            generate.degree_summary(),
            {
                "median": found[len(found) // 2],
                "p99": found[len(found) * 99 // 100],
                "max": found[-1],
            },
        )

    def test_generate_network_builds_the_search_index_as_its_own_step(self):
        self.assertEqual(ProfileSearchEntry.objects.count(), MEMBERS + COMPANIES)
        self.assertRegex(self.output, r"Search index: 420 profiles .* in [\d.]+s")

    def test_generate_network_shows_progress_with_its_rate(self):
        self.assertRegex(self.output, r"edges +\[#+\] +6,000/6,000 +[\d,]+/s")

    def test_generate_network_members_sign_in_and_use_the_site(self):
        member = MemberPage.objects.filter(user__isnull=False).order_by("pk").first()
        self.assertTrue(
            self.client.login(
                **{
                    get_user_model().USERNAME_FIELD: member.user.get_username(),
                    "password": roles.DEFAULT_PASSWORD,
                }
            )
        )
        self.assertEqual(self.client.get(member.url).status_code, 200)
        self.assertEqual(self.client.get("/network/").status_code, 200)
        friends = set(ConnectionEdge.objects.filter(member=member).values_list("other", flat=True))
        suggested = {s.member.pk for s in graph.suggestions(member.user, limit=20)}
        self.assertFalse(suggested & friends)
        self.assertNotIn(member.pk, suggested)

    def test_generate_network_needs_reset_when_there_is_a_network(self):
        with self.assertRaisesMessage(CommandError, "--reset"):
            run("--no-index", members=50, companies=5, connections=100)
        self.assertEqual(MemberPage.objects.count(), MEMBERS)

    def test_generate_network_reset_replaces_the_network(self):
        output = run("--reset", "--no-index", members=50, companies=5, connections=100)
        # The profiles and their two directories (created again).
        self.assertIn(f"Removed {MEMBERS + COMPANIES + 2:,} pages", output)
        self.assertIn("Search index skipped", output)
        self.assertEqual(MemberPage.objects.count(), 50)
        self.assertEqual(CompanyPage.objects.count(), 5)
        self.assertEqual(ConnectionEdge.objects.count(), 200)
        self.assertEqual(generate.check_invariants(), [])

    def test_generate_network_refuses_impossible_sizes_and_changes_nothing(self):
        for sizes in (
            {"members": 5},
            {"companies": 1},
            {"connections": MEMBERS * MEMBERS},
            {"connections": -1},
        ):
            with self.subTest(**sizes), self.assertRaises(CommandError):
                run("--reset", **sizes)
        self.assertEqual(MemberPage.objects.count(), MEMBERS)

    def test_generate_network_same_seed_same_people_and_connections(self):
        def network():
            first = MemberPage.objects.order_by("pk").values_list("pk", flat=True)[0]
            names = list(MemberPage.objects.order_by("pk").values_list("title", flat=True))
            edges = sorted(
                (member - first, other - first)
                for member, other in ConnectionEdge.objects.values_list("member", "other")
            )
            return names, edges

        before = network()
        run("--reset", "--no-index")
        self.assertEqual(network(), before)

    def test_generate_network_reset_removes_what_refers_to_the_pages(self):
        # Opening a page's editor subscribes the editor to its comments; someone
        # outside the demo accounts, so that deleting accounts does not remove it.
        from wagtail.models import PageSubscription

        User = get_user_model()
        address = "outsider@elsewhere.example"
        outsider = User.objects.create_user(
            **{User.get_email_field_name(): address, User.USERNAME_FIELD: address}
        )
        page = MemberPage.objects.order_by("pk").first()
        PageSubscription.objects.create(user=outsider, page=page, comment_notifications=True)
        run("--reset", "--no-index", members=50, companies=5, connections=100)
        self.assertFalse(PageSubscription.objects.filter(user=outsider).exists())
        self.assertEqual(MemberPage.objects.count(), 50)
