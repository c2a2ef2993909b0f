"""The staff media library: upload, usage, alt text, delete; image files and transactions."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from techpulse.extensions import db
from techpulse.models import AuditEvent, Image, Role
from techpulse.services.media.library import create_image, upload_folder
from tests.helpers.factories import image_bytes
from tests.helpers.forms import oversize_upload


def upload(staff, data: bytes, name: str, alt: str = "A blue square"):
    return staff.post(
        "/admin/media/upload",
        {"image": (io.BytesIO(data), name), "alt_text": alt},
        content_type="multipart/form-data",
    )


def image_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Image))


def stored_files(app) -> set[str]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


def exists(model, row_id: int) -> bool:
    return db.session.scalar(select(func.count()).where(model.id == row_id)) == 1


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.mark.parametrize(("fmt", "name"), [("PNG", "logo.png"), ("JPEG", "photo.jpg")])
def test_upload_appears_in_the_library_with_its_alt_text(staff, fmt, name):
    staff.login(Role.AUTHOR)
    response = upload(staff, image_bytes(800, 450, fmt), name, alt="Team photo at the office")
    assert response.status_code == 302
    library = staff.client.get("/admin/media").get_data(as_text=True)
    assert "Image uploaded." in library
    assert 'alt="Team photo at the office"' in library
    assert name in library and "Not used" in library


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"just some text, not a picture", "not a JPEG, PNG, WebP or GIF"),
        (image_bytes(800, 450, "JPEG")[:1500], "damaged or incomplete"),
    ],
)
def test_bad_uploads_show_a_form_error_and_store_nothing(app, staff, data, message):
    staff.login(Role.AUTHOR)
    response = upload(staff, data, "bad.jpg")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert image_count() == 0
    assert not [name for name in stored_files(app) if not name.startswith(".")]


def test_upload_needs_alt_text_and_a_file(staff):
    staff.login(Role.AUTHOR)
    assert upload(staff, image_bytes(600, 400), "a.jpg", alt="  ").status_code == 422
    response = staff.post("/admin/media/upload", {"alt_text": "Something"})
    assert "Choose an image to upload." in response.get_data(as_text=True)
    assert image_count() == 0


def test_library_shows_usage_without_a_query_per_image(staff, make, count_queries):
    staff.login(Role.EDITOR)
    for n in range(3):
        make.article(f"Story with banner {n}", banner=True)
    count_queries.statements.clear()
    html = staff.client.get("/admin/media").get_data(as_text=True)
    for n in range(3):
        assert f"Story with banner {n}" in html
    queries = count_queries.count
    for n in range(3, 8):
        make.article(f"Story with banner {n}", banner=True)
    count_queries.statements.clear()
    staff.client.get("/admin/media")
    assert count_queries.count == queries


def test_image_in_use_cannot_be_deleted(app, staff, make):
    staff.login(Role.EDITOR)
    article = make.article("Launch day", banner=True)
    image_id = article.banner_id
    confirm = staff.client.get(f"/admin/media/{image_id}/delete").get_data(as_text=True)
    assert "cannot be deleted" in confirm and "Launch day" in confirm
    assert staff.post(f"/admin/media/{image_id}/delete").status_code == 302
    assert "used by “Launch day”" in staff.client.get("/admin/media").get_data(as_text=True)
    assert exists(Image, image_id)


def test_unused_image_goes_to_the_trash_and_its_files_go_when_it_is_emptied(app, staff, make):
    staff.login(Role.ADMIN)
    image = make.image()
    files = {variant["file"] for variant in image.variants}
    assert files <= stored_files(app)
    assert staff.client.get(f"/admin/media/{image.id}/delete").status_code == 200
    assert staff.post(f"/admin/media/{image.id}/delete").status_code == 302
    library = staff.client.get("/admin/media").get_data(as_text=True)
    assert "Image moved to the trash." in library and image.alt_text not in library
    assert files <= stored_files(app)  # kept while in the trash
    emptied = staff.post("/admin/trash", {"items": f"image:{image.id}", "purge": "1"})
    assert emptied.status_code == 302
    assert image_count() == 0
    assert not files & stored_files(app)
    assert ["image.trashed", "image.purged"] == [
        a for a in audit_actions() if a != "image.uploaded"
    ][-2:]


def test_authors_delete_only_their_own_images(staff, make):
    author = staff.login(Role.AUTHOR)
    someone_elses = make.image()
    assert staff.client.get(f"/admin/media/{someone_elses.id}/delete").status_code == 403
    assert staff.post(f"/admin/media/{someone_elses.id}/delete").status_code == 403
    assert staff.post(f"/admin/media/{someone_elses.id}/edit", {"alt_text": "x"}).status_code == 403
    upload(staff, image_bytes(600, 400), "mine.jpg")
    mine = db.session.scalar(select(Image.id).where(Image.uploaded_by_id == author.id))
    assert staff.post(f"/admin/media/{mine}/delete").status_code == 302
    assert db.session.get(Image, mine).trashed_at is not None
    assert db.session.get(Image, someone_elses.id).trashed_at is None


def test_alt_text_can_be_edited(staff, make):
    staff.login(Role.EDITOR)
    image = make.image(alt="Old words")
    assert 'value="Old words"' in staff.client.get(f"/admin/media/{image.id}/edit").get_data(
        as_text=True
    )
    response = staff.post(f"/admin/media/{image.id}/edit", {"alt_text": "  "})
    assert response.status_code == 422 and "field__error" in response.get_data(as_text=True)
    staff.post(f"/admin/media/{image.id}/edit", {"alt_text": "A clearer description"})
    db.session.refresh(image)
    assert image.alt_text == "A clearer description"


def test_image_files_of_a_rolled_back_transaction_are_removed(app):
    create_image(image_bytes(800, 450), "Never committed")
    assert any(upload_folder().iterdir())
    db.session.rollback()
    assert list(upload_folder().iterdir()) == []


def test_image_files_of_a_committed_image_stay(app):
    image = create_image(image_bytes(800, 450), "Committed")
    db.session.commit()
    db.session.rollback()  # a later, unrelated rollback must not touch them
    stored = {path.name for path in upload_folder().iterdir()}
    assert {variant["file"] for variant in image.variants} <= stored


# --- many files, HEIC, limits, search, bulk trash ---------------------------------------------


def heic_bytes(width: int = 900, height: int = 600) -> bytes:
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (40, 120, 200)).save(buffer, "HEIF")
    return buffer.getvalue()


def test_several_files_at_once_each_with_its_own_outcome(staff):
    staff.login(Role.AUTHOR)
    files = [
        (io.BytesIO(image_bytes(800, 450)), "one.jpg"),
        (io.BytesIO(heic_bytes()), "IMG_0042.HEIC"),
        (io.BytesIO(image_bytes(1, 1, "PNG")), "pixel.png"),
    ]
    response = staff.post(
        "/admin/media/upload",
        {"image": files, "alt_text": "Launch photos"},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "2 images uploaded; the others were refused." in page
    assert "pixel.png: This image is only 1×1 pixels" in page
    names = set(db.session.scalars(select(Image.original_name)))
    assert names == {"one.jpg", "IMG_0042.HEIC"}
    heic = db.session.scalar(select(Image).where(Image.original_name == "IMG_0042.HEIC"))
    assert heic.format == "heic" and heic.of_kind("original")[0]["format"] == "jpeg"


def test_the_upload_script_gets_json_for_each_file(staff):
    staff.login(Role.AUTHOR)
    json = {"Accept": "application/json"}
    ok = staff.post(
        "/admin/media/upload",
        {"image": (io.BytesIO(image_bytes(600, 400)), "a.jpg"), "alt_text": "A chip"},
        content_type="multipart/form-data", headers=json,
    )  # fmt: skip
    assert ok.status_code == 200 and ok.json["ok"] and ok.json["name"] == "a.jpg"
    refused = staff.post(
        "/admin/media/upload",
        {"image": (io.BytesIO(b"not an image"), "b.jpg"), "alt_text": "Text"},
        content_type="multipart/form-data", headers=json,
    )  # fmt: skip
    assert refused.status_code == 422 and "not a JPEG" in refused.json["error"]


def test_a_30_mb_upload_comes_back_to_the_library_with_the_limit_named(client, staff):
    staff.login(Role.EDITOR)
    body, content_type = oversize_upload(staff.token(), "image", 30)
    response = client.post(
        "/admin/media/upload", data=body, content_type=content_type,
        headers={"Referer": "http://localhost/admin/media"},
    )  # fmt: skip
    assert response.status_code == 303 and response.headers["Location"] == "/admin/media"
    page = client.get("/admin/media").get_data(as_text=True)
    assert "each image must be 10 MB or smaller" in page and "Upload images" in page
    body, content_type = oversize_upload(staff.token(), "image", 13)
    as_json = client.post(
        "/admin/media/upload", data=body, content_type=content_type,
        headers={"Accept": "application/json"},
    )  # fmt: skip
    assert as_json.status_code == 413 and "10 MB" in as_json.json["error"]
    assert image_count() == 0
    # Visitors (and anything outside the staff area) still get the plain 413 page.
    assert (
        client.application.test_client().post("/contact", data=b"x" * (13 << 20)).status_code == 413
    )


def test_the_library_is_searched_by_alt_text_or_file_name(client, staff, make):
    staff.login(Role.EDITOR)
    make.image(alt="A wombat in Vadodara")
    make.image(alt="A server rack")
    found = client.get("/admin/media?q=wombat").get_data(as_text=True)
    assert "A wombat in Vadodara" in found and "A server rack" not in found
    assert "No images match this search." in client.get("/admin/media?q=zebra").get_data(
        as_text=True
    )


def test_chosen_images_go_to_the_trash_together_except_those_in_use(client, staff, make):
    staff.login(Role.EDITOR)
    free, also_free = make.image(alt="Free one"), make.image(alt="Free two")
    used = make.article("Uses it", banner=True).banner_id
    response = staff.post("/admin/media/bulk", {"images": [free.id, also_free.id, used]})
    assert response.status_code == 302
    page = client.get("/admin/media").get_data(as_text=True)
    assert "Moved 2 images to the trash. Skipped 1 (in use, or not yours)." in page
    assert db.session.get(Image, used).trashed_at is None


def test_an_upload_nginx_refused_for_its_size_comes_back_to_its_form(client, staff):
    staff.login(Role.AUTHOR)
    response = client.get(
        "/admin/upload-too-large", headers={"Referer": "http://localhost/admin/media?q=x"}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/admin/media?q=x"
    assert "10 MB or smaller" in client.get("/admin/media").get_data(as_text=True)
    elsewhere = client.get("/admin/upload-too-large", headers={"Referer": "https://evil.example/"})
    assert elsewhere.headers["Location"] == "/admin/"
