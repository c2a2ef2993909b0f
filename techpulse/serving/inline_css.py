"""The site stylesheet inside each page's <head>, allowed by its hash in the CSP.

On a phone's first visit a linked stylesheet costs a round trip before anything paints, and
over HTTP/1.1 the banner then needs a connection of its own. Minified, the stylesheet and
a page still fit in the first ~14 KB a new connection sends (TCP's first round trip), so the
banner follows on the page's own connection. ``INLINE_STYLESHEET`` turns this off.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from flask import current_app
from markupsafe import Markup

from techpulse.serving.static_files import load

STYLESHEET = "css/site.css"


def _path() -> Path:
    return Path(current_app.static_folder or "") / STYLESHEET


# The element and its hash for one version of the file (a page miss needs both).
_made: dict[tuple[str, int], tuple[Markup, str]] = {}
# Files do not change under a running site (as asset_url assumes): outside debug mode, the
# element and hash of each static folder, with no stat per page.
_settled: dict[str | None, tuple[Markup, str]] = {}


def _element_and_hash() -> tuple[Markup, str]:
    folder = current_app.static_folder
    if not current_app.debug and (settled := _settled.get(folder)) is not None:
        return settled
    path = _path()
    static = load(path)  # a stat: a changed file is read again
    key = (str(path), static.mtime_ns)
    made = _made.get(key)
    if made is None:
        css = static.identity.decode("utf-8")
        digest = hashlib.sha256(static.identity).digest()
        made = (
            Markup(f"<style>{css}</style>"),  # our own file, never visitor text
            f"'sha256-{base64.b64encode(digest).decode()}'",
        )
        _made.clear()
        _made[key] = made
    _settled[folder] = made
    return made


def inline_stylesheet() -> Markup:
    """The minified site stylesheet as a <style> element (our own file: no user text)."""
    return _element_and_hash()[0]


def style_hash() -> str:
    """The CSP source that allows exactly that <style> element."""
    return _element_and_hash()[1]


def enabled() -> bool:
    """Whether pages carry the stylesheet inline (INLINE_STYLESHEET, on by default)."""
    return bool(current_app.config.get("INLINE_STYLESHEET", True))
