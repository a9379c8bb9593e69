"""The example site's production settings choose the notification e-mails' task
backend from ``TASKS_BACKEND`` (docs/how-to/deployment.md)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.test_production_settings import production_settings


def test_production_runs_tasks_from_the_database_by_default(monkeypatch):
    monkeypatch.delenv("TASKS_BACKEND", raising=False)
    prod = production_settings(monkeypatch)

    assert prod.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert "django_tasks_db" in prod.INSTALLED_APPS


def test_the_rq_backend_installs_django_rq_and_names_its_queue(monkeypatch):
    prod = production_settings(
        monkeypatch, TASKS_BACKEND="rq", REDIS_URL="redis://cache.internal:6379/1"
    )

    assert prod.TASKS["default"] == {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}
    # django-tasks-rq's backend refuses to work without django_rq, whose RQ_QUEUES
    # must name every queue the backend uses.
    assert {"django_rq", "django_tasks_rq"} <= set(prod.INSTALLED_APPS)
    assert set(prod.TASKS["default"]["QUEUES"]) <= set(prod.RQ_QUEUES)
    assert prod.RQ_QUEUES["default"]["URL"] == "redis://cache.internal:6379/1"


def test_the_immediate_backend_sends_in_process(monkeypatch):
    prod = production_settings(monkeypatch, TASKS_BACKEND="immediate")

    assert prod.TASKS["default"]["BACKEND"].endswith(".backends.immediate.ImmediateBackend")


def test_an_unknown_task_backend_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="TASKS_BACKEND"):
        production_settings(monkeypatch, TASKS_BACKEND="celery")
