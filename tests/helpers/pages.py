"""Helpers for reading pages the way a visitor's browser would."""

from __future__ import annotations

from html.parser import HTMLParser


class Element:
    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag = tag
        self.attrs = attrs

    def get(self, name: str, default: str = "") -> str:
        return self.attrs.get(name, default)

    def classes(self) -> set[str]:
        return set(self.get("class").split())


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}))


def elements(html: str | bytes, tag: str | None = None, cls: str | None = None) -> list[Element]:
    """Start tags in ``html``, optionally of one tag name and/or carrying one class."""
    parser = _Collector()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    found = parser.elements
    if tag:
        found = [e for e in found if e.tag == tag]
    if cls:
        found = [e for e in found if cls in e.classes()]
    return found


def text_of(html: str | bytes) -> str:
    """Visible text of a page, whitespace folded (scripts and styles left out)."""
    import re

    from techpulse.markup.markdown import html_to_text

    source = html.decode() if isinstance(html, bytes) else html
    return html_to_text(re.sub(r"<(script|style)\b.*?</\1>", " ", source, flags=re.S | re.I))


def json_ld(html: str | bytes) -> list[dict]:
    """Every schema.org thing in a page's JSON-LD scripts (``@graph`` members flattened)."""
    import json
    import re

    source = html.decode() if isinstance(html, bytes) else html
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', source, re.S)
    things: list[dict] = []
    for block in blocks:
        data = json.loads(block)
        assert data["@context"] == "https://schema.org"
        things.extend(data.get("@graph", [data]))
    return things
