"""Who sees what over GraphQL: a matrix of role × object × surface.

Roles (PRODUCT.md): visitor, member (dave), connection (bob, carol), blocked
member (eve, blocked by alice), company admin (of Acme and the draft "Stealth"),
editor (may see private profiles). Each rule is asked through every surface that
can reveal it: ``member(slug:)``, ``node(id:)``, the ``members`` list, its
``totalCount``, ``search``, filters, and nested edges (a member's connections, a
company's employees' connections, endorsers). See tests/graphql/conftest.py
``build_world`` for the network.
"""

from __future__ import annotations

from typing import Any

from django.test import Client, TestCase, override_settings
from strawberry.relay import to_base64

from tests.graphql.conftest import build_world, post_graphql

BUDGET = {"GRAPHQL_MAX_COST": 10**9, "GRAPHQL_COST_PER_MINUTE": 10**9}

VISITOR = "visitor"


@override_settings(WAGTAIL_NETWORK=BUDGET)
class MatrixBase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def user(self, role: str) -> Any:
        return None if role == VISITOR else getattr(self.w, f"u_{role}")

    def gql(self, role: str, query: str, variables: dict | None = None) -> dict:
        client = Client()
        user = self.user(role)
        if user is not None:
            client.force_login(user)
        body = post_graphql(query, variables, client=client)
        return body

    def data(self, role: str, query: str, variables: dict | None = None) -> dict:
        body = self.gql(role, query, variables)
        self.assertNotIn("errors", body, body.get("errors"))
        return body["data"]

    def gid(self, type_name: str, obj: Any) -> str:
        return to_base64(type_name, obj.pk)

    # Every surface that can reveal one member to one viewer.
    def member_surfaces(self, role: str, slug: str) -> dict[str, bool]:
        page = getattr(self.w, slug)
        data = self.data(
            role,
            """query($slug: String!, $id: ID!, $search: String!) {
              bySlug: member(slug: $slug) { id }
              byNode: node(id: $id) { id }
              all: members(first: 100) { totalCount edges { node { slug } } }
              found: members(first: 100, search: $search) { edges { node { slug } } }
              inBobsList: member(slug: "bob") {
                connections(first: 100) { edges { node { slug } } } }
            }""",
            {"slug": slug, "id": self.gid("Member", page), "search": page.title},
        )
        listed = [e["node"]["slug"] for e in data["all"]["edges"]]
        self.assertEqual(data["all"]["totalCount"], len(listed), "totalCount counts hidden rows")
        return {
            "member(slug:)": data["bySlug"] is not None,
            "node(id:)": data["byNode"] is not None,
            "members": slug in listed,
            "members(search:)": slug in [e["node"]["slug"] for e in data["found"]["edges"]],
            "bob.connections": data["inBobsList"] is not None
            and slug in [e["node"]["slug"] for e in data["inBobsList"]["connections"]["edges"]],
        }

    def assert_member_visibility(self, slug: str, expected: dict[str, bool]) -> None:
        for role, visible in expected.items():
            surfaces = self.member_surfaces(role, slug)
            for surface, seen in surfaces.items():
                if surface == "bob.connections" and (slug == "bob" or seen is False):
                    # Only a positive answer is meaningful there: the member may
                    # simply not be connected to bob.
                    if seen and not visible:
                        self.fail(f"{role} sees hidden {slug} through {surface}")
                    continue
                with self.subTest(role=role, member=slug, surface=surface):
                    self.assertEqual(
                        seen, visible, f"{role} {'must' if visible else 'must not'} see {slug}"
                    )


