"""Public pages written as files for nginx (techpulse/serving/page_files.py, PAGE_FILES_DIR).

Through the Flask test client: which requests write a file, where, and the ``current`` link.
tests/test_production_server.py checks what nginx then does with them.
"""

from __future__ import annotations

import gzip
import logging
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import EnvironBuilder

from techpulse import PROJECT_ROOT
from techpulse.extensions import db
from techpulse.serving.invalidation import EXTENSION
from techpulse.serving.nginx_headers import headers_stamp
from techpulse.serving.page_files import PageFiles

HOST = "techpulse.example"
STAMP = "test-headers"  # the headers' name of the PageFiles made by hand here


def site_pages(folder: Path) -> Path:
    """Where nginx, given this release's header snippet, looks for pages."""
    return folder / "current" / headers_stamp()


@pytest.fixture
def folder(app_config: dict[str, Any], tmp_path: Path) -> Path:
    """Page files on, for the site https://techpulse.example."""
    app_config["PAGE_FILES_DIR"] = str(tmp_path / "page-files")
    app_config["SITE_URL"] = f"https://{HOST}"
    app_config["TRUSTED_HOSTS"] = [HOST, "other.example", "localhost"]
    return tmp_path / "page-files"


@pytest.fixture
def story(make: Any) -> Any:
    make.settings()
    return make.article("Written to disk", body="A story. " * 200)


def visit(client: Any, path: str, host: str = HOST, **headers: str) -> Any:
    return client.get(path, base_url=f"https://{host}", headers=headers)


def generation(app: Any) -> str:
    return app.extensions[EXTENSION].generation.current()


def written(folder: Path) -> list[str]:
    """Every page file under the current generation, relative to its folder."""
    current = site_pages(folder)
    files = [p for p in current.rglob("*") if p.is_file() and not p.name.startswith(".")]
    return sorted(str(p.relative_to(current)) for p in files)


def test_an_anonymous_page_is_written_with_its_gzip_under_the_current_generation(
    folder, app, client, story
):
    url = f"/articles/{story.slug}"
    page = visit(client, url)
    assert page.status_code == 200
    assert os.readlink(folder / "current") == generation(app)
    file = site_pages(folder) / HOST / "articles" / story.slug / "index.html"
    assert file.read_bytes() == page.data  # what the app sends, byte for byte
    assert gzip.decompress(file.with_name("index.html.gz").read_bytes()) == page.data
    assert file.stat().st_mode & 0o777 == 0o644  # nginx's workers may read it
    visit(client, "/")
    assert (site_pages(folder) / HOST / "index.html").read_bytes() == visit(client, "/").data
    left = [p for p in folder.rglob(".*") if not p.name.startswith(".expires-")]
    assert not left  # no temporary file left behind


def test_only_anonymous_get_on_the_site_host_without_a_query_writes(folder, app, client, story):
    url = f"/articles/{story.slug}"
    assert visit(client, url + "?utm_source=x").status_code == 200  # a query string
    assert visit(client, url, host="other.example").status_code == 200  # another Host
    forged = {"X-Forwarded-Host": "other.example"}
    assert visit(client, url, **forged).status_code == 200
    assert client.head(url, base_url=f"https://{HOST}").status_code == 200
    assert visit(client, "/feed.xml").status_code == 200  # not HTML: nginx would say text/html
    for name in ("SESSION_COOKIE_NAME", "REMEMBER_COOKIE_NAME"):  # a staff member
        client.set_cookie(app.config[name], "staff", domain=HOST)
        assert visit(client, url).status_code == 200
        client.delete_cookie(app.config[name], domain=HOST)
    assert not (folder / "current").exists() or written(folder) == []
    visit(client, url)  # and the same page, anonymous: written
    assert written(folder) == [f"{HOST}{url}/index.html", f"{HOST}{url}/index.html.gz"]


