"""Inline WordPress images as the editor's library image references, in a Markdown body.

An imported body is HTML (sanitized, with its paragraphs), kept as raw HTML blocks of
Markdown. Each ``<img>`` that shows an imported library image becomes the editor's own
``![alt](image:ID "caption")`` on a line of its own, so the save path renders it exactly like
an image placed from the editor (``markup_media.figure_html``) and records it in
``article_images`` or ``page_images`` (an image in use cannot be deleted; see
``services/story_images.py``). A reference needs its own line:
the paragraph, link or heading around the image is closed before it and opened again
after it (a ``<figure>`` inside a ``<p>`` would close the paragraph in a browser anyway);
inside a list item, quote or table cell the image stays where it is, the text around it
in paragraphs. Images that are not in the library become links, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from techpulse.markup.markdown import html_to_text
from techpulse.services.wordpress.html_blocks import (
    Element,
    Gallery,
    Node,
    Placed,
    Reference,
    inner_html,
    markdown_blocks,
    parse_html,
)

VISIBLE_VOID = frozenset({"img", "hr"})  # what keeps an element worth showing on its own
# Elements an image reference may sit inside (their end tag starts a Markdown HTML block).
CONTAINERS = frozenset({"li", "td", "th", "blockquote", "dd", "dt"})
BLOCKS = CONTAINERS | frozenset(
    {"p", "ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "tr", "figure", "figcaption",
     "pre", "hr", "h2", "h3", "h4", "h5", "h6", "div", "caption"}
)  # fmt: skip
NO_REFERENCES = frozenset({"pre", "code"})  # their text is shown as written


@dataclass(frozen=True)
class LibraryImage:
    """What an inline image resolved to: a library image id and the alt text to give it."""

    image_id: int
    alt: str


# (src, alt) of an <img> → the library image it shows, or None (then it becomes a link).
ImageResolver = Callable[[str, str], LibraryImage | None]
# A link's href → its new href, or None to keep it.
LinkRewrite = Callable[[str], str | None]


def _rewrite_links(node: Element, rewrite: LinkRewrite) -> None:
    for child in node.children:
        if not isinstance(child, Element):
            continue
        if child.tag == "a":
            attrs = dict(child.attrs)
            new = rewrite(attrs["href"]) if attrs.get("href") else None
            if new is not None:
                child.attrs = [(k, new if k == "href" else v) for k, v in child.attrs]
        _rewrite_links(child, rewrite)


def place_library_images(
    html: str, resolve: ImageResolver, external: list[str], rewrite_link: LinkRewrite | None = None
) -> str:
    """The body as Markdown: HTML blocks, with library image references on lines of their own.

    Images ``resolve`` does not know become links to where they were (noted in ``external``);
    ``rewrite_link`` gives each link its new address (None keeps it).
    """
    root = parse_html(html)
    root.children = _resolved(root.children, _Images(resolve, external))
    if rewrite_link is not None:
        _rewrite_links(root, rewrite_link)
    (root,) = _hoisted(root, container=True)
    assert isinstance(root, Element)  # the root holds no image of its own
    return markdown_blocks(root.children)


@dataclass
class _Images:
    resolve: ImageResolver
    external: list[str]
    found: dict[tuple[str, str], LibraryImage | None] = field(default_factory=dict)

    def reference(self, image: Element, caption: str = "") -> Reference | None:
        attrs = dict(image.attrs)
        src, alt = attrs.get("src", ""), " ".join(attrs.get("alt", "").split())
        if src and (src, alt) not in self.found:
            self.found[src, alt] = self.resolve(src, alt)
        library_image = self.found.get((src, alt))
        if library_image is None:
            return None
        return Reference(library_image.image_id, library_image.alt, caption)

    def link(self, image: Element) -> Node:
        """An image that is not in the library: a link to where it was, or its alt text."""
        attrs = dict(image.attrs)
        src, alt = attrs.get("src", ""), attrs.get("alt", "")
        if not src:
            return alt
        self.external.append(src)
        return Element("a", [("href", src)], [alt or src.rsplit("/", 1)[-1] or src])


def _solid(nodes: list[Node]) -> list[Node]:
    """Children other than white space."""
    return [node for node in nodes if not (isinstance(node, str) and not node.strip())]


def _lone_image(node: Node) -> Element | None:
    """The <img> that is ``node``, or the only thing inside a link ``node``."""
    if isinstance(node, Element) and node.tag == "img":
        return node
    if isinstance(node, Element) and node.tag == "a":
        inside = _solid(node.children)
        if len(inside) == 1 and isinstance(inside[0], Element) and inside[0].tag == "img":
            return inside[0]
    return None


def _figure(node: Element, images: _Images) -> Reference | None:
    """A <figure> of one image (maybe linked) and maybe a caption, as one reference."""
    inside = _solid(node.children)
    image = _lone_image(inside[0]) if inside else None
    rest = inside[1:]
    if image is None or len(rest) > 1:
        return None
    if rest and not (isinstance(rest[0], Element) and rest[0].tag == "figcaption"):
        return None
    caption = html_to_text(inner_html(rest[0].children)) if rest else ""
    return images.reference(image, caption)


def _gallery_items(node: Element) -> list[Element]:
    """The figures (or bare images) of a gallery: children, or items of a list inside it."""
    items: list[Element] = []
    for child in _solid(node.children):
        if not isinstance(child, Element) or child.tag == "figcaption":
            continue
        if child.tag in ("ul", "ol"):
            for item in _solid(child.children):
                inside = _solid(item.children) if isinstance(item, Element) else []
                items += [part for part in inside if isinstance(part, Element)]
        else:
            items.append(child)
    return items


def _gallery(node: Element, images: _Images) -> list[Node] | None:
    """A <figure> of two or more pictured figures (a WordPress gallery) as one Gallery.

    Its own caption follows as a paragraph; None when it is not a gallery of library images.
    """
    items = _gallery_items(node)
    if len(items) < 2:
        return None
    references = []
    for item in items:
        if item.tag == "figure":
            found = _figure(item, images)
        else:
            lone = _lone_image(item)
            found = images.reference(lone) if lone else None
        if found is None:
            return None
        references.append(found)
    out: list[Node] = [Gallery(tuple(references))]
    captions = [c for c in node.children if isinstance(c, Element) and c.tag == "figcaption"]
    if captions and _has_content(captions[0].children):
        out.append(Element("p", [], captions[0].children))
    return out


def _resolved(nodes: list[Node], images: _Images, literal: bool = False) -> list[Node]:
    """Library images become references; others become links (inside <pre>: links only)."""
    out: list[Node] = []
    for node in nodes:
        if not isinstance(node, Element):
            out.append(node)
            continue
        if node.tag == "figure" and not literal and (gallery := _gallery(node, images)):
            out += gallery
        elif node.tag == "figure" and not literal and (found := _figure(node, images)):
            out.append(found)
        elif image := _lone_image(node):
            found = None if literal else images.reference(image)
            out.append(found or images.link(image))
        else:
            inner = literal or node.tag in NO_REFERENCES
            out.append(replace(node, children=_resolved(node.children, images, inner)))
    return out


def _has_content(nodes: list[Node]) -> bool:
    for node in nodes:
        if isinstance(node, str) and node.strip():
            return True
        if isinstance(node, Placed):
            return True
        if isinstance(node, Element) and (node.tag in VISIBLE_VOID or _has_content(node.children)):
            return True
    return False


def _hoisted(node: Element, container: bool = False) -> list[Node]:
    """``node`` with the references inside it lifted to where they may stand alone."""
    children: list[Node] = []
    for child in node.children:
        if isinstance(child, Element):
            children += _hoisted(child, container=child.tag in CONTAINERS)
        else:
            children.append(child)
    if not any(isinstance(child, Placed) for child in children):
        return [replace(node, children=children)]
    if container:
        return [replace(node, children=_paragraphs(children))]
    pieces: list[Node] = []
    run: list[Node] = []
    for child in [*children, None]:
        if child is None or isinstance(child, Placed):
            run = _trimmed(run)
            if _has_content(run):
                pieces.append(replace(node, children=run))
            if child is not None:
                pieces.append(child)
            run = []
        else:
            run.append(child)
    return pieces


def _is_gap(node: Node) -> bool:
    return (isinstance(node, str) and not node.strip()) or (
        isinstance(node, Element) and node.tag == "br"
    )


def _trimmed(run: list[Node]) -> list[Node]:
    """A piece of a split element without the line breaks and spaces at its ends."""
    start, end = 0, len(run)
    while start < end and _is_gap(run[start]):
        start += 1
    while end > start and _is_gap(run[end - 1]):
        end -= 1
    trimmed = run[start:end]
    if trimmed and isinstance(trimmed[0], str):
        trimmed[0] = trimmed[0].lstrip()
    if trimmed and isinstance(trimmed[-1], str):
        trimmed[-1] = trimmed[-1].rstrip()
    return trimmed


def _paragraphs(children: list[Node]) -> list[Node]:
    """Inside a container holding a reference: loose text and inline elements in <p>s."""
    out: list[Node] = []
    run: list[Node] = []
    for child in [*children, None]:
        inline = isinstance(child, str) or (isinstance(child, Element) and child.tag not in BLOCKS)
        if inline:
            run.append(child)  # type: ignore[arg-type]
            continue
        if _has_content(run := _trimmed(run)):
            out.append(Element("p", [], run))
        run = []
        if child is not None:
            out.append(child)
    return out
