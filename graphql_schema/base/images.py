"""Image renditions, for an allow-list of specs only.

An arbitrary filter spec would let any client make the server generate (and store)
as many renditions as it likes; only the specs in ``WAGTAIL_NETWORK["RENDITION_SPECS"]``
are ever generated. Anything else is refused with a typed GraphQL error.
"""

from __future__ import annotations

import logging
from typing import Any

import strawberry
from django.db import DatabaseError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from graphql import GraphQLError
from strawberry.types import Info
from wagtail.images import get_image_model
from wagtail.images.models import SourceImageIOError

from wagtail_network.busy import is_database_busy
from wagtail_network.conf import get_setting
from wagtail_network.limits import SPEC_MAX_LENGTH
from wagtail_network.sites import absolute_url

from .context import request_of

logger = logging.getLogger(__name__)

DEFAULT_SPEC = "fill-128x128"

SPEC_DESCRIPTION = (
    "A Wagtail filter spec from the site's allow-list (setting RENDITION_SPECS); any other "
    "spec is refused with the error code INVALID_ARGUMENT."
)


@strawberry.type(name="Rendition", description="One size of an image, made for a given spec.")
class RenditionType:
    url: str = strawberry.field(
        description=(
            "Absolute URL of the rendition file, on the site's origin (its Wagtail Site "
            "record), or the media storage's own URL when that is absolute already (a CDN). "
            "For a member photo: the checked photo address on the site's origin, which "
            "answers 404 to viewers who may not see the profile (send the session cookie "
            "or the bearer token when fetching it)."
        )
    )
    relative_url: str = strawberry.field(
        description=(
            "The URL as the media storage gives it: a path on the site (/media/…), or "
            "the same absolute URL as url when media is served from another origin. "
            "A member photo's URL is instead the site's checked photo address "
            "(/network/photo/…), served only to viewers who may see the profile."
        )
    )
    width: int = strawberry.field(description="Width in pixels.")
    height: int = strawberry.field(description="Height in pixels.")
    alt: str = strawberry.field(description="Alternative text for the image.")
    spec: str = strawberry.field(description="The filter spec this rendition was made with.")


def check_spec(spec: str) -> str:
    """Refuse a spec outside the allow-list before anything is generated."""
    allowed = list(get_setting("RENDITION_SPECS") or [])
    if spec not in allowed:
        shown = spec if len(spec) <= SPEC_MAX_LENGTH else spec[:SPEC_MAX_LENGTH] + "…"
        raise GraphQLError(
            _("Unknown image spec %(spec)s. Allowed: %(allowed)s.")
            % {"spec": shown, "allowed": ", ".join(allowed)},
            extensions={"code": "INVALID_ARGUMENT", "field": "spec"},
        )
    return spec


def image_prefetch(field: str) -> Prefetch:
    """Prefetch an image foreign key with all its renditions, so that asking for a
    rendition of N images costs two queries, not N."""
    return Prefetch(field, queryset=get_image_model().objects.prefetch_renditions())


def rendition_of(
    info: Info, image: Any, spec: str, *, served_at: str | None = None
) -> RenditionType | None:
    """The rendition of ``image`` for an allowed ``spec`` (generated once, then reused),
    with its URL made absolute on the site's origin.

    ``served_at``: the address to give instead of the rendition file's own, for
    images that are served through a checked view (member photos:
    :func:`wagtail_network.photos.member_photo_url`)."""
    check_spec(spec)
    if image is None:
        return None
    try:
        rendition = image.get_rendition(spec)
    except SourceImageIOError:
        # The original file is missing from storage: no picture, not an error page.
        logger.warning("Missing source file for image %s", image.pk)
        return None
    except DatabaseError as exc:
        # A rendition made on first use is a write inside a read: when the database
        # is busy the picture is left out this time (and made on a later request),
        # rather than failing the whole query.
        if not is_database_busy(exc):
            raise
        logger.info("Rendition %s of image %s skipped: database busy", spec, image.pk)
        return None
    url = served_at or rendition.url
    return RenditionType(
        url=absolute_url(url, request_of(info)),
        relative_url=url,
        width=rendition.width,
        height=rendition.height,
        alt=rendition.alt,
        spec=spec,
    )
