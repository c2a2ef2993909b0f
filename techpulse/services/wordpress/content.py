"""WordPress post HTML to a TechPulse body: shortcodes, paragraphs, allow-list, images.

The result is Markdown the article write path stores and renders like any other: the
post's HTML as raw HTML blocks, and each library image as the editor's own reference on
a line of its own (see ``inline_images``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from techpulse.markup.markdown import sanitize_imported_html
from techpulse.services.wordpress.inline_images import ImageResolver, place_library_images

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


@dataclass
class Converted:
    """A converted body (Markdown) and what could not come over as it was."""

    body: str
    shortcodes: list[str] = field(default_factory=list)
    external_images: list[str] = field(default_factory=list)


def convert_body(source: str, resolve_image: ImageResolver) -> Converted:
    """Turn one post's ``content:encoded`` into a TechPulse body."""
    result = Converted(body="")
    html = _BLOCK_COMMENT.sub("\n\n", source or "")
    html = render_shortcodes(html, result.shortcodes)
    html = autop(sanitize_imported_html(html))
    result.body = place_library_images(html, resolve_image, result.external_images)
    return result


def render_shortcodes(html: str, unknown: list[str]) -> str:
    """Render [caption] and [embed]; drop the markers of others (kept text), noting names."""

    def enclosing(match: re.Match[str]) -> str:
        name, attrs, inner = match.group(1), match.group(2) or "", match.group(3)
        if name in ("caption", "wp_caption"):
            return _caption(inner, attrs)
        if name == "embed":
            url = escape(inner.strip())
            return f'\n\n<p><a href="{url}">{url}</a></p>\n\n'
        unknown.append(name)
        return render_shortcodes(inner, unknown)

    def single(match: re.Match[str]) -> str:
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
        elif _STARTS_WITH_BLOCK.match(chunk):
            chunks.append(chunk)
        else:
            chunks.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    return "\n".join(chunks)
