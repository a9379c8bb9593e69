"""Member profile photos: validated, stored under unguessable names in the plugin's
own collection, cropped around a focal point, and served only through a checked URL.

Wagtail serves an image's renditions as plain files under ``MEDIA_URL``, to anyone
who has the address. A members-only or connections-only profile must not show its
photo to a visitor who may not see the profile, so the plugin never hands out those
addresses. Every member photo URL it gives (pages, GraphQL) is
:func:`member_photo_url`, a view (:func:`wagtail_network.views.member_photo`) that
asks :func:`wagtail_network.visibility.members_visible_to` before it streams the
rendition. The files themselves get random names (:func:`store_photo`), so that
neither the original nor any rendition path can be guessed from a member's name or
from the uploaded file's name. ``docs/concepts/profile-photos.md`` describes the
design and what the host's web server should do about ``/media/``.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.fields import WagtailImageField
from wagtail.images.rect import Rect
from wagtail.models import Collection
from wagtail.utils.file import hash_filelike

from .errors import ErrorCode, NetworkError

#: The name of the plugin's collection (a fixed name, not translated: it is how the
#: collection is found again, whatever the language of the request that made it).
COLLECTION_NAME = "Member photos"

#: The focal region's side, as a share of the image's shorter side.
FOCAL_SHARE = 1 / 3

#: Formats refused for photos even when the site allows them for images: an SVG can
#: carry script, and a photo URL is opened by browsers on the site's own origin.
REFUSED_EXTENSIONS = frozenset({"svg"})


def photo_collection() -> Collection:
    """The plugin's own collection "Member photos" (a child of the root collection),
    created on first use.

    Two first uploads at once would both find no collection and both add one: the
    root collection's row is locked first, so the second waits and finds the
    first's.
    """
    existing = _find_collection()
    if existing is not None:
        return existing
    with transaction.atomic():
        root = Collection.get_first_root_node()
        list(Collection.objects.select_for_update().filter(pk=root.pk).values_list("pk"))
        existing = _find_collection()
        if existing is not None:
            return existing
        return Collection.objects.get(pk=root.pk).add_child(name=COLLECTION_NAME)


def _find_collection() -> Collection | None:
    root = Collection.get_first_root_node()
    if root is None:
        return None
    return Collection.objects.child_of(root).filter(name=COLLECTION_NAME).order_by("pk").first()


def clean_photo(file: Any) -> UploadedFile:
    """``file`` checked by Wagtail's own image field: an image in one of the formats
    of ``WAGTAILIMAGES_EXTENSIONS`` (SVG excepted), at most
    ``WAGTAILIMAGES_MAX_UPLOAD_SIZE`` bytes and ``WAGTAILIMAGES_MAX_IMAGE_PIXELS``
    pixels, whose content is the format its extension says.

    Raises ``NetworkError(VALIDATION, field="photo")`` with Wagtail's message for
    anything else, garbage bytes included.
    """
    field = WagtailImageField()
    if not isinstance(file, UploadedFile):
        raise NetworkError(ErrorCode.VALIDATION, field_error(field, "invalid"), field="photo")
    extension = os.path.splitext(file.name or "")[1].lower().lstrip(".")
    if extension in REFUSED_EXTENSIONS:
        raise NetworkError(
            ErrorCode.VALIDATION, field_error(field, "invalid_image_extension"), field="photo"
        )
    try:
        cleaned = field.clean(file)
    except ValidationError as exc:
        raise NetworkError(ErrorCode.VALIDATION, exc.messages[0], field="photo") from None
    except Exception:  # noqa: BLE001 - an image library failing on hostile bytes
        raise NetworkError(
            ErrorCode.VALIDATION, field_error(field, "invalid_image"), field="photo"
        ) from None
    cleaned.seek(0)
    return cleaned


def field_error(field: WagtailImageField, key: str) -> str:
    """One of Wagtail's own messages for its image field (already translated)."""
    return str(field.error_messages.get(key) or field.error_messages["invalid"])


