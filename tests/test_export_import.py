"""flask export / flask import: SQLite → JSON + images → PostgreSQL gives the same pages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from techpulse.extensions import db
from tests.helpers.factories import Factory
from tests.helpers.instances import dispose, fresh_database, instance_app, invoke

TARGETS = [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.postgres),
]
_VOLATILE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+|(nonce=")[^"]+')


def _pages(app, paths: list[str]) -> dict[str, str]:
    client = app.test_client()
    pages = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = _VOLATILE.sub(r"\1\2", response.get_data(as_text=True))
    return pages


def _build_site(tmp_path: Path):
    """A SQLite site with settings, a category, stories with banners and tags, About."""
    source = instance_app(tmp_path, "source", f"sqlite:///{tmp_path / 'source.sqlite'}")
    with source.app_context():
        db.create_all()
        make = Factory()
        make.settings(site_name="TechPulse Export", about_blurb="Exported with care.")
        category = make.category("Cloud")
        make.page("about", "About CodeDote", "We build *software* in Vadodara.")
        for n in range(3):
            make.article(
                f"Moving story {n}", category=category, banner=True, tags=("cloud", f"t{n}")
            )
        story = make.article("The featured one", category=category, featured=True)
        paths = ["/", f"/articles/{story.slug}", "/category/cloud", "/about", "/tag/cloud"]
    return source, paths


@pytest.mark.parametrize("target", TARGETS)
def test_export_then_import_into_another_database_serves_the_same_pages(tmp_path, target):
    source, paths = _build_site(tmp_path)
    before = _pages(source, paths)
    result = invoke(source, "export", str(tmp_path / "moving.tar.gz"))
    assert result.exit_code == 0, result.output
    assert f"Exported to {tmp_path / 'moving.tar.gz'}" in result.output
    dispose(source)

    with fresh_database(tmp_path, "import", postgres=target == "postgresql") as url:
        moved = instance_app(tmp_path, "moved", url)
        result = invoke(moved, "import", str(tmp_path / "moving.tar.gz"))
        assert result.exit_code == 0, result.output
        assert "4 articles" in result.output
        with moved.app_context():
            assert db.engine.dialect.name == target
            after = _pages(moved, paths)
            for path in paths:
                assert after[path] == before[path], path
            images = re.findall(r'src="(/media/[^"]+)"', after["/"])
            assert images, "the home page shows no banner"
            client = moved.test_client()
            for src in images:
                with client.get(src) as image:
                    assert image.status_code == 200, src
            # New rows continue after the imported ids (PostgreSQL sequences moved on).
            Factory().article("Written after the move")
            assert client.get("/").status_code == 200
        dispose(moved)


def test_export_to_a_folder_is_readable_json_and_files(tmp_path):
    source, _paths = _build_site(tmp_path)
    result = invoke(source, "export", str(tmp_path / "export"))
    assert result.exit_code == 0, result.output
    document = json.loads((tmp_path / "export" / "manifest.json").read_text())
    assert document["format"] == "techpulse-export"
    assert document["source_database"] == "sqlite"
    titles = {row["title"] for row in document["tables"]["articles"]}
    assert "The featured one" in titles
    assert document["tables"]["site_settings"][0]["site_name"] == "TechPulse Export"
    variant_files = {v["file"] for row in document["tables"]["images"] for v in row["variants"]}
    exported = {p.name for p in (tmp_path / "export" / "uploads").rglob("*") if p.is_file()}
    assert variant_files and variant_files <= exported

    again = invoke(source, "export", str(tmp_path / "export"))
    assert again.exit_code != 0 and "not empty" in again.output
    dispose(source)


def test_import_refuses_a_site_with_content_unless_forced(tmp_path):
    source, _paths = _build_site(tmp_path)
    assert invoke(source, "export", str(tmp_path / "export")).exit_code == 0
    refused = invoke(source, "import", str(tmp_path / "export"))
    assert refused.exit_code != 0
    assert "already has content" in refused.output
    forced = invoke(source, "import", "--force", str(tmp_path / "export"))
    assert forced.exit_code == 0, forced.output
    assert source.test_client().get("/category/cloud").status_code == 200
    dispose(source)
