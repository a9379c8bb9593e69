"""The demo loader's accounts on whichever user model is active (TEST_USER_MODEL).

The role and member accounts are made with the model's own login field: on
Django's default model the login is the name, on an e-mail login model (no
``username``) it is ``name@demo.example``, and the e-mail field is set once, not
passed twice.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate, get_user_model

from example_site.demo import roles
from tests.factories import HAS_USERNAME

PASSWORD = "demo-accounts-test"


def test_the_login_is_the_name_or_the_demo_address_as_the_model_signs_in() -> None:
    User = get_user_model()
    fields = roles.account_fields("anna")
    assert fields[User.get_email_field_name()] == "anna@demo.example"
    if HAS_USERNAME:
        assert roles.login_of("anna") == "anna"
        assert fields == {"email": "anna@demo.example", "username": "anna"}
    else:
        assert roles.login_of("anna") == "anna@demo.example"
        assert fields == {User.USERNAME_FIELD: "anna@demo.example"}


@pytest.mark.django_db
def test_role_accounts_are_created_on_the_active_user_model_and_sign_in_with_their_login():
    User = get_user_model()
    groups = roles.ensure_groups()
    accounts = roles.ensure_role_users(roles.hash_password(PASSWORD), groups, reset_passwords=False)
    for name in roles.ROLE_USERNAMES:
        user = getattr(accounts, name)
        assert user.get_username() == roles.login_of(name)
        assert getattr(user, User.get_email_field_name()) == f"{name}@demo.example"
        assert roles.is_demo_account(user)
        assert authenticate(username=roles.login_of(name), password=PASSWORD) == user
    assert accounts.admin.is_superuser
    assert accounts.editor.groups.filter(name=roles.EDITORS_GROUP).exists()

    # A second run finds the same accounts by their login instead of adding any.
    before = User.objects.count()
    again = roles.ensure_role_users("", groups, reset_passwords=False)
    assert User.objects.count() == before
    assert again.anna.pk == accounts.anna.pk