class ProfileVisibilityMatrixTests(MatrixBase):
    def test_public_profile_visible_to_every_role_but_the_blocked_member(self):
        self.assert_member_visibility(
            "alice",
            {
                VISITOR: True,
                "dave": True,
                "bob": True,
                "carol": True,
                "nobody": True,
                "companyadmin": True,
                "editor": True,
                "eve": False,  # blocked by alice: "not found", everywhere
            },
        )

    def test_members_only_profile_hidden_from_visitors_and_users_without_live_profile(self):
        self.assert_member_visibility(
            "bob",
            {
                VISITOR: False,
                "nobody": False,
                "drafty": False,
                "companyadmin": False,
                "dave": True,
                "alice": True,
                "eve": True,
                "editor": True,
            },
        )

    def test_connections_only_profile_visible_to_connections_self_and_editor_only(self):
        self.assert_member_visibility(
            "carol",
            {
                VISITOR: False,
                "dave": False,
                "bob": False,
                "eve": False,
                "companyadmin": False,
                "alice": True,
                "carol": True,
                "editor": True,
            },
        )

    def test_blocked_member_cannot_see_blocker_and_blocker_cannot_see_blocked(self):
        self.assert_member_visibility("eve", {"alice": False, VISITOR: True, "dave": True})
        self.assert_member_visibility("alice", {"eve": False})

    def test_unpublished_profile_hidden_from_everyone_but_its_owner(self):
        self.assert_member_visibility(
            "drafty", {VISITOR: False, "alice": False, "dave": False, "editor": False}
        )
        data = self.data("drafty", '{ viewer { member { slug } } member(slug: "drafty") { slug } }')
        self.assertEqual(data["viewer"]["member"]["slug"], "drafty")
        self.assertEqual(data["member"]["slug"], "drafty")

    def test_forbidden_member_reads_exactly_like_a_missing_one(self):
        query = "query($s: String!) { member(slug: $s) { id name } }"
        for role in (VISITOR, "dave", "eve"):
            with self.subTest(role=role):
                hidden = self.gql(role, query, {"s": "carol"})
                missing = self.gql(role, query, {"s": "no-such-member"})
                self.assertEqual(hidden["data"], missing["data"])
                self.assertEqual(hidden.get("errors"), missing.get("errors"))

    def test_forbidden_node_id_reads_exactly_like_a_missing_or_malformed_one(self):
        query = "query($id: ID!) { node(id: $id) { id } }"
        guesses = [
            self.gid("Member", self.w.carol),
            to_base64("Member", 999999),
            to_base64("Member", "not-a-number"),
            to_base64("Unknown", 1),
            self.gid("Company", self.w.hidden_co),
            self.gid("Position", self.w.carol_acme),
            self.gid("Invitation", self.w.dave_invites_eve),
            self.gid("Recommendation", self.w.pending_recommendation),
            self.gid("Endorsement", self.w.hidden_endorsement),
        ]
        for guess in guesses:
            with self.subTest(id=guess):
                body = self.gql(VISITOR, query, {"id": guess})
                self.assertEqual(body["data"], {"node": None})
                self.assertNotIn("errors", body)


class FieldVisibilityMatrixTests(MatrixBase):
    QUERY = """query($s: String!) { member(slug: $s) { email phone } }"""

    def field(self, role: str, slug: str, field: str) -> Any:
        data = self.data(role, self.QUERY, {"s": slug})
        self.assertIsNotNone(data["member"], f"{role} should see {slug}")
        return data["member"][field]

    def test_email_for_members_hidden_from_visitor_and_users_without_profile(self):
        expected = {
            VISITOR: None,
            "companyadmin": None,
            "nobody": None,
            "dave": "alice@example.com",
            "bob": "alice@example.com",
            "editor": "alice@example.com",
            "alice": "alice@example.com",
        }
        for role, value in expected.items():
            with self.subTest(role=role):
                self.assertEqual(self.field(role, "alice", "email"), value)

    def test_phone_for_connections_only_shown_to_connections(self):
        phone = self.w.alice.contact_phone
        expected = {VISITOR: None, "dave": None, "bob": phone, "carol": phone, "editor": phone}
        for role, value in expected.items():
            with self.subTest(role=role):
                self.assertEqual(self.field(role, "alice", "phone"), value)

    def test_only_me_email_hidden_from_everyone_but_owner_and_editor(self):
        expected = {
            VISITOR: None,
            "bob": None,
            "alice": None,
            "dave": "dave@example.com",
            "editor": "dave@example.com",
        }
        for role, value in expected.items():
            with self.subTest(role=role):
                self.assertEqual(self.field(role, "dave", "email"), value)

    def test_hidden_email_stays_hidden_in_lists_and_nested_edges(self):
        data = self.data(
            VISITOR,
            """{ members(first: 50) { edges { node { slug email phone } } }
                 company(slug: "acme") { employees { edges { node { slug email } } } } }""",
        )
        for edge in data["members"]["edges"] + data["company"]["employees"]["edges"]:
            with self.subTest(member=edge["node"]["slug"]):
                self.assertIsNone(edge["node"]["email"])
                self.assertIsNone(edge["node"].get("phone"))

    def test_only_me_positions_hidden_from_connections(self):
        positions = '{ member(slug: "carol") { positions { title } } }'
        self.assertEqual(self.data("alice", positions)["member"]["positions"], [])
        self.assertEqual(self.data("carol", positions)["member"]["positions"], [{"title": "CTO"}])
        self.assertEqual(self.data("editor", positions)["member"]["positions"], [{"title": "CTO"}])

    def test_position_at_a_draft_company_shows_no_company_to_outsiders(self):
        query = '{ member(slug: "dave") { positions { title company { slug } } } }'
        for role, company in ((VISITOR, None), ("alice", None), ("companyadmin", "stealth")):
            with self.subTest(role=role):
                positions = self.data(role, query)["member"]["positions"]
                self.assertEqual(
                    positions, [{"title": "Founder", "company": company and {"slug": company}}]
                )

    def test_verified_flag_on_positions(self):
        data = self.data(VISITOR, '{ member(slug: "alice") { positions { title verified } } }')
        self.assertEqual(
            data["member"]["positions"],
            [{"title": "CEO", "verified": True}, {"title": "Intern", "verified": False}],
        )


