"""Profiles in the search indexes: who is in Wagtail's shared page index, and the
plugin's own index that every network search reads.

Two indexes, two audiences (docs/concepts/search.md):

* **Wagtail's shared page index** is read by code the plugin does not control: a
  host site's search view (``Page.objects.live().search(q)`` as ``wagtail start``
  writes it, which applies no visibility rule), Wagtail's admin search, anything
  searching ``Page``. It holds only profiles *every* visitor may see: live, outside
  private sections, with a public profile visibility (the site's lock included).
  ``MemberPage.get_indexed_objects`` and ``CompanyPage.get_indexed_objects`` say so
  (Wagtail indexes nothing else), and :func:`sync_shared_index` takes an entry out
  when a profile stops being public (Wagtail's own indexing only adds).
* **The plugin's own index** (:class:`~wagtail_network.models.ProfileSearchEntry`)
  holds every profile. The directories, GraphQL and the admin's "Network profiles"
  search take candidate ids from it; who may see each candidate is decided in SQL
  by :mod:`wagtail_network.visibility`.

Both hold only fields every viewer of the profile may see, never e-mail, phone,
positions or connections.

Everything is kept in step by the receivers :func:`connect_signals` installs:
page saves (edits, publishing, unpublishing, moves), view restrictions, vocabulary
renames and deletions. Bulk writes that bypass signals call :func:`reindex_profiles`;
``manage.py rebuild_network_search`` (:func:`rebuild`) does it for every profile.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, QuerySet
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from wagtail.models import Page, PageViewRestriction, get_page_models
from wagtail.rich_text import get_text_for_indexing
from wagtail.search.backends import get_search_backends_with_name

from .models import (
    CompanyPage,
    CompanySpeciality,
    Industry,
    MemberInterest,
    MemberPage,
    ProfileSearchEntry,
    Skill,
)

logger = logging.getLogger(__name__)

Kind = ProfileSearchEntry.Kind

#: How many profiles are read and written at once by bulk re-indexing.
CHUNK_SIZE = 500

#: Page fields that the indexes depend on: a save listing none of them (Wagtail's
#: draft saves list only revision bookkeeping) leaves both indexes as they are.
WATCHED_FIELDS = frozenset(
    {
        "title",
        "headline",
        "tagline",
        "bio",
        "description",
        "city",
        "country",
        "industry",
        "industry_id",
        "skills",
        "interests",
        "specialities",
        "live",
        "profile_visibility",
        "path",
        "depth",
    }
)

_ENTRY_FIELDS = ["kind", "title", "headline", "body", "city", "country", "industry", "keywords"]


# --------------------------------------------------------------------------
# What goes where
# --------------------------------------------------------------------------


def kind_of(model: type[Model] | None) -> str | None:
    """The entry kind of a page class (subclasses included), ``None`` for any other."""
    if model is None:
        return None
    if issubclass(model, MemberPage):
        return Kind.MEMBER
    if issubclass(model, CompanyPage):
        return Kind.COMPANY
    return None


def profile_models() -> list[type[Page]]:
    """The concrete page classes whose pages are profiles."""
    return [model for model in get_page_models() if kind_of(model) is not None]


def publicly_visible(queryset: QuerySet) -> QuerySet:
    """The profiles of ``queryset`` that every visitor may see: what an anonymous
    visitor is shown, asked of the one rule set (:mod:`wagtail_network.visibility`)."""
    from . import visibility

    if kind_of(queryset.model) == Kind.MEMBER:
        return visibility.members_visible_to(AnonymousUser(), queryset)
    return visibility.companies_visible_to(AnonymousUser(), queryset)


def entry_for(page: MemberPage | CompanyPage) -> ProfileSearchEntry:
    """The (unsaved) search entry of ``page``, read from the instance as it is in
    memory: saved in ``post_save``, its tags and skills are the ones modelcluster
    commits right after, which the database does not hold yet."""
    industry = page.industry.name if page.industry_id and page.industry else ""
    if isinstance(page, MemberPage):
        kind = Kind.MEMBER
        headline, rich_text = page.headline, page.bio
        keywords = [skill.name for skill in page.skills.all()]
        keywords += [tag.name for tag in page.interests.all()]
    else:
        kind = Kind.COMPANY
        headline, rich_text = page.tagline, page.description
        keywords = [tag.name for tag in page.specialities.all()]
    return ProfileSearchEntry(
        # The page itself, not its id: Elasticsearch reads its filter fields (live,
        # path) when indexing, and this saves a query per entry.
        page=page,
        kind=kind,
        title=page.title,
        headline=headline,
        body=get_text_for_indexing(rich_text or ""),
        city=page.city,
        country=page.country,
        industry=industry,
        keywords="\n".join(keywords),
    )


# --------------------------------------------------------------------------
# Writing to the indexes
# --------------------------------------------------------------------------


def _each_backend(action: Callable[[Any], None], *, auto_update_only: bool, what: str) -> None:
    """Run ``action`` on every configured search backend, as Wagtail's own indexing
    does: an error is logged, and raised unless the backend catches indexing errors
    (external services such as Elasticsearch), so a database backend's failure
    rolls the write back."""
    for name, backend in get_search_backends_with_name(with_auto_update=auto_update_only):
        try:
            action(backend)
        except Exception:
            logger.exception("Exception raised while %s in the '%s' search backend", what, name)
            if not backend.catch_indexing_errors:
                raise


def write_entries(entries: Sequence[ProfileSearchEntry], *, auto_update_only: bool = True) -> None:
    """Store ``entries`` (insert or update, one statement) and index them."""
    if not entries:
        return
    ProfileSearchEntry.objects.bulk_create(
        entries,
        update_conflicts=True,
        unique_fields=["page"],
        update_fields=_ENTRY_FIELDS,
    )
    _each_backend(
        lambda backend: backend.add_bulk(ProfileSearchEntry, list(entries)),
        auto_update_only=auto_update_only,
        what="adding profile search entries",
    )


def sync_shared_index(
    pages: Sequence[MemberPage | CompanyPage],
    *,
    add: bool = True,
    remove: bool = True,
    auto_update_only: bool = True,
) -> tuple[int, int]:
    """Keep only the public ones of ``pages`` (specific instances of one class) in
    Wagtail's shared page index: the others are removed (unless ``remove`` is false:
    pages never indexed), the public ones (re-)added unless ``add`` is false.
    Returns how many are public and how many are not."""
    if not pages:
        return 0, 0
    model = type(pages[0])
    public_ids = set(
        publicly_visible(model.objects.filter(pk__in=[p.pk for p in pages])).values_list(
            "pk", flat=True
        )
    )
    public = [p for p in pages if p.pk in public_ids]
    hidden = [p for p in pages if p.pk not in public_ids]

    def apply(backend: Any) -> None:
        if remove:
            for page in hidden:
                backend.delete(page)
        if add and public:
            backend.add_bulk(model, public)

    _each_backend(apply, auto_update_only=auto_update_only, what="updating profiles")
    return len(public), len(hidden)


def index_profiles(
    pages: Sequence[MemberPage | CompanyPage],
    *,
    remove: bool = True,
    auto_update_only: bool = True,
) -> tuple[int, int]:
    """Write and index the entries of ``pages`` (specific instances of one class,
    with their industry, skills and tags at hand) and bring Wagtail's shared index
    in line with them (see :func:`sync_shared_index`, whose counts it returns).

    For code that writes pages in bulk past ``save()`` (``remove=False`` when the
    pages were never indexed)."""
    write_entries([entry_for(p) for p in pages], auto_update_only=auto_update_only)
    return sync_shared_index(pages, remove=remove, auto_update_only=auto_update_only)


def _loaded(model: type[Page], ids: Sequence[int]) -> list[Any]:
    """Pages of ``model`` with what both indexes read, in a few queries."""
    queryset = model.objects.filter(pk__in=ids).select_related("industry")
    if issubclass(model, MemberPage):
        queryset = queryset.prefetch_related("skills", "tagged_interests__tag", "interests")
    else:
        queryset = queryset.prefetch_related("tagged_specialities__tag", "specialities")
    return list(queryset.order_by("pk"))


def _by_model(
    page_ids: Iterable[int], chunk_size: int = CHUNK_SIZE
) -> Iterator[tuple[type[Page], list[int]]]:
    """The profile ids among ``page_ids``, at most ``chunk_size`` at a time, grouped
    by their concrete page class (a list of ids never outgrows a query's parameters)."""
    from django.contrib.contenttypes.models import ContentType

    all_ids = sorted(set(page_ids))
    for start in range(0, len(all_ids), chunk_size):
        grouped: dict[int, list[int]] = {}
        rows = Page.objects.filter(pk__in=all_ids[start : start + chunk_size]).values_list(
            "pk", "content_type_id"
        )
        for pk, content_type_id in rows:
            grouped.setdefault(content_type_id, []).append(pk)
        for content_type_id, ids in grouped.items():
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            if model is not None and kind_of(model) is not None:
                yield model, sorted(ids)


def reindex_profiles(
    page_ids: Iterable[int],
    *,
    shared: bool = True,
    auto_update_only: bool = True,
    chunk_size: int = CHUNK_SIZE,
) -> dict[str, int]:
    """Rewrite the entries of the profiles among ``page_ids`` from the database and
    index them; with ``shared``, Wagtail's shared index is brought in line too
    (public ones added, the others removed). Other page ids are ignored.

    For writes that bypass ``save()`` and its signals: bulk loads, ``update()``
    statements, vocabulary merges. Returns counts: ``entries``, and with ``shared``
    ``public`` (in Wagtail's index) and ``hidden`` (kept out of it).
    """
    counts = {"entries": 0, "public": 0, "hidden": 0}
    for model, ids in _by_model(page_ids, chunk_size):
        pages = _loaded(model, ids)
        counts["entries"] += len(pages)
        if not shared:
            write_entries([entry_for(p) for p in pages], auto_update_only=auto_update_only)
            continue
        public, hidden = index_profiles(pages, auto_update_only=auto_update_only)
        counts["public"] += public
        counts["hidden"] += hidden
    return counts


def rebuild(*, chunk_size: int = CHUNK_SIZE) -> dict[str, int]:
    """(Re)write every profile's entry, index them, and keep only public profiles in
    Wagtail's shared page index, on every configured backend. Idempotent.

    Entries whose page is no longer a profile are deleted. Returns the counts of
    :func:`reindex_profiles` plus ``stale`` (entries deleted).
    """
    profile_ids = Page.objects.filter(
        content_type__in=[_content_type(model) for model in profile_models()]
    ).values_list("pk", flat=True)
    stale = ProfileSearchEntry.objects.exclude(pk__in=profile_ids)
    stale_count = 0
    for entry in stale.iterator():
        entry.delete()  # through the model: the backends drop its document
        stale_count += 1
    counts = reindex_profiles(list(profile_ids), auto_update_only=False, chunk_size=chunk_size)
    counts["stale"] = stale_count
    return counts


def _content_type(model: type[Model]) -> Any:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model)


