"""flask backup / flask restore: a consistent snapshot taken while the site writes."""

from __future__ import annotations

import re
import tarfile
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import Category, Image
from tests.helpers.apps import POSTGRES_URL
from tests.helpers.instances import dispose, fresh_database, instance_app, invoke


def _writer(app, committed: list[str], stop: threading.Event) -> None:
    """Commit one category after another, recording each name once its commit returned."""
    with app.app_context():
        n = 0
        while not stop.is_set():
            n += 1
            name = f"Written during backup {n:05d}"
            db.session.add(Category(name=name, slug=f"during-{n:05d}"))
            db.session.commit()
            committed.append(name)
        db.session.remove()


def _backup_while_writing(app, runner, make, folder: Path) -> tuple[Path, list[str], int, int]:
    make.settings()
    for n in range(3):
        make.article(f"Story with a banner {n}", banner=True)
    committed: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(target=_writer, args=(app, committed, stop))
    thread.start()
    try:
        while len(committed) < 20:
            time.sleep(0.01)
        before = len(committed)
        result = runner.invoke(args=["backup", str(folder)])
        after = len(committed)
        time.sleep(0.05)
    finally:
        stop.set()
        thread.join()
    assert result.exit_code == 0, result.output
    assert "Backing up" in result.output
    archives = list(folder.glob("techpulse-backup-*.tar.gz"))
    assert len(archives) == 1
    assert re.fullmatch(r"techpulse-backup-\d{8}-\d{6}Z\.tar\.gz", archives[0].name)
    assert f"Backup written to {archives[0]}" in result.output
    return archives[0], committed, before, after


def test_a_backup_taken_during_writes_restores_every_committed_row_and_image(
    app, runner, make, tmp_path
):
    archive, committed, before, after = _backup_while_writing(app, runner, make, tmp_path / "b")
    assert after > before, "no row was committed while the backup ran"
    images = {image.key: image.variants for image in db.session.scalars(select(Image))}
    assert len(images) == 3

    with fresh_database(tmp_path, "restore", postgres=bool(POSTGRES_URL)) as url:
        fresh = instance_app(tmp_path, "fresh", url)
        result = invoke(fresh, "restore", str(archive))
        assert result.exit_code == 0, result.output
        assert "Restored the backup of" in result.output
        with fresh.app_context():
            names = set(db.session.scalars(select(Category.name)))
            restored = [name for name in committed if name in names]
            # Everything committed before the backup began is there, and what is there is
            # exactly the writes up to one moment: no gaps, nothing half-written.
            assert restored == committed[: len(restored)]
            assert len(restored) >= before
            uploads = Path(fresh.config["UPLOAD_FOLDER"])
            for image in db.session.scalars(select(Image)):
                assert image.variants == images[image.key]
                for variant in image.variants:
                    assert (uploads / variant["file"]).is_file(), variant
        fresh_client = fresh.test_client()
        assert fresh_client.get("/articles/story-with-a-banner-0").status_code == 200
        dispose(fresh)


def test_restore_refuses_a_non_empty_instance_unless_forced(app, runner, make, tmp_path):
    make.settings()
    keep = make.category("Kept in the backup")
    image_id = make.image().id
    result = runner.invoke(args=["backup", str(tmp_path / "backup.tar.gz")])
    assert result.exit_code == 0, result.output
    db.session.delete(keep)
    make.category("Added after the backup")

    refused = runner.invoke(args=["restore", str(tmp_path / "backup.tar.gz")])
    assert refused.exit_code != 0
    assert "already has content" in refused.output and "--force" in refused.output
    assert db.session.scalar(select(Category).filter_by(name="Added after the backup"))

    forced = runner.invoke(args=["restore", "--force", str(tmp_path / "backup.tar.gz")])
    assert forced.exit_code == 0, forced.output
    db.session.remove()
    names = set(db.session.scalars(select(Category.name)))
    assert names == {"Kept in the backup"}
    assert db.session.get(Image, image_id) is not None


def test_restore_rejects_a_file_that_is_not_a_backup(runner, tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    with tarfile.open(bogus, "w:gz") as archive:
        note = tmp_path / "note.txt"
        note.write_text("hello")
        archive.add(note, arcname="note.txt")
    result = runner.invoke(args=["restore", str(bogus)])
    assert result.exit_code != 0
    assert "manifest.json" in result.output
    (tmp_path / "plain.txt").write_text("not an archive")
    result = runner.invoke(args=["restore", str(tmp_path / "plain.txt")])
    assert result.exit_code != 0
    assert "not a readable archive" in result.output


@pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL is not set")
def test_a_postgresql_backup_is_not_restored_into_sqlite(app, runner, make, tmp_path):
    make.category("Only in PostgreSQL")
    assert runner.invoke(args=["backup", str(tmp_path / "pg.tar.gz")]).exit_code == 0
    sqlite_app = instance_app(tmp_path, "lite", f"sqlite:///{tmp_path / 'lite.sqlite'}")
    result = invoke(sqlite_app, "restore", str(tmp_path / "pg.tar.gz"))
    dispose(sqlite_app)  # Python 3.13 warns about SQLite connections left open
    assert result.exit_code != 0
    assert "flask export" in result.output
