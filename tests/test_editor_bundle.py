"""The visual editor's bundle: committed with its licences, within budget, on staff editors only."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from techpulse.models import Role

VENDOR = Path(__file__).resolve().parent.parent / "static" / "js" / "vendor"
BUDGET = 150 * 1024  # bytes, gzipped
# Every script a page fetches: by src, or by data-src once loaded (techpulse/serving/inline_js.py).
SCRIPTS = re.compile(r'<script (?:data-)?src="([^"?]+)')


def test_the_bundle_is_committed_within_budget_with_every_licence_beside_it():
    bundle = (VENDOR / "visual-editor.min.js").read_bytes()
    assert len(gzip.compress(bundle, 9)) <= BUDGET
    licences = (VENDOR / "visual-editor.LICENSES.txt").read_text(encoding="utf-8")
    for package in ("prosemirror-view", "prosemirror-markdown", "markdown-it"):
        assert f"\n{package} " in licences and "MIT" in licences


def test_only_the_staff_editors_load_it_and_public_pages_keep_share_js_alone(staff, make):
    staff.login(Role.EDITOR)
    article = make.article("Chips get faster")
    about = make.page("about", "About us", "We build software.")
    editor = ["/static/js/editor.js", "/static/js/vendor/visual-editor.min.js"]
    for path in ("/admin/articles/new", f"/admin/articles/{article.id}/edit"):
        scripts = SCRIPTS.findall(staff.client.get(path).get_data(as_text=True))
        assert scripts == ["/static/js/uploads.js", *editor], path  # banner uploads too
    for path in (f"/admin/pages/{about.id}/edit", "/admin/pages/new"):
        assert SCRIPTS.findall(staff.client.get(path).get_data(as_text=True)) == editor, path
    visitor = staff.client.application.test_client()
    for path in ("/", f"/articles/{article.slug}", "/about", "/search?q=chips"):
        scripts = SCRIPTS.findall(visitor.get(path).get_data(as_text=True))
        assert set(scripts) <= {"/static/js/share.js"}, path
    assert SCRIPTS.findall(visitor.get(f"/articles/{article.slug}").get_data(as_text=True)) == [
        "/static/js/share.js"
    ]
    assert SCRIPTS.findall(staff.client.get("/admin/").get_data(as_text=True)) == []
