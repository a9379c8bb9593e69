"""System checks for the host's URL wiring (wagtail_network.E008–E014), and the
endpoint's configurable path (``WAGTAIL_NETWORK["GRAPHQL_PATH"]``).

Each mistake is a small URLconf in tests/urlconfs/, checked as ``manage.py check``
checks it. Tests that only run the checks carry no database mark: pytest-django
refuses any query they would make, so they also pin "the checks never touch the
database".
"""

from __future__ import annotations

import json
import sys

import pytest
from django.core.checks import CheckMessage, Error, Tags, Warning, run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client, override_settings
from django.urls import clear_url_caches, resolve, reverse

from graphql_schema.urls import endpoint_patterns
from tests.factories import MemberIndexPageFactory, MemberPageFactory, UserFactory


def wiring(urlconf: str) -> list[CheckMessage]:
    """The plugin's messages when the host's URLconf is ``tests.urlconfs.<urlconf>``."""
    with override_settings(ROOT_URLCONF=f"tests.urlconfs.{urlconf}"):
        return [
            message
            for message in run_checks(tags=[Tags.urls])
            if (message.id or "").startswith("wagtail_network.")
        ]


def ids(messages: list[CheckMessage]) -> list[str]:
    return sorted(str(message.id) for message in messages)


def only(messages: list[CheckMessage], error_id: str) -> CheckMessage:
    [message] = [m for m in messages if m.id == error_id]
    return message


# --- the wiring the docs describe --------------------------------------------------


@pytest.mark.parametrize(
    "urlconf",
    [
        "correct",  # admin (whose explorer API is a PagesAPIViewSet), page API, plugin, pages
        "i18n",  # all of it under i18n_patterns
        "prefixed",  # Wagtail's pages under a prefix of their own, listed first
        "merged_schema",  # the host's types merged, served through endpoint_urls
        "network_pages_api_subclass",  # a host endpoint derived from the network's
    ],
)
def test_the_documented_wirings_raise_nothing(urlconf, settings):
    # CORS for the endpoint wherever these put it (/graphql/, /en/graphql/, /api/graphql/).
    settings.CORS_URLS_REGEX = r"^/(en/|api/)?graphql/?$"
    assert wiring(urlconf) == []


def test_the_example_sites_urlconf_raises_nothing():
    # CI runs `manage.py check --fail-level WARNING` on example_site.settings.dev;
    # the test settings share its URLconf (tests/test_example_site.py runs the command).
    assert [m for m in run_checks() if "wagtail_network" in str(m.id) and not m.is_silenced()] == []


# --- 1. the GraphQL endpoint not reachable, or answered by another view -------------


def test_an_endpoint_that_does_not_reverse_names_the_include_to_add():
    message = only(wiring("no_endpoint"), "wagtail_network.E009")
    assert isinstance(message, Error)
    assert "'graphql_schema:graphql' does not reverse" in message.msg
    assert 'path("", include("graphql_schema.urls"))' in message.hint


def test_the_plugins_view_mounted_without_its_namespace_is_named_as_not_included():
    # It answers, but the account page and the busy middleware cannot find it.
    message = only(wiring("unnamed_endpoint"), "wagtail_network.E009")
    assert "endpoint_urls(SiteGraphQLView.as_view())" in message.hint


def test_the_hosts_own_graphql_view_listed_first_is_named_with_the_three_fixes():
    message = only(wiring("host_graphql_first"), "wagtail_network.E010")
    assert "at /graphql/ is answered by strawberry.django.views.GraphQLView" in message.msg
    assert "NetworkGraphQLView subclass" in message.hint  # merge the types
    assert 'move path("", include("graphql_schema.urls")) above' in message.hint
    assert "WAGTAIL_NETWORK['GRAPHQL_PATH']" in message.hint
    assert ids(wiring("host_graphql_first")) == ["wagtail_network.E010"]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.urlconfs.host_graphql_first")
