"""The site stylesheet inside each page's <head>, allowed by its hash in the CSP.

On a phone's first visit a linked stylesheet costs a round trip before anything paints, and
over HTTP/1.1 the banner then needs a connection of its own. So pages carry the rules they
use: a page and its headers must fit in the first ~14.6 KB a new connection sends (TCP's
first round trip), or the banner waits a round trip more. ``static/css/site.css`` marks which
rules each kind of page needs (``/* @sheets: story list */`` comments): stories and company
pages carry the "story" sheet, home and archives the "list" sheet, every other page the whole
file. The Content-Security-Policy allows each sheet by its hash (one policy for every page,
as nginx sends it with page files). ``INLINE_STYLESHEET`` turns this off (a linked site.css).
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from flask import current_app
from markupsafe import Markup

from techpulse.serving.static_files import load, minify_css

STYLESHEET = "css/site.css"
WHOLE = "site"  # the whole file: every page that is not a story, a company page or a list
SHEETS = (WHOLE, "story", "list")
_MARKER = re.compile(rb"/\*\s*@sheets:([^*]*)\*/")


def split_sheets(source: bytes) -> dict[str, bytes]:
    """Each sheet's rules, in the file's order: a ``@sheets:`` comment names the sheets that
    carry what follows it, up to the next one; the whole file is always the WHOLE sheet."""
    parts = _MARKER.split(source)
    chunks: dict[str, list[bytes]] = {name: [] for name in SHEETS[1:]}
    wanted: set[str] = set(chunks)  # before any marker: every sheet
    for index, part in enumerate(parts):
        if index % 2:
            wanted = set(part.decode().split()) - {WHOLE}
            if not wanted <= set(chunks):
                raise ValueError(f"unknown sheet in @sheets:{part.decode()} ({STYLESHEET})")
            continue
        if part.count(b"{") != part.count(b"}"):
            raise ValueError(f"a @sheets: comment splits a rule in {STYLESHEET}")
        for name in wanted:
            chunks[name].append(part)
    sheets = {WHOLE: minify_css(source)}
    sheets.update({name: minify_css(b"".join(parts)) for name, parts in chunks.items()})
    return sheets


def _path() -> Path:
    return Path(current_app.static_folder or "") / STYLESHEET


# Each sheet's element and every sheet's hash for one version of the file (a page miss
# needs both).
Made = tuple[dict[str, Markup], str]
_made: dict[tuple[str, int], Made] = {}
# Files do not change under a running site (as asset_url assumes): outside debug mode, the
# elements and hashes of each static folder, with no stat per page.
_settled: dict[str | None, Made] = {}


def _make(source: bytes) -> Made:
    elements: dict[str, Markup] = {}
    hashes = []
    for name, css in split_sheets(source).items():
        elements[name] = Markup(f"<style>{css.decode('utf-8')}</style>")  # our own file
        digest = base64.b64encode(hashlib.sha256(css).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    return elements, " ".join(hashes)


def _elements_and_hashes() -> Made:
    folder = current_app.static_folder
    if not current_app.debug and (settled := _settled.get(folder)) is not None:
        return settled
    path = _path()
    static = load(path)  # a stat: a changed file is read again
    key = (str(path), static.mtime_ns)
    made = _made.get(key)
    if made is None:
        made = _make(path.read_bytes())
        _made.clear()
        _made[key] = made
    _settled[folder] = made
    return made


def inline_stylesheet(sheet: str = WHOLE) -> Markup:
    """The rules a kind of page uses (a name in SHEETS) as a <style> element (no user text)."""
    return _elements_and_hashes()[0][sheet]


def style_hash() -> str:
    """The CSP sources that allow exactly those <style> elements, one per sheet."""
    return _elements_and_hashes()[1]


def enabled() -> bool:
    """Whether pages carry the stylesheet inline (INLINE_STYLESHEET, on by default)."""
    return bool(current_app.config.get("INLINE_STYLESHEET", True))
