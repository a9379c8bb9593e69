"""The example site's production settings: safe GraphQL defaults switched by the
environment, a loud start without collectstatic, the client's address behind proxies,
what a SECRET_KEY rotation does to API tokens, and gunicorn serving it all."""

from __future__ import annotations

import importlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import RequestFactory, override_settings

from example_site.startup import require_static_manifest
from graphql_schema.protection import client_key
from tests.factories import UserFactory
from tests.graphql.conftest import post_graphql
from wagtail_network.conf import DEFAULTS
from wagtail_network.services import tokens

ROOT = Path(__file__).resolve().parent.parent
REQUIRED_ENV = {
    "SECRET_KEY": "production-settings-test-key",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
}
PRODUCTION_ENV_KEYS = (
    "WAGTAIL_NETWORK_GRAPHQL_INTROSPECTION",
    "WAGTAIL_NETWORK_GRAPHQL_FIELD_SUGGESTIONS",
    "WAGTAIL_NETWORK_TRUSTED_PROXY_COUNT",
    "DB_CONN_MAX_AGE",
)


def production_settings(monkeypatch, **env: str):
    """The production settings module, imported afresh under ``env``."""
    for key in PRODUCTION_ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
    for key, value in {**REQUIRED_ENV, **env}.items():
        monkeypatch.setenv(key, value)
    sys.modules.pop("example_site.settings.production", None)
    try:
        return importlib.import_module("example_site.settings.production")
    finally:
        sys.modules.pop("example_site.settings.production", None)


def test_production_settings_load_with_graphql_schema_unpublished_by_default(monkeypatch):
    prod = production_settings(monkeypatch)

    assert prod.DEBUG is False
    assert prod.WAGTAIL_NETWORK["GRAPHQL_INTROSPECTION"] == "staff"
    assert prod.WAGTAIL_NETWORK["GRAPHQL_FIELD_SUGGESTIONS"] is False
    assert prod.WAGTAIL_NETWORK["TRUSTED_PROXY_COUNT"] == 0
    assert set(prod.WAGTAIL_NETWORK) <= set(DEFAULTS)
    assert prod.STORAGES["staticfiles"]["BACKEND"].endswith("CompressedManifestStaticFilesStorage")


def test_production_introspection_and_suggestions_switch_on_by_environment(monkeypatch):
    prod = production_settings(
        monkeypatch,
        WAGTAIL_NETWORK_GRAPHQL_INTROSPECTION="1",
        WAGTAIL_NETWORK_GRAPHQL_FIELD_SUGGESTIONS="1",
        WAGTAIL_NETWORK_TRUSTED_PROXY_COUNT="1",
    )

    assert prod.WAGTAIL_NETWORK["GRAPHQL_INTROSPECTION"] is True
    assert prod.WAGTAIL_NETWORK["GRAPHQL_FIELD_SUGGESTIONS"] is True
    assert prod.WAGTAIL_NETWORK["TRUSTED_PROXY_COUNT"] == 1
    off = production_settings(monkeypatch, WAGTAIL_NETWORK_GRAPHQL_INTROSPECTION="0")
    assert off.WAGTAIL_NETWORK["GRAPHQL_INTROSPECTION"] is False


def test_production_settings_refuse_to_load_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    sys.modules.pop("example_site.settings.production", None)
    with pytest.raises(ImproperlyConfigured):
        importlib.import_module("example_site.settings.production")
    sys.modules.pop("example_site.settings.production", None)


INTROSPECT = '{ __type(name: "Member") { name } }'


@pytest.mark.django_db
def test_staff_introspection_mode_lets_only_staff_introspect(monkeypatch):
    prod = production_settings(monkeypatch)
    with override_settings(WAGTAIL_NETWORK=prod.WAGTAIL_NETWORK):
        anonymous = post_graphql(INTROSPECT)
        member = post_graphql(INTROSPECT, user=UserFactory(username="member"))
        staff = post_graphql(INTROSPECT, user=UserFactory(username="staffer", is_staff=True))

    assert anonymous["data"] is None and "introspection" in anonymous["errors"][0]["message"]
    assert member["data"] is None
    assert staff["data"]["__type"]["name"] == "Member"


