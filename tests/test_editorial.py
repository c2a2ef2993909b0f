"""Shared writes: tags found by name or slug, image files tied to their transaction."""

from __future__ import annotations

from techpulse.extensions import db
from techpulse.models import Tag
from techpulse.services.article_editor import tags_from_names
from techpulse.services.media import create_image, upload_folder
from tests.conftest import image_bytes


def test_a_renamed_tag_is_still_found_by_its_name_or_its_slug(app):
    tag = Tag(name="AI", slug="artificial-intelligence")
    db.session.add(tag)
    db.session.commit()
    found = tags_from_names(["AI", "ai", "Artificial Intelligence", "New one"])
    assert found[0] is tag
    assert [t.name for t in found] == ["AI", "New one"]
    db.session.commit()  # no duplicate name or slug was inserted
    assert db.session.query(Tag).count() == 2


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
