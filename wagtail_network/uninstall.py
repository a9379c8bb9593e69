"""Removing the network from a site: what ``manage.py uninstall_network`` does.

:func:`plan_uninstall` lists everything the network put into the host site's
database; :func:`uninstall_network` removes it, in one transaction, and returns
the same list as it was just before. After it, ``migrate wagtail_network zero``
leaves no page of a network type in the host's page tree, and the host's own
pages, images, users and audit trail are kept.

What is removed:

* every page of a network type (``CompanyIndexPage``, ``MemberIndexPage``,
  ``CompanyPage``, ``MemberPage``, aliases of them included) with every page below
  it, through Wagtail's :class:`~wagtail.actions.delete_page.DeletePageAction`
  (deletion log entries, page signals, revisions, workflow states, comments);
  host pages below a network page go with it and are listed apart;
* the search-index entries of those pages and of the network's other indexed
  models (skills, industries), through ``wagtail.search.index.remove_object``;
* the renditions of the images the network's pages use (member photos, company
  logos and covers). The images themselves stay: the plugin never uploads an
  image, members and editors choose them from the host's image library, where
  other content may use them too (listed, so an editor can delete them there);
* every row of the network's own models (connections and their history,
  invitations, endorsements, recommendations, follows, blocks, reports,
  positions, education, links, company relationships, skills, industries) and the
  tags only the network used (member interests, company specialities);
* guardian's per-object grants on the network's objects or of the network's
  permissions, and every assignment of a network permission to a group or a user;
* the plugin's role groups (:data:`wagtail_network.services.roles.ROLE_PERMISSIONS`),
  unless ``keep_groups``.

What is kept:

* audit entries (Wagtail's page and model log entries) about network pages and
  objects, without personal data: a member page's entries read
  :data:`wagtail_network.privacy.DELETED_LABEL`, an object's entries its type and
  id; the entries' data is emptied (it can name accounts). Company and directory
  pages keep their titles (names of organisations and sections, not of people);
* the host's user accounts and Wagtail's API tokens: both belong to the host site
  (a token may serve the host's own API too), and nothing records which tokens were
  made through the network's account page. :attr:`Inventory.member_tokens` counts
  the tokens held by members' accounts, for the host to decide.

A page the uninstall cannot remove stops it before anything changes
(:class:`UninstallRefused`): a Wagtail site whose root page is a network page or
lies below one (deleting the page would delete the site), or a host object that
protects a network page from deletion (``on_delete=PROTECT``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.deletion import ProtectedError, RestrictedError
from django.db.models.functions import Concat
from django.utils.translation import gettext as _

from .privacy import scrub_log_entries
from .services.roles import ROLE_PERMISSIONS
from .sql import chunks

APP_LABEL = "wagtail_network"


class UninstallRefused(Exception):
    """The network cannot be removed as it stands; nothing was changed."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__("; ".join(reasons))


@dataclass(frozen=True)
class PageItem:
    """One page the uninstall removes."""

    pk: int
    url_path: str
    title: str
    type: str


@dataclass
class Inventory:
    """What the network holds in the database (before removal, what will go)."""

    #: Pages of the network's types, in tree order.
    pages: list[PageItem] = field(default_factory=list)
    #: The topmost of them: deleting these deletes every page in :attr:`pages`.
    top_pages: list[PageItem] = field(default_factory=list)
    #: Host pages below a network page, removed with it.
    host_pages: list[PageItem] = field(default_factory=list)
    #: Revisions of all those pages.
    revisions: int = 0
    #: Objects whose search-index entries are removed (pages and vocabulary terms).
    indexed_objects: int = 0
    #: ``(id, title)`` of the images the network's pages use: kept, renditions removed.
    images: list[tuple[int, str]] = field(default_factory=list)
    renditions: int = 0
    #: Rows of the network's own models (pages excluded), by model label.
    rows: dict[str, int] = field(default_factory=dict)
    #: Tags used by the network alone.
    tags: int = 0
    #: guardian per-object grants (users and groups).
    object_permissions: int = 0
    #: Network permissions assigned to groups or users.
    permission_assignments: int = 0
    #: ``(name, number of users)`` of the plugin's role groups that exist.
    role_groups: list[tuple[str, int]] = field(default_factory=list)
    #: Audit entries kept, with personal data removed.
    log_entries: int = 0
    #: Wagtail API tokens of members' accounts: kept (they belong to the host).
    member_tokens: int = 0
    #: Why the uninstall would be refused (empty: it can run).
    refusals: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------
