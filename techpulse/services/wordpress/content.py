"""WordPress post HTML to a TechPulse body: shortcodes, paragraphs, allow-list, images.

The result is Markdown the article write path stores and renders like any other: the
post's HTML as raw HTML blocks, and each library image as the editor's own reference on
a line of its own (see ``inline_images``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape

from techpulse.markup.markdown import sanitize_imported_html
from techpulse.services.wordpress.embeds import card_paragraph, convert_embeds
from techpulse.services.wordpress.inline_images import (
    ImageResolver,
    LinkRewrite,
    place_library_images,
)

# A [gallery]'s ids (empty: the post's own attachments) → its HTML, or "" if none.
GalleryHtml = Callable[[list[int]], str]

_BLOCKS = (
    "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form"
    "|blockquote|address|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header"
    "|footer|nav|figure|figcaption|details|menu|summary|picture"
)
_BLOCK_OPEN = re.compile(rf"(<(?:{_BLOCKS})[\s/>])", re.IGNORECASE)
_BLOCK_CLOSE = re.compile(rf"(</(?:{_BLOCKS})>)", re.IGNORECASE)
_STARTS_WITH_BLOCK = re.compile(rf"^</?(?:{_BLOCKS})[\s/>]", re.IGNORECASE)
_PRE = re.compile(r"<pre\b.*?</pre>", re.IGNORECASE | re.DOTALL)
_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.DOTALL)
_ENCLOSING = re.compile(r"(?<!\[)\[([a-z][a-z0-9_-]*)(\s[^\]]*)?\](.*?)\[/\1\](?!\])", re.DOTALL)
_SINGLE = re.compile(r"(?<!\[)\[([a-z][a-z0-9_-]*)(\s[^\]]*?)?\s*/?\](?!\])")
_ESCAPED = re.compile(r"\[(\[[a-z][^\]]*\])\]")
_CAPTIONED = re.compile(r"^\s*((?:<a\s[^>]*>\s*)?<img\s[^>]*>(?:\s*</a>)?)(.*)$", re.DOTALL)
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_GALLERY_IDS = re.compile(r"""\bids=["']?([\d,\s]*)""")
_CITE = re.compile(
    r"^<cite>.*?</cite>(?:\s*</[a-z0-9]+>)*$", re.DOTALL
)  # a quote's source: kept as it is


@dataclass
class Converted:
    """A converted body (Markdown) and what could not come over as it was."""

    body: str
    shortcodes: list[str] = field(default_factory=list)
    external_images: list[str] = field(default_factory=list)


def convert_body(
    source: str,
    resolve_image: ImageResolver,
    rewrite_link: LinkRewrite | None = None,
    gallery: GalleryHtml | None = None,
) -> Converted:
    """Turn one post's ``content:encoded`` into a TechPulse body."""
    result = Converted(body="")
    html = _BLOCK_COMMENT.sub("\n\n", convert_embeds(source or ""))
    html = render_shortcodes(html, result.shortcodes, gallery)
    html = autop(sanitize_imported_html(html))
    external = result.external_images
    result.body = place_library_images(html, resolve_image, external, rewrite_link)
    return result


def render_shortcodes(html: str, unknown: list[str], gallery: GalleryHtml | None = None) -> str:
    """Render [caption], [embed] and [gallery]; drop the markers of others (text kept)."""

    def enclosing(match: re.Match[str]) -> str:
        name, attrs, inner = match.group(1), match.group(2) or "", match.group(3)
        if name in ("caption", "wp_caption"):
            return _caption(inner, attrs)
        if name == "embed":
            return card_paragraph(unescape(inner.strip()))
        unknown.append(name)
        return render_shortcodes(inner, unknown)

    def single(match: re.Match[str]) -> str:
        if match.group(1) == "gallery" and gallery is not None:
            ids = _GALLERY_IDS.search(match.group(2) or "")
            found = gallery([int(i) for i in re.findall(r"\d{1,9}", ids[1] if ids else "")])
            if found:
                return f"\n\n{found}\n\n"
        unknown.append(match.group(1))
        return ""

    html = _ENCLOSING.sub(enclosing, html)
    return _ESCAPED.sub(r"\1", _SINGLE.sub(single, html))


def _caption(inner: str, attrs: str) -> str:
    found = _CAPTIONED.match(inner)
    if not found:
        return inner
    image, caption = found.group(1), found.group(2).strip()
    caption = caption or dict(_ATTR.findall(attrs)).get("caption", "")
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"\n\n<figure>{image}{figcaption}</figure>\n\n"


def autop(html: str) -> str:
    """Wrap loose text in paragraphs as WordPress's wpautop() does when it shows a post."""
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\n\n\x00{len(kept) - 1}\x00\n\n"

    html = _PRE.sub(keep, html.replace("\r\n", "\n").replace("\r", "\n"))
    html = _BLOCK_CLOSE.sub(r"\1\n\n", _BLOCK_OPEN.sub(r"\n\n\1", html))
    chunks = []
    for chunk in re.split(r"\n\s*\n", html):
        chunk = chunk.strip()
        if not chunk:
            continue
        if chunk.startswith("\x00"):
            chunks.append(kept[int(chunk.strip("\x00"))])
        elif _STARTS_WITH_BLOCK.match(chunk) or _CITE.match(chunk):
            chunks.append(chunk)
        else:
            chunks.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    return "\n".join(chunks)
