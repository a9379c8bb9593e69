"""Role × mutation × target: who may change what, and what everyone else is told.

Each row runs one mutation as one role against one target and names the one
error code expected (``None``: success). Every row runs in a savepoint that is
rolled back, so rows do not see each other's writes; a refused row must also
leave the database exactly as it found it.

Roles (tests.graphql.mutation_support.build_net): visitor (anonymous), nobody
(signed in, no profile), alice (member), bob (alice's connection), dave (blocked
by alice), eve (member, no relation to alice), acmeadmin (company admin of Acme,
no profile), editor (superuser, no profile). carol's profile is for her
connections only: invisible to all of them but the editor.
"""

from __future__ import annotations

from django.db import transaction
from django.test import TestCase

from tests.graphql.mutation_support import build_net, gid, post
from tests.graphql.test_mutations_network import snapshot

MUTATIONS = {
    "requestConnection": """mutation($m: ID!) { requestConnection(input: {memberId: $m}) {
        errors { code field } } }""",
    "endorseSkill": """mutation($m: ID!, $s: ID!) {
        endorseSkill(input: {memberId: $m, skillId: $s}) { errors { code field } } }""",
    "writeRecommendation": """mutation($m: ID!) { writeRecommendation(input: {memberId: $m,
        relationship: SAME_TEAM, text: "Great"}) { errors { code field } } }""",
    "blockMember": """mutation($m: ID!) { blockMember(input: {memberId: $m}) {
        errors { code field } } }""",
    "removeConnection": """mutation($m: ID!) { removeConnection(input: {memberId: $m}) {
        errors { code field } } }""",
    "reportContent": """mutation($m: ID!) { reportContent(input: {targetId: $m, reason: SPAM}) {
        errors { code field } } }""",
    "followCompany": """mutation($c: ID!) { followCompany(input: {companyId: $c}) {
        errors { code field } } }""",
    "updateCompany": """mutation($c: ID!) { updateCompany(input: {companyId: $c, tagline: "x"}) {
        errors { code field } } }""",
}

U, NP, NF, PD = "UNAUTHENTICATED", "NO_PROFILE", "NOT_FOUND", "PERMISSION_DENIED"

# mutation, target, {role: expected code}
MATRIX = [
    (
        "requestConnection",
        "alice",
        {
            "visitor": U,
            "nobody": NP,
            "bob": "ALREADY_CONNECTED",
            "dave": NF,
            "eve": None,
            "acmeadmin": NP,
            "alice": "SELF_ACTION",
        },
    ),
    ("requestConnection", "carol", {"alice": NF, "bob": NF, "dave": NF, "eve": NF}),
    (
        "endorseSkill",
        "alice",
        {
            "visitor": U,
            "nobody": NP,
            "bob": None,
            "dave": NF,
            "eve": "NOT_CONNECTED",
            "alice": "SELF_ACTION",
        },
    ),
    ("endorseSkill", "carol", {"alice": NF, "bob": NF, "eve": NF}),
    (
        "writeRecommendation",
        "alice",
        {"visitor": U, "nobody": NP, "bob": None, "dave": NF, "eve": "NOT_CONNECTED"},
    ),
    ("blockMember", "alice", {"visitor": U, "bob": None, "dave": NF, "eve": None}),
    ("blockMember", "carol", {"alice": NF, "eve": NF}),
    (
        "removeConnection",
        "alice",
        {"visitor": U, "bob": None, "dave": NF, "eve": "NOT_CONNECTED"},
    ),
    ("reportContent", "alice", {"visitor": U, "eve": None, "dave": NF, "alice": "SELF_ACTION"}),
    ("reportContent", "carol", {"alice": NF, "eve": NF}),
    ("followCompany", "acme", {"visitor": U, "nobody": NP, "alice": None, "dave": None}),
    ("followCompany", "stealth", {"alice": NF, "eve": NF}),
    (
        "updateCompany",
        "acme",
        {"visitor": U, "alice": PD, "dave": PD, "acmeadmin": None, "editor": None},
    ),
    ("updateCompany", "globex", {"acmeadmin": PD, "editor": None}),
    ("updateCompany", "stealth", {"alice": NF, "acmeadmin": NF}),
]


class MutationMatrix(TestCase):
    @classmethod
    def setUpTestData(cls):
        from tests.factories import CompanyPageFactory

        cls.n = build_net()
        cls.stealth = CompanyPageFactory(parent=cls.n.companies, title="Stealth", live=False)
        cls.users = {
            "visitor": None,
            "nobody": cls.n.u_nobody,
            "alice": cls.n.u_alice,
            "bob": cls.n.u_bob,
            "dave": cls.n.u_dave,
            "eve": cls.n.u_eve,
            "acmeadmin": cls.n.u_admin,
            "editor": cls.n.u_editor,
        }

    def variables(self, target: str) -> dict:
        members = {"alice": self.n.alice, "carol": self.n.carol}
        companies = {"acme": self.n.acme, "globex": self.n.globex, "stealth": self.stealth}
        if target in members:
            return {"m": gid("Member", members[target].pk), "s": gid("Skill", self.n.python.pk)}
        return {"c": gid("Company", companies[target].pk)}

    def test_role_mutation_target_matrix(self):
        for name, target, expectations in MATRIX:
            for role, expected in expectations.items():
                with self.subTest(mutation=name, target=target, role=role):
                    with transaction.atomic():
                        before = snapshot()
                        variables = self.variables(target)
                        query = MUTATIONS[name]
                        # Only send the variables the operation declares.
                        used = {k: v for k, v in variables.items() if f"${k}" in query}
                        status, body = post(query, used, user=self.users[role])
                        assert status == 200 and not body.get("errors"), body
                        errors = body["data"][name]["errors"]
                        got = errors[0]["code"] if errors else None
                        assert got == expected, (name, target, role, errors)
                        if expected is not None:
                            assert snapshot() == before, "a refused mutation wrote something"
                        transaction.set_rollback(True)

    def test_not_found_answers_are_identical_for_invisible_and_missing(self):
        missing = {"m": gid("Member", 10**6), "s": gid("Skill", self.n.python.pk)}
        for name in ("requestConnection", "endorseSkill", "blockMember", "reportContent"):
            query = MUTATIONS[name]
            used = lambda v, q=query: {k: x for k, x in v.items() if f"${k}" in q}  # noqa: E731
            _s, invisible = post(query, used(self.variables("carol")), user=self.n.u_alice)
            _s, absent = post(query, used(missing), user=self.n.u_alice)
            _s, blocked = post(query, used(self.variables("alice")), user=self.n.u_dave)
            assert invisible["data"] == absent["data"] == blocked["data"], name