# What belongs to the network
# --------------------------------------------------------------------------


def _app_models(include_auto_created: bool = False) -> list[type[models.Model]]:
    return list(apps.get_app_config(APP_LABEL).get_models(include_auto_created))


def _page_models() -> list[type[models.Model]]:
    from wagtail.models import Page

    return [m for m in _app_models() if issubclass(m, Page)]


def _row_models() -> list[type[models.Model]]:
    """The network's non-page models, M2M tables included."""
    from wagtail.models import Page

    return [m for m in _app_models(include_auto_created=True) if not issubclass(m, Page)]


def _network_content_types() -> models.QuerySet:
    # By app label, so that content types of models dropped in an earlier release count too.
    return ContentType.objects.filter(app_label=APP_LABEL)


def _page_querysets() -> tuple[models.QuerySet, models.QuerySet, list[PageItem]]:
    """(network pages, every page in their subtrees, the topmost network pages)."""
    from wagtail.models import Page

    network = Page.objects.type(*_page_models()).order_by("path")
    top: list[PageItem] = []
    top_paths: list[str] = []
    for page in network.select_related("content_type").only(
        "pk", "path", "url_path", "title", "content_type"
    ):
        if not any(page.path.startswith(path) for path in top_paths):
            top_paths.append(page.path)
            top.append(_item(page))
    subtree = Q(pk__in=[])
    for path in top_paths:
        subtree |= Q(path__startswith=path)
    return network, Page.objects.filter(subtree).order_by("path"), top


def _item(page: Any) -> PageItem:
    model = page.content_type.model_class()
    kind = str(model._meta.verbose_name) if model is not None else page.content_type.model
    return PageItem(pk=page.pk, url_path=page.url_path, title=page.title, type=kind)


def _image_ids(page_ids: Iterable[int]) -> set[int]:
    """Images the network's pages point at (foreign keys to the image model)."""
    from wagtail.images import get_image_model

    Image = get_image_model()
    ids: set[int] = set()
    for model in _page_models():
        names = [
            f.attname
            for f in model._meta.get_fields()
            if isinstance(f, models.ForeignKey)
            and f.related_model is Image
            and f.model is model  # the model's own fields, not a parent's
        ]
        if not names:
            continue
        for values in model._base_manager.filter(pk__in=page_ids).values_list(*names):
            ids.update(v for v in values if v is not None)
    return ids


def _revisions(page_ids: list[int]) -> models.QuerySet:
    from wagtail.models import Page, Revision

    base = ContentType.objects.get_for_model(Page)
    return Revision.objects.filter(
        base_content_type=base, object_id__in=[str(pk) for pk in page_ids]
    )


def _revision_ids(page_ids: list[int]) -> list[int]:
    ids: list[int] = []
    for batch in chunks(page_ids):
        ids.extend(_revisions(batch).values_list("pk", flat=True))
    return ids


def _object_permission_querysets() -> list[models.QuerySet]:
    """guardian grants on the network's objects, or of the network's permissions."""
    from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

    cts = _network_content_types()
    q = Q(content_type__in=cts) | Q(permission__content_type__in=cts)
    return [
        get_user_obj_perms_model()._default_manager.filter(q),
        get_group_obj_perms_model()._default_manager.filter(q),
    ]


def _permission_assignment_querysets() -> list[models.QuerySet]:
    """Network permissions given to groups, and to users (when the user model has them)."""
    in_network = Q(permission__content_type__in=_network_content_types())
    querysets = [Group.permissions.through._default_manager.filter(in_network)]
    User = get_user_model()
    user_permissions = getattr(User, "user_permissions", None)
    if user_permissions is not None:
        querysets.append(user_permissions.through._default_manager.filter(in_network))
    return querysets


def _tag_relations() -> list[tuple[type[models.Model], str]]:
    """``(through model, tag field attname)`` of every taggit through table."""
    from taggit.models import Tag

    return [
        (rel.related_model, rel.field.attname)
        for rel in Tag._meta.related_objects
        if isinstance(rel.field, models.ForeignKey)
    ]