class NetworkVisibilityMatrixTests(MatrixBase):
    def connections(self, role: str, slug: str) -> list[str] | None:
        data = self.data(
            role,
            "query($s: String!) { member(slug: $s) { connectionCount connections { "
            "totalCount edges { node { slug } } } } }",
            {"s": slug},
        )
        if data["member"] is None:
            return None
        listed = sorted(e["node"]["slug"] for e in data["member"]["connections"]["edges"])
        self.assertEqual(data["member"]["connections"]["totalCount"], len(listed))
        self.assertEqual(data["member"]["connectionCount"], len(listed))
        return listed

    def test_connection_list_shows_only_edges_the_viewer_may_know_of(self):
        # alice shows her list to members; carol (connections only) is hidden from
        # dave, bob and visitors, bob (members only) from visitors.
        expected = {VISITOR: [], "dave": ["bob"], "bob": ["bob"], "companyadmin": []}
        for role, listed in expected.items():
            with self.subTest(role=role):
                self.assertEqual(self.connections(role, "alice"), listed)
        self.assertEqual(self.connections("alice", "alice"), ["bob", "carol"])
        self.assertEqual(self.connections("editor", "alice"), ["bob", "carol"])
        self.assertEqual(self.connections("carol", "alice"), ["bob", "carol"])

    def test_connection_pages_walked_by_cursor_match_the_whole_list(self):
        query = """query($after: String) { member(slug: "bob") {
            connections(first: 1, after: $after) {
              totalCount pageInfo { hasNextPage endCursor } edges { node { slug } } } } }"""
        for role in ("alice", "bob", "dave", "eve", "editor"):
            with self.subTest(role=role):
                whole = self.connections(role, "bob")
                walked, after = [], None
                while True:
                    page = self.data(role, query, {"after": after})["member"]["connections"]
                    self.assertEqual(page["totalCount"], len(whole))
                    walked += [e["node"]["slug"] for e in page["edges"]]
                    if not page["pageInfo"]["hasNextPage"]:
                        break
                    after = page["pageInfo"]["endCursor"]
                self.assertEqual(walked, whole)

    def test_batched_nested_connections_carry_the_viewers_own_facts(self):
        query = """fragment Facts on Member { slug connectionStatus degree email }
            { company(slug: "acme") { employees { edges { node { slug
                connections { totalCount edges { node { ...Facts } } } } } } } }"""
        single = "query($s: String!) { member(slug: $s) { slug connectionStatus degree email } }"
        for role in ("alice", "carol", "dave", "editor"):
            company = self.data(role, query)["company"]
            for employee in company["employees"]["edges"]:
                for edge in employee["node"]["connections"]["edges"]:
                    node = edge["node"]
                    with self.subTest(role=role, member=node["slug"]):
                        direct = self.data(role, single, {"s": node["slug"]})["member"]
                        self.assertEqual(node, direct)

    def test_aliased_connection_selections_page_independently(self):
        data = self.data(
            "editor",
            """{ member(slug: "bob") { one: connections(first: 1) { edges { node { slug } } }
                 all: connections(first: 10) { totalCount edges { node { slug } } } } }""",
        )["member"]
        self.assertEqual(len(data["one"]["edges"]), 1)
        self.assertEqual(data["all"]["totalCount"], 3)
        self.assertEqual(len(data["all"]["edges"]), 3)

    def test_blocked_member_missing_from_connection_lists(self):
        # eve may see bob's list, but alice (who blocked her) is not in it for her.
        self.assertEqual(self.connections("eve", "bob"), ["dave", "eve"])
        # alice may see bob's list; eve is not in it for her.
        self.assertEqual(self.connections("alice", "bob"), ["alice", "dave"])

    def test_connections_only_list_hidden_unless_viewer_is_an_end_or_sees_the_other_list(self):
        # dave shows his list to connections only; bob's list (members) reveals dave–bob.
        self.assertEqual(self.connections("alice", "dave"), ["bob"])
        self.assertEqual(self.connections(VISITOR, "dave"), [])  # bob is hidden from visitors

    def test_nested_edges_of_a_companys_employees_obey_visibility(self):
        query = """{ company(slug: "acme") { employeeCount employees { totalCount edges { node {
            slug connections { totalCount edges { node { slug } } } } } } } }"""
        expected = {
            VISITOR: {"alice": []},
            "dave": {"alice": ["bob"]},
            "alice": {"alice": ["bob", "carol"]},
            "carol": {"alice": ["bob", "carol"], "carol": ["alice"]},
        }
        for role, employees in expected.items():
            with self.subTest(role=role):
                company = self.data(role, query)["company"]
                got = {
                    e["node"]["slug"]: sorted(
                        c["node"]["slug"] for c in e["node"]["connections"]["edges"]
                    )
                    for e in company["employees"]["edges"]
                }
                self.assertEqual(got, employees)
                self.assertEqual(company["employees"]["totalCount"], len(employees))
                self.assertEqual(company["employeeCount"], len(employees))

    def test_mutual_connection_count_agrees_with_the_mutual_connections_list(self):
        query = """{ members(first: 50) { edges { node { slug mutualConnectionCount
            mutualConnections { totalCount } } } } }"""
        for role in (VISITOR, "alice", "bob", "carol", "dave", "eve", "editor"):
            for edge in self.data(role, query)["members"]["edges"]:
                node = edge["node"]
                with self.subTest(role=role, member=node["slug"]):
                    self.assertEqual(
                        node["mutualConnectionCount"], node["mutualConnections"]["totalCount"]
                    )
        counts = {
            e["node"]["slug"]: e["node"]["mutualConnectionCount"]
            for e in self.data("dave", query)["members"]["edges"]
        }
        self.assertEqual(counts["alice"], 1)  # bob

    def test_mutual_connections_use_only_visible_edges(self):
        query = (
            '{ member(slug: "alice") { mutualConnections { totalCount edges { node { slug } } } } }'
        )
        self.assertEqual(
            self.data("dave", query)["member"]["mutualConnections"]["edges"],
            [{"node": {"slug": "bob"}}],
        )
        self.assertEqual(self.data(VISITOR, query)["member"]["mutualConnections"]["totalCount"], 0)

    def test_connection_status_and_degree_describe_the_viewers_own_network(self):
        query = "query($s: String!) { member(slug: $s) { connectionStatus degree } }"
        cases = [
            ("alice", "alice", "SELF", None),
            ("alice", "bob", "CONNECTED", 1),
            ("dave", "alice", "IGNORED", 2),  # alice invited dave, who ignored it
            ("alice", "dave", "PENDING_SENT", 2),  # ...and alice never learns of it
            ("dave", "eve", "PENDING_SENT", 2),
            ("eve", "dave", "PENDING_RECEIVED", 2),
            ("carol", "dave", "NONE", 3),
            ("dave", "dave", "SELF", None),
            (VISITOR, "alice", "NONE", None),
            ("companyadmin", "alice", "NONE", None),
        ]
        for role, slug, status, degree in cases:
            with self.subTest(role=role, member=slug):
                member = self.data(role, query, {"s": slug})["member"]
                self.assertEqual(member, {"connectionStatus": status, "degree": degree})

    def test_ignored_invitation_reads_pending_to_sender_and_ignored_to_recipient(self):
        sent = self.data(
            "alice",
            "{ viewer { invitationsSent { edges { node { state recipient { slug } } } } } }",
        )["viewer"]["invitationsSent"]["edges"]
        self.assertEqual(sent, [{"node": {"state": "PENDING", "recipient": {"slug": "dave"}}}])
        received = self.data(
            "dave",
            """{ viewer { default: invitationsReceived { totalCount }
                 all: invitationsReceived(includeIgnored: true) {
                   edges { node { state requester { slug } } } } } }""",
        )["viewer"]
        self.assertEqual(received["default"]["totalCount"], 0)
        self.assertEqual(
            received["all"]["edges"],
            [{"node": {"state": "IGNORED", "requester": {"slug": "alice"}}}],
        )

    def test_invitations_visible_only_to_their_two_members(self):
        query = "query($id: ID!) { node(id: $id) { ... on Invitation { message } } }"
        gid = self.gid("Invitation", self.w.dave_invites_eve)
        for role, visible in (
            ("dave", True),
            ("eve", True),
            ("alice", False),
            ("editor", False),
            (VISITOR, False),
        ):
            with self.subTest(role=role):
                node = self.data(role, query, {"id": gid})["node"]
                self.assertEqual(node is not None, visible)
        received = self.data(
            "eve",
            "{ viewer { invitationsReceived { edges { node { message requester { slug } } } } } }",
        )
        self.assertEqual(
            received["viewer"]["invitationsReceived"]["edges"],
            [{"node": {"message": "Hi Eve", "requester": {"slug": "dave"}}}],
        )

    def test_blocked_members_list_only_for_the_blocker(self):
        query = (
            "{ viewer { blockedMembers { totalCount edges { node { id name slug memberId } } } } }"
        )
        blocked = self.data("alice", query)["viewer"]["blockedMembers"]
        self.assertEqual(blocked["totalCount"], 1)
        self.assertEqual(blocked["edges"][0]["node"]["slug"], "eve")
        self.assertEqual(blocked["edges"][0]["node"]["memberId"], self.gid("Member", self.w.eve))
        for role in ("eve", "bob", "editor"):
            with self.subTest(role=role):
                self.assertEqual(
                    self.data(role, query)["viewer"]["blockedMembers"]["totalCount"], 0
                )
            block_id = blocked["edges"][0]["node"]["id"]
            self.assertIsNone(
                self.data(role, "query($id: ID!) { node(id: $id) { id } }", {"id": block_id})[
                    "node"
                ]
            )
        self.assertIsNone(self.data(VISITOR, query)["viewer"])

    def test_suggestions_exclude_connections_invitations_blocks_and_hidden_members(self):
        query = "{ viewer { suggestions { edges { node { slug } } } } }"
        expected = {
            # bob via alice (a mutual connection ranks first); dave and eve share
            # carol's city, and nothing excludes them.
            "carol": ["bob", "dave", "eve"],
            "dave": [],  # via bob: alice (invited dave) and eve (invited by dave)
            "eve": [],  # via bob: alice (blocked eve) and dave (invited eve)
            "bob": [],  # carol (connections only) is hidden from bob
        }
        for role, slugs in expected.items():
            with self.subTest(role=role):
                edges = self.data(role, query)["viewer"]["suggestions"]["edges"]
                self.assertEqual([e["node"]["slug"] for e in edges], slugs)


