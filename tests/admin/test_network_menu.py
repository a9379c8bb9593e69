"""The "Network" menu, its listings (search, filters) and their CSV/XLSX exports.

PRODUCT.md: viewsets for vocabularies and relations with search, filters, bulk
actions and CSV/XLSX export "obeying the exporting user's rights: a company admin
never exports what they may not see"; company admins see only their own companies.
"""

from __future__ import annotations

import csv
import io
import re

from django.urls import reverse

from tests.admin.data import AdminData
from tests.admin.test_role_screens import (
    COMPANY_ADMIN_ITEMS,
    EDITOR_ITEMS,
    MODERATOR_ITEMS,
    network_menu,
)
from tests.factories import connect
from wagtail_network.models import Position


def snippet_url(model: str, view: str = "list", *args) -> str:
    return reverse(f"wagtailsnippets_wagtail_network_{model}:{view}", args=args)


RELATIONSHIPS_URL = "wagtail_network_company_relationships:index"


def csv_rows(response) -> list[dict]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(content)))


class NetworkMenuTests(AdminData):
    """The menu per role; tests/admin/test_role_screens.py walks every link."""

    def menu_names(self, user) -> set[str]:
        self.login(user)
        html = self.client.get(reverse("wagtailadmin_home")).content.decode()
        return set(network_menu(html))

    def test_network_menu_shows_editors_what_they_edit_review_and_import(self):
        # Editors do not moderate (no moderate_network): no moderation queue.
        self.assertEqual(self.menu_names(self.editor), EDITOR_ITEMS)
        self.assertNotIn("network-moderation", EDITOR_ITEMS)

    def test_network_menu_shows_company_admins_only_their_items(self):
        self.assertEqual(self.menu_names(self.company_admin), COMPANY_ADMIN_ITEMS)

    def test_network_menu_shows_moderators_the_moderation_items_and_the_audit_trail(self):
        self.assertEqual(self.menu_names(self.moderator), MODERATOR_ITEMS)

    def test_moderators_are_not_offered_positions_they_cannot_confirm(self):
        # Confirming needs the right to edit the company page (services.confirm_position).
        self.assertNotIn("network-positions", self.menu_names(self.moderator))
        self.login(self.moderator)
        self.assertEqual(
            self.client.get(reverse("wagtail_network_positions:index")).status_code, 302
        )

    def test_network_menu_hidden_from_users_with_only_a_global_company_permission(self):
        self.assertEqual(self.menu_names(self.global_perm_user), set())