def _network_only_tags() -> models.QuerySet:
    """Tags the network's through tables use and no other table does."""
    from taggit.models import Tag

    relations = _tag_relations()
    network = [(m, name) for m, name in relations if m._meta.app_label == APP_LABEL]
    others = [(m, name) for m, name in relations if m._meta.app_label != APP_LABEL]
    used = Q(pk__in=[])
    for model, name in network:
        used |= Q(pk__in=model._base_manager.values(name))
    tags = Tag.objects.filter(used)
    for model, name in others:
        tags = tags.exclude(pk__in=model._base_manager.values(name))
    return tags


def _log_entry_querysets(page_ids: list[int]) -> tuple[list[models.QuerySet], models.QuerySet]:
    """(page entries of the network's pages in batches, model entries of its objects)."""
    from wagtail.models import ModelLogEntry, PageLogEntry

    pages = [PageLogEntry.objects.filter(page_id__in=batch) for batch in chunks(page_ids)]
    return pages, ModelLogEntry.objects.filter(content_type__in=_network_content_types())


def _refusals(subtree: models.QuerySet) -> list[str]:
    from wagtail.models import Site

    reasons = []
    paths = list(subtree.values_list("path", flat=True))
    for site in Site.objects.select_related("root_page"):
        if any(site.root_page.path.startswith(path) for path in paths):
            reasons.append(
                _(
                    "The site %(site)s has its root page %(page)s among the network's pages: "
                    "give the site another root page first."
                )
                % {"site": site, "page": site.root_page.url_path}
            )
    return reasons


# --------------------------------------------------------------------------
# Listing and removing
# --------------------------------------------------------------------------


def plan_uninstall(*, keep_groups: bool = False) -> Inventory:
    """Everything :func:`uninstall_network` would remove or scrub; changes nothing."""
    from wagtail.images import get_image_model
    from wagtail.models import APIToken

    from .models import MemberPage

    network, subtree, top = _page_querysets()
    network_ids = set(network.values_list("pk", flat=True))
    inventory = Inventory(top_pages=top)
    for page in subtree.select_related("content_type").only(
        "pk", "url_path", "title", "content_type"
    ):
        (inventory.pages if page.pk in network_ids else inventory.host_pages).append(_item(page))
    page_ids = [item.pk for item in inventory.pages + inventory.host_pages]
    inventory.revisions = len(_revision_ids(page_ids))

    from wagtail.search import index

    indexed_rows = sum(
        model._base_manager.count() for model in _row_models() if issubclass(model, index.Indexed)
    )
    inventory.indexed_objects = len(page_ids) + indexed_rows

    Image = get_image_model()
    image_ids = sorted(_image_ids(network_ids))
    inventory.images = list(
        Image.objects.filter(pk__in=image_ids).order_by("pk").values_list("pk", "title")
    )
    inventory.renditions = (
        Image.get_rendition_model().objects.filter(image_id__in=image_ids).count()
    )

    inventory.rows = {
        model._meta.label: n for model in _row_models() if (n := model._base_manager.count())
    }
    inventory.tags = _network_only_tags().count()
    inventory.object_permissions = sum(qs.count() for qs in _object_permission_querysets())
    inventory.permission_assignments = sum(qs.count() for qs in _permission_assignment_querysets())
    if not keep_groups:
        inventory.role_groups = [
            (group.name, group.user_set.count())
            for group in Group.objects.filter(name__in=ROLE_PERMISSIONS).order_by("name")
        ]
    page_entries, model_entries = _log_entry_querysets(sorted(network_ids))
    inventory.log_entries = sum(qs.count() for qs in page_entries) + model_entries.count()
    inventory.member_tokens = APIToken.objects.filter(
        user_id__in=MemberPage.objects.filter(user__isnull=False).values("user_id")
    ).count()
    inventory.refusals = _refusals(subtree)
    return inventory


