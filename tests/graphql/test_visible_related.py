"""A foreign key to a visibility-filtered type reads null for a hidden object,
whether or not strawberry-django's optimizer prefetched it (``visible_fk``)."""

from __future__ import annotations

import strawberry
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory, TestCase
from strawberry.tools import merge_types
from strawberry_django.optimizer import DjangoOptimizerExtension

from graphql_schema.members.types import PositionType
from graphql_schema.schema import build_schema
from tests.graphql.conftest import build_world
from wagtail_network.models import Position


@strawberry.type
class PlainQuery:
    @strawberry.field(description="A position handed back as a model instance.")
    def position(self, pk: int) -> PositionType | None:
        # As mutation payloads do: no queryset, so nothing for the optimizer.
        return Position.objects.get(pk=pk)  # type: ignore[return-value]


QUERY = "query($pk: Int!) { position(pk: $pk) { title company { name } } }"


class VisibleForeignKeyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def run_query(self, user, *, optimizer: bool):
        schema = build_schema(
            query=merge_types("Query", (PlainQuery,)),
            extensions=[DjangoOptimizerExtension] if optimizer else [],
        )
        request = RequestFactory().post("/graphql/")
        request.user = user
        result = schema.execute_sync(
            QUERY, {"pk": self.w.dave_stealth.pk}, context_value={"request": request}
        )
        self.assertIsNone(result.errors)
        return result.data["position"]

    def test_hidden_related_object_reads_null_without_the_optimizer(self):
        for optimizer in (False, True):
            with self.subTest(optimizer=optimizer):
                position = self.run_query(AnonymousUser(), optimizer=optimizer)
                self.assertEqual(position, {"title": "Founder", "company": None})

    def test_related_object_the_viewer_may_see_is_returned(self):
        # The draft company's admin sees it.
        for optimizer in (False, True):
            with self.subTest(optimizer=optimizer):
                position = self.run_query(self.w.u_companyadmin, optimizer=optimizer)
                self.assertEqual(position["company"], {"name": "Stealth"})
