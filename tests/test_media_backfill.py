"""``flask media backfill``: images stored before 240/320/640 px and AVIF get them, once."""

from __future__ import annotations

from pathlib import Path

import pytest

from techpulse.extensions import db
from techpulse.models import Image
from techpulse.services.media import imaging

pytestmark = pytest.mark.usefixtures("with_avif")

OLD_WIDTHS = {480, 960, 1600}  # what uploads got before 240/320/640 px and AVIF


def make_old(image: Image, folder: Path) -> set[str]:
    """Turn a fresh upload into one stored by an older TechPulse; returns the files removed."""
    old = [
        v
        for v in image.variants
        if v["kind"] != "responsive" or (v["width"] in OLD_WIDTHS and v["format"] != "avif")
    ]
    removed = {v["file"] for v in image.variants} - {v["file"] for v in old}
    for name in removed:
        (folder / name).unlink()
    image.variants = old
    db.session.commit()
    return removed


def test_backfill_adds_the_missing_sizes_and_formats_once(app, runner, make):
    folder = Path(app.config["UPLOAD_FOLDER"])
    image = make.image(width=1800)
    removed = make_old(image, folder)
    assert {name.rsplit("-", 1)[1] for name in removed} >= {"240.jpg", "320.jpg", "640.webp"}

    result = runner.invoke(args=["media", "backfill"])
    assert result.exit_code == 0, result.output
    assert f"1 images checked: 1 given {len(removed)} new files." in result.output

    db.session.expire_all()
    image = db.session.get(Image, image.id)
    responsive = image.of_kind("responsive")
    formats = ("avif", "webp", "jpeg") if imaging.AVIF else ("webp", "jpeg")
    assert sorted((v["width"], v["format"]) for v in responsive) == sorted(
        (w, f) for w in imaging.RESPONSIVE_WIDTHS for f in formats
    )
    for variant in responsive:
        assert (folder / variant["file"]).stat().st_size == variant["bytes"] > 0

    again = runner.invoke(args=["media", "backfill"])
    assert "1 images checked: 0 given 0 new files." in again.output


def test_pages_show_the_new_sizes_after_a_backfill(app, runner, make, client):
    folder = Path(app.config["UPLOAD_FOLDER"])
    banner = make.image()
    article = make.article(banner=banner, hours_ago=2)
    make.article("The lead story", hours_ago=1)  # the one above shows as a card on home
    make_old(banner, folder)
    assert "-320." not in client.get(f"/articles/{article.slug}").get_data(as_text=True)
    assert "-240." not in client.get("/").get_data(as_text=True)
    runner.invoke(args=["media", "backfill"])
    page = client.get(f"/articles/{article.slug}").get_data(as_text=True)
    assert "-320.webp 320w" in page and "-640.jpg 640w" in page
    # The home page shows it as a card: on a phone a thumbnail, which takes the 240 px one.
    assert "-240.webp 240w" in client.get("/").get_data(as_text=True)


def test_an_image_without_its_original_is_skipped_and_said(app, runner, make):
    folder = Path(app.config["UPLOAD_FOLDER"])
    image = make.image()
    make_old(image, folder)
    (folder / image.of_kind("original")[0]["file"]).unlink()
    result = runner.invoke(args=["media", "backfill"])
    assert result.exit_code == 0
    assert "1 without a stored original (skipped)" in result.output