@pytest.mark.parametrize(
    "path",
    [
        "/articles/..",
        "/articles/.hidden",
        "/articles/a%2F..%2F..",
        "/articles/" + "a" * 250,
        "/articles/caf%C3%A9",
        "/articles/x/",
        "/articles/index.html",
    ],
)
def test_unsafe_paths_are_never_written(folder, app, client, path, story):
    visit(client, path)  # whatever the app answers (404 mostly), nothing is written
    assert not (folder / "current").exists() or written(folder) == []
    environ = EnvironBuilder(path=path, base_url=f"https://{HOST}").get_environ()
    assert app.extensions[EXTENSION].page_files.path_of(environ) is None
    fine = EnvironBuilder(path="/articles/fine-slug_2.x~y", base_url=f"https://{HOST}")
    assert app.extensions[EXTENSION].page_files.path_of(fine.get_environ()) is not None


def test_a_write_moves_current_to_a_new_folder_and_removes_the_old_one(folder, app, client, story):
    url = f"/articles/{story.slug}"
    visit(client, url)
    before = generation(app)
    assert (
        folder / before / headers_stamp() / HOST / "articles" / story.slug / "index.html"
    ).exists()
    story.title = "Edited on disk"
    db.session.commit()  # a public write: a new generation
    after = generation(app)
    assert after != before and os.readlink(folder / "current") == after
    assert b"Edited on disk" in visit(client, url).data
    file = site_pages(folder) / HOST / "articles" / story.slug / "index.html"
    assert b"Edited on disk" in file.read_bytes()
    for _ in range(100):  # removed in the background
        if not (folder / before).exists():
            break
        time.sleep(0.02)
    assert not (folder / before).exists()


def test_a_page_of_an_old_generation_is_not_written(app, folder, story):
    calls = iter(["new"])
    files = PageFiles(folder, HOST, lambda: next(calls), lambda: None, headers=lambda: STAMP)

    class Entry:
        generation = "old"
        identity_headers = (("Content-Type", "text/html; charset=utf-8"),)
        identity, gzipped = b"<p>old</p>", None

    assert not files.store({"HTTP_HOST": HOST, "PATH_INFO": "/"}, Entry())
    assert not folder.exists()


def test_a_flip_back_to_an_older_generation_is_corrected(tmp_path):
    # Two processes saw two writes: the one that saw the older flips last; it looks again.
    folder = tmp_path / "pages"
    seen = iter(["g3", "g3"])
    files = PageFiles(folder, HOST, lambda: next(seen), lambda: None, headers=lambda: STAMP)
    (folder / "g1").mkdir(parents=True)
    files.follow("g2")
    assert os.readlink(folder / "current") == "g3"


def test_a_disk_error_never_fails_the_request_and_is_logged_once(
    folder, app, client, story, caplog
):
    shutil.rmtree(folder, ignore_errors=True)  # (made by the story's write)
    folder.write_text("not a folder")  # every write fails
    with caplog.at_level(logging.ERROR, logger="techpulse.serving.page_files"):
        assert visit(client, f"/articles/{story.slug}").status_code == 200
        assert visit(client, "/").status_code == 200
        story.title = "Still served"
        db.session.commit()
        assert b"Still served" in visit(client, f"/articles/{story.slug}").data
    errors = [r for r in caplog.records if r.name == "techpulse.serving.page_files"]
    assert len(errors) == 1, errors


def test_a_page_past_its_expiry_makes_a_new_generation(folder, app, client, story, now):
    visit(client, f"/articles/{story.slug}")
    files = app.extensions[EXTENSION].page_files
    first = generation(app)
    files.watch(first)
    assert generation(app) == first  # nothing expired yet
    now.advance(seconds=app.config["PAGE_CACHE_MAX_AGE"] + 1)
    files.watch(first)  # what each worker's watcher does every few milliseconds
    assert generation(app) != first
    assert os.readlink(folder / "current") == generation(app)


def test_off_by_default(app, client, story, tmp_path):
    assert app.extensions[EXTENSION].page_files is None
    assert visit(client, f"/articles/{story.slug}", host="localhost").status_code == 200


