"""The only place text becomes HTML: Markdown to allow-listed HTML, excerpts, reading time.

Two things are resolved here at save time (see ``markup_media``), after sanitizing:
library images written ``![alt text](image:42 "Optional caption")`` become a responsive
``<picture>`` (in a ``<figure>`` when alone on their line), and a link to a YouTube, Vimeo,
X or LinkedIn post alone on its line becomes a link card (no iframe, no third-party request).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from html import unescape
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from techpulse.markup.media import (
    HTML_STORY_LINK,
    IMAGE_REFERENCE,
    STORY_LINK,
    ImageReference,
    StoryBlocks,
    figure_html,
    link_card_html,
    picture_html,
    story_image_reference,
)

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

    from techpulse.models import Image

__all__ = [
    "ImageReference",
    "Rendered",
    "excerpt",
    "figure_html",
    "html_to_text",
    "image_references",
    "link_card_html",
    "picture_html",
    "reading_minutes",
    "render_markdown",
    "sanitize_html",
    "story_image_reference",
    "story_link_ids",
]

WORDS_PER_MINUTE = 220


ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "del", "em", "figcaption", "figure",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "mark", "ol", "p",
    "picture", "pre", "s", "small", "source", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height", "srcset", "sizes", "loading", "decoding"},
    "ol": {"start"},
    "source": {"srcset", "sizes", "type"},
    "td": {"align"},
    "th": {"align"},
}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

# srcset lists URLs the scheme allow-list does not see: only this site's own paths pass.
_OWN_PATH = re.compile(r"^/(?!/)[^\s,]*$")
_H1 = re.compile(r"<(/?)h1\b", re.IGNORECASE)

_BLOCK_TAGS = re.compile(
    r"</?(?:p|div|h[1-6]|li|ul|ol|br|hr|tr|td|th|table|blockquote|pre|figure|figcaption"
    r"|section|article|header|footer|nav|aside|main|title)\b[^>]*>",
    re.IGNORECASE,
)
_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_URL = re.compile(r"^https?://\S+$")


@cache
def _markdown() -> MarkdownIt:
    # Built on first use: pages are rendered when saved, so serving workers never load it.
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": True})
    return parser.enable(["table", "strikethrough"])


@dataclass(frozen=True)
class Rendered:
    """What a Markdown body becomes when it is saved."""

    html: str
    text: str
    reading_minutes: int


def render_markdown(
    source: str, images: Mapping[int, Image] | None = None, links: Mapping[int, str] | None = None
) -> Rendered:
    """Render Markdown to sanitized HTML, with its plain text and reading time.

    ``images`` maps library image ids to rows, for the ``image:ID`` references in ``source``;
    ``links`` maps the ids of live stories to their paths, for ``[text](article:ID)`` links.
    """
    markdown = _markdown()
    tokens = markdown.parse(source or "")
    headings = [token for token in tokens if token.type in ("heading_open", "heading_close")]
    # The page title is the only <h1>: the body's top heading level becomes <h2>, whether
    # the author wrote "#" or "##", so no level is skipped below the title.
    shift = 2 - min((int(token.tag[1]) for token in headings), default=2)
    for token in headings:
        token.tag = f"h{min(max(int(token.tag[1]) + shift, 2), 6)}"
    blocks = StoryBlocks(images or {}, links)
    tokens = blocks.replace(tokens)
    html = sanitize_html(markdown.renderer.render(tokens, markdown.options, {}))
    html = blocks.fill(html)
    text = html_to_text(html)
    return Rendered(html=html, text=text, reading_minutes=reading_minutes(text))


def story_link_ids(source: str) -> set[int]:
    """The ids of the stories a Markdown body links to with ``[text](article:ID)``."""
    found = set()
    for token in _markdown().parse(source or ""):
        if token.type == "html_block":  # imported stories link in their raw HTML
            found.update(int(match) for match in HTML_STORY_LINK.findall(token.content))
        for child in token.children or ():
            if child.type == "html_inline":
                found.update(int(match) for match in HTML_STORY_LINK.findall(child.content))
            if child.type == "link_open" and (
                match := STORY_LINK.match(str(child.attrGet("href")))
            ):
                found.add(int(match[1]))
    return found


def image_references(source: str) -> list[ImageReference]:
    """Every library image reference in a Markdown story, in order."""
    found = []
    for token in _markdown().parse(source or ""):
        for child in token.children or ():
            match = IMAGE_REFERENCE.match(str(child.attrGet("src") or ""))
            if child.type == "image" and match:
                alt = " ".join(child.content.split())
                found.append(ImageReference(int(match[1]), alt, str(child.attrGet("title") or "")))
    return found


def sanitize_html(html: str) -> str:
    """Keep only allow-listed tags, attributes and URL schemes; make links safe to follow."""
    import nh3  # loaded by the first save or import, never to serve a page

    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=_same_site_srcset,
    )


def _same_site_srcset(tag: str, attribute: str, value: str) -> str | None:
    if attribute != "srcset":
        return value
    candidates = [part.strip().split(" ", 1)[0] for part in value.split(",")]
    return value if all(_OWN_PATH.match(url) for url in candidates) else None


def sanitize_imported_html(html: str) -> str:
    """Sanitize HTML written elsewhere (e.g. WordPress) with the allow-list above.

    Its ``<h1>`` headings become ``<h2>``: the page title is the only ``<h1>``.
    """
    return sanitize_html(_H1.sub(r"<\1h2", html or ""))


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment, whitespace folded."""
    text = _TAGS.sub("", _BLOCK_TAGS.sub(" ", html))
    return _SPACE.sub(" ", unescape(text)).strip()