def _profile_ids_below(page: Page, *, inclusive: bool = True) -> list[int]:
    return list(
        Page.objects.descendant_of(page, inclusive=inclusive)
        .filter(content_type__in=[_content_type(model) for model in profile_models()])
        .values_list("pk", flat=True)
    )


# --------------------------------------------------------------------------
# Receivers
# --------------------------------------------------------------------------


def page_saved(
    sender: type[Page],
    instance: Page,
    raw: bool = False,
    update_fields: Iterable[str] | None = None,
    **kwargs: Any,
) -> None:
    """A page was saved: if it is a profile, rewrite its entry, and take it out of
    the shared index when it is not public (Wagtail's own receiver adds public ones)."""
    if raw:
        return
    model = instance.specific_class
    if kind_of(model) is None:
        return
    if update_fields is not None and not WATCHED_FIELDS.intersection(update_fields):
        return
    if update_fields is None and kind_of(type(instance)) is not None:
        # A full save of the profile itself: the instance holds what was written,
        # and the relations modelcluster is about to commit.
        page: Any = instance
    else:
        # A partial save, or the base page (a move): read what the database holds.
        page = model.objects.get(pk=instance.pk)
    write_entries([entry_for(page)])
    sync_shared_index([page], add=False)


def page_moved(sender: Any, instance: Page, **kwargs: Any) -> None:
    """A page was moved: the profiles below it may have entered or left a private
    section, and their entries hold the old tree path (Elasticsearch filters on it)."""
    if instance.numchild:
        reindex_profiles(_profile_ids_below(instance, inclusive=False))


