"""The example site itself: configuration, home page, SQLite concurrency settings."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import resolve, reverse
from wagtail.models import Page, Site

from example_site.home.models import HomePage
from tests.factories import login_of

pytestmark = pytest.mark.django_db


def test_system_checks_pass_at_warning_level() -> None:
    # Raises SystemCheckError if any check reports a warning or worse
    # (e.g. guardian.W001 when its backend is missing).
    call_command("check", fail_level="WARNING")


def test_migrations_make_a_homepage_the_default_site_root(default_site: Site) -> None:
    assert isinstance(default_site.root_page.specific, HomePage)


def test_home_page_answers_200(client: Client) -> None:
    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(title="Test network", slug="test-network", intro="<p>Welcome in.</p>")
    )
    Site.objects.all().delete()
    Site.objects.create(hostname="testserver", port=80, root_page=home, is_default_site=True)

    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Test network" in html
    assert "Welcome in." in html
    assert 'href="#main-content"' in html  # skip link
    assert "<main" in html


def test_site_templates_are_translated_to_dutch(client: Client) -> None:
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="nl")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nl">' in html
    assert "Naar de hoofdinhoud" in html
    assert "Aanmelden" in html


def test_login_page_is_the_sites_own(client: Client) -> None:
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert b'autocomplete="current-password"' in response.content
    assert reverse("login") == "/accounts/login/"


def test_member_signs_in_on_the_sites_login_page(client: Client, django_user_model) -> None:
    # The login is the model's USERNAME_FIELD (an address on an e-mail login model);
    # Django's login form still calls its field "username".
    login = login_of("ada")
    django_user_model.objects.create_user(
        **{django_user_model.USERNAME_FIELD: login}, password="correct horse"
    )

    response = client.post(reverse("login"), {"username": login, "password": "correct horse"})

    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="WAL, busy timeout and IMMEDIATE transactions are SQLite-only settings",
)
def test_sqlite_is_configured_for_concurrent_writers(tmp_path) -> None:
    assert connection.transaction_mode == "IMMEDIATE"

    # The test database lives in memory, where SQLite has no WAL; open a file
    # database with the same settings to see the init commands take effect.
    settings_dict = {**connection.settings_dict, "NAME": str(tmp_path / "wal.sqlite3")}
    file_connection = type(connections["default"])(settings_dict, alias="wal_check")
    try:
        with file_connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 20_000
            cursor.execute("PRAGMA synchronous")
            assert cursor.fetchone()[0] == 1  # NORMAL
        assert file_connection.transaction_mode == "IMMEDIATE"
    finally:
        file_connection.close()


def test_the_host_urlconf_composes_the_app_and_the_endpoint() -> None:
    # Two include lines, one per package (README, docs/tutorial/installation.md):
    # the app's account views and the API's endpoint, each in its own namespace.
    assert reverse("wagtail_network:account") == "/network/account/"
    assert reverse("graphql_schema:graphql") == "/graphql/"
    assert resolve("/graphql/").namespace == "graphql_schema"
    assert resolve("/network/account/").namespace == "wagtail_network"