def test_what_e010_prevents_the_hosts_schema_answering_the_networks_queries():
    # The bug as reported: the network's query goes to the host's schema.
    response = Client().post(
        "/graphql/", {"query": "{ members { totalCount } }"}, content_type="application/json"
    )
    messages = [error["message"] for error in json.loads(response.content)["errors"]]
    assert messages == ["Cannot query field 'members' on type 'BlogQuery'."]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.urlconfs.merged_schema")
def test_the_merged_schema_recipe_serves_host_and_network_fields_at_the_endpoint():
    response = Client().post(
        reverse("graphql_schema:graphql"),
        {"query": "{ posts members(first: 1) { totalCount } }"},
        content_type="application/json",
    )
    body = json.loads(response.content)
    assert response.status_code == 200, body
    assert body["data"]["posts"] == ["hello"]
    assert body["data"]["members"]["totalCount"] == 0


# --- 2. Wagtail's stock page API ------------------------------------------------------


def test_wagtails_stock_pages_endpoint_and_subclasses_of_it_are_errors():
    messages = wiring("stock_pages_api")
    assert ids(messages) == ["wagtail_network.E011", "wagtail_network.E011"]
    host, stock = sorted(messages, key=lambda m: m.msg)  # /api/v2/blog/, /api/v2/pages/
    assert stock.msg.startswith(
        "Wagtail's page API at /api/v2/pages/ is served by wagtail.api.v2.views.PagesAPIViewSet"
    )
    assert "tests.urlconfs.stock_pages_api.BlogPagesAPIViewSet" in host.msg
    assert "/api/v2/blog/" in host.msg
    assert 'api_router.register_endpoint("pages", NetworkPagesAPIViewSet)' in stock.hint


def test_wagtails_v3_api_is_an_error():
    message = only(wiring("wagtail_api_v3"), "wagtail_network.E014")
    assert message.msg.startswith("Wagtail's v3 API is mounted at /api/v3/")
    assert "NetworkPagesAPIViewSet" in message.hint


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.urlconfs.wagtail_api_v3")
def test_what_e014_prevents_the_v3_api_lists_a_members_only_profile_to_a_visitor(site_root):
    directory = MemberIndexPageFactory(parent=site_root)
    MemberPageFactory(parent=directory, title="Hidden Harry", profile_visibility="members")
    response = Client().get("/api/v3/pages/")
    assert "Hidden Harry" in [item["title"] for item in json.loads(response.content)["items"]]


# --- 3. the plugin's URLs behind Wagtail's catch-all, or not included ---------------


def test_the_plugins_urls_after_wagtails_catch_all_are_errors_naming_the_move():
    messages = wiring("pages_first")
    assert ids(messages) == ["wagtail_network.E012", "wagtail_network.E012"]
    endpoint, account = sorted(messages, key=lambda m: m.msg)
    assert endpoint.msg.startswith("The GraphQL endpoint at /graphql/ is never reached")
    assert account.msg.startswith("The member's account page at /network/account/")
    assert endpoint.hint == (
        'Move path("", include("graphql_schema.urls")) above '
        'path("", include(wagtail_urls)), which must stay last.'
    )


def test_the_catch_all_first_inside_i18n_patterns_is_found_at_the_prefixed_paths():
    messages = wiring("i18n_pages_first")
    assert ids(messages) == ["wagtail_network.E012", "wagtail_network.E012"]
    assert {m.msg.split(" is never")[0].rsplit(" ", 1)[1] for m in messages} == {
        "/en/graphql/",
        "/en/network/account/",
    }


def test_another_view_at_the_account_page_is_named():
    message = only(wiring("host_account_first"), "wagtail_network.E010")
    assert "tests.urlconfs.host_account_first.host_account" in message.msg


def test_the_apps_urls_missing_is_an_error_naming_the_include():
    message = only(wiring("no_app"), "wagtail_network.E013")
    assert 'path("", include("wagtail_network.urls"))' in message.hint
    assert ids(wiring("no_app")) == ["wagtail_network.E013"]


# --- how the checks run ---------------------------------------------------------------


