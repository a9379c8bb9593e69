"""The example site's sign-up page: a newcomer makes an account with an e-mail
address and a password, is signed in and goes on to the network's join page.

Runs on both user models of the suite (auth.User and an e-mail login model)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.urlconfs.join_page")]

URL = "/accounts/signup/"
GOOD_PASSWORD = "violet kettle 42 harbour"


#: Accounts there before the test (guardian's anonymous user, say): not sign-ups.
EXISTING = 0


@pytest.fixture(autouse=True)
def _existing_accounts():
    global EXISTING
    EXISTING = get_user_model()._default_manager.count()


def accounts_created() -> int:
    return get_user_model()._default_manager.count() - EXISTING


def account(email: str):
    User = get_user_model()
    return User._default_manager.get(**{f"{User.get_email_field_name()}__iexact": email})


def sign_up(client: Client, email: str, password: str = GOOD_PASSWORD, **extra):
    data = {"email": email, "password1": password, "password2": password, **extra}
    return client.post(URL, data)


def accounts_with(email: str) -> int:
    User = get_user_model()
    return User._default_manager.filter(**{f"{User.get_email_field_name()}__iexact": email}).count()


def field_html(html: str, name: str) -> str:
    return re.search(rf'<input[^>]* name="{name}"[^>]*>', html).group(0)


def test_the_sign_up_page_is_the_example_sites_own():
    assert reverse("signup") == URL
    html = Client().get(URL).content.decode()
    assert 'autocomplete="email"' in field_html(html, "email")
    assert 'autocomplete="new-password"' in field_html(html, "password1")
    assert 'autocomplete="new-password"' in field_html(html, "password2")
    for name in ("email", "password1", "password2"):
        assert f'<label for="id_{name}">' in html
    assert "csrfmiddlewaretoken" in html


def test_signing_up_creates_the_account_signs_it_in_and_goes_to_the_join_page():
    client = Client()
    response = sign_up(client, "ada@example.com")
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtail_network:edit_profile")
    user = account("ada@example.com")
    assert accounts_created() == 1
    assert user.check_password(GOOD_PASSWORD)
    assert int(client.session["_auth_user_id"]) == user.pk


def test_the_login_is_the_address_on_either_user_model():
    # auth.User gets its username from the address (never shown); an e-mail login
    # model has the address as its login already.
    sign_up(Client(), "Bea@Example.com")
    user = account("bea@example.com")
    assert user.get_username() == "Bea@example.com"
    response = Client().post(
        reverse("login"), {"username": "Bea@example.com", "password": GOOD_PASSWORD}
    )
    assert response.status_code == 302


def test_an_address_already_used_is_refused_whatever_its_letter_case():
    UserFactory(username="taken", email="taken@example.com")
    response = sign_up(Client(), "TAKEN@Example.COM")
    assert response.status_code == 200
    html = response.content.decode()
    assert "An account with this e-mail address already exists." in html
    assert 'aria-describedby="id_email-errors"' in field_html(html, "email")
    assert 'id="id_email-errors"' in html
    assert accounts_with("taken@example.com") == 1
    assert "_auth_user_id" not in response.client.session


def test_an_address_used_as_another_accounts_login_is_refused():
    if get_user_model().USERNAME_FIELD == get_user_model().get_email_field_name():
        pytest.skip("the login is the e-mail field: covered by the duplicate address test")
    UserFactory(username="cleo@example.com", email="other@example.com")
    response = sign_up(Client(), "Cleo@example.com")
    assert "An account with this e-mail address already exists." in response.content.decode()
    assert accounts_created() == 1


@pytest.mark.parametrize("password", ["12345678", "password", "short"])
def test_a_weak_password_is_refused_next_to_its_field_and_nothing_is_written(password):
    response = sign_up(Client(), "dan@example.com", password)
    assert response.status_code == 200
    html = response.content.decode()
    described = field_html(html, "password1")
    assert 'aria-invalid="true"' in described
    assert 'aria-describedby="id_password1-errors id_password1-help"' in described
    assert 'id="id_password1-errors"' in html
    assert accounts_created() == 0


def test_a_password_like_the_address_is_refused():
    response = sign_up(Client(), "evelyn.harbour@example.com", "evelyn.harbour")
    assert 'id="id_password1-errors"' in response.content.decode()
    assert accounts_created() == 0


def test_two_different_passwords_are_refused():
    response = Client().post(
        URL, {"email": "fay@example.com", "password1": GOOD_PASSWORD, "password2": "other 99 x"}
    )
    html = response.content.decode()
    assert "The two passwords differ." in html
    assert 'aria-describedby="id_password2-errors id_password2-help"' in field_html(
        html, "password2"
    )
    assert accounts_created() == 0


@pytest.mark.parametrize(
    "email",
    ["not an address", "", "a" * 300 + "@example.com", "x@example.com\x00"],
)
def test_bad_addresses_get_a_clear_error_never_a_500(email):
    response = sign_up(Client(), email)
    assert response.status_code == 200
    assert 'id="id_email-errors"' in response.content.decode()
    assert accounts_created() == 0


def test_the_first_invalid_field_takes_the_focus():
    html = sign_up(Client(), "gus@example.com", "123").content.decode()
    assert "autofocus" in field_html(html, "password1")
    assert "autofocus" not in field_html(html, "email")


def test_a_safe_next_is_followed_after_signing_up():
    response = sign_up(Client(), "hal@example.com", next="/network/account/")
    assert response["Location"] == "/network/account/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_an_unsafe_next_is_ignored(target):
    response = sign_up(Client(), "ivy@example.com", next=target)
    assert response["Location"] == reverse("wagtail_network:edit_profile")


def test_a_signed_in_user_is_sent_on():
    client = Client()
    client.force_login(UserFactory(username="already"))
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get(URL + "?next=/network/")["Location"] == "/network/"
    assert client.post(URL, {"email": "new@example.com"}).status_code == 302
    assert accounts_with("new@example.com") == 0


def test_signing_up_needs_the_csrf_token():
    response = sign_up(Client(enforce_csrf_checks=True), "jo@example.com")
    assert response.status_code == 403
    assert accounts_created() == 0


def test_the_page_answers_only_get_and_post():
    assert Client().put(URL).status_code == 405


def test_visitors_find_create_an_account_in_the_navigation_and_on_the_login_page():
    html = Client().get("/accounts/login/").content.decode()
    nav = html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert f'<a href="{URL}">Create an account</a>' in nav
    main = html.split("<main", 1)[1]
    assert f'New here? <a href="{URL}">Create an account</a>.' in main


def test_signed_in_users_are_not_offered_an_account():
    client = Client()
    client.force_login(UserFactory(username="member"))
    assert "Create an account" not in client.get("/network/account/").content.decode()


def test_the_sign_up_page_reads_in_dutch_where_translated():
    html = Client().get(URL, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert '<html lang="nl">' in html


@override_settings(
    AUTH_PASSWORD_VALIDATORS=[
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 20},
        }
    ]
)
def test_the_sites_own_password_validators_decide():
    response = sign_up(Client(), "kim@example.com", "only sixteen chr")
    assert "at least 20 characters" in response.content.decode()
    assert accounts_created() == 0
