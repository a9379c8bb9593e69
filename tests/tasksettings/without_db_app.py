"""The test settings with django-tasks-db's backend configured but its app left out
(``wagtail_network.E019``): loaded by ``manage.py check`` in a subprocess, since
removing an installed app from a running test process reloads the app registry."""

from tests.settings import *  # noqa: F403

INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "django_tasks_db"]  # noqa: F405
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
