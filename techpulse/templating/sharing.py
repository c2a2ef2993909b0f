"""Share links for an article: plain URLs to each network, no scripts from anyone."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode


@dataclass(frozen=True)
class ShareLink:
    """One share target: its machine name, its accessible label and its URL."""

    network: str
    label: str
    href: str


def _query(**params: str) -> str:
    return urlencode(params, quote_via=quote)


def share_links(url: str, title: str, image_url: str | None = None) -> list[ShareLink]:
    """The share targets for an article at absolute ``url``, every parameter percent-encoded."""
    text = f"{title} {url}"
    pinterest = {"url": url, "description": title}
    if image_url:
        pinterest["media"] = image_url
    return [
        ShareLink(
            "facebook",
            "Share on Facebook",
            "https://www.facebook.com/sharer/sharer.php?" + _query(u=url),
        ),
        ShareLink("whatsapp", "Share on WhatsApp", "https://wa.me/?" + _query(text=text)),
        ShareLink(
            "linkedin",
            "Share on LinkedIn",
            "https://www.linkedin.com/sharing/share-offsite/?" + _query(url=url),
        ),
        ShareLink(
            "pinterest",
            "Pin on Pinterest",
            "https://www.pinterest.com/pin/create/button/?" + _query(**pinterest),
        ),
        ShareLink("x", "Share on X", "https://x.com/intent/post?" + _query(url=url, text=title)),
        ShareLink("email", "Share by e-mail", "mailto:?" + _query(subject=title, body=url)),
    ]
