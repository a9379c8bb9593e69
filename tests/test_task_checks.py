"""System checks for the notification e-mails' task backend (wagtail_network.E018,
E019). They read settings only: no database mark, so a query would fail the test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.core.checks import CheckMessage, run_checks
from django.test import override_settings

from example_site.settings.base import TASKS_MODULE

IMMEDIATE = {"BACKEND": f"{TASKS_MODULE}.backends.immediate.ImmediateBackend"}
DATABASE = {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
ROOT = Path(__file__).resolve().parent.parent


def task_messages() -> list[CheckMessage]:
    return [m for m in run_checks() if m.id in ("wagtail_network.E018", "wagtail_network.E019")]


def test_the_example_sites_task_settings_raise_nothing():
    assert task_messages() == []


@override_settings(TASKS={"default": DATABASE})
def test_the_database_backend_with_its_app_raises_nothing():
    assert task_messages() == []


@override_settings(
    TASKS={"default": IMMEDIATE},
    WAGTAIL_NETWORK={"NOTIFICATIONS": {"TASK_BACKEND": "mail"}},
)
def test_a_task_backend_alias_missing_from_tasks_is_an_error_naming_the_aliases():
    [message] = task_messages()
    assert message.id == "wagtail_network.E018"
    assert "'mail'" in message.msg and "default" in message.msg


@override_settings(
    TASKS={"default": IMMEDIATE, "mail": DATABASE},
    WAGTAIL_NETWORK={"NOTIFICATIONS": {"TASK_BACKEND": "mail"}},
)
def test_another_configured_alias_is_accepted():
    assert task_messages() == []


def test_without_tasks_the_default_alias_exists(settings):
    del settings.TASKS
    assert task_messages() == []
    settings.WAGTAIL_NETWORK = {"NOTIFICATIONS": {"TASK_BACKEND": "other"}}
    assert [m.id for m in task_messages()] == ["wagtail_network.E018"]


def test_the_database_backend_without_its_app_fails_manage_py_check():
    # A subprocess: leaving an installed app out here would reload the app registry.
    result = subprocess.run(
        [sys.executable, "example_site/manage.py", "check"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.tasksettings.without_db_app"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "wagtail_network.E019" in result.stderr
    assert "'django_tasks_db' is not in INSTALLED_APPS" in result.stderr
    assert "wagtail_network.E018" not in result.stderr
