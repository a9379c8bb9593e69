"""Profile names that came from an account: finding them and replacing them.

Until issue 8, a member who joined without a first and last name got a profile
titled and slugged with the account's username, which on a site that signs in by
e-mail is the e-mail address (``member2@host.example``, slug
``member2hostexample``), shown to everyone who could see the profile.
:func:`account_name_reasons` says whether a profile's name or slug came from its
account; :func:`repair_profile_names` (``manage.py repair_profile_names``) gives
each such profile a neutral name and flags it (``MemberPage.name_needs_review``)
until the member gives their own name through ``updateMyProfile``.

The rules (each reason a code of :data:`REASONS`):

* ``title_is_email``: the title looks like an e-mail address (any profile);
* ``title_from_account``: the title is the linked account's username, its e-mail
  address (in any letter case) or the slug of either, and not the account's full
  name (a member named "Jan" whose username is also "Jan" chose that name);
* ``slug_from_account``: the slug is the slug of the account's username or e-mail
  address (with or without the ``-2``, ``-3`` … a taken slug gets), and not the
  slug of a title the member chose (a slug made from their own name is theirs).

The repair, per profile and in a transaction of its own:

* a title from the account becomes ``"Member <page id>"`` (translated into the
  site's ``LANGUAGE_CODE``): the page id is public already (API ids carry it) and
  says nothing about the account. A title the member chose stays;
* the slug is made from the (new) title, unique among the directory's pages;
* the change is a new revision, published when the profile is live, so the
  account's name is no longer served; Wagtail's page signals reindex the page and
  purge the front-end cache. The redirect Wagtail creates from the old URL is
  removed: it would keep the e-mail-derived address pointing at the profile;
* the earlier revisions and the page's audit entries keep their history but not
  the name: every copy of the old title, slug and path in them is replaced by the
  new one, and the labels of the entries about the objects the member is party to
  (connections, endorsements, …) are rebuilt with the new name
  (:func:`wagtail_network.privacy._party_log_labels`, as an erasure does);
* a profile whose title was replaced is flagged ``name_needs_review`` (a slug
  alone asks nothing of the member), and each repair is logged as
  ``wagtail_network.profile.repair_name`` with its reasons.

Running it again finds nothing to repair: a repaired profile no longer matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ..models import MemberPage
from .base import _lock_members, _log
from .profiles import _carry_verifications, _save_and_publish, _unique_slug

#: Reason codes, with what each means (the command prints these).
REASONS = {
    "title_is_email": "the name looks like an e-mail address",
    "title_from_account": "the name is the account's username or e-mail address",
    "slug_from_account": "the slug was made from the account's username or e-mail address",
}

#: The revision fields that carry a page's name and address.
REVISION_NAME_FIELDS = ("title", "draft_title", "seo_title", "slug", "url_path")

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SLUG_SUFFIX = re.compile(r"-\d+$")


@dataclass(frozen=True)
class NameRepair:
    """One profile the repair changes (or, in a dry run, would change)."""

    member_id: int
    reasons: tuple[str, ...]
    title: str
    slug: str


def _account_values(user: Any) -> tuple[str, str, str]:
    """``(username, e-mail address, full name)`` of ``user``, blank where missing."""
    if user is None:
        return "", "", ""
    email_field = get_user_model().get_email_field_name()
    full_name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return (
        str(user.get_username() or ""),
        str(getattr(user, email_field, "") or ""),
        str(full_name or "").strip(),
    )


def account_name_reasons(member: MemberPage) -> tuple[str, ...]:
    """Why ``member``'s title or slug came from its account (empty: it did not).

    The rules are in the module docstring. ``member.user`` is read (select it).
    """
    title = (member.title or "").strip()
    username, email, full_name = _account_values(member.user)
    account = [value for value in (username, email) if value]
    account_slugs = {slugify(value, allow_unicode=True) for value in account} - {""}
    reasons = []
    if _EMAIL.match(title):
        reasons.append("title_is_email")
    elif title and title != full_name:
        folded = title.casefold()
        if title == username or (email and folded == email.casefold()) or title in account_slugs:
            reasons.append("title_from_account")
    slug = member.slug or ""
    base = _SLUG_SUFFIX.sub("", slug)
    if slug in account_slugs or base in account_slugs:
        # Made from a title the member chose (with or without non-ASCII letters
        # kept): theirs. Made from a title that is the account's: the account's.
        own = {slugify(title, allow_unicode=True), slugify(title)} - {""}
        if reasons or not own & {slug, base}:
            reasons.append("slug_from_account")
    return tuple(reasons)


def profiles_named_from_accounts() -> list[tuple[MemberPage, tuple[str, ...]]]:
    """Every member profile whose name or slug came from its account, with the reasons."""
    found = []
    for member in MemberPage.objects.select_related("user").order_by("pk").iterator():
        reasons = account_name_reasons(member)
        if reasons:
            found.append((member, reasons))
    return found


def neutral_name(member_id: int) -> str:
    """The neutral name a repaired profile gets, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Member %(number)s") % {"number": member_id}