class BulkActionOfferTests(AdminData):
    """The listings' bulk-action footer offers only actions the user may use."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        from wagtail_network.models import Endorsement, EndorsementState

        Endorsement.objects.create(
            endorser=cls.bob, member=cls.alice, skill=cls.skill, state=EndorsementState.PENDING
        )
        connect(cls.alice, cls.bob)

    def offered(self, user, model: str) -> set[str]:
        self.login(user)
        html = self.client.get(snippet_url(model)).content.decode()
        prefix = reverse("wagtail_bulk_action", args=["wagtail_network", model, "x"])[:-2]
        return set(re.findall(re.escape(prefix) + r'([a-z]+)/"', html))

    def test_moderators_are_offered_decisions_and_deletion(self):
        self.assertEqual(
            self.offered(self.moderator, "endorsement"), {"approve", "reject", "delete"}
        )

    def test_editors_are_offered_deletion_but_no_decisions(self):
        self.assertEqual(self.offered(self.editor, "endorsement"), {"delete"})

    def test_read_only_listings_offer_no_bulk_action(self):
        # Moderators read connections (view_connection) and delete none.
        self.assertEqual(self.offered(self.moderator, "connection"), set())
        self.assertEqual(self.offered(self.superuser, "connection"), {"delete"})


class RelationListingTests(AdminData):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.connection = connect(cls.alice, cls.bob)

    def test_connection_listing_searches_member_names(self):
        self.login(self.superuser)
        response = self.client.get(snippet_url("connection"), {"q": "Alice"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(list(response.context["object_list"]), [self.connection])
        response = self.client.get(snippet_url("connection"), {"q": "Nobody"})
        self.assertEqual(list(response.context["object_list"]), [])

    def test_connection_listing_filters_by_state(self):
        self.login(self.superuser)
        response = self.client.get(snippet_url("connection"), {"state": "accepted"})
        self.assertEqual(list(response.context["object_list"]), [self.connection])
        response = self.client.get(snippet_url("connection"), {"state": "pending"})
        self.assertEqual(list(response.context["object_list"]), [])

    def test_connection_listing_csv_export_has_one_row_per_connection(self):
        self.login(self.editor)
        response = self.client.get(snippet_url("connection"), {"export": "csv"})
        self.assertEqual(response.status_code, 200)
        rows = csv_rows(response)
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["Invited by"], "Alice")
        self.assertEqual(rows[0]["Invited"], "Bob")

    def test_connection_listing_xlsx_export_is_a_spreadsheet(self):
        self.login(self.editor)
        response = self.client.get(snippet_url("connection"), {"export": "xlsx"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response["Content-Type"])

    def test_connections_cannot_be_added_or_edited_in_the_admin(self):
        # The service layer keeps the adjacency and history; the admin only reads.
        self.login(self.superuser)
        self.assertEqual(self.client.get(snippet_url("connection", "add")).status_code, 302)
        edit = self.client.get(snippet_url("connection", "edit", self.connection.pk))
        self.assertEqual(edit.status_code, 302)
        inspect = self.client.get(snippet_url("connection", "inspect", self.connection.pk))
        self.assertEqual(inspect.status_code, 200)

    def test_company_admin_cannot_list_or_export_connections(self):
        self.login(self.company_admin)
        for params in ({}, {"export": "csv"}):
            response = self.client.get(snippet_url("connection"), params)
            self.assertEqual(response.status_code, 302, params)

    def test_company_admin_lists_only_relationships_of_their_company(self):
        self.login(self.company_admin)
        response = self.client.get(reverse(RELATIONSHIPS_URL))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(list(response.context["object_list"]), [self.acme_partner])

    def test_company_admin_exports_only_relationships_of_their_company(self):
        self.login(self.company_admin)
        response = self.client.get(reverse(RELATIONSHIPS_URL), {"export": "csv"})
        self.assertEqual(response.status_code, 200)
        rows = csv_rows(response)
        self.assertEqual([row["ID"] for row in rows], [str(self.acme_partner.pk)])
        self.assertNotIn("Initech", str(rows))

    def test_editor_exports_every_relationship(self):
        self.login(self.editor)
        response = self.client.get(reverse(RELATIONSHIPS_URL), {"export": "csv"})
        ids = {row["ID"] for row in csv_rows(response)}
        self.assertEqual(ids, {str(self.acme_partner.pk), str(self.globex_client.pk)})

    def test_company_admin_cannot_inspect_another_companies_relationship(self):
        self.login(self.company_admin)
        own = reverse("wagtail_network_company_relationships:inspect", args=[self.acme_partner.pk])
        other = reverse(
            "wagtail_network_company_relationships:inspect", args=[self.globex_client.pk]
        )
        self.assertEqual(self.client.get(own).status_code, 200)
        self.assertEqual(self.client.get(other).status_code, 404)

    def test_company_admin_cannot_edit_relationships_in_the_admin(self):
        self.login(self.company_admin)
        url = reverse("wagtail_network_company_relationships:edit", args=[self.acme_partner.pk])
        self.assertEqual(self.client.post(url, {"kind": "client"}).status_code, 302)
        self.acme_partner.refresh_from_db()
        self.assertEqual(self.acme_partner.kind, "partner")


class PositionReviewTests(AdminData):
    index = "wagtail_network_positions:index"

    def test_company_admin_lists_only_positions_claimed_at_their_company(self):
        self.login(self.company_admin)
        response = self.client.get(reverse(self.index))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(list(response.context["object_list"]), [self.alice_at_acme])

    def test_company_admin_exports_only_positions_claimed_at_their_company(self):
        self.login(self.company_admin)
        response = self.client.get(reverse(self.index), {"export": "csv"})
        rows = csv_rows(response)
        self.assertEqual([row["ID"] for row in rows], [str(self.alice_at_acme.pk)])

    def test_company_admin_confirms_a_position_at_their_company(self):
        self.login(self.company_admin)
        url = reverse("wagtail_network_positions:confirm", args=[self.alice_at_acme.pk])
        response = self.client.post(url)
        self.assertEqual(response.status_code, 302)
        position = Position.objects.get(pk=self.alice_at_acme.pk)
        self.assertIsNotNone(position.verified_at)
        self.assertEqual(position.verified_by, self.company_admin)

    def test_company_admin_cannot_confirm_a_position_at_another_company(self):
        self.login(self.company_admin)
        url = reverse("wagtail_network_positions:confirm", args=[self.bob_at_globex.pk])
        response = self.client.post(url)
        self.assertEqual(response.status_code, 404)
        self.assertIsNone(Position.objects.get(pk=self.bob_at_globex.pk).verified_at)

    def test_confirming_asks_first_and_needs_a_post(self):
        self.login(self.company_admin)
        url = reverse("wagtail_network_positions:confirm", args=[self.alice_at_acme.pk])
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "CTO")
        self.assertIsNone(Position.objects.get(pk=self.alice_at_acme.pk).verified_at)

    def test_editor_lists_positions_at_every_company(self):
        self.login(self.editor)
        response = self.client.get(reverse(self.index))
        self.assertEqual(
            set(response.context["object_list"]), {self.alice_at_acme, self.bob_at_globex}
        )

    def test_users_without_company_rights_cannot_list_positions(self):
        self.login(self.global_perm_user)
        self.assertEqual(self.client.get(reverse(self.index)).status_code, 302)


class RelationshipActionTests(AdminData):
    name = "wagtail_network_company_relationships"

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        from wagtail_network.models import CompanyRelationship

        # Globex proposed to be Acme's supplier: Acme's admins confirm their side.
        cls.proposed = CompanyRelationship.objects.create(
            from_company=cls.globex, to_company=cls.acme, kind="supplier", confirmed_by_from=True
        )

    def test_company_admin_confirms_their_side_of_a_relationship(self):
        self.login(self.company_admin)
        url = reverse(f"{self.name}:confirm", args=[self.proposed.pk])
        self.assertEqual(self.client.get(url).status_code, 200)  # asks first
        self.proposed.refresh_from_db()
        self.assertFalse(self.proposed.confirmed_by_to)
        self.assertEqual(self.client.post(url).status_code, 302)
        self.proposed.refresh_from_db()
        self.assertTrue(self.proposed.confirmed_by_to)
        self.assertTrue(self.proposed.is_confirmed)

    def test_company_admin_cannot_act_on_another_companies_relationship(self):
        self.login(self.company_admin)
        for action in ("confirm", "remove"):
            url = reverse(f"{self.name}:{action}", args=[self.globex_client.pk])
            self.assertEqual(self.client.post(url).status_code, 404, action)
        self.globex_client.refresh_from_db()

    def test_company_admin_removes_a_relationship_of_their_company(self):
        from wagtail_network.models import CompanyRelationship

        self.login(self.company_admin)
        url = reverse(f"{self.name}:remove", args=[self.acme_partner.pk])
        self.assertEqual(self.client.post(url).status_code, 302)
        self.assertFalse(CompanyRelationship.objects.filter(pk=self.acme_partner.pk).exists())

    def test_company_admin_proposes_a_relationship_from_their_company(self):
        from wagtail_network.models import CompanyRelationship

        self.login(self.company_admin)
        url = reverse(f"{self.name}:propose")
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(
            url, {"from_company": self.acme.pk, "to_company": self.globex.pk, "kind": "client"}
        )
        self.assertEqual(response.status_code, 302)
        rel = CompanyRelationship.objects.get(
            from_company=self.acme, to_company=self.globex, kind="client"
        )
        self.assertTrue(rel.confirmed_by_from)
        self.assertFalse(rel.is_confirmed)

    def test_company_admin_cannot_propose_for_a_company_they_do_not_administer(self):
        from wagtail_network.models import CompanyRelationship

        self.login(self.company_admin)
        response = self.client.post(
            reverse(f"{self.name}:propose"),
            {"from_company": self.globex.pk, "to_company": self.acme.pk, "kind": "client"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("from_company", response.context["form"].errors)
        self.assertFalse(
            CompanyRelationship.objects.filter(
                from_company=self.globex, to_company=self.acme, kind="client"
            ).exists()
        )

    def test_users_without_company_rights_cannot_propose(self):
        self.login(self.global_perm_user)
        self.assertEqual(self.client.get(reverse(f"{self.name}:propose")).status_code, 302)

    def test_company_admin_listing_offers_confirm_and_remove(self):
        self.login(self.company_admin)
        response = self.client.get(reverse(f"{self.name}:index"))
        self.assertContains(response, reverse(f"{self.name}:confirm", args=[self.proposed.pk]))
        self.assertContains(response, reverse(f"{self.name}:remove", args=[self.acme_partner.pk]))
        self.assertContains(response, reverse(f"{self.name}:propose"))


class ListingQueryCountTests(AdminData):
    """Listings and exports join what each row shows: the number of queries does
    not grow with the number of rows."""

    def count_queries(self, user, url, params=None) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.login(user)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url, params or {})
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        self.assertEqual(response.status_code, 200, url)
        return len(queries)

    def grow(self, n: int) -> None:
        from tests.factories import CompanyPageFactory, MemberPageFactory, PositionFactory
        from wagtail_network.models import (
            Block,
            CompanyRelationship,
            Endorsement,
            Follow,
            Recommendation,
            Report,
        )

        for i in range(n):
            member = MemberPageFactory(parent=self.member_index, title=f"Grown {n}-{i}")
            connect(member, self.alice)
            endorsement = Endorsement.objects.create(
                endorser=member, member=self.alice, skill=self.skill
            )
            recommendation = Recommendation.objects.create(
                author=member, member=self.alice, relationship="other", text="Good."
            )
            PositionFactory(member=member, company=self.acme, title="Engineer")
            Report.objects.create(reporter=member, target_endorsement=endorsement, reason="spam")
            Report.objects.create(
                reporter=self.alice, target_recommendation=recommendation, reason="spam"
            )
            Follow.objects.create(member=member, company=self.acme)
            Block.objects.create(blocker=member, blocked=self.bob)
            other = CompanyPageFactory(parent=self.company_index, title=f"Other {n}-{i}")
            CompanyRelationship.objects.create(
                from_company=self.acme, to_company=other, kind="client", confirmed_by_editor=True
            )

    def test_relation_listings_run_a_constant_number_of_queries(self):
        cases = [
            (self.editor, snippet_url("connection"), None),
            (self.editor, snippet_url("connection"), {"export": "csv"}),
            (self.moderator, snippet_url("endorsement"), None),
            (self.moderator, snippet_url("endorsement"), {"export": "xlsx"}),
            (self.moderator, snippet_url("recommendation"), None),
            (self.moderator, snippet_url("report"), None),
            (self.moderator, snippet_url("report"), {"export": "csv"}),
            (self.superuser, snippet_url("follow"), None),
            (self.superuser, snippet_url("block"), {"export": "csv"}),
            (self.company_admin, reverse(RELATIONSHIPS_URL), None),
            (self.company_admin, reverse(RELATIONSHIPS_URL), {"export": "csv"}),
            (self.company_admin, reverse("wagtail_network_positions:index"), None),
            (self.company_admin, reverse("wagtail_network_positions:index"), {"export": "csv"}),
        ]
        self.grow(1)
        for user, url, params in cases:  # warm per-process caches (content types, site)
            self.count_queries(user, url, params)
        small = [self.count_queries(user, url, params) for user, url, params in cases]
        self.grow(10)
        large = [self.count_queries(user, url, params) for user, url, params in cases]
        self.assertEqual(small, large)
