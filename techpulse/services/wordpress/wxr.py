"""A streaming, hardened reader of WordPress export (WXR 1.0–1.2) files.

Entity declarations are refused (never expanded), external entities never fetched, and
each item is dropped from memory once read, so a file of any size reads in bounded memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

# The editor takes a story of up to 200,000 characters (of Markdown); the HTML it is made from
# may be longer (markup), so a field of an item may be up to five times that. A longer one is
# dropped as soon as it is read, and its item skipped with a report line (items.py).
MAX_STORY_CHARACTERS = 200_000
MAX_FIELD_CHARACTERS = 5 * MAX_STORY_CHARACTERS

WP = "{http://wordpress.org/export/"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"


class WxrError(ValueError):
    """The file is not a readable WordPress export; ``str(exc)`` says why and where."""


@dataclass(frozen=True)
class Author:
    """A ``wp:author`` of the export."""

    login: str
    email: str
    display_name: str


@dataclass(frozen=True)
class Term:
    """A ``wp:category`` or ``wp:tag`` of the export (``parent`` is the parent's slug)."""

    kind: str
    slug: str
    name: str
    parent: str = ""
    description: str = ""


@dataclass(frozen=True)
class SiteInfo:
    """The channel's own fields: the old site's title and addresses."""

    title: str
    link: str
    base_site_url: str
    base_blog_url: str


@dataclass
class Item:
    """One ``item``: a post, page, attachment or anything else WordPress stores as a post."""

    post_id: int
    post_type: str = "post"
    title: str = ""
    link: str = ""
    guid: str = ""
    content: str = ""
    excerpt: str = ""
    status: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    post_modified: str = ""
    post_modified_gmt: str = ""
    post_name: str = ""
    post_parent: str = ""
    menu_order: str = ""
    creator: str = ""
    attachment_url: str = ""
    terms: list[tuple[str, str, str]] = field(default_factory=list)  # (domain, slug, name)
    meta: dict[str, str] = field(default_factory=dict)
    comments: int = 0
    oversized: str = ""  # which fields were too long to read, e.g. "the text of 50,000,000 …"


Record = Author | Term | SiteInfo | Item


def read_wxr(path: Path) -> Iterator[Record]:
    """Yield the export's authors, terms, site info and items, in file order."""
    channel: Element | None = None
    site: dict[str, str] = {}
    depth = 0  # <rss> is 1, <channel> 2, its children (items, authors, terms…) 3
    dropped: list[str] = []  # fields of the current item too long to keep
    try:
        for event, element in iterparse(str(path), events=("start", "end")):
            if event == "start":
                depth += 1
                if depth == 2 and element.tag == "channel":
                    channel = element
                continue
            depth -= 1
            if depth >= 3 and len(element.text or "") > MAX_FIELD_CHARACTERS:
                name = "the text" if element.tag == CONTENT else _local(element.tag)
                dropped.append(f"{name} of {len(element.text or ''):,} characters")
                element.text = None  # freed now, never converted or stored
            if depth != 2 or channel is None:
                continue
            tag = element.tag
            if tag == "item":
                yield _item(element, dropped)
            elif tag in ("title", "link"):
                site[tag] = text(element)
            elif tag.startswith(WP):
                record = _channel_record(element, site)
                if record is not None:
                    yield record
            dropped.clear()
            channel.remove(element)  # read: never kept, whatever the file's size
    except ParseError as exc:
        line, column = exc.position
        raise WxrError(f"The file is not well-formed XML (line {line}, column {column}).") from exc
    except DefusedXmlException as exc:
        raise WxrError(f"The file declares XML entities, which are refused: {exc}") from exc
    if channel is None:
        raise WxrError("This is XML, but not a WordPress export (no RSS channel).")
    yield SiteInfo(
        title=site.get("title", ""),
        link=site.get("link", ""),
        base_site_url=site.get("base_site_url", ""),
        base_blog_url=site.get("base_blog_url", ""),
    )


def _item(element: Element, dropped: list[str]) -> Item:
    item = parse_item(element)
    item.oversized = "; ".join(dropped)
    return item


def text(element: Element | None) -> str:
    """The element's text, or "" when it is missing or empty."""
    return "" if element is None or element.text is None else element.text


def name_text(element: Element) -> str:
    """A title or term name: WordPress stores these HTML-escaped ("Tips &amp; tricks")."""
    return " ".join(unescape(text(element)).split())


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: Element, name: str) -> str:
    for child in element:
        if _local(child.tag) == name:
            return name_text(child) if name in _ESCAPED_NAMES else text(child).strip()
    return ""


_ESCAPED_NAMES = frozenset(
    {"cat_name", "tag_name", "author_display_name", "category_description", "tag_description"}
)


def _channel_record(element: Element, site: dict[str, str]) -> Record | None:
    name = _local(element.tag)
    if name == "author":
        return Author(
            login=_child(element, "author_login"),
            email=_child(element, "author_email"),
            display_name=_child(element, "author_display_name"),
        )
    if name == "category":
        return Term(
            "category",
            _child(element, "category_nicename"),
            _child(element, "cat_name"),
            _child(element, "category_parent"),
            _child(element, "category_description"),
        )
    if name == "tag":
        return Term(
            "post_tag",
            _child(element, "tag_slug"),
            _child(element, "tag_name"),
            description=_child(element, "tag_description"),
        )
    if name in ("base_site_url", "base_blog_url"):
        site[name] = text(element).strip()
    return None


_ITEM_FIELDS = {
    "link": "link",
    "guid": "guid",
    "post_type": "post_type",
    "status": "status",
    "post_date": "post_date",
    "post_date_gmt": "post_date_gmt",
    "post_modified": "post_modified",
    "post_modified_gmt": "post_modified_gmt",
    "post_name": "post_name",
    "post_parent": "post_parent",
    "menu_order": "menu_order",
    "attachment_url": "attachment_url",
}


def parse_item(element: Element) -> Item:
    """Read one ``item`` element into an :class:`Item`."""
    item = Item(post_id=_post_id(element))
    for child in element:
        tag, name = child.tag, _local(child.tag)
        if tag == CONTENT:
            item.content = text(child)
        elif tag.endswith("}encoded"):
            item.excerpt = text(child)
        elif tag == DC_CREATOR:
            item.creator = text(child).strip()
        elif name == "category" and not tag.startswith("{"):
            terms = (child.get("domain", ""), child.get("nicename", ""), name_text(child))
            item.terms.append(terms)
        elif name == "postmeta":
            item.meta[_child(child, "meta_key")] = _child(child, "meta_value")
        elif name == "comment":
            item.comments += 1
        elif name == "title" and not tag.startswith("{"):
            item.title = name_text(child)
        elif name in _ITEM_FIELDS and (tag.startswith(WP) or not tag.startswith("{")):
            setattr(item, _ITEM_FIELDS[name], text(child).strip())
    return item


def _post_id(element: Element) -> int:
    for child in element:
        if child.tag.startswith(WP) and _local(child.tag) == "post_id":
            try:
                return int(text(child).strip())
            except ValueError:
                break
    return 0