def _retitles(reasons: tuple[str, ...]) -> bool:
    return "title_is_email" in reasons or "title_from_account" in reasons


def repair_profile_names(*, dry_run: bool = False) -> list[NameRepair]:
    """Repair every profile named from its account (see the module docstring).

    ``dry_run``: change nothing, only say what would change. Runs as setup code
    (a management command): no user is named in the revisions and entries.
    """
    repairs = []
    for member, reasons in profiles_named_from_accounts():
        if dry_run:
            title = neutral_name(member.pk) if _retitles(reasons) else member.title
            repairs.append(
                NameRepair(member.pk, reasons, title, _unique_slug(member.get_parent(), title))
            )
        else:
            repairs.append(_repair(member.pk, reasons))
    return repairs


def _repair(member_id: int, reasons: tuple[str, ...]) -> NameRepair:
    with transaction.atomic():
        _lock_members(member_id)
        current = MemberPage.objects.get(pk=member_id)
        retitle = _retitles(reasons)
        title = neutral_name(member_id) if retitle else current.title
        slug = _unique_slug(current.get_parent(), title)
        page = current.get_latest_revision_as_object()
        _carry_verifications(page)
        # The account's name may be in the page row (live title, draft title) and in
        # the latest revision; every copy is replaced.
        old_names = {current.title, current.draft_title, page.title} - {""} if retitle else set()
        old_slug, old_url_path = current.slug, current.url_path
        page.title = page.draft_title = title
        page.slug = slug
        # Only a replaced name waits for its member; a slug made from their own name does not.
        page.name_needs_review = page.name_needs_review or retitle
        _save_and_publish(page, None, publish=current.live)
        if not current.live:
            # A draft profile's own row still shows the old name in the admin.
            current.title = current.draft_title = title
            current.slug = slug
            current.name_needs_review = page.name_needs_review
            current.save()
        current = MemberPage.objects.get(pk=member_id)
        replacements = dict.fromkeys(old_names, title)
        replacements.setdefault(old_slug, current.slug)
        replacements.setdefault(old_url_path, current.url_path)
        _scrub_history(current, replacements)
        # Wagtail makes the redirect from the old address when the slug change is
        # committed (``page_slug_changed`` runs on commit): drop it right after.
        transaction.on_commit(lambda: _drop_redirects(member_id, old_slug))
        _log(current, "wagtail_network.profile.repair_name", None, reasons=list(reasons))
    return NameRepair(member_id, reasons, title, current.slug)


def _replace(value: Any, replacements: dict[str, str]) -> Any:
    """``value`` with every string equal to a key of ``replacements`` replaced."""
    if isinstance(value, str):
        return replacements.get(value, value)
    if isinstance(value, list):
        return [_replace(item, replacements) for item in value]
    if isinstance(value, dict):
        return {key: _replace(item, replacements) for key, item in value.items()}
    return value


def _scrub_history(member: MemberPage, replacements: dict[str, str]) -> None:
    """The old name out of the page's earlier revisions and audit entries."""
    from wagtail.models import PageLogEntry

    from ..privacy import _party_log_labels, scrub_log_entries

    for revision in member.revisions.all():
        # Only the fields that hold the name: a revision's contact address may be
        # the account's e-mail address on purpose, and must stay valid to revert to.
        content = dict(revision.content)
        for key in REVISION_NAME_FIELDS:
            if isinstance(content.get(key), str):
                content[key] = replacements.get(content[key], content[key])
        object_str = replacements.get(revision.object_str, revision.object_str)
        if content != revision.content or object_str != revision.object_str:
            type(revision).objects.filter(pk=revision.pk).update(
                content=content, object_str=object_str
            )
    for entry in PageLogEntry.objects.filter(page_id=member.pk):
        label = replacements.get(entry.label, entry.label)
        data = _replace(entry.data, replacements)
        if label != entry.label or data != entry.data:
            PageLogEntry.objects.filter(pk=entry.pk).update(label=label, data=data)
    scrub_log_entries([], [], _party_log_labels(member.pk, member.title))


def _drop_redirects(member_id: int, old_slug: str) -> None:
    """Remove the redirects Wagtail made from the old, account-derived address."""
    if not old_slug or not apps.is_installed("wagtail.contrib.redirects"):
        return
    from wagtail.contrib.redirects.models import Redirect

    Redirect.objects.filter(
        redirect_page_id=member_id,
        automatically_created=True,
        old_path__endswith="/" + old_slug,
    ).delete()


__all__ = [
    "REASONS",
    "NameRepair",
    "account_name_reasons",
    "neutral_name",
    "profiles_named_from_accounts",
    "repair_profile_names",
]