def restriction_changed(sender: Any, instance: PageViewRestriction, **kwargs: Any) -> None:
    """A view restriction was added, changed or removed: the profiles in its section
    leave or may re-enter the shared index."""
    page_ids = _profile_ids_below(instance.page) if instance.page_id else []
    for model, ids in _by_model(page_ids):
        sync_shared_index(_loaded(model, ids))


def _term_pages(instance: Model) -> list[int]:
    """Ids of the profiles showing vocabulary term or tag ``instance``."""
    if isinstance(instance, Skill):
        through = MemberPage.skills.through
        return list(
            through.objects.filter(skill_id=instance.pk).values_list("memberpage_id", flat=True)
        )
    if isinstance(instance, Industry):
        return [
            *MemberPage.objects.filter(industry_id=instance.pk).values_list("pk", flat=True),
            *CompanyPage.objects.filter(industry_id=instance.pk).values_list("pk", flat=True),
        ]
    return [
        *MemberInterest.objects.filter(tag_id=instance.pk).values_list(
            "content_object_id", flat=True
        ),
        *CompanySpeciality.objects.filter(tag_id=instance.pk).values_list(
            "content_object_id", flat=True
        ),
    ]


_OLD_NAME = "_network_search_old_name"
_PAGES = "_network_search_pages"


