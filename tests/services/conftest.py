"""Fixtures for the service-layer tests: directories, members with users, a company.

Members are real Wagtail pages under real directories (wagtail_factories), each
linked to its own user, so every service call runs the same visibility rules as
production.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Permission
from django.db import connection

from tests.factories import (
    CompanyIndexPageFactory,
    CompanyPageFactory,
    MemberIndexPageFactory,
    MemberPageFactory,
    SkillFactory,
    UserFactory,
)


def fresh(user):
    """``user`` as a new request would load it (nothing looked up yet)."""
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def directories(db):
    """The member and company directories, under the default site's root."""
    return MemberIndexPageFactory(), CompanyIndexPageFactory()


@pytest.fixture
def make_member(directories) -> Callable:
    """A factory: a live member page linked to a new user (``page.user``)."""
    member_index = directories[0]

    def make(**kwargs):
        user = kwargs.pop("user", None) or UserFactory()
        return MemberPageFactory(parent=member_index, user=user, **kwargs)

    return make


@pytest.fixture
def alice(make_member):
    return make_member(title="Alice")


@pytest.fixture
def bob(make_member):
    return make_member(title="Bob")


@pytest.fixture
def carol(make_member):
    return make_member(title="Carol")


@pytest.fixture
def company(directories):
    return CompanyPageFactory(parent=directories[1], title="Acme")


@pytest.fixture
def other_company(directories):
    return CompanyPageFactory(parent=directories[1], title="Globex")


@pytest.fixture
def skill(db):
    return SkillFactory(name="Python")


@pytest.fixture
def moderator(db):
    user = UserFactory(username="moderator")
    user.user_permissions.add(
        Permission.objects.get(
            codename="moderate_network", content_type__app_label="wagtail_network"
        )
    )
    return fresh(type(user).objects.get(pk=user.pk))


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", is_superuser=True, is_staff=True)


requires_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="race tests need real row locks and concurrent connections: run with "
    "DATABASE_URL=postgres://postgres@127.0.0.1:5432/wn_services",
)
