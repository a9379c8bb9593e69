"""A database busy with another writer answers 503 with Retry-After, never 500.

The lock is real: a second connection to the test database holds a write lock on
a table while a request needs it. On SQLite that is the shared in-memory test
database (a locked table is refused at once); on PostgreSQL an exclusive table lock
with a short ``lock_timeout`` on the request's connection.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import skipUnless

from django.db import connection
from django.test import Client, TransactionTestCase

from tests.factories import login_of
from tests.graphql.mutation_support import build_net, gid
from wagtail_network.busy import is_database_busy
from wagtail_network.models import Follow


@contextmanager
def table_locked_by_another_writer(table: str) -> Iterator[None]:
    """Hold a write lock on ``table`` from a second connection."""
    if connection.vendor == "sqlite":
        other = sqlite3.connect(connection.settings_dict["NAME"], uri=True, timeout=0)
        other.isolation_level = None
        other.execute("BEGIN IMMEDIATE")
        other.execute(f"DELETE FROM {table} WHERE 1 = 0")  # a write: takes the table lock
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    import psycopg

    params = connection.get_connection_params()
    other = psycopg.connect(**params)
    other.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")
    try:
        yield
    finally:
        other.rollback()
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")


FOLLOW = """mutation($c: ID!) { followCompany(input: {companyId: $c}) {
  errors { code } company { followedByViewer } } }"""


class BusyDatabase(TransactionTestCase):
    serialized_rollback = True

    def setUp(self):
        self.n = build_net()

    def test_graphql_mutation_on_a_busy_database_answers_503_busy_with_retry_after(self):
        client = Client()
        client.force_login(self.n.u_alice)
        with table_locked_by_another_writer(Follow._meta.db_table):
            response = client.post(
                "/graphql/",
                data=json.dumps(
                    {"query": FOLLOW, "variables": {"c": gid("Company", self.n.acme.pk)}}
                ),
                content_type="application/json",
            )
        assert response.status_code == 503, response.content
        assert int(response["Retry-After"]) >= 1
        body = json.loads(response.content)
        assert [e["extensions"]["code"] for e in body["errors"]] == ["BUSY"]
        assert "Traceback" not in response.content.decode()
        # Nothing was written, and the same request succeeds once the lock is gone.
        assert not Follow.objects.exists()
        response = client.post(
            "/graphql/",
            data=json.dumps({"query": FOLLOW, "variables": {"c": gid("Company", self.n.acme.pk)}}),
            content_type="application/json",
        )
        assert response.status_code == 200
        assert Follow.objects.count() == 1, response.content

    def test_sign_in_on_a_busy_database_answers_the_503_page(self):
        from django.contrib.sessions.models import Session

        with table_locked_by_another_writer(Session._meta.db_table):
            response = Client().post(
                "/accounts/login/", {"username": login_of("alice"), "password": "secret-pass"}
            )
        assert response.status_code == 503
        assert int(response["Retry-After"]) >= 1
        assert b"Busy, try again" in response.content
        assert b"Traceback" not in response.content

    def test_a_json_client_on_a_busy_database_gets_the_json_busy_answer(self):
        from django.contrib.sessions.models import Session

        with table_locked_by_another_writer(Session._meta.db_table):
            response = Client().post(
                "/accounts/login/",
                {"username": login_of("alice"), "password": "secret-pass"},
                headers={"Accept": "application/json"},
            )
        assert response.status_code == 503
        assert response["Content-Type"].startswith("application/json")
        assert [e["extensions"]["code"] for e in json.loads(response.content)["errors"]] == ["BUSY"]

    @skipUnless(
        connection.vendor == "postgresql",
        "SQLite's shared in-memory test database blocks readers too; PostgreSQL's "
        "row lock is what a concurrent writer holds (runs in CI's PostgreSQL leg)",
    )
    def test_a_read_with_a_token_answers_while_the_token_row_is_locked(self):
        import psycopg

        from wagtail_network.services.tokens import create_token

        token, plaintext = create_token(self.n.u_alice, "cli")
        other = psycopg.connect(**connection.get_connection_params())
        other.execute("SELECT 1 FROM wagtailcore_apitoken WHERE id = %s FOR UPDATE", [token.pk])
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        try:
            response = Client().post(
                "/graphql/",
                data=json.dumps({"query": "{ viewer { member { name } } }"}),
                content_type="application/json",
                headers={"Authorization": f"Bearer {plaintext}"},
            )
        finally:
            other.rollback()
            other.close()
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = 0")
        assert response.status_code == 200, response.content
        assert json.loads(response.content)["data"]["viewer"]["member"]["name"] == "Alice"


class TokenBookkeeping(TransactionTestCase):
    serialized_rollback = True

    def setUp(self):
        self.n = build_net()

    def test_a_tokens_last_use_is_written_after_the_response(self):
        from django.core.signals import request_finished, request_started
        from wagtail.models import APIToken

        from wagtail_network.services.tokens import authenticate_token, create_token

        token, plaintext = create_token(self.n.u_alice, "cli")
        request_started.send(sender=self.__class__)
        authenticate_token(plaintext)
        # While the request is being answered, nothing is written.
        assert APIToken.objects.get(pk=token.pk).last_used_at is None
        request_finished.send(sender=self.__class__)
        assert APIToken.objects.get(pk=token.pk).last_used_at is not None

    def test_a_bookkeeping_write_that_meets_a_busy_database_is_dropped_quickly(self):
        import time

        from django.core.signals import request_finished, request_started
        from wagtail.models import APIToken

        from wagtail_network.services.tokens import authenticate_token, create_token

        token, plaintext = create_token(self.n.u_alice, "cli")
        request_started.send(sender=self.__class__)
        authenticate_token(plaintext)
        with table_locked_by_another_writer(APIToken._meta.db_table):
            started = time.monotonic()
            request_finished.send(sender=self.__class__)  # must not raise
            waited = time.monotonic() - started
        # Dropped after the short lock wait, not the connection's 20 s busy timeout.
        assert waited < 5
        assert APIToken.objects.get(pk=token.pk).last_used_at is None

    def test_a_request_with_a_token_records_its_use(self):
        from wagtail.models import APIToken

        from wagtail_network.services.tokens import create_token

        token, plaintext = create_token(self.n.u_alice, "cli")
        response = Client().post(
            "/graphql/",
            data=json.dumps({"query": "{ __typename }"}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {plaintext}"},
        )
        assert response.status_code == 200
        assert APIToken.objects.get(pk=token.pk).last_used_at is not None


class BusyErrorsAreRecognised(TransactionTestCase):
    serialized_rollback = True

    def test_is_database_busy_recognises_the_databases_own_lock_error(self):
        table = Follow._meta.db_table
        with table_locked_by_another_writer(table):
            try:
                with connection.cursor() as cursor:
                    cursor.execute(f"DELETE FROM {table}")
            except Exception as exc:  # noqa: BLE001 - the database's own error class
                error = exc
            else:
                raise AssertionError("the write should have met the lock")
        assert is_database_busy(error)

    def test_other_database_errors_are_not_busy(self):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM no_such_table_here")
        except Exception as exc:  # noqa: BLE001
            error = exc
        assert not is_database_busy(error)
