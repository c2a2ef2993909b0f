"""The one responsive ``<picture>`` of a library image: banners, cards and images in stories.

Built in Python from the image row alone, with no request and no template, so a story saved
from the command line (seeder, importers) gets exactly the markup the editor gives it, and
templates show the same markup through the ``responsive_image`` global.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import quote

if TYPE_CHECKING:
    from techpulse.models import Image

MEDIA_PATH = "/media/"  # where blog/media_files.py serves stored image files
MAX_SOURCES = 4096

# The width each kind of picture really takes in static/css/site.css at each breakpoint
# (measured in Chromium; tests/test_browser_phone.py checks them), so a phone fetches the
# 320 px variant for a card's thumbnail instead of a desktop-sized picture. The container's
# gutters are 16 px under 400 px wide and 32 px from 800 px; the card grid has 1, 2 and 3
# columns, and under 640 px its cards are compact rows with a thumbnail.
_GRID = (
    "(min-width: 1200px) 360px, (min-width: 1000px) calc((100vw - 120px) / 3), "
    "(min-width: 640px) calc(50vw - 36px)"
)
PICTURE_SIZES = {
    # A card in a grid: a third of the container on desktop; on a phone a row's thumbnail,
    # 120 px wide (96 px under 400 px).
    "card": f"{_GRID}, (min-width: 400px) 120px, 96px",
    # An archive's first card (its main picture): the whole width on a phone, 358 px at 390.
    "lead": f"{_GRID}, calc(100vw - 32px)",
    # The home page's lead story: its picture takes 1.55 of 2.55 columns from 860 px.
    "hero": "(min-width: 1200px) 690px, (min-width: 860px) calc(61vw - 40px), calc(100vw - 32px)",
    # A story's banner and the images in its text: the column beside the sidebar from 1000 px.
    "banner": "(min-width: 1200px) 770px, (min-width: 1000px) calc(100vw - 424px), "
    "calc(100vw - 32px)",
    # The thumbnail of a sidebar row.
    "row": "96px",
}


def media_path(filename: str) -> str:
    """The site path of one stored image file."""
    return MEDIA_PATH + quote(filename)


# Variants narrower than this are thumbnails (240 px: a compact card's 120 CSS px at 2 device
# pixels per CSS pixel). Only pictures shown at most THUMBNAILS_UP_TO wide (cards, sidebar
# rows) list them: a banner, the home page's lead and pictures in stories are never narrower
# than ~288 CSS px, so a thumbnail would never be chosen and only lengthen their srcset.
SMALLEST_FULL_WIDTH = 320
THUMBNAILS_UP_TO = 480


def image_srcset(image: Image, fmt: str, up_to: int | None = None, at_least: int = 0) -> str:
    """The ``srcset`` of an image's responsive variants in one format, ``at_least`` (or the
    widest there is, when narrower) to ``up_to`` wide (the narrowest if none fits)."""
    variants = image.of_kind("responsive", fmt)
    floor = min(at_least, max((v["width"] for v in variants), default=0))
    fitting = [
        v for v in variants if floor <= v["width"] and (up_to is None or v["width"] <= up_to)
    ] or variants[:1]
    return ", ".join(f"{media_path(v['file'])} {v['width']}w" for v in fitting)


def image_src(image: Image, kind: str = "responsive", max_width: int = 960) -> str:
    """Path of the widest fallback variant up to ``max_width`` (or of the social card)."""
    if kind == "social":
        return media_path(image.of_kind("social")[0]["file"])
    variants = image.of_kind("responsive", image.fallback_format)
    fitting = [v for v in variants if v["width"] <= max_width] or variants[:1]
    return media_path(fitting[-1]["file"])


def image_size(image: Image, max_width: int = 1600) -> tuple[int, int]:
    """Intrinsic width and height to reserve for an image displayed up to ``max_width``."""
    width = min(image.width, max_width)
    return width, round(image.height * width / image.width)


class Sources(NamedTuple):
    """What a responsive <picture> of one image shown up to some width needs."""

    avif: str  # srcset of the AVIF variants ("" for images stored before AVIF)
    webp: str  # srcset of the WebP variants
    fallback: str  # srcset of the JPEG (or PNG) variants
    src: str  # the widest fallback variant that fits
    width: int  # the intrinsic size to reserve
    height: int


_SOURCES: dict[tuple[str, int, int], Sources] = {}


def image_sources(image: Image, max_width: int = 1600) -> Sources:
    """Srcsets (up to twice ``max_width``), fallback and size of ``image`` up to ``max_width``.

    An image's variants are written at upload under its unique key (and only added to, by
    ``flask media backfill``): each worker works these out once per image, variant count and
    width (a few hundred bytes each, a bounded number).
    """
    key = (image.key, len(image.variants), max_width)
    found = _SOURCES.get(key)
    if found is None:
        if len(_SOURCES) >= MAX_SOURCES:
            _SOURCES.clear()
        up_to = 2 * max_width  # a screen of 2 device pixels per CSS pixel, no more
        at_least = 0 if max_width <= THUMBNAILS_UP_TO else SMALLEST_FULL_WIDTH
        found = _SOURCES[key] = Sources(
            image_srcset(image, "avif", up_to, at_least),
            image_srcset(image, "webp", up_to, at_least),
            image_srcset(image, image.fallback_format, up_to, at_least),
            image_src(image, max_width=max_width),
            *image_size(image, max_width),
        )
    return found


MAIN = 'fetchpriority="high" loading="eager"'
LAZY = 'loading="lazy"'
# Chrome raises a lazy picture it finds on the screen to high priority: the card just under
# the home page's lead story then took a connection of its own beside the lead picture, and
# Lighthouse's phone counted it in the largest paint (~150 ms). Low keeps it behind.
SECONDARY = 'fetchpriority="low" loading="lazy"'


def picture_html(
    image: Image,
    sizes: str,
    *,
    css_class: str = "",
    max_width: int = 1600,
    priority: bool = False,
    secondary: bool = False,
    decorative: bool = False,
    alt: str | None = None,
) -> str:
    """AVIF and WebP ``srcset``s with a JPEG/PNG fallback, the size reserved, real alt text.

    ``decorative``: the image repeats a link beside it (card thumbnails), so screen readers
    skip it. ``alt`` overrides the library's alt text (an image with its own description in a
    story). ``priority``: the page's main image, fetched first instead of lazily.
    ``secondary``: a picture below the page's main one (the cards under a lead story),
    fetched at low priority even when it is on the screen.
    """
    found = image_sources(image, max_width)
    text = "" if decorative else (alt if alt is not None else image.alt_text)
    loading = MAIN if priority else SECONDARY if secondary else LAZY
    sizes = escape(sizes)
    avif = f'<source type="image/avif" srcset="{found.avif}" sizes="{sizes}">' if found.avif else ""
    return (
        f'<picture class="{escape(css_class)}">{avif}'
        f'<source type="image/webp" srcset="{found.webp}" sizes="{sizes}">'
        f'<img src="{found.src}" srcset="{found.fallback}" sizes="{sizes}" '
        f'width="{found.width}" height="{found.height}" alt="{escape(text)}" '
        f'{loading} decoding="async"></picture>'
    )
