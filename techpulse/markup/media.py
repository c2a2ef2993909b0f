"""Library images and link cards inside stories: the trusted HTML ``markup`` puts in at save time.

Both are swapped for placeholders before sanitizing and filled in after, from data we trust
(the image rows, a parsed and re-escaped URL), so the allow-list never has to admit
``<picture>``, ``<source>`` or classes.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape, unescape
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from techpulse.markup import pictures

if TYPE_CHECKING:
    from markdown_it.token import Token

    from techpulse.models import Image

INLINE_IMAGE_SIZES = pictures.PICTURE_SIZES["banner"]
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
# A link to another story by id, resolved at save time to its current address.
STORY_LINK = re.compile(r"^article:(\d{1,9})$")
HTML_STORY_LINK = re.compile(r"""href=["']article:(\d{1,9})["']""")


@dataclass(frozen=True)
class ImageReference:
    """One ``![alt](image:ID "caption")`` in a story."""

    image_id: int
    alt: str
    caption: str


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
    """A library image as a responsive ``<picture>`` (as banners have); ``alt`` overrides."""
    return pictures.picture_html(
        image,
        INLINE_IMAGE_SIZES,
        css_class="story-image__picture",
        alt=alt or image.alt_text,
        priority=not lazy,
    )


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
        f'<div class="link-card"><a class="link-card__link" href="{escape(url)}" '
        f'rel="noopener noreferrer"><span class="link-card__kind">{escape(kind)}</span>'
        f'<span class="link-card__title">{escape(label)}</span>'
        f'<span class="link-card__host">{escape(host)}</span></a></div>'
    )


class StoryBlocks:
    """Swaps image references and card links for placeholders, then for trusted HTML."""

    def __init__(self, images: Mapping[int, Image], links: Mapping[int, str] | None = None) -> None:
        self.images = images
        self.links = links or {}
        self.nonce = secrets.token_hex(8)
        self.html: list[tuple[str, str]] = []  # (alone on its line, inside a paragraph)

    def _placeholder(self, block: str, inline: str) -> str:
        self.html.append((block, inline))
        return f"tp{self.nonce}x{len(self.html) - 1}x"

    def replace(self, tokens: list[Token]) -> list[Token]:
        out: list[Token] = []
        for token in tokens:
            if token.type in ("html_block", "html_inline"):
                token.content = self._html_story_links(token.content)
            if token.type == "inline" and token.children:
                children = self._story_links(token.children)
                for child in children:
                    if child.type == "html_inline":
                        child.content = self._html_story_links(child.content)
                gallery = self._gallery(children)
                token.children = gallery or [self._inline(child) for child in children]
            out.append(token)
        return out

    def _html_story_links(self, html: str) -> str:
        """``<a href="article:ID">`` in raw HTML (imported stories): the story's address."""

        def address(match: re.Match[str]) -> str:
            href = self.links.get(int(match[1]))
            return f'href="{escape(href)}"' if href else ""  # not live: the text stays

        return HTML_STORY_LINK.sub(address, html)

    def _gallery(self, children: list[Token]) -> list[Token] | None:
        """A paragraph of two or more library images and nothing else: one figure grid."""
        images = [child for child in children if child.type == "image"]
        loose = [c for c in children if c.type not in ("image", "softbreak", "hardbreak")]
        if len(images) < 2 or any(c.type != "text" or c.content.strip() for c in loose):
            return None
        figures, pictures = [], []
        for child in images:
            match = IMAGE_REFERENCE.match(str(child.attrGet("src") or ""))
            image = self.images.get(int(match[1])) if match else None
            if image is None:
                return None  # not all library images: each shown on its own, as written
            alt, caption = " ".join(child.content.split()), str(child.attrGet("title") or "")
            figures.append(figure_html(image, alt, caption))
            pictures.append(picture_html(image, alt))
        block = f'<div class="story-gallery">{"".join(figures)}</div>'
        from markdown_it.token import Token

        return [Token("text", "", 0, content=self._placeholder(block, " ".join(pictures)))]

    def _story_links(self, children: list[Token]) -> list[Token]:
        """``article:ID`` links get the story's address; a story not live keeps only its text."""
        out, dropped = [], 0
        for child in children:
            if child.type == "link_open" and (
                match := STORY_LINK.match(str(child.attrGet("href")))
            ):
                href = self.links.get(int(match[1]))
                if href is None:
                    dropped += 1
                    continue
                child.attrSet("href", href)
            elif child.type == "link_close" and dropped and not self._closes_kept(out):
                dropped -= 1
                continue
            out.append(child)
        return out

    @staticmethod
    def _closes_kept(out: list[Token]) -> bool:
        """Whether the next link_close belongs to a link that was kept (links do not nest)."""
        opened = sum(1 for token in out if token.type == "link_open")
        closed = sum(1 for token in out if token.type == "link_close")
        return opened > closed

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
        from markdown_it.token import Token  # loaded with the parser, when a story is saved

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
