"""Every GraphQL operation that lists things runs a constant number of SQL queries,
whatever its page size (issue 3, "Speed"): each operation is measured at 10 and at
100 rows and the two counts must be equal.

The counts are printed (``pytest -s``) so that the closing report can quote them.
"""

from __future__ import annotations

from typing import Any, ClassVar

import wagtail_factories
from django.db import connection
from django.test import Client, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

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
from tests.graphql.conftest import post_graphql
from wagtail_network.models import (
    Block,
    Connection,
    ConnectionState,
    Endorsement,
    Follow,
    MemberPage,
    Recommendation,
    RecommendationState,
)

N = 100


def invite(requester: Any, recipient: Any, state: str) -> Connection:
    low, high = sorted([requester, recipient], key=lambda p: p.pk)
    return Connection.objects.create(
        member_low=low,
        member_high=high,
        requester=requester,
        recipient=recipient,
        state=state,
        message="Let's connect",
        created_at=timezone.now(),
    )


SIZES = (10, 100)

# Generous budgets: these tests measure SQL, not the cost limits (tested elsewhere).
BUDGET = {"GRAPHQL_MAX_COST": 10**9, "GRAPHQL_COST_PER_MINUTE": 10**9}

DIRECTORY = """
query($first: Int!) {
  members(first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id name headline location url email phone openTo degree connectionStatus connectionCount
      mutualConnectionCount
      industry { name }
      photo(spec: "fill-64x64") { url width }
      positions(current: true) { title verified company { name url } }
      skills { skill { name } endorsementCount endorsedByViewer }
    } }
  }
}
"""

COMPANIES = """
query($first: Int!) {
  companies(first: $first) {
    totalCount
    edges { node { id name url employeeCount followerCount followedByViewer industry { name } } }
  }
}
"""

CONNECTIONS = """
query($first: Int!) {
  member(slug: "hub") {
    connectionCount
    connections(first: $first) {
      totalCount
      edges { node { id name headline connectionStatus degree url } }
    }
  }
}
"""

INVITATIONS = """
query($first: Int!) {
  viewer {
    invitationsReceived(first: $first) {
      totalCount edges { node { id message state createdAt requester { id name headline } } }
    }
    invitationsSent(first: $first) {
      totalCount edges { node { id state recipient { id name } } }
    }
  }
}
"""

EMPLOYEES = """
query($first: Int!) {
  company(slug: "bigco") {
    employeeCount
    employees(first: $first, current: true) {
      totalCount edges { node { id name positions(current: true) { title } connectionStatus } }
    }
  }
}
"""

EMPLOYEE_CONNECTIONS = """
query($first: Int!) {
  company(slug: "bigco") {
    employees(first: $first) {
      edges { node { name connections(first: 5) {
        totalCount edges { node { id name connectionStatus degree url } } } } }
    }
  }
}
"""

EMPLOYEE_CONNECTIONS_WITH_LISTS = """
query($first: Int!) {
  company(slug: "bigco") {
    employees(first: $first) {
      edges { node { name connections(first: 5) {
        totalCount edges { node { id name positions(current: true) { title company { name } }
          skills { skill { name } endorsementCount } } } } } }
    }
  }
}
"""

ENDORSEMENTS = """
query($first: Int!) {
  member(slug: "hub") {
    endorsementsReceived(first: $first) {
      totalCount edges { node { id state endorser { id name headline } skill { name } } }
    }
    recommendationsReceived(first: $first) {
      totalCount edges { node { id text author { id name } } }
    }
  }
}
"""

SUGGESTIONS = """
query($first: Int!) {
  viewer { suggestions(first: $first) { totalCount edges { node { id name degree
    suggestionReasons { kind count label company { name } } } } } }
}
"""

BLOCKED = """
query($first: Int!) {
  viewer { blockedMembers(first: $first) { totalCount edges { node { id memberId name } } } }
}
"""

SKILLS = """
query($first: Int!) { skills(first: $first) { totalCount edges { node { id name slug } } } }
"""


