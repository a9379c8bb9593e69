"""Input limits: the one place that says how long a text and how long a list any
client may send, and the checks every surface calls.

The GraphQL SDL descriptions, the service layer's validation, the directory
filters and ``docs/reference/graphql.md`` ("Limits") read these numbers, so they
cannot disagree. Limits bound the work one request can cause (a 1 MB ``LIKE``
pattern, 10,000 tags in one write transaction) and keep what PostgreSQL refuses
(NUL in text columns) away from the database on every backend alike.

* :func:`check_text` — one text input: no control characters, at most N characters;
* :func:`check_list` — one list input: at most N items;
* :func:`bounded_pk` — a primary key a client sent, within the database's integer range;
* :class:`ProhibitControlCharactersValidator` — the same character rule as a Django
  validator, for model and form fields (the admin and the site's forms).
"""

from __future__ import annotations

import re
from collections.abc import Sized
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, connections, router
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from .errors import ErrorCode, NetworkError

# --------------------------------------------------------------------------
# The numbers
# --------------------------------------------------------------------------

#: Search words (``search``, ``?q=``). Longer GraphQL arguments are refused; the
#: directory pages cut a longer ``?q=`` (a visitor's URL, answered with a page).
SEARCH_MAX_LENGTH = 200

#: Every other filter value: slugs, place names (``city``, ``location`` …).
FILTER_MAX_LENGTH = 100

#: Values of a multi-valued filter (``openTo``, ``size``).
FILTER_MAX_ITEMS = 20

#: A global id or a slug argument (``node(id:)``, ``member(slug:)``).
ID_MAX_LENGTH = 255

#: Global ids in one list input (``skillIds``).
ID_LIST_MAX_ITEMS = 100

#: A name (member or company page title).
NAME_MAX_LENGTH = 255

#: One-line texts, by input field (the model columns are as long).
HEADLINE_MAX_LENGTH = 200
TAGLINE_MAX_LENGTH = 200
PLACE_MAX_LENGTH = 100
LANGUAGES_MAX_LENGTH = 200
EMAIL_MAX_LENGTH = 254
PHONE_MAX_LENGTH = 40
URL_MAX_LENGTH = 200
POSITION_TEXT_MAX_LENGTH = 200
EDUCATION_TEXT_MAX_LENGTH = 200
LINK_LABEL_MAX_LENGTH = 100

#: Plain-text bodies turned into rich text (``bio``, company ``description``).
LONG_TEXT_MAX_LENGTH = 10_000

#: An invitation's note, a recommendation, a report's details, a token's name.
MESSAGE_MAX_LENGTH = 500
RECOMMENDATION_MAX_LENGTH = 3000
REPORT_DETAILS_MAX_LENGTH = 2000
TOKEN_NAME_MAX_LENGTH = 100

#: Free-text tags (``interests``, ``specialities``) and ``languages``: items, and
#: characters per item (django-taggit's tag name column holds 100).
TAG_MAX_ITEMS = 100
TAG_MAX_LENGTH = 100

#: ``languages``: items, and characters per item (the stored, comma-separated
#: list holds at most :data:`LANGUAGES_MAX_LENGTH` characters in all).
LANGUAGE_MAX_ITEMS = 20
LANGUAGE_MAX_LENGTH = 50

#: Rows of the profile lists that replace the stored ones.
POSITIONS_MAX_ITEMS = 50
EDUCATION_MAX_ITEMS = 50
LINKS_MAX_ITEMS = 20

#: Notification preferences: a kind's key (as ``register_kind`` allows), a language
#: code (the settings column), and kinds set in one write.
NOTIFICATION_KIND_MAX_LENGTH = 50
LANGUAGE_CODE_MAX_LENGTH = 20
NOTIFICATION_CHANNELS_MAX_ITEMS = 100

#: Image rendition specs (``spec: "fill-128x128"``).
SPEC_MAX_LENGTH = 50
#: A password sent to confirm an account deletion (hashing a megabyte is a cost
#: the server should not pay), and a client's own mutation id, echoed back.
PASSWORD_MAX_LENGTH = 4096
CLIENT_MUTATION_ID_MAX_LENGTH = 100


