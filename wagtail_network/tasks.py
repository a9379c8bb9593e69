"""Django's tasks framework, wherever it comes from: ``django.tasks`` on Django 6,
the ``django-tasks`` backport on Django 5.2 (the same API)."""

from __future__ import annotations

from importlib.util import find_spec
from typing import Any

if find_spec("django.tasks") is not None:  # Django 6.0 and later
    from django.tasks import task, task_backends
else:  # pragma: no cover - exercised on the Django 5.2 legs
    from django_tasks import task, task_backends  # type: ignore[no-redef,assignment]

__all__ = ["task", "task_backend", "task_backends"]


def task_backend(alias: str | None = None) -> Any:
    """The backend the network's tasks are enqueued on
    (``WAGTAIL_NETWORK["NOTIFICATIONS"]["TASK_BACKEND"]``)."""
    from .conf import notification_setting

    return task_backends[alias or notification_setting("TASK_BACKEND")]