@override_settings(WAGTAIL_NETWORK=BUDGET)
class QueryCountTests(TestCase):
    """One network large enough for pages of 100 of everything."""

    counts: ClassVar[dict[str, dict[int, int]]] = {}

    @classmethod
    def setUpTestData(cls):
        # Nothing here is searched: skip indexing ~450 pages (a fifth of the setup time).
        no_index = {
            "default": {"BACKEND": "wagtail.search.backends.database", "AUTO_UPDATE": False}
        }
        with override_settings(WAGTAILSEARCH_BACKENDS=no_index):
            cls.build()

    @classmethod
    def build(cls):
        root = site_root()
        directory = MemberIndexPageFactory(parent=root)
        companies = CompanyIndexPageFactory(parent=root)
        python, django = SkillFactory(name="Python"), SkillFactory(name="Django")
        for i in range(N + 5):
            SkillFactory(name=f"Skill {i:03d}")
        cls.bigco = CompanyPageFactory(parent=companies, title="Bigco", slug="bigco")
        company_pages = [
            CompanyPageFactory(parent=companies, title=f"Co {i:03d}", slug=f"co-{i:03d}")
            for i in range(N + 5)
        ]

        cls.u_viewer = UserFactory(username="viewer")
        cls.viewer = MemberPageFactory(
            parent=directory, title="Viewer", slug="viewer", user=cls.u_viewer
        )
        cls.hub = MemberPageFactory(parent=directory, title="Hub", slug="hub")
        connect(cls.viewer, cls.hub)
        photo = wagtail_factories.ImageFactory()
        members = []
        for i in range(N + 5):
            member = MemberPageFactory(
                parent=directory,
                title=f"Member {i:03d}",
                slug=f"member-{i:03d}",
                photo=photo if i % 3 == 0 else None,
                open_to_mentoring=bool(i % 2),
                # An account: profiles without one are never suggested (nobody
                # could answer an invitation), and these are the suggestions.
                user=UserFactory(username=f"member-{i:03d}"),
            )
            # The through table directly: a revision + publish per member would
            # cost seconds and test nothing here.
            through = MemberPage.skills.through
            through.objects.bulk_create(
                [through(memberpage=member, skill=python), through(memberpage=member, skill=django)]
            )
            members.append(member)
            PositionFactory(member=member, company=cls.bigco, title="Engineer")
            connect(cls.hub, member)
            Endorsement.objects.create(endorser=cls.hub, member=member, skill=python)
            Endorsement.objects.create(endorser=member, member=cls.hub, skill=python)
            Recommendation.objects.create(
                author=member,
                member=cls.hub,
                relationship="same_team",
                text=f"Good {i}",
                state=RecommendationState.PUBLISHED,
            )
            if i % 2:
                Endorsement.objects.create(endorser=cls.viewer, member=member, skill=django)
        for i, company in enumerate(company_pages):
            Follow.objects.create(member=members[i], company=company)
            PositionFactory(member=members[i], company=company, title="Advisor")
        for i in range(N + 5):
            extra = MemberPageFactory(parent=directory, title=f"Blocked {i:03d}")
            Block.objects.create(blocker=cls.viewer, blocked=extra)
        # Invitations: a page of received ones, and some sent (ignored ones among them,
        # which the sender reads as pending).
        for i in range(N + 5):
            sender = MemberPageFactory(parent=directory, title=f"Inviter {i:03d}")
            invite(sender, cls.viewer, ConnectionState.PENDING)
        for i in range(30):
            invitee = MemberPageFactory(parent=directory, title=f"Invitee {i:03d}")
            invite(
                cls.viewer, invitee, ConnectionState.IGNORED if i % 2 else ConnectionState.PENDING
            )

    def measure(self, name: str, query: str, *, user: Any = None, path: tuple = ()) -> None:
        """Run ``query`` at each page size after a warm-up; counts must match."""
        client = Client()
        if user is not None:
            client.force_login(user)
        results = {}
        for size in SIZES:
            post_graphql(query, {"first": size}, client=client)  # warm caches, renditions
            with CaptureQueriesContext(connection) as ctx:
                body = post_graphql(query, {"first": size}, client=client)
            self.assertNotIn("errors", body, body.get("errors"))
            node = body["data"]
            for key in path:
                node = node[key]
            self.assertEqual(len(node["edges"]), size, f"{name}: expected a full page")
            results[size] = len(ctx.captured_queries)
        type(self).counts[name] = results
        print(f"\nQUERY COUNT {name}: " + ", ".join(f"{s} rows → {c}" for s, c in results.items()))
        self.assertEqual(
            results[SIZES[0]],
            results[SIZES[1]],
            f"{name}: SQL queries grow with the page size: {results}",
        )

    def test_members_directory_query_count_is_constant_for_signed_in_viewer(self):
        self.measure("members directory (member)", DIRECTORY, user=self.u_viewer, path=("members",))

    def test_members_directory_query_count_is_constant_for_visitor(self):
        self.measure("members directory (visitor)", DIRECTORY, path=("members",))

    def test_companies_with_employee_counts_query_count_is_constant(self):
        self.measure("companies", COMPANIES, user=self.u_viewer, path=("companies",))

    def test_member_connections_query_count_is_constant(self):
        self.measure(
            "member connections", CONNECTIONS, user=self.u_viewer, path=("member", "connections")
        )

    def test_viewer_invitations_query_count_is_constant(self):
        self.measure(
            "viewer invitations",
            INVITATIONS,
            user=self.u_viewer,
            path=("viewer", "invitationsReceived"),
        )

    def test_company_employees_query_count_is_constant(self):
        self.measure(
            "company employees", EMPLOYEES, user=self.u_viewer, path=("company", "employees")
        )

    def test_employees_connections_nested_query_count_is_constant(self):
        self.measure(
            "company employees with their connections",
            EMPLOYEE_CONNECTIONS,
            user=self.u_viewer,
            path=("company", "employees"),
        )

    def test_employees_connections_with_nested_lists_query_count_is_constant(self):
        """The connected members' own lists (positions, skills) are prefetched for
        the whole batch too, not member by member."""
        self.measure(
            "company employees with their connections' positions and skills",
            EMPLOYEE_CONNECTIONS_WITH_LISTS,
            user=self.u_viewer,
            path=("company", "employees"),
        )

    def test_endorsements_and_recommendations_query_count_is_constant(self):
        self.measure(
            "endorsements received",
            ENDORSEMENTS,
            user=self.u_viewer,
            path=("member", "endorsementsReceived"),
        )

    def test_suggestions_query_count_is_constant(self):
        self.measure("suggestions", SUGGESTIONS, user=self.u_viewer, path=("viewer", "suggestions"))

    def test_blocked_members_query_count_is_constant(self):
        self.measure(
            "blocked members", BLOCKED, user=self.u_viewer, path=("viewer", "blockedMembers")
        )

    def test_skills_query_count_is_constant(self):
        self.measure("skills", SKILLS, path=("skills",))