class EndorsementVisibilityMatrixTests(MatrixBase):
    def test_endorsers_hidden_from_viewers_who_may_not_see_them(self):
        query = """{ member(slug: "alice") {
            skills { skill { slug } endorsementCount }
            endorsementsReceived { totalCount edges { node {
              endorser { slug } skill { slug } isHidden } } } } }"""
        expected = {
            VISITOR: ({"python": 0, "django": 0}, []),
            "dave": ({"python": 1, "django": 0}, [("bob", "python")]),
            "bob": ({"python": 1, "django": 0}, [("bob", "django"), ("bob", "python")]),
            "alice": (
                {"python": 2, "django": 0},
                [("bob", "django"), ("bob", "python"), ("carol", "python")],
            ),
        }
        for role, (counts, endorsements) in expected.items():
            with self.subTest(role=role):
                member = self.data(role, query)["member"]
                self.assertEqual(
                    {s["skill"]["slug"]: s["endorsementCount"] for s in member["skills"]}, counts
                )
                got = sorted(
                    (e["node"]["endorser"]["slug"], e["node"]["skill"]["slug"])
                    for e in member["endorsementsReceived"]["edges"]
                )
                self.assertEqual(got, endorsements)
                self.assertEqual(member["endorsementsReceived"]["totalCount"], len(endorsements))

    def test_hidden_endorsement_flag_told_only_to_recipient(self):
        query = (
            '{ member(slug: "alice") { endorsementsReceived { edges { node { isHidden skill '
            "{ slug } } } } } }"
        )
        for role, flagged in (("alice", True), ("bob", False)):
            with self.subTest(role=role):
                edges = self.data(role, query)["member"]["endorsementsReceived"]["edges"]
                django = [e for e in edges if e["node"]["skill"]["slug"] == "django"]
                self.assertEqual(django[0]["node"]["isHidden"], flagged)

    def test_endorsed_by_viewer(self):
        query = '{ member(slug: "alice") { skills { skill { slug } endorsedByViewer } } }'
        for role, mine in (("bob", {"python", "django"}), ("carol", {"python"}), ("dave", set())):
            with self.subTest(role=role):
                skills = self.data(role, query)["member"]["skills"]
                self.assertEqual(
                    {s["skill"]["slug"] for s in skills if s["endorsedByViewer"]}, mine
                )

    def test_recommendation_visible_only_after_acceptance_except_to_author_and_recipient(self):
        query = (
            '{ member(slug: "alice") { recommendationsReceived { edges { node { text state '
            "author { slug } } } } } }"
        )
        expected = {
            "dave": ["Great colleague"],
            "bob": ["Great colleague"],
            "alice": ["Great colleague", "Waiting for alice"],
            "carol": ["Great colleague", "Waiting for alice"],
            "editor": ["Great colleague", "Waiting for alice"],
            VISITOR: [],  # bob (author) is members-only
        }
        for role, texts in expected.items():
            with self.subTest(role=role):
                edges = self.data(role, query)["member"]["recommendationsReceived"]["edges"]
                self.assertEqual(sorted(e["node"]["text"] for e in edges), texts)

    def test_pending_recommendation_reaches_only_its_parties_editors_and_moderators(self):
        query = "query($id: ID!) { node(id: $id) { ... on Recommendation { text state } } }"
        gid = self.gid("Recommendation", self.w.pending_recommendation)
        expected = {
            "alice": True,
            "carol": True,
            "editor": True,
            "moderator": True,
            "bob": False,
            "dave": False,
            "companyadmin": False,
            VISITOR: False,
        }
        for role, visible in expected.items():
            with self.subTest(role=role):
                node = self.data(role, query, {"id": gid})["node"]
                self.assertEqual(node is not None, visible)
                if visible:
                    self.assertEqual(
                        node["state"],
                        "PENDING_RECIPIENT",
                    )

    def test_moderator_sees_hidden_endorsements_but_not_hidden_profiles(self):
        query = (
            "query($id: ID!) { node(id: $id) { ... on Endorsement { "
            "isHidden endorser { slug } member { slug } } } }"
        )
        node = self.data(
            "moderator", query, {"id": self.gid("Endorsement", self.w.hidden_endorsement)}
        )["node"]
        # bob (members only) is not visible to a moderator without a profile.
        self.assertEqual(node, {"isHidden": True, "endorser": None, "member": {"slug": "alice"}})

    def test_endorser_profile_reached_through_an_endorsement_obeys_visibility(self):
        query = (
            "query($id: ID!) { node(id: $id) { ... on Endorsement { endorser { slug email } "
            "member { slug } } } }"
        )
        gid = self.gid("Endorsement", self.w.carol_endorses_alice)
        self.assertIsNone(
            self.data("dave", query, {"id": gid})["node"]
        )  # carol is hidden from dave
        node = self.data("alice", query, {"id": gid})["node"]
        self.assertEqual(node["endorser"], {"slug": "carol", "email": "carol@example.com"})


