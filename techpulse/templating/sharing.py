"""Share links for an article: plain URLs to each network, no scripts from anyone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from flask import current_app
from jinja2 import Environment
from markupsafe import Markup, escape


@dataclass(frozen=True)
class ShareLink:
    """One share target: its machine name, its accessible label and its URL."""

    network: str
    label: str
    href: str


def _q(value: str) -> str:
    return quote(value, safe="")


def share_links(url: str, title: str, image_url: str | None = None) -> list[ShareLink]:
    """The share targets for an article at absolute ``url``, every parameter percent-encoded.

    The URL and title are encoded once and reused (as ``urlencode`` would encode each).
    """
    u, t = _q(url), _q(title)
    pinterest = f"url={u}&description={t}" + (f"&media={_q(image_url)}" if image_url else "")
    return [
        ShareLink(
            "facebook", "Share on Facebook", f"https://www.facebook.com/sharer/sharer.php?u={u}"
        ),
        ShareLink("whatsapp", "Share on WhatsApp", f"https://wa.me/?text={t}%20{u}"),
        ShareLink(
            "linkedin",
            "Share on LinkedIn",
            f"https://www.linkedin.com/sharing/share-offsite/?url={u}",
        ),
        ShareLink(
            "pinterest",
            "Pin on Pinterest",
            f"https://www.pinterest.com/pin/create/button/?{pinterest}",
        ),
        ShareLink("x", "Share on X", f"https://x.com/intent/post?url={u}&text={t}"),
        ShareLink("email", "Share by e-mail", f"mailto:?subject={t}&body={u}"),
    ]


# Stand-ins for a story's URL, title and picture: no URL, title or picture contains a NUL
# (refused at the door), and each appears percent-encoded (in the share links) or escaped.
_STAND_INS = ("\x00url\x00", "\x00title\x00", "\x00image\x00")
_STAND_IN = re.compile("|".join(re.escape(f) for s in _STAND_INS for f in (_q(s), s)))


def share_widget(url: str, title: str, image_url: str | None = None) -> Markup:
    """The share widget (the ``share_widget`` macro of _macros/share.html) for one story.

    Only the URL, title and picture differ between stories: the macro is drawn once per
    worker with stand-ins for them, which each page replaces (percent-encoded and escaped
    as the macro would). In debug mode the macro is drawn each time, so edits show at once.
    """
    environment = current_app.jinja_env
    if current_app.debug:
        return _draw(environment, url, title, image_url)
    values = {}
    for stand_in, value in zip(_STAND_INS, (url, title, image_url or ""), strict=True):
        values[_q(stand_in)], values[stand_in] = _q(value), str(escape(value))
    # One pass, so that a value is never searched for another's stand-in.
    html = _STAND_IN.sub(
        lambda found: values[found[0]], _drawn_with_stand_ins(environment, bool(image_url))
    )
    return Markup(html)  # the macro's own escaping, and escaped values


def _draw(environment: Environment, url: str, title: str, image_url: str | None) -> Markup:
    macros = environment.get_template("_macros/share.html").module
    return Markup(macros.share_widget(url, title, image_url))  # Jinja escaped it


@lru_cache(maxsize=8)
def _drawn_with_stand_ins(environment: Environment, with_image: bool) -> str:
    url, title, image = _STAND_INS
    return str(_draw(environment, url, title, image if with_image else None))
