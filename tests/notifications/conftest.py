"""The service-layer fixtures (members with accounts, a company, a skill, a
moderator), shared by the notification tests."""

from tests.services.conftest import (  # noqa: F401
    alice,
    bob,
    carol,
    company,
    directories,
    editor,
    make_member,
    moderator,
    other_company,
    skill,
)