class FilterSearchOrderingOracleTests(MatrixBase):
    def slugs(self, role: str, arguments: str) -> list[str]:
        data = self.data(
            role,
            f"{{ members(first: 100, {arguments}) {{ totalCount edges {{ node {{ slug }} }} }} }}",
        )
        slugs = [e["node"]["slug"] for e in data["members"]["edges"]]
        self.assertEqual(data["members"]["totalCount"], len(slugs))
        return slugs

    def test_filtering_by_company_never_reveals_a_hidden_position(self):
        expected = {
            VISITOR: ["alice"],
            "alice": ["alice"],  # carol's position is only_me
            "carol": ["alice", "carol"],
            "eve": ["eve"],  # alice is hidden from eve (block); her own position counts
            "companyadmin": ["alice", "eve"],  # positions claimed at Acme; carol is hidden
            "editor": ["alice", "carol", "eve"],
        }
        for role, slugs in expected.items():
            with self.subTest(role=role):
                self.assertEqual(self.slugs(role, 'filters: {company: "acme"}'), slugs)

    def test_filtering_by_a_draft_company_matches_only_for_its_admins(self):
        for role, slugs in ((VISITOR, []), ("alice", []), ("companyadmin", ["dave"])):
            with self.subTest(role=role):
                self.assertEqual(self.slugs(role, 'filters: {company: "stealth"}'), slugs)

    def test_filtering_by_past_company(self):
        self.assertEqual(
            self.slugs(VISITOR, 'filters: {company: "globex", currentCompanyOnly: false}'),
            ["alice"],
        )
        self.assertEqual(self.slugs(VISITOR, 'filters: {company: "globex"}'), [])

    def test_filter_by_skill_and_open_to_only_among_visible_members(self):
        self.assertEqual(self.slugs(VISITOR, 'filters: {skill: "python"}'), ["alice"])
        self.assertEqual(self.slugs("dave", 'filters: {skill: "python"}'), ["alice", "bob"])

    def test_search_never_matches_a_hidden_profile(self):
        for role, slugs in (
            (VISITOR, []),
            ("dave", []),
            ("alice", ["carol"]),
            ("editor", ["carol"]),
        ):
            with self.subTest(role=role):
                self.assertEqual(self.slugs(role, 'search: "Secret"'), slugs)

    def test_search_finds_visible_profiles(self):
        self.assertEqual(self.slugs(VISITOR, 'search: "widget"'), ["alice"])

    def test_hidden_fields_are_not_offered_as_filters_or_sort_keys(self):
        data = self.data(
            VISITOR,
            """{ f: __type(name: "MemberFilter") { inputFields { name } }
                 o: __type(name: "MemberOrderField") { enumValues { name } } }""",
        )
        names = {f["name"].lower() for f in data["f"]["inputFields"]} | {
            v["name"].lower() for v in data["o"]["enumValues"]
        }
        for hidden in ("email", "phone", "contactemail", "contactphone"):
            self.assertNotIn(hidden, names)

    def test_member_directory_over_graphql_matches_filter_members(self):
        """The same words, filters and ordering give the same members in the same
        order as the app's one implementation (which the directory page calls)."""
        from django.contrib.auth.models import AnonymousUser

        from wagtail_network.filters import filter_members

        cases = (
            ("", {}),
            ('search: "widget"', {"q": "widget"}),
            ('filters: {company: "acme"}', {"company": "acme"}),
            ('filters: {location: "amster"}', {"location": "amster"}),
            ('filters: {skill: "python"}', {"skill": "python"}),
            ("ordering: {field: NAME, direction: DESC}", {"order": "-name"}),
            ("ordering: {field: CITY}", {"order": "city"}),
            ("ordering: {field: RELEVANCE}", {"order": "relevance"}),
        )
        for role in (VISITOR, "alice", "dave", "editor"):
            user = self.user(role) or AnonymousUser()
            for arguments, criteria in cases:
                with self.subTest(role=role, arguments=arguments):
                    expected = [m.slug for m in filter_members(user, criteria)]
                    self.assertEqual(self.slugs(role, arguments), expected)

    def test_location_filter_matches_part_of_the_city_or_the_country(self):
        everyone = self.slugs(VISITOR, "")
        self.assertEqual(self.slugs(VISITOR, 'filters: {location: "AMSTER"}'), everyone)
        self.assertEqual(self.slugs(VISITOR, 'filters: {location: "nether"}'), everyone)
        self.assertEqual(self.slugs(VISITOR, 'filters: {city: "amst"}'), everyone)
        self.assertEqual(self.slugs(VISITOR, 'filters: {country: "lands"}'), everyone)
        self.assertEqual(self.slugs(VISITOR, 'filters: {location: "Rotterdam"}'), [])

    def test_relevance_ordering_without_search_words_is_by_name(self):
        self.assertEqual(
            self.slugs("dave", "ordering: {field: RELEVANCE, direction: DESC}"),
            self.slugs("dave", "ordering: {field: NAME}"),
        )

    def test_ordering_lists_only_visible_members(self):
        for role in (VISITOR, "dave", "eve"):
            with self.subTest(role=role):
                asc = self.slugs(role, "ordering: {field: NAME, direction: ASC}")
                desc = self.slugs(role, "ordering: {field: NAME, direction: DESC}")
                self.assertEqual(asc, list(reversed(desc)))
                self.assertEqual(sorted(asc), sorted(self.slugs(role, "")))


