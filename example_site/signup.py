"""The example site's sign-up page: a newcomer creates a site account (e-mail and
password) and lands on the network's join page, signed in.

This is the example site's, not the plugin's: a host site keeps its own accounts
(a sign-up flow, single sign-on, invitations) and the plugin only needs a signed-in
user. It uses Django's own pieces (the user model's manager, its password
validators, ``login``), no third-party service, and works for any user model with
an e-mail field: on ``auth.User`` the username is set from the e-mail address (the
login then is that address; the plugin never shows usernames), on a model that
signs in by e-mail the address is the login itself.

Deliberately simple, as fits a demo: no e-mail confirmation and no rate limit
(docs/how-to/sign-up.md says what a real site adds).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, login, password_validation
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from wagtail_network.views import edit_profile_url

#: The backend the new account is signed in with (several are configured: guardian's
#: answers object permissions only and cannot authenticate).
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"

DUPLICATE_EMAIL = _("An account with this e-mail address already exists. Sign in instead.")


def _email_field() -> str:
    return get_user_model().get_email_field_name()


def _login_field() -> str:
    return get_user_model().USERNAME_FIELD


class SignUpForm(forms.Form):
    """E-mail address and password (twice), checked by the site's password
    validators; an address already used by an account (in any letter case) is
    refused."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autocapitalize": "none"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("The same password, to catch a typing mistake."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        login_field = get_user_model()._meta.get_field(_login_field())
        login_max = getattr(login_field, "max_length", None)
        if login_max and login_max < 254:
            # The address becomes the login: it must fit the login column.
            email = self.fields["email"]
            email.max_length = login_max
            email.validators.append(MaxLengthValidator(login_max))
            email.widget.attrs["maxlength"] = str(login_max)
        self.fields[
            "password1"
        ].help_text = password_validation.password_validators_help_text_html()

    def clean_email(self) -> str:
        User = get_user_model()
        email = User._default_manager.normalize_email(self.cleaned_data["email"])
        if self._taken(email):
            raise ValidationError(DUPLICATE_EMAIL, code="duplicate_email")
        if _login_field() != _email_field():
            # The login column has its own rules (auth.User's username allows
            # letters, digits and @ . + - _): an address it refuses cannot sign in.
            try:
                User._meta.get_field(_login_field()).run_validators(email)
            except ValidationError as exc:
                raise ValidationError(
                    _("This address cannot be used to sign in here. Use another one."),
                    code="invalid_login",
                ) from exc
        return email

    @staticmethod
    def _taken(email: str) -> bool:
        User = get_user_model()
        manager = User._default_manager
        if manager.filter(**{f"{_email_field()}__iexact": email}).exists():
            return True
        return manager.filter(**{f"{_login_field()}__iexact": email}).exists()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        password1 = cleaned.get("password1")
        password2 = cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error(
                "password2",
                ValidationError(_("The two passwords differ."), code="password_mismatch"),
            )
        elif password1:
            try:
                password_validation.validate_password(password1, self._unsaved_user())
            except ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned

    def _unsaved_user(self) -> AbstractBaseUser:
        # The validators compare the password with the account's attributes
        # (UserAttributeSimilarityValidator): give them the address.
        email = self.cleaned_data.get("email", "")
        return get_user_model()(**{_email_field(): email, _login_field(): email})

    def save(self) -> AbstractBaseUser:
        """Create the account. Raises ``IntegrityError`` when another sign-up took the
        address in the meantime (the view turns that into the form's error)."""
        user = self._unsaved_user()
        user.set_password(self.cleaned_data["password1"])
        with transaction.atomic():
            user.save()
        password_validation.password_changed(self.cleaned_data["password1"], user)
        return user


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Create a site account, sign it in and go on to the join page (or a safe
    ``next``). A signed-in user is sent on as the login page sends them."""
    next_url = _safe_next(request)
    if request.user.is_authenticated:
        return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            user = form.save()
        except IntegrityError:
            form.add_error("email", ValidationError(DUPLICATE_EMAIL, code="duplicate_email"))
        else:
            login(request, user, backend=LOGIN_BACKEND)
            return HttpResponseRedirect(
                next_url or edit_profile_url() or resolve_url(settings.LOGIN_REDIRECT_URL)
            )
    login_url = resolve_url(settings.LOGIN_URL)
    context = {
        "form": form,
        "next": next_url,
        "login_url": f"{login_url}?{urlencode({'next': next_url})}" if next_url else login_url,
        # The first field with an error takes the focus (the address when there is none).
        "focus": next((name for name in form.fields if name in form.errors), "email"),
    }
    return render(request, "registration/signup.html", context)
