"""Logos and portraits drawn with Pillow and stored as Wagtail images.

Nothing is downloaded: each picture is a person's or company's initials on a
coloured background in one of a few styles. Portraits are keyed by initials
(the colour and style follow from them), so members who share initials share one
image file: the demo stores a few hundred small PNGs instead of one per member.

Files are written straight to the image model's storage and the rows are created
with one ``bulk_create``: saving images one by one costs a query and a file
re-read each.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import zlib
from collections.abc import Iterable

from django.core.files.base import ContentFile
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.images import get_image_model
from wagtail.models import Collection

SIZE = 256
COLLECTION_NAME = "Demo network"

#: (background, foreground) pairs with enough contrast for white or dark text.
PALETTE = [
    ("#1d4ed8", "#ffffff"),
    ("#0f766e", "#ffffff"),
    ("#b91c1c", "#ffffff"),
    ("#7c3aed", "#ffffff"),
    ("#c2410c", "#ffffff"),
    ("#15803d", "#ffffff"),
    ("#be185d", "#ffffff"),
    ("#334155", "#ffffff"),
    ("#facc15", "#1f2937"),
    ("#67e8f9", "#0f172a"),
    ("#fda4af", "#1f2937"),
    ("#a7f3d0", "#064e3b"),
]
PORTRAIT_STYLES = ("disc", "square", "split", "ring")
LOGO_STYLES = ("tile", "stripe", "badge", "outline")


def initials(name: str, count: int = 2) -> str:
    """Upper-case initials of the significant words: "Anna de Vries" → "AV"."""
    words = [w for w in name.replace("&", " ").replace("-", " ").split() if w[:1].isupper()]
    if not words:
        words = name.split() or ["?"]
    letters = [words[0][0]]
    if count > 1 and len(words) > 1:
        letters.append(words[-1][0])
    return "".join(letters).upper()


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    # Pillow ships a scalable default font (no system fonts needed on a fresh machine).
    return ImageFont.load_default(size=size)


def _stable_index(key: str, modulo: int) -> int:
    # crc32 rather than hash(): Python salts str hashes per process.
    return zlib.crc32(key.encode()) % modulo


def draw_picture(text: str, style: str, colours: tuple[str, str]) -> bytes:
    """A SIZE×SIZE PNG of ``text`` in the given style."""
    background, foreground = colours
    canvas = "#f8fafc"
    image = PILImage.new("RGB", (SIZE, SIZE), canvas)
    draw = ImageDraw.Draw(image)
    inset = SIZE // 16
    box = (inset, inset, SIZE - inset, SIZE - inset)
    text_fill = foreground
    if style == "disc":
        draw.ellipse(box, fill=background)
    elif style in ("square", "tile"):
        draw.rounded_rectangle((0, 0, SIZE, SIZE), radius=SIZE // 8, fill=background)
    elif style == "split":
        draw.rectangle((0, 0, SIZE, SIZE), fill=background)
        draw.polygon([(0, SIZE), (SIZE, 0), (SIZE, SIZE)], fill=_shade(background))
    elif style == "ring":
        draw.ellipse(box, outline=background, width=SIZE // 14)
        text_fill = background
    elif style == "stripe":
        draw.rectangle((0, 0, SIZE, SIZE), fill=background)
        draw.rectangle((0, SIZE * 3 // 4, SIZE, SIZE), fill=_shade(background))
    elif style == "badge":
        draw.regular_polygon((SIZE / 2, SIZE / 2, SIZE / 2 - inset), 6, fill=background)
    else:  # outline
        draw.rounded_rectangle(box, radius=SIZE // 10, outline=background, width=SIZE // 18)
        text_fill = background
    font = _font(SIZE * 2 // 5 if len(text) <= 2 else SIZE // 4)
    draw.text((SIZE / 2, SIZE / 2), text, fill=text_fill, font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False, compress_level=6)
    return buffer.getvalue()


def _shade(hex_colour: str, factor: float = 0.78) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c * factor) for c in (r, g, b)))


def demo_collection() -> Collection:
    """The collection that holds every demo image (so ``--reset`` finds them)."""
    existing = Collection.objects.filter(name=COLLECTION_NAME, depth=2).first()
    if existing:
        return existing
    return Collection.get_first_root_node().add_child(name=COLLECTION_NAME)


def create_images(specs: Iterable[tuple[str, str, bytes]], collection: Collection) -> list:
    """Store ``(title, filename, png_bytes)`` as Wagtail images; return them in order."""
    Image = get_image_model()
    field = Image._meta.get_field("file")
    storage = field.storage
    rows = []
    for title, filename, data in specs:
        probe = Image(title=title, collection=collection)
        # The image model decides the folder (upload_to); the storage may rename on clash.
        name = storage.save(probe.get_upload_to(filename), ContentFile(data))
        rows.append(
            Image(
                title=title,
                file=name,
                width=SIZE,
                height=SIZE,
                file_size=len(data),
                file_hash=hashlib.sha1(data).hexdigest(),
                collection=collection,
            )
        )
    created = Image.objects.bulk_create(rows, batch_size=200)
    # bulk_create skips the save signal that indexes images for the admin's search.
    from .tree import bulk_index

    bulk_index(Image, created)
    return created


class PictureBook:
    """Draws and stores each distinct picture once, handing out images by key."""

    def __init__(self, collection: Collection) -> None:
        self.collection = collection
        self._pending: dict[str, tuple[str, str, bytes]] = {}
        self._images: dict[str, object] = {}

    def portrait_key(self, name: str) -> str:
        """Key of the portrait for ``name`` (drawn on first use)."""
        text = initials(name)
        key = f"portrait:{text}"
        if key not in self._pending and key not in self._images:
            style = PORTRAIT_STYLES[_stable_index(text + "s", len(PORTRAIT_STYLES))]
            colours = PALETTE[_stable_index(text, len(PALETTE))]
            self._pending[key] = (
                f"Portrait {text}",
                # A random name, as wagtail_network.photos.store_photo gives uploads: a
                # member photo's file path must not be derivable from the member.
                f"{secrets.token_urlsafe(18)}.png",
                draw_picture(text, style, colours),
            )
        return key

    def logo_key(self, name: str, slug: str) -> str:
        """Key of the logo of company ``name`` (drawn on first use)."""
        key = f"logo:{slug}"
        if key not in self._pending and key not in self._images:
            style = LOGO_STYLES[_stable_index(slug + "s", len(LOGO_STYLES))]
            colours = PALETTE[_stable_index(slug, len(PALETTE))]
            self._pending[key] = (
                f"{name} logo",
                f"demo-logo-{slug}.png",
                draw_picture(initials(name), style, colours),
            )
        return key

    def save(self) -> int:
        """Store every picture drawn so far; returns how many files were written."""
        keys = list(self._pending)
        images = create_images((self._pending[k] for k in keys), self.collection)
        self._images.update(zip(keys, images, strict=True))
        self._pending.clear()
        return len(images)

    def image_id(self, key: str) -> int:
        return self._images[key].pk
