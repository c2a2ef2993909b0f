"""Readership counting in the serving path: page-cache hits and misses alike.

Flask labels each public page it renders ("story:12", in the WSGI environ, never in the
response). The outermost WSGI layer remembers the label by address; a page-cache hit is a
page this worker rendered before (each worker has its own cache), so its label is known
without Flask; a response Flask gave without a label (an error, a staff visit) is never
counted. For each counted page, that layer hands the hit to the recorder: a tuple appended
to a deque, nothing more, while the visitor waits. No cookie, no script, no HTML.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import islice
from time import time
from typing import Any

from flask import Flask, Response, g, request, template_rendered
from flask_login import current_user
from jinja2 import Template

from techpulse.services.stats import labels
from techpulse.services.stats.recorder import Recorder

LABEL = "techpulse.stats.label"
RENDERED = "techpulse.stats.rendered"  # Flask ran for this request (so no cache hit)
# What a hit keeps, in ``Hit``'s order after its time and label (read in one C-level pass).
SEEN = (
    "REMOTE_ADDR", "HTTP_X_FORWARDED_FOR", "HTTP_USER_AGENT", "HTTP_REFERER", "HTTP_HOST",
    "HTTP_DNT", "HTTP_SEC_GPC", "HTTP_SEC_PURPOSE", "HTTP_PURPOSE",
)  # fmt: skip
_MEMO_LIMIT = 20_000  # addresses; when full, the older half is forgotten


class Readership:
    """The outermost WSGI layer: counts labelled pages, rendered or from the page cache."""

    def __init__(self, app: Callable[..., Iterable[bytes]], recorder: Recorder) -> None:
        self.app = app
        self.record = recorder.record
        self.labels: dict[tuple[str, str], str] = {}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        body = self.app(environ, start_response)
        if environ.get("REQUEST_METHOD") != "GET":
            return body
        get = environ.get
        label = get(LABEL)
        if label is None:
            if RENDERED in environ:
                return body  # Flask answered something else: staff, an error, a form…
            # The page cache answered (200 or 304), most likely a page this worker rendered;
            # one rendered elsewhere is labelled from its address at the flush. (Inline, one
            # call less: this is the path of every cache hit.)
            address = (get("PATH_INFO"), get("QUERY_STRING"))
            label = self.labels.get(address) or labels.by_address(
                address[0] or "", address[1] or ""
            )
            self.record((time(), label, *map(get, SEEN)))
            return body
        self._remember(environ, label)  # Flask rendered a public page (a 200)
        seen = (time(), label, *map(get, SEEN))
        if original := get("werkzeug.proxy_fix.orig"):
            seen = (*seen[:2], original.get("REMOTE_ADDR"), *seen[3:])  # as before ProxyFix
        self.record(seen)
        return body

    def _remember(self, environ: dict[str, Any], label: str) -> None:
        address = (environ.get("PATH_INFO"), environ.get("QUERY_STRING"))
        if len(self.labels) >= _MEMO_LIMIT and address not in self.labels:
            for old in list(islice(self.labels, _MEMO_LIMIT // 2)):
                del self.labels[old]
        self.labels[address] = label


def _remember_template(sender: Flask, template: Template, context: dict[str, Any]) -> None:
    """Story and search pages name what they showed (the id, the number of results)."""
    if template.name == "blog/article.html" and "article" in context:
        g.stats_label = labels.story_label(context["article"].id)
    elif template.name == "blog/search.html" and context.get("query"):
        g.stats_label = labels.search_label(context["query"], bool(context["results"].total))


def _label_response(response: Response) -> Response:
    request.environ[RENDERED] = True
    if response.status_code != 200 or request.method != "GET":
        return response
    label = labels.label_for(request.endpoint, request.path) or g.get("stats_label")
    if label is None:
        return response
    # Staff are never counted. Only a request with a cookie can be a logged-in one, and such
    # a request always reaches Flask (the page cache skips it), so this check suffices.
    if request.cookies and current_user.is_authenticated:
        return response
    request.environ[LABEL] = label
    return response


def register(app: Flask) -> None:
    """Count public pages when STATS_ENABLED; the outermost layer around the whole app."""
    if not app.config.get("STATS_ENABLED"):
        return
    from techpulse.services.stats.setup import recorder_for

    recorder = recorder_for(app)
    app.after_request(_label_response)
    template_rendered.connect(_remember_template, app)
    app.wsgi_app = Readership(app.wsgi_app, recorder)  # type: ignore[method-assign]
