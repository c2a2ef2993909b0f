"""A server worker serving public pages loads none of the staff-only libraries.

Markdown is rendered when a story is saved, images are processed when uploaded, Alembic runs
only for ``flask db``, pyotp and segno only for two-factor logins and the QR code, and the
WordPress importer (with defusedxml) only as a command. Each would cost every worker memory
(Alembic alone 11 MB), so serving the public site must never import them again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from techpulse.extensions import db

STAFF_ONLY = (
    "alembic",
    "flask_migrate",
    "mako",
    "markdown_it",
    "nh3",
    "PIL",
    "pyotp",
    "segno",
    "defusedxml",
    "techpulse.services.media.imaging",
    "techpulse.services.wordpress.importer",
    "techpulse.services.wordpress.wxr",
)

# Runs in a fresh interpreter that has imported granian first, as a granian worker has.
WORKER = """
import json, sys
import granian  # noqa: F401
from techpulse import create_app

app = create_app()
client = app.test_client()
statuses = {path: client.get(path, base_url="https://localhost").status_code
            for path in json.loads(sys.argv[1])}
heavy = sorted({name for name in sys.modules for lib in json.loads(sys.argv[2])
                if name == lib or name.startswith(lib + ".")})
print(json.dumps({"statuses": statuses, "loaded": heavy}))
"""


def test_serving_every_public_page_loads_no_staff_only_library(app, client, make):
    banner, category, author = make.image(), make.category("Hardware"), make.user("Asha Rao")
    story = dict(category=category, author=author)
    article = make.article("Memory matters", tags=("Gadgets",), banner=banner, **story)
    plain = make.article("A story without a banner", **story)
    make.page("about", "About us", "We write about **technology**.")
    # Its first visitor draws the site card (with Pillow), once per site name: done here.
    client.get(f"/articles/{plain.slug}")
    db.session.commit()
    paths = [
        "/",
        f"/articles/{article.slug}",
        f"/articles/{plain.slug}",
        f"/category/{category.slug}",
        "/tag/gadgets",
        f"/author/{author.slug}",
        "/about",
        "/feed.xml",
        "/rss.xml",
        "/sitemap.xml",
        "/search?q=memory",
        f"/media/{banner.variants[0]['file']}",
        "/contact",
        "/healthz",
        "/readyz",
    ]
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TECHPULSE_")},
        "TECHPULSE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "TECHPULSE_INSTANCE_PATH": app.instance_path,
        "TECHPULSE_UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"],
        "TECHPULSE_SECRET_KEY": "worker-footprint-" + "9f3c2a7b1e5d8c4a6b0f" * 2,
        "TECHPULSE_SITE_URL": "https://localhost",
    }
    done = subprocess.run(
        [sys.executable, "-c", WORKER, json.dumps(paths), json.dumps(STAFF_ONLY)],
        cwd=Path(__file__).resolve().parent.parent,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    answered = {path: status for path, status in result["statuses"].items() if status != 200}
    assert answered == {"/readyz": 503}  # the test schema is not stamped: "not migrated"
    assert result["loaded"] == []
