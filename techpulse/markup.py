"""The only place text becomes HTML: Markdown to allow-listed HTML, excerpts, reading time.

Two things are resolved here at save time, after sanitizing, from data we trust:
library images written ``![alt text](image:42 "Optional caption")`` become a responsive
``<picture>`` (in a ``<figure>`` when alone on their line), and a link to a YouTube, Vimeo,
X or LinkedIn post alone on its line becomes a link card (no iframe, no third-party request).
"""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape, unescape
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import nh3
from flask import current_app, has_request_context
from markdown_it import MarkdownIt
from markdown_it.token import Token

if TYPE_CHECKING:
    from techpulse.models import Image

WORDS_PER_MINUTE = 220
INLINE_IMAGE_SIZES = "(min-width: 1100px) 760px, 100vw"

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "figcaption", "figure",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "mark", "ol", "p",
    "pre", "s", "small", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
# Hosts whose post links become cards, with what to call a link when it has no title.
LINK_CARD_HOSTS = {
    "youtube.com": "Video on YouTube",
    "youtu.be": "Video on YouTube",
    "vimeo.com": "Video on Vimeo",
    "x.com": "Post on X",
    "twitter.com": "Post on X",
    "linkedin.com": "Post on LinkedIn",
}
IMAGE_REFERENCE = re.compile(r"^image:(\d{1,9})$")

_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": True})
_markdown.enable(["table", "strikethrough"])
_BLOCK_TAGS = re.compile(
    r"</?(?:p|div|h[1-6]|li|ul|ol|br|hr|tr|td|th|table|blockquote|pre|figure|figcaption"
    r"|section|article|header|footer|nav|aside|main|title)\b[^>]*>",
    re.IGNORECASE,
)
_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_URL = re.compile(r"^https?://\S+$")


@dataclass(frozen=True)
class Rendered:
    """What a Markdown body becomes when it is saved."""

    html: str
    text: str
    reading_minutes: int


@dataclass(frozen=True)
class ImageReference:
    """One ``![alt](image:ID "caption")`` in a story."""

    image_id: int
    alt: str
    caption: str


def render_markdown(source: str, images: Mapping[int, Image] | None = None) -> Rendered:
    """Render Markdown to sanitized HTML, with its plain text and reading time.

    ``images`` maps library image ids to rows, for the ``image:ID`` references in ``source``.
    """
    tokens = _markdown.parse(source or "")
    blocks = _Blocks(images or {})
    tokens = blocks.replace(tokens)
    html = sanitize_html(_markdown.renderer.render(tokens, _markdown.options, {}))
    html = blocks.fill(html)
    text = html_to_text(html)
    return Rendered(html=html, text=text, reading_minutes=reading_minutes(text))


def image_references(source: str) -> list[ImageReference]:
    """Every library image reference in a Markdown story, in order."""
    found = []
    for token in _markdown.parse(source or ""):
        for child in token.children or ():
            match = IMAGE_REFERENCE.match(str(child.attrGet("src") or ""))
            if child.type == "image" and match:
                alt = " ".join(child.content.split())
                found.append(ImageReference(int(match[1]), alt, str(child.attrGet("title") or "")))
    return found


def story_image_reference(image_id: int, alt: str, caption: str = "") -> str:
    """The Markdown that places library image ``image_id`` in a story."""
    alt = " ".join(alt.replace("[", "(").replace("]", ")").split())
    caption = " ".join(caption.replace('"', "”").split())
    title = f' "{caption}"' if caption else ""
    return f"![{alt}](image:{image_id}{title})"


def figure_html(image: Image, alt: str = "", caption: str = "", lazy: bool = True) -> str:
    """A library image as a ``<figure>``: banner variants, width/height set, lazy below the fold.

    Importers use this too, so every inline image on the site has the same markup.
    """
    caption = " ".join(caption.split())
    caption_html = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    return f'<figure class="story-image">{picture_html(image, alt, lazy)}{caption_html}</figure>'


