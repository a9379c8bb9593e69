"""Which user model the suite runs on, so that a leg cannot silently fall back.

``TEST_USER_MODEL=email`` (CI's PostgreSQL leg, ``make test-postgres``) runs every
test on ``testapp.EmailUser``, a host's e-mail login model with no ``username``
column; unset, on Django's ``auth.User``. These tests run in every leg and fail
when the environment asks for one model and the suite got the other.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

pytestmark = pytest.mark.django_db

EXPECTED = {"email": "testapp.EmailUser", "default": "auth.User"}


def _columns(model) -> set[str]:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, model._meta.db_table)
    return {column.name for column in description}


def test_the_user_model_is_the_one_the_environment_asks_for() -> None:
    wanted = os.environ.get("TEST_USER_MODEL", "").strip().lower() or "default"
    assert settings.AUTH_USER_MODEL == EXPECTED[wanted]
    assert get_user_model()._meta.label == EXPECTED[wanted]


def test_the_e_mail_model_has_no_username_column_and_signs_in_by_email() -> None:
    User = get_user_model()
    if settings.AUTH_USER_MODEL != EXPECTED["email"]:
        pytest.skip("the default user model is active (TEST_USER_MODEL unset)")
    assert User.USERNAME_FIELD == User.get_email_field_name() == "email"
    assert "username" not in {field.name for field in User._meta.get_fields()}
    columns = _columns(User)
    assert "email" in columns and "username" not in columns


def test_the_default_model_has_its_username_column() -> None:
    User = get_user_model()
    if settings.AUTH_USER_MODEL != EXPECTED["default"]:
        pytest.skip("the e-mail user model is active (TEST_USER_MODEL=email)")
    assert User.USERNAME_FIELD == "username"
    assert "username" in _columns(User)
