"""Old addresses of a previous site: a 404 that was once a page answers with a 301.

In order, each only when the one before found nothing: an old address recorded at import
(one primary-key lookup), our own address with a trailing slash (the URL map, no SQL), then
the WordPress resolver (a few indexed lookups). The public pages' fast path never gets here.
"""

from __future__ import annotations

from flask import Flask, current_app, redirect, request, url_for
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import RequestRedirect
from werkzeug.wrappers import Response

from techpulse.services import legacy_urls
from techpulse.services.wordpress import permalinks
from techpulse.web import errors


def register(app: Flask) -> None:
    """Consult the old addresses before showing the 404 page."""
    app.register_error_handler(NotFound, not_found)


def not_found(error: NotFound) -> Response | tuple[str, int, dict[str, str]]:
    """Redirect once (301) to where an old address now lives, else the normal 404 page."""
    if request.method in ("GET", "HEAD"):
        target = old_address_target(request.path)
        if target and is_local(target) and target != request.full_path.rstrip("?"):
            return redirect(target, 301)
    return errors.render_error(error)


def old_address_target(path: str) -> str | None:
    """Where a path that is not (or no longer) one of our pages now lives, or None."""
    target = legacy_urls.target_for_path(path)
    if target is not None or request.url_rule is not None:
        return target  # one of our own addresses that has nothing: a real 404 (or page 99)
    if path.endswith("/") and path != "/":
        target = without_trailing_slash(path)
    return target or permalinks.target_for_path(path)


def without_trailing_slash(path: str) -> str | None:
    """Our canonical address (with the query) when ``path`` is one of ours plus a slash."""
    adapter = current_app.url_map.bind("localhost")  # matching only: no host in the answer
    try:
        endpoint, values = adapter.match(path.rstrip("/"), method="GET")
    except (HTTPException, RequestRedirect):
        return None
    target = url_for(endpoint, **values)
    query = request.query_string.decode("latin-1")
    return f"{target}?{query}" if query else target


def is_local(target: str) -> bool:
    """Whether a redirect target stays on this site (a path, never ``//host`` or ``/\\host``)."""
    return target.startswith("/") and not target.startswith(("//", "/\\"))