def term_saving(sender: type[Model], instance: Model, raw: bool = False, **kwargs: Any) -> None:
    """Remember a term's stored name, to tell a rename from any other save."""
    if raw or instance.pk is None:
        return
    old = type(instance)._default_manager.filter(pk=instance.pk).values_list("name", flat=True)
    setattr(instance, _OLD_NAME, old.first())


def term_saved(
    sender: type[Model], instance: Model, created: bool = False, raw: bool = False, **kwargs: Any
) -> None:
    """A skill, industry or tag was renamed: the profiles showing it are re-indexed."""
    old = getattr(instance, _OLD_NAME, None)
    if raw or created or old is None or old == instance.name:  # type: ignore[attr-defined]
        return
    reindex_profiles(_term_pages(instance))


def term_deleting(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    setattr(instance, _PAGES, _term_pages(instance))


def term_deleted(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    """A skill, industry or tag was deleted: its name no longer finds anyone."""
    reindex_profiles(getattr(instance, _PAGES, []))


def connect_signals() -> None:
    """Install the receivers (from the app config's ``ready()``)."""
    from taggit.models import Tag
    from wagtail.signals import post_page_move

    for model in {Page, *profile_models()}:
        post_save.connect(page_saved, sender=model, dispatch_uid=f"wn_search_{model._meta.label}")
    post_page_move.connect(page_moved, dispatch_uid="wn_search_page_moved")
    post_save.connect(restriction_changed, sender=PageViewRestriction, dispatch_uid="wn_search_pvr")
    post_delete.connect(
        restriction_changed, sender=PageViewRestriction, dispatch_uid="wn_search_pvr_del"
    )
    for term in (Skill, Industry, Tag):
        uid = f"wn_search_{term._meta.label}"
        pre_save.connect(term_saving, sender=term, dispatch_uid=f"{uid}_pre_save")
        post_save.connect(term_saved, sender=term, dispatch_uid=f"{uid}_post_save")
        pre_delete.connect(term_deleting, sender=term, dispatch_uid=f"{uid}_pre_delete")
        post_delete.connect(term_deleted, sender=term, dispatch_uid=f"{uid}_post_delete")


__all__ = [
    "CHUNK_SIZE",
    "connect_signals",
    "entry_for",
    "index_profiles",
    "kind_of",
    "profile_models",
    "publicly_visible",
    "rebuild",
    "reindex_profiles",
    "sync_shared_index",
    "write_entries",
]
