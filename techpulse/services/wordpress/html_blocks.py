"""A small HTML tree for imported bodies: parsed from sanitized HTML, written back as Markdown.

The Markdown is raw HTML blocks (no blank line inside one, so Markdown leaves them as they
are) with library image references between them, each on a line of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

from techpulse.markup.markdown import story_image_reference

VOID = frozenset({"img", "br", "hr", "source", "wbr", "col"})
_PRE = re.compile(r"<pre\b.*?</pre>", re.IGNORECASE | re.DOTALL)
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")


@dataclass
class Element:
    """An HTML element and what is inside it."""

    tag: str
    attrs: list[tuple[str, str]] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)


@dataclass(frozen=True)
class Reference:
    """A library image placed the editor's way: ``![alt](image:ID "caption")``."""

    image_id: int
    alt: str
    caption: str = ""


@dataclass(frozen=True)
class Gallery:
    """Library images side by side: their references on consecutive lines (one paragraph)."""

    images: tuple[Reference, ...]


Placed = (Reference, Gallery)  # what stands on lines of its own in the Markdown
Node = Element | Reference | Gallery | str


class _TreeBuilder(HTMLParser):
    """Sanitized HTML into a tree; a stray end tag closes up to its element or is ignored."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, [(name, value or "") for name, value in attrs])
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, [(n, v or "") for n, v in attrs]))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(html: str) -> Element:
    """The tree of an HTML fragment, under a nameless root element."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def inner_html(nodes: list[Node]) -> str:
    """Nodes written back as HTML (references as their Markdown)."""
    return "".join(_chunks(nodes))


def markdown_blocks(nodes: list[Node]) -> str:
    """The nodes as Markdown: each run of HTML one HTML block, each reference on its line.

    Every HTML block must start with a block-level tag (the caller sees to that), or
    Markdown would read it as a paragraph.
    """
    chunks = _chunks(nodes)  # HTML at even places, references at odd ones
    blocks = [_one_html_block(chunk) if n % 2 == 0 else chunk for n, chunk in enumerate(chunks)]
    return "\n\n".join(block for block in blocks if block)


def _chunks(nodes: list[Node]) -> list[str]:
    """HTML, reference, HTML, reference… HTML: the nodes written out in order."""
    chunks = [""]
    for node in nodes:
        if isinstance(node, str):
            chunks[-1] += escape(node, quote=False)
        elif isinstance(node, Reference):
            reference = story_image_reference(node.image_id, node.alt, node.caption)
            chunks += [reference, ""]
        elif isinstance(node, Gallery):
            lines = [story_image_reference(i.image_id, i.alt, i.caption) for i in node.images]
            chunks += ["\n".join(lines), ""]
        else:
            attrs = "".join(f' {name}="{escape(value)}"' for name, value in node.attrs)
            chunks[-1] += f"<{node.tag}{attrs}>"
            if node.tag in VOID:
                continue
            inner = _chunks(node.children)
            chunks[-1] += inner[0]
            chunks += inner[1:]
            chunks[-1] += f"</{node.tag}>"
    return chunks


def _one_html_block(html: str) -> str:
    """No blank lines, so Markdown keeps it all as one HTML block (<pre> stays one line)."""
    html = _PRE.sub(lambda found: found.group(0).replace("\n", "&#10;"), html)
    return _BLANK_LINES.sub("\n", html).strip()
