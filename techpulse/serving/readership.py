"""Readership counting in the serving path: page-cache hits and misses alike.

Flask labels each public page it renders (``X-TechPulse-Stats: story:12``); the label is
kept with the cached page, so a cache hit carries it too. The outermost WSGI layer removes
the label before the response leaves, and hands the hit to the recorder: an append, nothing
more, while the visitor waits. No cookie, no script, nothing in the HTML.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, g, request, template_rendered
from flask_login import current_user
from jinja2 import Template

from techpulse.services.stats import labels
from techpulse.services.stats.recorder import Recorder
from techpulse.services.stats.tally import Hit

HEADER = "X-TechPulse-Stats"
_MEMO_LIMIT = 5_000


class Readership:
    """The outermost WSGI layer: sees every response with its status and label."""

    def __init__(self, app: Callable[..., Iterable[bytes]], recorder: Recorder) -> None:
        self.app = app
        self.recorder = recorder
        self.labels: dict[str, str] = {}  # address → label, for 304 answers (no label kept)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("REQUEST_METHOD") != "GET":
            return self.app(environ, start_response)
        get = environ.get
        seen = (
            get("REMOTE_ADDR", ""),
            get("HTTP_X_FORWARDED_FOR", ""),
            get("HTTP_USER_AGENT", ""),
            get("HTTP_REFERER", ""),
            get("HTTP_HOST", ""),
            get("HTTP_DNT", ""),
            get("HTTP_SEC_GPC", ""),
            get("HTTP_SEC_PURPOSE", ""),
            get("HTTP_PURPOSE", "") or get("HTTP_X_MOZ", ""),
        )
        address = get("PATH_INFO", "") + "?" + get("QUERY_STRING", "")

        def labelled(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            label = None
            for index, (name, value) in enumerate(headers):
                if name == HEADER:
                    label = value
                    del headers[index]
                    break
            code = status[:3]
            if label is not None and code == "200":
                if len(self.labels) >= _MEMO_LIMIT:
                    self.labels.clear()
                self.labels[address] = label
                self.recorder.record(Hit(time.time(), label, *seen))
            elif code == "304" and (label := label or self.labels.get(address)):
                self.recorder.record(Hit(time.time(), label, *seen))
            return start_response(status, headers, exc_info)

        return self.app(environ, labelled)


def _remember_template(sender: Flask, template: Template, context: dict[str, Any]) -> None:
    """Story and search pages name what they showed (the id, the number of results)."""
    if template.name == "blog/article.html" and "article" in context:
        g.stats_label = labels.story_label(context["article"].id)
    elif template.name == "blog/search.html" and context.get("query"):
        g.stats_label = labels.search_label(context["query"], bool(context["results"].total))


def _label_response(response: Response) -> Response:
    if response.status_code != 200 or request.method != "GET":
        return response
    label = labels.label_for(request.endpoint, request.path) or g.get("stats_label")
    if label is None:
        return response
    # Staff are never counted. Only a request with a cookie can be a logged-in one, and such
    # a request always reaches Flask (the page cache skips it), so this check suffices.
    if request.cookies and current_user.is_authenticated:
        return response
    response.headers[HEADER] = label
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