# What nginx adds itself to a file it serves (Vary: Accept-Encoding too, by gzip_vary).
NGINX_OWN = {"content-type", "content-length", "content-encoding", "etag", "last-modified"}


def test_the_shipped_header_snippet_is_what_the_app_sends_with_a_public_page(
    folder, app, client, story, runner
):
    shipped = (PROJECT_ROOT / "deploy" / "nginx" / "techpulse-page-headers.conf").read_text()
    printed = runner.invoke(args=["nginx-page-headers"])
    assert printed.exit_code == 0
    assert shipped == printed.output, (
        "run: flask --app app nginx-page-headers -o deploy/nginx/techpulse-page-headers.conf"
    )
    snippet = {}
    for line in shipped.splitlines():
        if line.startswith("add_header "):
            name, value = line.removeprefix("add_header ").split(" ", 1)
            snippet[name] = value.removesuffix(" always;").strip('"')
    for url in (f"/articles/{story.slug}", "/"):
        page = visit(client, url, **{"Accept-Encoding": "gzip"})
        sent = {
            name: value
            for name, value in page.headers.items()
            if name.lower() not in NGINX_OWN
            and not name.startswith("X-Cache")
            and name != "X-Request-ID"
        }
        sent["Vary"] = sent["Vary"].replace(", Accept-Encoding", "")
        assert sent == snippet, url


def test_each_workers_generation_watcher_flips_its_hosts_folder(tmp_path):
    # Another host sharing Redis: a write there changes the generation; this host's workers
    # see it on their next look (warming.Warmer's watcher, even with no pages to warm).
    from techpulse.serving.warming import Warmer

    folder = tmp_path / "pages"
    shared = {"generation": "g1"}
    files = PageFiles(
        folder, HOST, lambda: shared["generation"], lambda: None, headers=lambda: STAMP
    )
    watcher = Warmer(
        lambda *a: [], lambda: shared["generation"], 0, 0.005, on_generation=files.watch
    )
    watcher.remember({"PATH_INFO": "/"}, "g1")  # a worker's first page starts its watcher
    shared["generation"] = "g2"
    for _ in range(100):
        if (folder / "current").is_symlink() and os.readlink(folder / "current") == "g2":
            break
        time.sleep(0.01)
    assert os.readlink(folder / "current") == "g2"
    watcher.poll = 3600  # its daemon thread sleeps for the rest of the run


def test_a_worker_that_wrote_nothing_still_makes_a_new_generation_when_a_page_expires(
    folder, app, client, story, now
):
    visit(client, f"/articles/{story.slug}")  # written by this worker, which then restarts
    files = app.extensions[EXTENSION].page_files
    other = PageFiles(
        files.folder, HOST, files.current, files.bump, headers=files.headers, rescan=0
    )  # knows nothing
    first = generation(app)
    other.watch(first)
    assert generation(app) == first
    now.advance(seconds=app.config["PAGE_CACHE_MAX_AGE"] + 1)
    other.watch(first)  # it reads the expiry the first worker left on disk
    assert generation(app) != first


def test_pages_are_written_under_the_name_the_shipped_snippet_gives_nginx(
    folder, app, client, story
):
    visit(client, f"/articles/{story.slug}")
    snippet = (PROJECT_ROOT / "deploy" / "nginx" / "techpulse-page-headers.conf").read_text()
    name = re.search(r'set \$techpulse_page_headers "([0-9a-f]{16})";', snippet)[1]
    page = folder / "current" / name / HOST / "articles" / story.slug / "index.html"
    assert page.read_bytes() == visit(client, f"/articles/{story.slug}").data


def test_other_headers_write_under_another_name(app):
    # A release with another stylesheet (another CSP hash) or HSTS setting: nginx, still
    # given the old snippet, finds none of its pages and asks the app.
    before = headers_stamp()
    app.config["HSTS_MAX_AGE"] = 60
    assert headers_stamp() != before
