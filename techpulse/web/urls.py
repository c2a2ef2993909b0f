"""Absolute URLs: on SITE_URL when configured, else on the request's (trusted) host."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for


def site_root() -> str:
    """The site's base URL without a trailing slash.

    The request's host is only used when SITE_URL is unset, and only after Flask checked it
    against TRUSTED_HOSTS (an unknown Host header is refused with 400 before any view runs).
    """
    return (current_app.config.get("SITE_URL") or request.url_root).rstrip("/")


def site_host() -> str:
    """The host name of the site's base URL (for tag: URIs)."""
    return urlsplit(site_root()).hostname or "localhost"


def absolute_url(path_or_url: str) -> str:
    """Make a site path absolute, on SITE_URL when configured, else on this request's host."""
    if path_or_url.startswith(("http://", "https://")):
        return path_or_url
    return site_root() + "/" + path_or_url.lstrip("/")


def external_url(endpoint: str, **values: Any) -> str:
    """``url_for`` made absolute the same way as :func:`absolute_url`."""
    return absolute_url(path_for(endpoint, **values))


def link_anywhere(endpoint: str, **values: Any) -> str:
    """:func:`external_url` in a request; from a command or a thread, on SITE_URL ("" unset)."""
    if has_request_context():
        return external_url(endpoint, **values)
    site = current_app.config.get("SITE_URL") or ""
    if not site:
        return ""
    with current_app.test_request_context(base_url=site):
        return url_for(endpoint, _external=True, **values)


def canonical_page_url(page: int = 1) -> str:
    """The canonical URL of this list page: the route's own URL, plus ``?page=N`` after page 1.

    Other query arguments are left out, so every variant of a page names one canonical.
    """
    values: dict[str, Any] = dict(request.view_args or {})
    if page > 1:
        values["page"] = page
    return external_url(request.endpoint or "blog.home", **values)


def path_for(endpoint: str, **values: Any) -> str:
    """``url_for`` for a path on this site, built once per worker for each endpoint and values.

    A relative URL depends on nothing else but the script root, and pages build the same
    ones over and over (a card's story, its section, each image size). Relative endpoints
    (".name"), url_for's options (``_external``…) and values that are not plain strings or
    numbers go to ``url_for`` every time. (An app that adds ``url_defaults`` must not use
    this: they would be applied once, not per request.)
    """
    if (
        not has_request_context()
        or endpoint.startswith(".")
        or any(
            key.startswith("_") or type(value) not in (str, int) for key, value in values.items()
        )
    ):
        return url_for(endpoint, **values)
    return _path_for(request.script_root, endpoint, tuple(values.items()))


@lru_cache(maxsize=16_384)
def _path_for(script_root: str, endpoint: str, values: tuple[tuple[str, Any], ...]) -> str:
    return url_for(endpoint, **dict(values))