class CompanyVisibilityMatrixTests(MatrixBase):
    def test_draft_company_visible_only_to_its_admins(self):
        query = (
            'query($id: ID!) { company(slug: "stealth") { slug } node(id: $id) { id } '
            "companies { edges { node { slug } } } }"
        )
        gid = self.gid("Company", self.w.hidden_co)
        for role, visible in (
            (VISITOR, False),
            ("dave", False),
            ("editor", False),
            ("companyadmin", True),
        ):
            with self.subTest(role=role):
                data = self.data(role, query, {"id": gid})
                self.assertEqual(data["company"] is not None, visible)
                self.assertEqual(data["node"] is not None, visible)
                # The company directory lists live companies only, for everyone
                # (as the directory page does).
                listed = [e["node"]["slug"] for e in data["companies"]["edges"]]
                self.assertNotIn("stealth", listed)

    def test_company_admin_sees_positions_claimed_at_their_company(self):
        query = (
            '{ company(slug: "stealth") { employees { edges { node { slug positions { title '
            "} } } } } }"
        )
        employees = self.data("companyadmin", query)["company"]["employees"]["edges"]
        self.assertEqual(
            employees, [{"node": {"slug": "dave", "positions": [{"title": "Founder"}]}}]
        )

    def test_only_me_position_visible_to_the_admins_of_its_company_only(self):
        query = '{ member(slug: "eve") { positions { title } } }'
        for role, titles in (
            (VISITOR, []),
            ("bob", []),
            ("companyadmin", ["Analyst"]),
            ("eve", ["Analyst"]),
        ):
            with self.subTest(role=role):
                positions = self.data(role, query)["member"]["positions"]
                self.assertEqual([p["title"] for p in positions], titles)
        employees = (
            '{ company(slug: "acme") { employeeCount employees { edges { node { slug } } } } }'
        )
        for role, slugs in ((VISITOR, ["alice"]), ("companyadmin", ["alice", "eve"])):
            with self.subTest(role=role, surface="employees"):
                company = self.data(role, employees)["company"]
                self.assertEqual([e["node"]["slug"] for e in company["employees"]["edges"]], slugs)
                self.assertEqual(company["employeeCount"], len(slugs))

    def test_viewer_lists_administered_companies_from_object_grants_only(self):
        query = "{ viewer { administeredCompanies { edges { node { slug } } } } }"
        self.assertEqual(
            [
                e["node"]["slug"]
                for e in self.data("companyadmin", query)["viewer"]["administeredCompanies"][
                    "edges"
                ]
            ],
            ["acme", "stealth"],
        )
        self.assertEqual(self.data("editor", query)["viewer"]["administeredCompanies"]["edges"], [])

    def test_follower_count_counts_only_visible_followers(self):
        query = '{ company(slug: "acme") { followerCount followedByViewer } }'
        for role, count, mine in ((VISITOR, 1, False), ("dave", 2, False), ("bob", 2, True)):
            with self.subTest(role=role):
                self.assertEqual(
                    self.data(role, query)["company"],
                    {"followerCount": count, "followedByViewer": mine},
                )
