"""Fast, correct bulk insertion of Wagtail pages for the demo loader.

``Page.add_child`` costs about 40 ms a page (a tree lookup, a full save with
signals, search indexing): 450 demo pages would take 18 s. Here the treebeard
materialised paths are computed in Python for a batch of new last children, the
base ``wagtailcore_page`` rows go in with one ``bulk_create`` (which returns the
primary keys on SQLite and PostgreSQL), the specific rows with one
``COPY`` or ``executemany`` per table (:func:`example_site.demo.bulk.write_models`),
and the parent's ``numchild`` is bumped once. The
result is indistinguishable from ``add_child``: same path/depth/numchild,
url_path, locale, content type, live state; revisions and search-index entries
are added afterwards in bulk by :func:`bulk_save_revisions` and
:func:`bulk_index`.

Only meant for a freshly created parent that nobody else writes to at the same
time (the demo loader runs inside one transaction).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.utils import timezone
from wagtail.models import Page, Revision

from . import bulk


def model_chain(model: type[Page]) -> list[type[Page]]:
    """The concrete models from the root page model down to ``model``."""
    parents = [p for p in model._meta.get_parent_list() if not p._meta.proxy]
    # get_parent_list() is ordered like the MRO: nearest parent first.
    return [*reversed(parents), model]


def bulk_add_children(parent: Page, pages: Sequence[Page]) -> list[Page]:
    """Insert ``pages`` (unsaved instances of one specific page class) as the last
    children of ``parent``, published, and return them with primary keys set.

    Each instance must have ``title`` and a ``slug`` unique among its siblings;
    ``first_published_at``/``last_published_at``/``live`` are kept if set.
    """
    if not pages:
        return []
    model = type(pages[0])
    if any(type(page) is not model for page in pages):
        raise ValueError("bulk_add_children() takes pages of one class at a time")
    parent = Page.objects.get(pk=parent.pk)  # fresh path, numchild and url_path
    last_child = parent.get_last_child()
    first_step = Page._str2int(last_child.path[-Page.steplen :]) + 1 if last_child else 1
    depth = parent.depth + 1
    content_type = ContentType.objects.get_for_model(model)

    for offset, page in enumerate(pages):
        page.path = Page._get_path(parent.path, depth, first_step + offset)
        page.depth = depth
        page.numchild = 0
        page.url_path = f"{parent.url_path}{page.slug}/"
        page.locale_id = parent.locale_id
        page.content_type = content_type
        page.draft_title = page.title
        page.has_unpublished_changes = not page.live

    chain = model_chain(model)
    root_model = chain[0]
    root_fields = [f.attname for f in root_model._meta.concrete_fields if not f.primary_key]
    created = root_model.objects.bulk_create(
        [root_model(**{name: getattr(page, name) for name in root_fields}) for page in pages]
    )
    for page, row in zip(pages, created, strict=True):
        pk = row.pk
        if pk is None:  # pragma: no cover - every supported database returns ids
            raise RuntimeError("The database did not return primary keys from bulk_create")
        # Set every parent link of the chain (page_ptr_id, ...) and the root id.
        page.pk = pk
        setattr(page, root_model._meta.pk.attname, pk)
        for child_model in chain[1:]:
            for link in child_model._meta.parents.values():
                if link is not None:
                    setattr(page, link.attname, pk)
        page._state.adding = False
        page._state.db = row._state.db

    for child_model in chain[1:]:
        # Django's bulk_create refuses multi-table-inherited models: the specific
        # rows are written as save() would convert them (bulk.write_models).
        bulk.write_models(child_model, pages)

    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))
    return list(pages)


def bulk_save_revisions(pages: Iterable[Page]) -> list[Revision]:
    """One revision per page (the page's current content), set as its latest and,
    for live pages, its live revision: what ``save_revision().publish()`` leaves.
    Each revision is attributed to the page's owner.

    Pass specific pages with their child relations prefetched: the revision content
    is ``page.serializable_data()``, which reads them.
    """
    pages = list(pages)
    if not pages:
        return []
    base_content_type = ContentType.objects.get_for_model(Page)
    revisions = Revision.objects.bulk_create(
        [
            Revision(
                content_type_id=page.content_type_id,
                base_content_type=base_content_type,
                object_id=str(page.pk),
                created_at=(
                    page.last_published_at
                    or page.first_published_at
                    or page.latest_revision_created_at
                    or timezone.now()
                ),
                user_id=page.owner_id,
                object_str=str(page),
                content=page.serializable_data(),
            )
            for page in pages
        ],
        batch_size=200,
    )
    for page, revision in zip(pages, revisions, strict=True):
        page.latest_revision_id = revision.pk
        page.latest_revision_created_at = revision.created_at
        if page.live:
            page.live_revision_id = revision.pk
    Page.objects.bulk_update(
        [
            Page(
                pk=page.pk,
                latest_revision_id=page.latest_revision_id,
                latest_revision_created_at=page.latest_revision_created_at,
                live_revision_id=page.live_revision_id,
            )
            for page in pages
        ],
        ["latest_revision_id", "latest_revision_created_at", "live_revision_id"],
        batch_size=200,
    )
    return revisions


def bulk_log_publication(pages: Iterable[Page]) -> int:
    """Audit-log entries "created" and, for live pages, "published" (by the page's
    owner, at its publication time), as creating and publishing in the admin logs."""
    import uuid

    from wagtail.models import PageLogEntry

    entries = []
    for page in pages:
        action_uuid = uuid.uuid4()
        created_at = page.first_published_at or page.latest_revision_created_at or timezone.now()
        common = {
            "content_type_id": page.content_type_id,
            "label": page.get_admin_display_title(),
            "page_id": page.pk,
            "user_id": page.owner_id,
            "uuid": action_uuid,
            "content_changed": True,
        }
        entries.append(PageLogEntry(action="wagtail.create", timestamp=created_at, **common))
        if page.live:
            entries.append(
                PageLogEntry(
                    action="wagtail.publish",
                    timestamp=page.last_published_at or created_at,
                    revision_id=page.live_revision_id,
                    **common,
                )
            )
    PageLogEntry.objects.bulk_create(entries, batch_size=500)
    return len(entries)


def bulk_index(model: type, objects: Iterable) -> None:
    """Add objects to every configured Wagtail search backend in one batch each,
    as saving them one by one would have done."""
    from wagtail.search.backends import get_search_backends

    objects = list(objects)
    if not objects:
        return
    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(model, objects)