def picture_html(image: Image, alt: str = "", lazy: bool = True) -> str:
    """A library image as a responsive ``<picture>`` (the banner macro); ``alt`` overrides."""
    macro = current_app.jinja_env.get_template("_macros/images.html").module.responsive_image
    options = {"class": "story-image__picture", "alt": alt or image.alt_text, "priority": not lazy}
    if has_request_context():
        return " ".join(str(macro(image, INLINE_IMAGE_SIZES, **options)).split())
    # Saved from the command line (seeder, importers): media URLs are site paths all the same.
    with current_app.test_request_context():
        return " ".join(str(macro(image, INLINE_IMAGE_SIZES, **options)).split())


def link_card_html(url: str, title: str = "") -> str | None:
    """A card for a YouTube, Vimeo, X or LinkedIn link, or None for other links."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
    kind = LINK_CARD_HOSTS.get(host)
    if parts.scheme not in ("http", "https") or kind is None or parts.path in ("", "/"):
        return None
    title = " ".join(title.split())
    label = title if title and title != url else kind
    return (
        f'<p class="link-card"><a class="link-card__link" href="{escape(url)}" '
        f'rel="noopener noreferrer"><span class="link-card__kind">{escape(kind)}</span>'
        f'<span class="link-card__title">{escape(label)}</span>'
        f'<span class="link-card__host">{escape(host)}</span></a></p>'
    )


class _Blocks:
    """Swaps image references and card links for placeholders, then for trusted HTML."""

    def __init__(self, images: Mapping[int, Image]) -> None:
        self.images = images
        self.nonce = secrets.token_hex(8)
        self.html: list[tuple[str, str]] = []  # (alone on its line, inside a paragraph)

    def _placeholder(self, block: str, inline: str) -> str:
        self.html.append((block, inline))
        return f"tp{self.nonce}x{len(self.html) - 1}x"

    def replace(self, tokens: list[Token]) -> list[Token]:
        out: list[Token] = []
        for token in tokens:
            # The page title is the only <h1>: body headings start one level down.
            if token.type in ("heading_open", "heading_close"):
                token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"
            if token.type == "inline" and token.children:
                token.children = [self._inline(child) for child in token.children]
            out.append(token)
        return out

    def _inline(self, child: Token) -> Token:
        if child.type != "image":
            return child
        match = IMAGE_REFERENCE.match(str(child.attrGet("src") or ""))
        if not match:
            return child
        image = self.images.get(int(match[1]))
        alt = " ".join(child.content.split())
        if image is None:
            missing = f"[image {match[1]} is no longer in the library]"
            block, inline = f'<p class="story-image--missing">{missing}</p>', missing
        else:
            caption = str(child.attrGet("title") or "")
            block, inline = figure_html(image, alt, caption), picture_html(image, alt)
        return Token("text", "", 0, content=self._placeholder(block, inline))

    def fill(self, html: str) -> str:
        for index, (block, inline) in enumerate(self.html):
            mark = f"tp{self.nonce}x{index}x"
            html = html.replace(f"<p>{mark}</p>", block).replace(mark, inline)
        return _link_cards(html)


_CARD_LINE = re.compile(
    r'<p>(?:<a href="(?P<href>[^"]+)"[^>]*>(?P<text>[^<]*)</a>|(?P<bare>https?://[^\s<]+))</p>'
)


def _link_cards(html: str) -> str:
    def card(match: re.Match[str]) -> str:
        url = unescape(match["href"] or match["bare"])
        title = unescape(match["text"] or "")
        return link_card_html(url, title) or match[0]

    return _CARD_LINE.sub(card, html)


def sanitize_html(html: str) -> str:
    """Keep only allow-listed tags, attributes and URL schemes; make links safe to follow."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment, whitespace folded."""
    text = _TAGS.sub("", _BLOCK_TAGS.sub(" ", html))
    return _SPACE.sub(" ", unescape(text)).strip()


def reading_minutes(text: str) -> int:
    """Minutes to read ``text`` at a steady pace; at least one."""
    return max(1, math.ceil(len(text.split()) / WORDS_PER_MINUTE))


def excerpt(text: str, limit: int = 200) -> str:
    """Cut ``text`` at a word boundary to at most ``limit`` characters, with an ellipsis."""
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,.;:—-")
    return cut + "…"