def uninstall_network(*, actor: Any = None, keep_groups: bool = False) -> Inventory:
    """Remove the network from the database (see the module docstring), in one
    transaction; returns the :class:`Inventory` of what was there.

    ``actor`` is the user the page deletions are logged for (``None``: no user, as
    for any setup command). ``keep_groups`` keeps the plugin's role groups (and the
    non-network permissions they hold). Raises :class:`UninstallRefused`, having
    changed nothing, when a Wagtail site is rooted among the network's pages or a
    host object protects one of them.
    """
    from wagtail.actions.delete_page import DeletePageAction
    from wagtail.images import get_image_model
    from wagtail.log_actions import log
    from wagtail.models import Page
    from wagtail.search import index

    from .models import MemberPage

    with transaction.atomic():
        inventory = plan_uninstall(keep_groups=keep_groups)
        if inventory.refusals:
            raise UninstallRefused(inventory.refusals)
        network_ids = [item.pk for item in inventory.pages]
        page_ids = network_ids + [item.pk for item in inventory.host_pages]
        member_ids = list(
            MemberPage.objects.filter(pk__in=network_ids).values_list("pk", flat=True)
        )
        revision_ids = _revision_ids(page_ids)

        # Loaded now, removed from the search index once the deletions below went
        # through (a refused deletion must leave an external index as it was).
        indexed: list[models.Model] = [
            page
            for batch in chunks(page_ids)
            for page in Page.objects.filter(pk__in=batch).specific()
        ]
        for model in _row_models():
            if issubclass(model, index.Indexed):
                indexed.extend(model._base_manager.all())

        # Renditions of the pages' images (the images stay: the module docstring says why).
        image_ids = [pk for pk, _title in inventory.images]
        Rendition = get_image_model().get_rendition_model()
        for batch in chunks(image_ids):
            Rendition.objects.filter(image_id__in=batch).delete()

        tags = list(_network_only_tags().values_list("pk", flat=True))

        # Pages, through Wagtail: each topmost network page with everything below it.
        try:
            for item in inventory.top_pages:
                page = Page.objects.filter(pk=item.pk).first()
                if page is not None:  # an alias deleted with its original's subtree
                    DeletePageAction(page.specific, user=actor).execute(skip_permission_checks=True)
        except ProtectedError as exc:
            raise _protected(exc.protected_objects) from None
        except RestrictedError as exc:
            raise _protected(exc.restricted_objects) from None

        # Revisions went with their pages (a generic relation); a host that keeps
        # deleted pages' revisions must not keep these.
        for batch in chunks(revision_ids):
            _revisions_by_pk(batch).delete()

        # Page signals removed the pages' entries already; this also covers a
        # backend without signal handlers, and the vocabulary terms.
        for obj in indexed:
            index.remove_object(obj)

        # The network's own rows (pages' children and relations cascaded already).
        for model in _row_models():
            model._base_manager.all().delete()
        from taggit.models import Tag

        for batch in chunks(tags):
            Tag.objects.filter(pk__in=batch).delete()

        for qs in _object_permission_querysets() + _permission_assignment_querysets():
            qs.delete()
        if not keep_groups:
            for group in Group.objects.filter(name__in=ROLE_PERMISSIONS):
                # As Wagtail's Groups screen logs a deletion.
                log(group, "wagtail.delete", user=actor, deleted=True)
                group.delete()

        _scrub_network_log_entries(network_ids, member_ids, revision_ids)
    return inventory


def _protected(objects: Iterable[Any]) -> UninstallRefused:
    names = sorted({f"{type(obj).__name__} {obj.pk}" for obj in objects})
    return UninstallRefused(
        [
            _("Host objects protect network pages from deletion: %(objects)s")
            % {"objects": ", ".join(names[:10])}
        ]
    )


def _revisions_by_pk(pks: list[int]) -> models.QuerySet:
    from wagtail.models import Revision

    return Revision.objects.filter(pk__in=pks)


def _scrub_network_log_entries(
    network_ids: list[int], member_ids: list[int], revision_ids: list[int]
) -> None:
    """Audit entries stay, without personal data: member pages' entries as a
    member's erasure leaves them (:func:`wagtail_network.privacy.scrub_log_entries`),
    every network page's entries without data (a grant's entry names the account),
    and every network object's entries labelled with its type and id (its label
    named members) and without data."""
    scrub_log_entries(member_ids, revision_ids)
    page_entries, model_entries = _log_entry_querysets(network_ids)
    for qs in page_entries:
        qs.update(data={})
    for content_type in _network_content_types():
        # The model's name, not its (translated) verbose name: the label must not
        # depend on the language the command ran in.
        model_entries.filter(content_type=content_type).update(
            label=Concat(
                Value(content_type.model + " "), F("object_id"), output_field=models.TextField()
            ),
            data={},
        )


__all__ = ["Inventory", "PageItem", "UninstallRefused", "plan_uninstall", "uninstall_network"]
