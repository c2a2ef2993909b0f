"""The site card: a 1200×630 picture that link previews show for stories without a banner.

It is drawn once per site name and tagline (the first time a page needs it) into the upload
folder under a name that changes with them, so it is served and cached like any upload and
no request after the first draws anything.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from pathlib import Path

from flask import url_for

from techpulse.models import SiteSettings
from techpulse.services.media.library import upload_folder
from techpulse.services.site import site_settings
from techpulse.serving.fragments import shared

SIZE = (1200, 630)
DESIGN = "1"  # bump when the drawing changes, so cached cards are replaced
PREFIX = "site-card-"
# One drawing at a time in a worker: each takes about 10 MB that the process keeps, so the
# first visitors after a tagline change, arriving together, must not each draw the card.
_DRAWING = threading.Lock()


def card_text(settings: SiteSettings) -> tuple[str, str]:
    """(headline, label) for the card: the tagline (or site name) under the company name."""
    return (settings.tagline or settings.site_name, settings.company_name or settings.site_name)


def card_filename(settings: SiteSettings) -> str:
    """The card's file name, which changes whenever its text or design does."""
    key = "\n".join((DESIGN, *card_text(settings)))
    return f"{PREFIX}{hashlib.sha256(key.encode('utf-8')).hexdigest()[:16]}.png"


def ensure_site_card(settings: SiteSettings) -> Path:
    """The card's file, drawing it (and removing older cards) when it does not exist yet."""
    folder = upload_folder()
    path = folder / card_filename(settings)
    if path.exists():
        return path
    with _DRAWING:
        if not path.exists():  # another thread may have drawn it while this one waited
            _draw(settings, folder, path)
    return path


def card_png(headline: str, label: str, seed: str) -> bytes:
    """The card drawn as PNG bytes (~0.1 s of Pillow work)."""
    # Imported here: Pillow is needed once per site name, not by every worker that serves pages.
    from techpulse.services.media.drawing import draw_card

    return draw_card(headline, label, size=SIZE, seed=seed)


def _draw(settings: SiteSettings, folder: Path, path: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    data = card_png(*card_text(settings), seed=settings.site_name)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".site-card-", suffix=".png")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, path)  # readers never see a half-written file
    for old in folder.glob(f"{PREFIX}*.png"):
        if old != path:
            old.unlink(missing_ok=True)


def site_card_url() -> str:
    """URL of the current site card (drawn on first use; looked up once per page-cache
    generation by the pages that share parts: it changes only with the site's settings)."""
    return shared("site-card-url", _site_card_url)


def _site_card_url() -> str:
    path = ensure_site_card(site_settings())
    return url_for("media.file", filename=path.name)