@pytest.mark.django_db
def test_production_defaults_give_no_field_suggestions(monkeypatch):
    prod = production_settings(monkeypatch)
    with override_settings(WAGTAIL_NETWORK=prod.WAGTAIL_NETWORK):
        body = post_graphql('{ member(slug: "x") { nam } }')

    assert "Did you mean" not in body["errors"][0]["message"]


# --------------------------------------------------------------------------
# collectstatic
# --------------------------------------------------------------------------

MANIFEST_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def test_app_refuses_to_start_without_collected_static_files(tmp_path):
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=MANIFEST_STORAGES):
        with pytest.raises(ImproperlyConfigured, match="collectstatic"):
            require_static_manifest()
        call_command("collectstatic", interactive=False, verbosity=0)
        require_static_manifest()  # no error once collected


def test_start_check_is_silent_without_a_manifest_storage():
    require_static_manifest()  # the test settings' plain StaticFilesStorage


# --------------------------------------------------------------------------
# X-Forwarded-For
# --------------------------------------------------------------------------


def anonymous_request(**meta):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().post("/graphql/", REMOTE_ADDR="10.0.0.1", **meta)
    request.user = AnonymousUser()
    return request


def test_client_key_ignores_x_forwarded_for_without_trusted_proxies():
    request = anonymous_request(HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_key(request) == "ip:10.0.0.1"


def test_client_key_behind_one_proxy_is_the_address_the_proxy_saw():
    with override_settings(WAGTAIL_NETWORK={"TRUSTED_PROXY_COUNT": 1}):
        # The client forged the first entry; the proxy appended the real one.
        forged = anonymous_request(HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
        assert client_key(forged) == "ip:203.0.113.7"
        other = anonymous_request(HTTP_X_FORWARDED_FOR="198.51.100.9")
        assert client_key(other) == "ip:198.51.100.9"


def test_client_key_with_two_proxies_and_a_short_header_falls_back_to_remote_addr():
    with override_settings(WAGTAIL_NETWORK={"TRUSTED_PROXY_COUNT": 2}):
        request = anonymous_request(HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.2")
        assert client_key(request) == "ip:203.0.113.7"
        short = anonymous_request(HTTP_X_FORWARDED_FOR="203.0.113.7")
        assert client_key(short) == "ip:10.0.0.1"


@pytest.mark.django_db
def test_anonymous_clients_behind_a_proxy_get_budgets_of_their_own():
    query = "{ members(first: 5) { totalCount } }"
    network = {"TRUSTED_PROXY_COUNT": 1, "GRAPHQL_COST_PER_MINUTE": 1000}
    from django.core.cache import cache
    from django.test import Client

    cache.clear()
    with override_settings(WAGTAIL_NETWORK=network):
        first = post_graphql(query, client=Client(HTTP_X_FORWARDED_FOR="203.0.113.7"))
        second = post_graphql(query, client=Client(HTTP_X_FORWARDED_FOR="198.51.100.9"))
    assert "errors" not in first and "errors" not in second
    # Each address spent from a fresh budget: the second did not inherit the first's spend.
    assert first["extensions"]["cost"]["remaining"] < 1000
    assert first["extensions"]["cost"]["remaining"] == second["extensions"]["cost"]["remaining"]


# --------------------------------------------------------------------------
# SECRET_KEY rotation and API tokens (what docs/how-to/deployment.md says)
# --------------------------------------------------------------------------


@pytest.mark.django_db
def test_rotating_secret_key_invalidates_api_tokens_unless_the_old_key_is_a_fallback():
    user = UserFactory(username="rotator")
    with override_settings(SECRET_KEY="old-key-" + "x" * 50):
        _token, plaintext = tokens.create_token(user, "cli")
    query = "{ viewer { member { name } } }"

    with override_settings(SECRET_KEY="new-key-" + "y" * 50, SECRET_KEY_FALLBACKS=[]):
        assert "errors" in post_graphql(query, token=plaintext)  # 401 UNAUTHENTICATED
    with override_settings(
        SECRET_KEY="new-key-" + "y" * 50, SECRET_KEY_FALLBACKS=["old-key-" + "x" * 50]
    ):
        assert "errors" not in post_graphql(query, token=plaintext)


# --------------------------------------------------------------------------
# gunicorn
# --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gunicorn(env: dict[str, str], port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "30",
            "example_site.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _post(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql/",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


@pytest.mark.skipif(
    importlib.util.find_spec("gunicorn") is None, reason="gunicorn is not installed"
)
def test_gunicorn_serves_the_production_settings_and_refuses_to_start_uncollected(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("WAGTAIL_NETWORK_")},
        **REQUIRED_ENV,
        "DJANGO_SETTINGS_MODULE": "example_site.settings.production",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "SECURE_SSL_REDIRECT": "0",
        "PYTHONPATH": str(ROOT),
    }
    # Without collectstatic: the worker fails to boot and gunicorn exits, naming the step.
    port = _free_port()
    server = _gunicorn(env, port)
    output, _ = server.communicate(timeout=60)
    assert server.returncode != 0
    assert "collectstatic" in output

    subprocess.run(
        [sys.executable, "example_site/manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    port = _free_port()
    server = _gunicorn(env, port)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                body = _post(port, '{ __type(name: "Member") { name } }')
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        assert body["data"] is None and "introspection" in body["errors"][0]["message"]
        suggestion = _post(port, '{ member(slug: "x") { nam } }')
        assert "Did you mean" not in suggestion["errors"][0]["message"]
        static = f"http://127.0.0.1:{port}/static/graphql_schema/graphiql/graphiql-init.js"
        with urllib.request.urlopen(static, timeout=30) as response:
            assert response.status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_production_on_postgresql_waits_at_most_the_lock_timeout(monkeypatch):
    """A blocked statement is refused after DB_LOCK_TIMEOUT (then the request answers
    503 BUSY), instead of waiting until the proxy gives up."""
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wagtail_network")
    saved = sys.modules.pop("example_site.settings.base", None)
    try:
        prod = production_settings(monkeypatch, DB_LOCK_TIMEOUT="3s")
    finally:
        sys.modules.pop("example_site.settings.base", None)
        if saved is not None:
            sys.modules["example_site.settings.base"] = saved
    assert "-c lock_timeout=3s" in prod.DATABASES["default"]["OPTIONS"]["options"]


def test_production_on_postgresql_keeps_connections_open(monkeypatch):
    """Persistent connections with health checks (DB_CONN_MAX_AGE; 0 for PgBouncer)."""
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wagtail_network")
    saved = sys.modules.pop("example_site.settings.base", None)
    try:
        default = production_settings(monkeypatch).DATABASES["default"]
        sys.modules.pop("example_site.settings.base", None)
        pooled = production_settings(monkeypatch, DB_CONN_MAX_AGE="0").DATABASES["default"]
    finally:
        sys.modules.pop("example_site.settings.base", None)
        if saved is not None:
            sys.modules["example_site.settings.base"] = saved
    assert default["CONN_MAX_AGE"] == 60 and default["CONN_HEALTH_CHECKS"] is True
    assert pooled["CONN_MAX_AGE"] == 0


def test_warm_up_builds_the_schema_and_freezes_what_lives_as_long_as_the_process():
    script = (
        "import gc, sys, django; django.setup(); "
        "assert 'graphql_schema.schema' not in sys.modules; "
        "from example_site.startup import warm_up; warm_up(); "
        "assert 'graphql_schema.schema' in sys.modules; "
        "from django.db import connections; "
        "assert all(c.connection is None for c in connections.all()); "
        "print(gc.get_freeze_count())"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(out.stdout.strip()) > 10_000


def test_production_db_conn_max_age_takes_seconds_or_none(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wagtail_network")
    saved = sys.modules.pop("example_site.settings.base", None)
    try:
        forever = production_settings(monkeypatch, DB_CONN_MAX_AGE="None")
        assert forever.DATABASES["default"]["CONN_MAX_AGE"] is None
        sys.modules.pop("example_site.settings.base", None)
        with pytest.raises(ImproperlyConfigured, match="DB_CONN_MAX_AGE"):
            production_settings(monkeypatch, DB_CONN_MAX_AGE="soon")
    finally:
        sys.modules.pop("example_site.settings.base", None)
        if saved is not None:
            sys.modules["example_site.settings.base"] = saved
