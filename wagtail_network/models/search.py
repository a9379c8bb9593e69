"""The plugin's own search index of profiles: one :class:`ProfileSearchEntry` per
member or company page, whatever its visibility.

Wagtail's shared page index (what a host site's ``Page.objects.live().search(q)``
reads, and Wagtail's admin search) only holds profiles every visitor may see
(``MemberPage.get_indexed_objects``); the directories, GraphQL and the admin's
"Network profiles" search ask this index instead, and decide who may see each
candidate in SQL (:mod:`wagtail_network.visibility`). The rows are written by
:mod:`wagtail_network.search`, never by hand.
"""

from __future__ import annotations

from typing import Any

import swapper
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin


class ProfileSearchEntryQuerySet(SearchableQuerySetMixin, models.QuerySet):
    """Entries narrowed with the filter fields every search backend indexes, so that
    Elasticsearch and OpenSearch filter as the database backends do."""

    def of_kind(self, kind: str) -> ProfileSearchEntryQuerySet:
        return self.filter(kind=kind)

    def live(self) -> ProfileSearchEntryQuerySet:
        """Entries of published pages."""
        return self.filter(page__live=True)

    def below(self, page: Any) -> ProfileSearchEntryQuerySet:
        """Entries of pages below ``page`` in the page tree (``None``: all)."""
        if page is None:
            return self
        return self.filter(page__path__startswith=page.path, page__depth__gt=page.depth)


class ProfileSearchEntry(index.Indexed, models.Model):
    """What a profile is searched by: the fields every viewer of the profile may see.

    Plain text copied from the page (rich text stripped, vocabulary and tag names
    resolved), so that one row is one search document. Never e-mail, phone,
    positions or connections: a field with its own audience must never make a
    member match a search by someone who may not see it.
    """

    class Kind(models.TextChoices):
        MEMBER = "member", _("member")
        COMPANY = "company", _("company")

    # The page's own id is the entry's: search results are page ids without a join.
    page = models.OneToOneField(
        swapper.get_model_name("wagtailcore", "Page"),
        verbose_name=_("page"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="network_search_entry",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("name"), max_length=255)
    headline = models.CharField(_("headline or tagline"), max_length=255, blank=True)
    body = models.TextField(_("about or description"), blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    #: Skills and interests of a member, specialities of a company: one per line.
    keywords = models.TextField(_("skills, interests or specialities"), blank=True)

    objects = ProfileSearchEntryQuerySet.as_manager()

    # Derived data, not content: never listed as a "usage" of the page in the admin.
    wagtail_reference_index_ignore = True

    # Boosts as on the pages they replace in search (Page.search_fields boosts titles).
    search_fields = [
        index.SearchField("title", boost=2),
        index.AutocompleteField("title"),
        index.SearchField("headline"),
        index.SearchField("body"),
        index.SearchField("city"),
        index.SearchField("country"),
        index.SearchField("industry"),
        index.SearchField("keywords"),
        index.FilterField("kind"),
        index.RelatedFields(
            "page",
            [index.FilterField("live"), index.FilterField("path"), index.FilterField("depth")],
        ),
    ]

    class Meta:
        verbose_name = _("profile search entry")
        verbose_name_plural = _("profile search entries")
        indexes = [models.Index(fields=["kind"], name="wn_search_entry_kind")]

    def __str__(self) -> str:
        return self.title