def limit_text(max_length: int) -> str:
    """The SDL sentence stating a text limit."""
    return f"At most {max_length} characters."


def limit_items(max_items: int, max_length: int | None = None) -> str:
    """The SDL sentence stating a list limit (and the limit of each item)."""
    text = f"At most {max_items} items"
    if max_length is not None:
        text += f" of at most {max_length} characters each"
    return text + "."


# --------------------------------------------------------------------------
# Characters
# --------------------------------------------------------------------------

#: C0 control characters and DEL, except tab, newline and carriage return: none
#: is typed by a person, NUL is refused by PostgreSQL in text columns, and the
#: others corrupt logs, CSV exports and e-mails.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

CONTROL_CHARACTER_MESSAGE = _("Control characters are not allowed here.")


def has_control_characters(value: str) -> bool:
    """Whether ``value`` holds a character :data:`CONTROL_CHARACTERS` refuses."""
    return CONTROL_CHARACTERS.search(value) is not None


@deconstructible
class ProhibitControlCharactersValidator:
    """Django validator refusing :data:`CONTROL_CHARACTERS` (NUL included, as
    Django's ``ProhibitNullCharactersValidator`` does for NUL alone)."""

    message = CONTROL_CHARACTER_MESSAGE
    code = "control_characters"

    def __call__(self, value: Any) -> None:
        if isinstance(value, str) and has_control_characters(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ProhibitControlCharactersValidator)

    def __hash__(self) -> int:
        return hash(self.code)


class ControlCharactersMixin:
    """Model mixin: ``full_clean`` refuses control characters in every text column
    (:class:`ProhibitControlCharactersValidator` on each ``CharField`` and
    ``TextField``, rich text included), so the Wagtail admin's forms, the site's
    model forms and the service layer (Wagtail's ``save_revision`` cleans the page)
    all refuse them, with the error on the field; no migration is involved."""

    def clean_fields(self, exclude: Any = None) -> None:
        from django.db import models

        errors: dict[str, list[Any]] = {}
        try:
            super().clean_fields(exclude)  # type: ignore[misc]
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        validator = ProhibitControlCharactersValidator()
        for field in self._meta.concrete_fields:  # type: ignore[attr-defined]
            if (exclude and field.name in exclude) or field.name in errors:
                continue
            if isinstance(field, models.CharField | models.TextField):
                try:
                    validator(getattr(self, field.attname))
                except ValidationError as exc:
                    errors[field.name] = exc.error_list
        if errors:
            raise ValidationError(errors)


# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------


def _invalid(message: Any, field: str | None) -> NetworkError:
    return NetworkError(ErrorCode.VALIDATION, message, field=field)


def too_long(max_length: int, field: str | None) -> NetworkError:
    """The ``VALIDATION`` error of a text over ``max_length`` characters."""
    return _invalid(_("At most %(max)d characters are allowed here.") % {"max": max_length}, field)


