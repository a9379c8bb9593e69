"""Fixtures for the notification tests: members with accounts, the site's origin, a
mail server that fails, a task backend that keeps what is enqueued.

E-mails are enqueued once the change's transaction commits: tests that need them
wrap the service call in ``django_capture_on_commit_callbacks(execute=True)``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core import mail
from django.test import override_settings
from wagtail.models import Site

from example_site.settings.base import TASKS_MODULE, mail_settings
from tests.factories import MemberPageFactory, UserFactory
from tests.services.conftest import (  # noqa: F401  (the service tests' own fixtures)
    carol,
    company,
    directories,
    editor,
    moderator,
    other_company,
    skill,
)
from tests.testapp import mail as flaky
from wagtail_network.tasks import task_backends

DUMMY_TASKS = {"default": {"BACKEND": f"{TASKS_MODULE}.backends.dummy.DummyBackend"}}
IMMEDIATE_TASKS = {"default": {"BACKEND": f"{TASKS_MODULE}.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def member_directory(directories):  # noqa: F811
    return directories[0]


@pytest.fixture
def make_member(member_directory) -> Callable:
    """A live member page linked to a new user with an e-mail address."""

    def make(title: str, **kwargs):
        user = kwargs.pop("user", None) or UserFactory(username=title.lower())
        return MemberPageFactory(parent=member_directory, title=title, user=user, **kwargs)

    return make


@pytest.fixture
def alice(make_member):
    return make_member("Alice")


@pytest.fixture
def bob(make_member):
    return make_member("Bob")


@pytest.fixture
def site_origin(db) -> str:
    """The default Site on a real public origin: links in e-mails must name it."""
    Site.objects.filter(is_default_site=True).update(hostname="network.example.org", port=443)
    return "https://network.example.org"


@pytest.fixture
def flaky_mail():
    """A mail server refusing the first ``flaky_mail(n)`` messages, then delivering."""
    with override_settings(**mail_settings(flaky.FLAKY)):

        def fail(times: int) -> None:
            flaky.FAILURES = times

        yield fail
    flaky.FAILURES = 0
    flaky.REFUSED.clear()


@pytest.fixture
def dummy_tasks():
    """A task backend that keeps every task enqueued (and its ``run_after``) and runs
    none: the test plays the worker. Yields the backend."""
    with override_settings(TASKS=DUMMY_TASKS):
        backend = task_backends["default"]
        backend.clear()
        yield backend


@pytest.fixture
def immediate_tasks():
    with override_settings(TASKS=IMMEDIATE_TASKS):
        yield task_backends["default"]


@pytest.fixture(autouse=True)
def _empty_outbox():
    mail.outbox = []
