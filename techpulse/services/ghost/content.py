"""A Ghost post's body as HTML: its ``html`` when the export has it, else Lexical or mobiledoc.

What comes out goes through the same conversion as a WordPress post (sanitized, embeds as
link cards, galleries and images as library references), so both imports agree.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

# Lexical text format bits, outermost first, with the tag each one becomes.
_FORMATS = ((16, "code"), (1, "strong"), (2, "em"), (4, "s"), (8, "u"), (32, "sub"), (64, "sup"))
_MOBILEDOC_SECTION_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "aside"}


def post_html(post: dict[str, Any]) -> str:
    """The post's body as HTML (not yet sanitized)."""
    if isinstance(post.get("html"), str) and post["html"].strip():
        return post["html"]
    if post.get("lexical"):
        return lexical_html(_document(post["lexical"]))
    if post.get("mobiledoc"):
        return mobiledoc_html(_document(post["mobiledoc"]))
    return ""


def _document(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    try:
        found = json.loads(value)
    except (TypeError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def lexical_html(document: dict[str, Any]) -> str:
    """Ghost 5's Lexical document as HTML."""
    root = document.get("root") or {}
    return "\n".join(_lexical(node) for node in root.get("children") or [])


def _children(node: dict[str, Any]) -> str:
    return "".join(_lexical(child) for child in node.get("children") or [])


def _lexical(node: Any) -> str:
    if not isinstance(node, dict):
        return ""
    kind = node.get("type", "")
    if kind in ("text", "extended-text"):
        html = escape(str(node.get("text", "")), quote=False)
        bits = int(node.get("format") or 0)
        for bit, tag in reversed(_FORMATS):
            if bits & bit:
                html = f"<{tag}>{html}</{tag}>"
        return html
    if kind == "linebreak":
        return "<br>"
    if kind in ("link", "autolink"):
        return f'<a href="{escape(str(node.get("url", "")))}">{_children(node)}</a>'
    if kind in ("paragraph", "extended-paragraph"):
        return f"<p>{_children(node)}</p>"
    if kind in ("heading", "extended-heading"):
        tag = str(node.get("tag") or "h2")
        tag = tag if tag in ("h1", "h2", "h3", "h4", "h5", "h6") else "h2"
        return f"<{tag}>{_children(node)}</{tag}>"
    if kind in ("quote", "extended-quote", "aside"):
        return f"<blockquote>{_children(node)}</blockquote>"
    if kind == "list":
        tag = "ol" if node.get("listType") == "number" else "ul"
        return f"<{tag}>{_children(node)}</{tag}>"
    if kind == "listitem":
        return f"<li>{_children(node)}</li>"
    if kind == "horizontalrule":
        return "<hr>"
    return _card(kind, node)


def _card(kind: str, node: dict[str, Any]) -> str:
    """Ghost's cards (Lexical decorator nodes and mobiledoc cards share their payloads)."""
    if kind == "image":
        return _figure([node], str(node.get("caption") or ""))
    if kind == "gallery":
        return _figure(list(node.get("images") or []), str(node.get("caption") or ""))
    if kind in ("embed", "bookmark", "video"):
        url = str(node.get("url") or node.get("src") or "")
        title = str((node.get("metadata") or {}).get("title") or node.get("title") or url)
        if not url:
            return ""
        caption = str(node.get("caption") or "")
        link = f'\n\n<p><a href="{escape(url)}">{escape(title)}</a></p>\n\n'
        return link + (f"<p>{caption}</p>" if caption else "")
    if kind in ("codeblock", "code"):
        return f"<pre><code>{escape(str(node.get('code') or ''), quote=False)}</code></pre>"
    if kind == "html":
        return str(node.get("html") or "")
    if kind == "markdown":
        from markdown_it import MarkdownIt  # the editor's own parser, loaded when importing

        return MarkdownIt("commonmark", {"html": True}).render(str(node.get("markdown") or ""))
    if kind in ("callout",):
        return f"<blockquote><p>{node.get('calloutText') or ''}</p></blockquote>"
    if kind == "hr":  # mobiledoc's divider card
        return "<hr>"
    if kind == "toggle":  # a heading and what it shows when opened: both shown here
        heading, content = str(node.get("heading") or ""), str(node.get("content") or "")
        return f"<h3>{heading}</h3>{content}" if heading or content else ""
    if kind == "button":
        url, text = str(node.get("buttonUrl") or ""), str(node.get("buttonText") or "")
        return f'<p><a href="{escape(url)}">{escape(text or url)}</a></p>' if url else ""
    return ""  # paywall, signup, email-only and member cards: nothing to show here


def _figure(images: list[Any], caption: str) -> str:
    figures = []
    for image in images:
        if not isinstance(image, dict) or not image.get("src"):
            continue
        alt = escape(str(image.get("alt") or ""))
        own = str(image.get("caption") or "") if len(images) > 1 else ""
        own_html = f"<figcaption>{own}</figcaption>" if own else ""
        figures.append(
            f'<figure><img src="{escape(str(image["src"]))}" alt="{alt}">{own_html}</figure>'
        )
    if not figures:
        return ""
    caption_html = f"<figcaption>{caption}</figcaption>" if caption else ""
    if len(figures) == 1:
        return figures[0].removesuffix("</figure>") + caption_html + "</figure>"
    return f"<figure>{''.join(figures)}{caption_html}</figure>"


def mobiledoc_html(document: dict[str, Any]) -> str:
    """Ghost 2–4's mobiledoc document as HTML (markup, list and card sections)."""
    markups = [m for m in document.get("markups") or [] if isinstance(m, list) and m]
    cards = document.get("cards") or []
    out = []
    for section in document.get("sections") or []:
        if not isinstance(section, list) or not section:
            continue
        if section[0] == 1 and len(section) >= 3:  # markup section
            tag = str(section[1]).lower()
            tag = tag if tag in _MOBILEDOC_SECTION_TAGS else "p"
            tag = "blockquote" if tag == "aside" else tag
            out.append(f"<{tag}>{_markers(section[2], markups)}</{tag}>")
        elif section[0] == 3 and len(section) >= 3:  # list section
            tag = "ol" if str(section[1]).lower() == "ol" else "ul"
            items = "".join(f"<li>{_markers(item, markups)}</li>" for item in section[2])
            out.append(f"<{tag}>{items}</{tag}>")
        elif section[0] == 10 and len(section) >= 2:  # card section
            index = section[1]
            if isinstance(index, int) and 0 <= index < len(cards) and len(cards[index]) == 2:
                name, payload = cards[index]
                out.append(_card(str(name), payload if isinstance(payload, dict) else {}))
    return "\n".join(out)


def _markers(markers: Any, markups: list[list[Any]]) -> str:
    html, open_tags = "", []
    for marker in markers if isinstance(markers, list) else []:
        if not isinstance(marker, list) or len(marker) < 4:
            continue
        kind, opens, closes, value = marker[:4]
        for index in opens:
            if isinstance(index, int) and 0 <= index < len(markups):
                tag, attrs = str(markups[index][0]).lower(), markups[index][1:]
                pairs = attrs[0] if attrs and isinstance(attrs[0], list) else []
                attr_html = "".join(
                    f' {escape(str(pairs[i]))}="{escape(str(pairs[i + 1]))}"'
                    for i in range(0, len(pairs) - 1, 2)
                )
                html += f"<{tag}{attr_html}>"
                open_tags.append(tag)
        html += escape(str(value), quote=False) if kind == 0 else ""
        for _ in range(int(closes) if isinstance(closes, int) else 0):
            if open_tags:
                html += f"</{open_tags.pop()}>"
    return html + "".join(f"</{tag}>" for tag in reversed(open_tags))