def store_photo(
    user: Any, file: UploadedFile, *, title: str, focal_point: tuple[float, float] | None = None
) -> Any:
    """A new Wagtail image (``get_image_model()``) for a cleaned photo ``file``, in
    :func:`photo_collection`, uploaded by ``user``, under a random file name that
    keeps only the extension: the stored original and every rendition are named
    from it, so no path can be guessed. ``focal_point``: see :func:`set_focal_point`.
    """
    extension = os.path.splitext(file.name or "")[1].lower() or ".jpg"
    # Hash and size of the bytes as uploaded (what Wagtail's own upload form records).
    file.seek(0)
    file_hash = hash_filelike(file)
    file.seek(0)
    image = get_image_model()(
        title=(title or "")[:255],
        collection=photo_collection(),
        uploaded_by_user=user if getattr(user, "pk", None) else None,
        file_size=file.size,
        file_hash=file_hash,
    )
    image.file.save(f"{secrets.token_urlsafe(18)}{extension}", file, save=False)
    if focal_point is not None:
        set_focal_point(image, *focal_point, save=False)
    image.save()
    return image


def set_focal_point(image: Any, x: float | None, y: float | None, *, save: bool = True) -> None:
    """Centre the part of ``image`` to keep at ``(x, y)``, fractions (0 to 1) of its
    width and height; ``None`` clears the focal point (renditions crop the centre).

    Wagtail's focal point is a region: one a third of the shorter side wide, kept
    inside the image, so that ``fill-NxN`` renditions crop the square around it.
    Renditions made for the old focal point are deleted (Wagtail names renditions
    by focal point, so they would only take up space).
    """
    if x is None or y is None:
        image.set_focal_point(None)
    else:
        width, height = int(image.width or 0), int(image.height or 0)
        side = max(1, round(min(width, height) * FOCAL_SHARE))
        half = side / 2
        cx = min(max(x * width, half), max(width - half, half))
        cy = min(max(y * height, half), max(height - half, half))
        image.set_focal_point(Rect.from_point(round(cx), round(cy), side, side))
    if save:
        image.save(
            update_fields=[
                "focal_point_x",
                "focal_point_y",
                "focal_point_width",
                "focal_point_height",
            ]
        )
        image.renditions.all().delete()


def is_plugin_photo(image: Any) -> bool:
    """Whether ``image`` is in the plugin's collection (so the plugin may change or
    delete it; an editor's image from the library is left alone)."""
    collection = _find_collection()
    return image is not None and collection is not None and image.collection_id == collection.pk


def discard_photo(image: Any) -> None:
    """Delete a replaced or removed photo once the transaction commits, with its
    renditions and files: only if it is in the plugin's collection and no page
    uses it any more (checked at commit, when the change that dropped it is saved)."""
    if image is None or not is_plugin_photo(image):
        return
    pk = image.pk

    def delete() -> None:
        from .models import CompanyPage, MemberPage

        in_use = (
            MemberPage.objects.filter(photo_id=pk).exists()
            or CompanyPage.objects.filter(Q(logo_id=pk) | Q(cover_id=pk)).exists()
        )
        if in_use:
            return
        for stale in get_image_model().objects.filter(pk=pk):
            # Wagtail's signal handlers remove the files after the delete commits.
            stale.renditions.all().delete()
            stale.delete()

    transaction.on_commit(delete)


def member_photo_url(member: Any, spec: str) -> str | None:
    """The checked URL of ``member``'s photo in the rendition ``spec`` (a path on the
    site; :func:`wagtail_network.sites.absolute_url` makes it absolute), or ``None``
    when the member has no photo. The view behind it serves the picture only to
    viewers who may see the profile."""
    photo_id = getattr(member, "photo_id", None)
    if not photo_id:
        return None
    return reverse("wagtail_network:member_photo", args=[member.pk, photo_id, spec])


__all__ = [
    "COLLECTION_NAME",
    "clean_photo",
    "discard_photo",
    "is_plugin_photo",
    "member_photo_url",
    "photo_collection",
    "set_focal_point",
    "store_photo",
]
