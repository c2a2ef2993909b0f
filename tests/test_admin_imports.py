"""Importing from the staff area: upload, dry-run report, background run with progress, result."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models import Article, ImportJob, ImportRun, Role
from techpulse.services.importing.archive import ArchiveRefused, unpack_media
from tests.helpers.apps import POSTGRES_URL, app_settings, new_app, prepare_database
from tests.helpers.ghost import (
    export_document,
    make_images,
    post,
    tag,
    user,
    write_ghost_export,
)
from tests.helpers.wordpress import SITE_XML, make_uploads


def uploads_zip(folder: Path) -> bytes:
    """A zip of wp-content/uploads, as an admin would make it on the old server."""
    uploads = make_uploads(folder)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in uploads.rglob("*"):
            if path.is_file():
                archive.write(path, f"wp-content/uploads/{path.relative_to(uploads)}")
    return buffer.getvalue()


def upload(
    staff, source: str = "wordpress", export: Path = SITE_XML, media: bytes | None = None, **more
):
    data: dict[str, Any] = {"source": source, "export": (export.open("rb"), export.name), **more}
    if media is not None:
        data["media"] = (io.BytesIO(media), "uploads.zip")
    return staff.post("/admin/imports/new", data, content_type="multipart/form-data")


def wait_for(client, job_id: int, states: tuple[str, ...], seconds: float = 120) -> dict[str, Any]:
    """Poll the status endpoint (as the page's script does) until the job is in ``states``."""
    deadline = time.monotonic() + seconds
    seen: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        status = client.get(f"/admin/imports/jobs/{job_id}/status").get_json()
        seen.append(status)
        if status["state"] in states:
            status["seen"] = seen
            return status
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {seen[-1]}")


def job_id_from(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_only_admins_may_import(client, staff, tmp_path) -> None:
    assert client.get("/admin/imports/new").status_code == 302  # anonymous: log in first
    staff.login(Role.EDITOR)
    assert client.get("/admin/imports/new").status_code == 403
    small = tmp_path / "small.xml"
    small.write_text("<rss><channel></channel></rss>")
    assert upload(staff, export=small).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 0
    assert client.get("/admin/imports/jobs/1/status").status_code == 403
    assert staff.post("/admin/imports/jobs/1/run").status_code == 403


def test_upload_dry_run_then_run_with_progress_equals_the_cli(client, staff, tmp_path) -> None:
    staff.login(Role.ADMIN)
    form = client.get("/admin/imports/new").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in form and 'name="csrf_token"' in form
    job_id = job_id_from(upload(staff, media=uploads_zip(tmp_path / "zip")))
    checked = wait_for(client, job_id, ("checked", "failed"))
    assert checked["state"] == "checked", checked["error"]
    assert checked["report"][0] == "Would import 12, updated 0, unchanged 0, skipped 3."
    assert db.session.scalar(select(func.count()).select_from(Article)) == 0  # nothing yet
    page = client.get(f"/admin/imports/jobs/{job_id}").get_data(as_text=True)
    assert "Dry run report" in page and "Import now" in page
    assert "Would import 12" in page

    response = staff.post(f"/admin/imports/jobs/{job_id}/run")
    assert response.status_code == 303
    running = client.get(f"/admin/imports/jobs/{job_id}").get_data(as_text=True)
    if "Importing" in running:  # while it runs: a progress bar, reloading without JavaScript
        assert "<progress" in running and '<meta http-equiv="refresh"' in running
    done = wait_for(client, job_id, ("done", "failed"))
    assert done["state"] == "done", done["error"]
    assert done["done"] == done["total"] == 15 and done["percent"] == 100
    assert any(s["state"] == "running" for s in done["seen"]) or done["seen"][0]["state"] == "done"
    assert done["result"][0] == "Imported 12, updated 0, unchanged 0, skipped 3."
    page = client.get(f"/admin/imports/jobs/{job_id}").get_data(as_text=True)
    assert "Imported 12, updated 0" in page and "<progress" not in page
    assert db.session.scalar(select(ImportRun.filename)) == "export.xml"
    assert client.get("/articles/hello-world").status_code == 200
    assert not Path(db.session.get(ImportJob, job_id).folder).exists()  # files removed
    # A second run of the same job is refused; the list shows it.
    staff.post(f"/admin/imports/jobs/{job_id}/run")
    assert db.session.get(ImportJob, job_id).state == "done"
    assert f"/admin/imports/jobs/{job_id}" in client.get("/admin/imports").get_data(as_text=True)
    if not POSTGRES_URL:  # the same export through the CLI, on a database of its own
        assert done["result"] == cli_result(tmp_path / "cli")


def cli_result(folder: Path) -> list[str]:
    config = app_settings(folder)
    prepare_database(config["SQLALCHEMY_DATABASE_URI"])
    other = new_app(config)
    with other.app_context():
        uploads = make_uploads(folder)
        runner = other.test_cli_runner()
        output = runner.invoke(args=["import-wordpress", str(SITE_XML), "--uploads", str(uploads)])
        db.session.remove()
        db.engine.dispose()
    return output.output.splitlines()[1:]  # after the progress bar's line


def test_a_file_that_cannot_be_read_fails_clearly(client, staff, tmp_path) -> None:
    staff.login(Role.ADMIN)
    broken = tmp_path / "broken.xml"
    broken.write_text("<rss><channel><item>")
    job_id = job_id_from(upload(staff, export=broken))
    failed = wait_for(client, job_id, ("failed", "checked"))
    assert failed["state"] == "failed"
    assert "not well-formed XML" in failed["error"]
    page = client.get(f"/admin/imports/jobs/{job_id}").get_data(as_text=True)
    assert 'role="alert"' in page and "not well-formed XML" in page


def test_a_job_whose_worker_died_is_shown_failed(client, staff, make) -> None:
    admin = staff.login(Role.ADMIN)
    job = ImportJob(source="wordpress", filename="site.xml", folder="/nonexistent",
                    state="running", total=10, done=3, created_by_id=admin.id,
                    heartbeat_at=utcnow() - timedelta(minutes=5))  # fmt: skip
    db.session.add(job)
    db.session.commit()
    status = client.get(f"/admin/imports/jobs/{job.id}/status").get_json()
    assert status["state"] == "failed" and "worker running it ended" in status["error"]
    page = client.get(f"/admin/imports/jobs/{job.id}").get_data(as_text=True)
    assert "Failed" in page and "<progress" not in page


def test_a_choice_and_a_file_are_required(client, staff) -> None:
    staff.login(Role.ADMIN)
    response = staff.post("/admin/imports/new", {"source": "wordpress"},
                          content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 200
    assert "Choose the export file to import." in response.get_data(as_text=True)


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    app_config["MAX_CONTENT_LENGTH"] = 4096  # far below any export: the import has its own
    return app_config


def test_the_import_upload_has_its_own_limit(client, staff, app) -> None:
    staff.login(Role.ADMIN)
    assert SITE_XML.stat().st_size > app.config["MAX_CONTENT_LENGTH"]
    job_id = job_id_from(upload(staff))
    assert wait_for(client, job_id, ("checked", "failed"))["state"] == "checked"
    app.config["IMPORT_MAX_BYTES"] = 4096
    response = upload(staff)
    assert response.status_code == 303  # back to the form, with the import's own limit named
    assert response.headers["Location"] == "/admin/imports/new"
    page = client.get("/admin/imports/new").get_data(as_text=True)
    assert "an import may be 0 MB in all" in page
    assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 1


def test_one_import_at_a_time(client, staff, tmp_path) -> None:
    admin = staff.login(Role.ADMIN)
    running = ImportJob(source="wordpress", filename="a.xml", folder=str(tmp_path),
                        state="running", created_by_id=admin.id, heartbeat_at=utcnow())  # fmt: skip
    db.session.add(running)
    db.session.commit()
    response = upload(staff)
    assert response.status_code == 200
    assert "Another import is running" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 1


def test_ghost_imports_from_the_staff_area_too(client, staff, tmp_path) -> None:
    staff.login(Role.ADMIN)
    ana = user("Ana Lima", "ana", "ana@ghost.example")
    cover = "__GHOST_URL__/content/images/2024/05/cover.jpg"
    first = post("From Ghost", "from-ghost", html="<p>Hello from Ghost.</p>", feature_image=cover)
    document = export_document([first], [tag("News", "news")], [ana], {}, {first["id"]: [ana]})
    export = write_ghost_export(tmp_path / "ghost.json", document)
    images = make_images(tmp_path / "ghost-site", "2024/05/cover.jpg")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:  # a zip of the site's content/images
        archive.write(images / "2024/05/cover.jpg", "content/images/2024/05/cover.jpg")
    bad = upload(staff, source="ghost", export=export, old_url="not an address")
    assert bad.status_code == 200 and "An address such as" in bad.get_data(as_text=True)
    media = buffer.getvalue()
    old = "https://old-ghost.example"
    job_id = job_id_from(upload(staff, source="ghost", export=export, media=media, old_url=old))
    assert db.session.get(ImportJob, job_id).old_url == old
    assert wait_for(client, job_id, ("checked", "failed"))["report"][0].startswith("Would import 1")
    staff.post(f"/admin/imports/jobs/{job_id}/run")
    assert wait_for(client, job_id, ("done", "failed"))["result"][0].startswith("Imported 1,")
    assert client.get("/from-ghost/").headers["Location"] == "/articles/from-ghost"
    story = db.session.scalar(select(Article).where(Article.slug == "from-ghost"))
    assert story.banner_id is not None  # the feature image, from the zip


def test_a_zip_cannot_write_outside_its_folder(tmp_path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../escaped.txt", "no")
        archive.writestr("/absolute.txt", "no")
        archive.writestr("uploads/2024/05/a.jpg", "yes")
    (tmp_path / "a.zip").write_bytes(buffer.getvalue())
    root = unpack_media(tmp_path / "a.zip", tmp_path / "out", 10_000)
    assert root == tmp_path / "out" / "uploads"
    assert not (tmp_path / "escaped.txt").exists() and (root / "2024/05/a.jpg").exists()
    with pytest.raises(ArchiveRefused, match="more than"):
        unpack_media(tmp_path / "a.zip", tmp_path / "small", 1)