def reading_minutes(text: str) -> int:
    """Minutes to read ``text`` at a steady pace; at least one."""
    return max(1, math.ceil(len(text.split()) / WORDS_PER_MINUTE))


class _Paragraphs(HTMLParser):
    """Collects the text of top-level paragraphs (not those in lists, quotes or tables)."""

    NESTING = frozenset({"li", "blockquote", "table", "figure", "pre"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._inside = 0  # depth of list/quote/table elements
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.NESTING:
            self._inside += 1
        elif tag == "p" and not self._inside:
            self._current = []
        elif tag == "br" and self._current is not None:
            self._current.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.NESTING:
            self._inside = max(0, self._inside - 1)
        elif tag == "p" and self._current is not None:
            text = _SPACE.sub(" ", "".join(self._current)).strip()
            if text:
                self.paragraphs.append(text)
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)


_LEAD_CHUNK = 512
# A body that opens with a plain paragraph: text and inline tags (no attributes but a link's
# ones without "<" or ">"), nothing that nests or breaks a line.
_PLAIN_FIRST = re.compile(
    r"\s*<p>((?:[^<]|<(?:/?(?:em|strong|code|b|i|s|mark|sub|sup|small)|/a|a\b[^<>]*)>)*)</p>"
)
_INLINE_TAG = re.compile(r"<[^<>]*>")


def _plain_first_paragraph(html: str) -> str | None:
    """The text of a body's opening paragraph, found without parsing, when the body opens
    with a plain one (as ``_Paragraphs`` reads it: tags dropped, each run of text unescaped,
    whitespace folded); None when it does not."""
    found = _PLAIN_FIRST.match(html)
    if found is None:
        return None
    runs = _INLINE_TAG.split(found.group(1))
    return _SPACE.sub(" ", "".join(unescape(run) for run in runs)).strip()


def lead_text(html: str, limit: int = 200) -> str:
    """Text of the body's opening paragraphs (never headings or list items), about ``limit`` long.

    Falls back to the whole text when the body has no plain paragraph.
    """
    first = _plain_first_paragraph(html)
    if first is not None and len(first) >= limit:  # the lead is that paragraph alone
        return first
    parser = _Paragraphs()
    # Read a piece at a time and stop once the opening paragraphs are long enough: pages
    # ask this of the story they show, and the lead is near the top.
    for start in range(0, len(html), _LEAD_CHUNK):
        parser.feed(html[start : start + _LEAD_CHUNK])
        if sum(len(p) + 1 for p in parser.paragraphs) > limit:
            break
    else:
        parser.close()
    lead: list[str] = []
    for paragraph in parser.paragraphs:
        lead.append(paragraph)
        if len(" ".join(lead)) >= limit:
            break
    return " ".join(lead) if lead else html_to_text(html)


def is_lead_of(summary: str, html: str) -> bool:
    """Whether ``summary`` merely repeats how the body opens (so showing both reads twice)."""
    start = summary.rstrip("…").strip()
    opening = html[: 20 * len(start) + 10_000]  # the lead is near the top; skip the rest
    return bool(start) and lead_text(opening, limit=len(start) + 1).startswith(start)


def excerpt(text: str, limit: int = 200) -> str:
    """Cut ``text`` at a word boundary to at most ``limit`` characters, with an ellipsis."""
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,.;:—-")
    return cut + "…"