def check_text(value: Any, max_length: int | None, field: str | None, *, strip: bool = True) -> str:
    """``value`` as text (``None`` reads as empty; stripped unless ``strip=False``).

    ``VALIDATION`` on ``field`` when it is not a string, holds a control character
    or is longer than ``max_length`` characters (counted before stripping, so
    what is refused does not depend on surrounding spaces; ``None``: no limit here,
    the caller counts).
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _invalid(_("Send text here."), field)
    if max_length is not None and len(value) > max_length:
        raise too_long(max_length, field)
    if has_control_characters(value):
        raise _invalid(CONTROL_CHARACTER_MESSAGE, field)
    return value.strip() if strip else value


def check_list(values: Any, max_items: int, field: str | None) -> list[Any]:
    """``values`` as a list (``None`` reads as empty); ``VALIDATION`` on ``field``
    when it holds more than ``max_items`` items."""
    if values is None:
        return []
    if isinstance(values, str | bytes) or not isinstance(values, Sized):
        raise _invalid(_("Send a list here."), field)
    if len(values) > max_items:
        raise _invalid(_("At most %(max)d items are allowed here.") % {"max": max_items}, field)
    return list(values)  # type: ignore[call-overload]


def check_texts(
    values: Any, max_items: int, max_length: int, field: str, *, drop_empty: bool = True
) -> list[str]:
    """A list of texts: :func:`check_list`, then :func:`check_text` on each item
    (errors on ``field.<index>``); empty items left out unless ``drop_empty=False``."""
    items = [
        check_text(v, max_length, f"{field}.{i}")
        for i, v in enumerate(check_list(values, max_items, field))
    ]
    return [v for v in items if v] if drop_empty else items


def pk_range(model: Any = None) -> tuple[int, int]:
    """The positive primary keys the database can hold for ``model`` (its pk
    column's integer range; a 64-bit one when no model is given)."""
    internal_type = model._meta.pk.get_internal_type() if model is not None else "BigAutoField"
    # The database the model is read from (a replica router may send it elsewhere).
    database = connections[router.db_for_read(model)] if model is not None else connection
    low, high = database.ops.integer_field_range(internal_type)
    return max(1, low or 1), high or 2**63 - 1


class IdConverter:
    """A URL path converter for primary keys: 1 to 18 digits, always within a
    64-bit integer column (``<network_id:member_id>`` in the app's URLs)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(int(value))


def bounded_pk(value: Any, model: Any = None) -> int | None:
    """``value`` as a primary key of ``model``, or ``None`` when it cannot be one.

    Clients send ids as strings or numbers; anything that is not a positive
    integer within the pk column's range (``Member:`` followed by 30 digits
    raised ``OverflowError`` on SQLite) names no row, so callers answer it as
    NOT_FOUND like any missing id, before it reaches the ORM.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        # Digits only: no sign, spaces, exponent or non-ASCII digits ("١٢").
        if not value.isascii() or not value.isdigit() or len(value) > 20:
            return None
    try:
        pk = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    low, high = pk_range(model)
    return pk if low <= pk <= high else None


__all__ = [
    "CONTROL_CHARACTERS",
    "EDUCATION_MAX_ITEMS",
    "EDUCATION_TEXT_MAX_LENGTH",
    "EMAIL_MAX_LENGTH",
    "FILTER_MAX_ITEMS",
    "FILTER_MAX_LENGTH",
    "HEADLINE_MAX_LENGTH",
    "ID_LIST_MAX_ITEMS",
    "ID_MAX_LENGTH",
    "LANGUAGES_MAX_LENGTH",
    "LANGUAGE_MAX_ITEMS",
    "LANGUAGE_MAX_LENGTH",
    "LINKS_MAX_ITEMS",
    "LINK_LABEL_MAX_LENGTH",
    "LONG_TEXT_MAX_LENGTH",
    "MESSAGE_MAX_LENGTH",
    "NAME_MAX_LENGTH",
    "PHONE_MAX_LENGTH",
    "PLACE_MAX_LENGTH",
    "POSITIONS_MAX_ITEMS",
    "POSITION_TEXT_MAX_LENGTH",
    "RECOMMENDATION_MAX_LENGTH",
    "REPORT_DETAILS_MAX_LENGTH",
    "SEARCH_MAX_LENGTH",
    "SPEC_MAX_LENGTH",
    "PASSWORD_MAX_LENGTH",
    "CLIENT_MUTATION_ID_MAX_LENGTH",
    "TAGLINE_MAX_LENGTH",
    "TAG_MAX_ITEMS",
    "TAG_MAX_LENGTH",
    "TOKEN_NAME_MAX_LENGTH",
    "URL_MAX_LENGTH",
    "ControlCharactersMixin",
    "ProhibitControlCharactersValidator",
    "bounded_pk",
    "check_list",
    "check_text",
    "check_texts",
    "has_control_characters",
    "limit_items",
    "limit_text",
    "pk_range",
    "too_long",
]
