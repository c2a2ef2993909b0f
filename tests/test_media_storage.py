"""Images kept in the database: every app host serves every upload, with no shared disk."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from techpulse.extensions import db
from techpulse.models import MediaBlob, Role
from techpulse.services.media.library import create_image
from tests.helpers.apps import new_app
from tests.helpers.factories import image_bytes


@pytest.fixture
def app_config(app_config: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """Host A: images in the database, its own upload folder."""
    return {**app_config, "MEDIA_STORAGE": "database", "UPLOAD_FOLDER": str(tmp_path / "a")}


@pytest.fixture
def other_host(app: Flask, app_config: dict[str, Any], tmp_path: Path) -> Iterator[Any]:
    """Host B: a second app on the same database (SQLite file or PostgreSQL), another folder."""
    second = new_app({**app_config, "UPLOAD_FOLDER": str(tmp_path / "b")})
    yield second.test_client()
    with second.app_context():
        db.engine.dispose()


def upload(staff: Any, data: bytes) -> None:
    form = {"image": (io.BytesIO(data), "team.png"), "alt_text": "The team at work"}
    response = staff.post("/admin/media/upload", form, content_type="multipart/form-data")
    assert response.status_code == 302


def blob_names() -> set[str]:
    return set(db.session.scalars(select(MediaBlob.name)))


def test_an_upload_through_one_host_is_served_by_the_other(app, staff, other_host, tmp_path):
    staff.login(Role.EDITOR)
    upload(staff, image_bytes(1200, 675, "PNG"))
    library = staff.client.get("/admin/media").get_data(as_text=True)
    names = blob_names()
    assert len(names) >= 4  # the original, responsive sizes in two formats, the social card
    assert "The team at work" in library
    assert any(f"/media/{name}" in library for name in names)
    for name in names:
        served = other_host.get(f"/media/{name}")
        assert served.status_code == 200, name
        avif = served.data[4:12] == b"ftypavif"
        assert avif or served.data[:4] in (
            b"\x89PNG",
            b"RIFF",
            b"\xff\xd8\xff\xe0",
            b"\xff\xd8\xff\xdb",
        )
        assert served.mimetype.startswith("image/")
        cache = served.headers["Cache-Control"]
        assert "immutable" in cache and "max-age=31536000" in cache and "public" in cache
        assert served.headers["ETag"]
    # Neither host wrote a file to its own disk.
    assert not any((tmp_path / folder).exists() and any((tmp_path / folder).iterdir())
                   for folder in ("a", "b"))  # fmt: skip


def test_a_browser_revalidating_gets_304_without_the_bytes(app, staff, other_host):
    staff.login(Role.EDITOR)
    upload(staff, image_bytes(800, 450, "JPEG"))
    name = sorted(blob_names())[0]
    first = other_host.get(f"/media/{name}")
    again = other_host.get(f"/media/{name}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_the_image_a_story_shows_on_one_host_loads_from_the_other(app, make, other_host):
    story = make.article("Shared banner", banner=True)
    page = other_host.get(f"/articles/{story.slug}").get_data(as_text=True)
    sources = [part.split('"')[0] for part in page.split('src="/media/')[1:]]
    assert sources, "the article page shows its banner"
    for source in sources:
        assert other_host.get(f"/media/{source}").status_code == 200


def test_deleting_through_one_host_removes_the_image_everywhere(app, staff, make, other_host):
    staff.login(Role.ADMIN)
    image = make.image()
    name = image.variants[0]["file"]
    assert other_host.get(f"/media/{name}").status_code == 200
    assert staff.post(f"/admin/media/{image.id}/delete").status_code == 302
    assert (
        staff.post("/admin/trash", {"items": f"image:{image.id}", "purge": "1"}).status_code == 302
    )
    assert blob_names() == set()
    assert other_host.get(f"/media/{name}").status_code == 404


def test_an_upload_that_is_rolled_back_leaves_no_blobs(app):
    create_image(image_bytes(640, 360, "PNG"), "Never saved")
    assert blob_names()  # part of the transaction…
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(MediaBlob)) == 0  # …and gone


def test_unknown_files_are_404(other_host):
    assert other_host.get("/media/0123456789abcdef0123456789abcdef-480.webp").status_code == 404
    assert other_host.get("/media/../secret_key").status_code == 404


def test_an_unknown_storage_setting_is_a_clear_error(app):
    app.config["MEDIA_STORAGE"] = "s3"
    with pytest.raises(RuntimeError, match="MEDIA_STORAGE must be one of local, database"):
        create_image(image_bytes(640, 360, "PNG"), "Nowhere to go")


def test_a_backfill_adds_sizes_to_images_kept_in_the_database(app, runner, other_host):
    image = create_image(image_bytes(1200, 675, "JPEG"), "A wide picture")
    db.session.commit()
    new = [v for v in image.variants if v["kind"] == "responsive" and v["width"] in (320, 640)]
    db.session.execute(
        MediaBlob.__table__.delete().where(MediaBlob.name.in_([v["file"] for v in new]))
    )
    image.variants = [v for v in image.variants if v not in new]
    db.session.commit()
    assert other_host.get(f"/media/{new[0]['file']}").status_code == 404

    result = runner.invoke(args=["media", "backfill"])
    assert f"1 given {len(new)} new files" in result.output, result.output
    assert {v["file"] for v in new} <= blob_names()
    assert other_host.get(f"/media/{new[0]['file']}").status_code == 200
