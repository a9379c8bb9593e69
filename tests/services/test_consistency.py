"""The GraphQL layer answers connectionStatus and degree as SQL annotations
(graphql_schema.members); they must agree with the service layer's answers for
every kind of relation, from every side."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import connect
from wagtail_network import services, visibility
from wagtail_network.models import MemberPage

members_module = pytest.importorskip("graphql_schema.members")

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(make_member):
    """Members in every relation to each other that a status can describe."""
    m = {
        name: make_member(title=name)
        for name in "me sent received ignored ignorer a b c x blocked".split()
    }
    services.request_connection(m["me"].user, m["sent"])
    services.request_connection(m["received"].user, m["me"])
    services.request_connection(m["ignored"].user, m["me"])
    services.ignore_connection(m["me"].user, m["ignored"])
    services.request_connection(m["me"].user, m["ignorer"])
    services.ignore_connection(m["ignorer"].user, m["me"])
    connect(m["me"], m["a"])
    connect(m["a"], m["b"])
    connect(m["b"], m["c"])
    services.block_member(m["me"].user, m["blocked"])
    return m


def annotated(user, ids, expression):
    return dict(
        MemberPage.objects.filter(pk__in=ids).annotate(_v=expression(user)).values_list("pk", "_v")
    )


@pytest.mark.parametrize("viewer", ["me", "sent", "ignored", "ignorer", "a", "blocked", None])
def test_graphql_connection_status_agrees_with_the_service_layer(network, viewer):
    user = network[viewer].user if viewer else AnonymousUser()
    visibility.clear_viewer_cache(user)
    ids = [m.pk for m in network.values()]
    expected = {pk: str(v) for pk, v in services.connection_statuses(user, ids).items()}
    assert annotated(user, ids, members_module.connection_status_expression) == expected


@pytest.mark.parametrize("viewer", ["me", "a", "c", "x", None])
def test_graphql_degree_agrees_with_the_service_layer(network, viewer):
    user = network[viewer].user if viewer else AnonymousUser()
    ids = [m.pk for m in network.values()]
    assert annotated(user, ids, members_module.degree_expression) == services.degrees(user, ids)
