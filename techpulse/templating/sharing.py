"""Share links for an article: plain URLs to each network, no scripts from anyone."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote


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