def test_manage_py_check_fails_on_a_wiring_mistake():
    # Registered for every `check` (and so runserver and migrate), under the urls tag.
    with override_settings(ROOT_URLCONF="tests.urlconfs.pages_first"):
        with pytest.raises(SystemCheckError, match="wagtail_network.E012"):
            call_command("check")
        with pytest.raises(SystemCheckError, match="wagtail_network.E012"):
            call_command("check", tags=["urls"])


def test_a_settings_module_without_a_urlconf_is_not_checked(settings):
    del settings.ROOT_URLCONF
    assert [m for m in run_checks(tags=[Tags.urls]) if "wagtail_network" in str(m.id)] == []


# --- the endpoint's path ----------------------------------------------------------


def test_the_endpoint_is_at_graphql_by_default():
    assert [str(p.pattern) for p in endpoint_patterns()] == ["graphql/"]
    assert reverse("graphql_schema:graphql") == "/graphql/"


@pytest.mark.parametrize("value", ["/graphql/", 42, None])
def test_a_graphql_path_that_is_not_a_relative_path_is_an_error(settings, value):
    settings.WAGTAIL_NETWORK = {"GRAPHQL_PATH": value}
    assert "wagtail_network.E008" in ids(run_checks())


@pytest.fixture
def moved_endpoint(settings):
    """The host's URLconf loaded with ``GRAPHQL_PATH`` set, as at a restart."""
    settings.WAGTAIL_NETWORK = {"GRAPHQL_PATH": "api/network-graphql/"}
    settings.ROOT_URLCONF = "tests.urlconfs.custom_path"
    sys.modules.pop("tests.urlconfs.custom_path", None)
    clear_url_caches()
    yield
    sys.modules.pop("tests.urlconfs.custom_path", None)
    clear_url_caches()


@pytest.mark.django_db
def test_with_the_path_setting_the_endpoint_answers_at_the_new_path_only(moved_endpoint):
    query = {"query": "{ members(first: 1) { totalCount } }"}
    client = Client()
    moved = client.post("/api/network-graphql/", query, content_type="application/json")
    assert moved.status_code == 200
    assert json.loads(moved.content)["data"]["members"]["totalCount"] == 0
    assert client.post("/graphql/", query, content_type="application/json").status_code == 404
    assert reverse("graphql_schema:graphql") == "/api/network-graphql/"
    assert resolve("/api/network-graphql/").namespace == "graphql_schema"


def test_a_moved_endpoint_passes_the_wiring_checks_once_cors_follows_it(moved_endpoint, settings):
    settings.CORS_URLS_REGEX = r"^/api/network-graphql/?$"
    assert [m for m in run_checks(tags=[Tags.urls]) if "wagtail_network" in str(m.id)] == []


def test_a_cors_regex_left_at_the_old_path_is_a_warning(moved_endpoint):
    # The test settings keep the example site's r"^/graphql/?$".
    [message] = [m for m in run_checks(tags=[Tags.urls]) if "wagtail_network" in str(m.id)]
    assert message.id == "wagtail_network.W002"
    assert isinstance(message, Warning)
    assert "/api/network-graphql/" in message.msg
    assert "CORS_URLS_REGEX = r'^/api/network\\-graphql/?$'" in message.hint


@pytest.mark.django_db
def test_graphiql_posts_to_the_path_it_was_served_at(moved_endpoint, settings):
    settings.WAGTAIL_NETWORK = {**settings.WAGTAIL_NETWORK, "GRAPHIQL": True}
    response = Client().get("/api/network-graphql/", headers={"Accept": "text/html"})
    assert 'data-endpoint="/api/network-graphql/"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moved", "url"),
    [(False, "http://localhost/graphql/"), (True, "http://localhost/api/network-graphql/")],
)
def test_the_account_page_names_the_endpoint_where_it_is(request, moved, url):
    # The default site is localhost:80 (the example site's migrations); the endpoint's
    # absolute URL is built on it, as every link the network hands out.
    if moved:
        request.getfixturevalue("moved_endpoint")
    client = Client()
    client.force_login(UserFactory())
    html = client.get(reverse("wagtail_network:account")).content.decode()
    assert f"call the GraphQL API at <code>{url}</code>" in html
