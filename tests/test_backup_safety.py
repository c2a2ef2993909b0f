"""Backups and archives on every supported Python, while images change, private on disk."""

from __future__ import annotations

import io
import stat
import tarfile
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import Image
from techpulse.ops import backup as backup_module
from techpulse.ops.archive import extract_archive
from techpulse.ops.instance import OperationRefused
from techpulse.services.media.library import create_image, delete_image
from tests.helpers.apps import POSTGRES_URL
from tests.helpers.factories import image_bytes
from tests.helpers.instances import dispose, fresh_database, instance_app, invoke


@pytest.fixture(params=["with-filters", "python-3.11.2"])
def tar_python(request, monkeypatch) -> str:
    """Run once with this Python's tarfile, once as on 3.11.2 (no extraction filters)."""
    if request.param == "python-3.11.2":
        monkeypatch.delattr(tarfile, "data_filter", raising=False)
        original = tarfile.TarFile.extractall

        def extractall_of_3_11_2(self, path=".", members=None, *, numeric_owner=False, **extra):
            if extra:  # 3.11.2's extractall has no `filter` keyword
                raise TypeError(f"extractall() got an unexpected keyword argument {extra}")
            return original(self, path, members, numeric_owner=numeric_owner)

        monkeypatch.setattr(tarfile.TarFile, "extractall", extractall_of_3_11_2)
    elif not hasattr(tarfile, "data_filter"):
        pytest.skip("this Python has no tarfile extraction filters")
    return request.param


def _hostile(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        manifest = b'{"format": "techpulse-backup"}'
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        archive.addfile(info, io.BytesIO(manifest))
        payload = b"owned"
        if kind in ("absolute", "dotdot", "nested-dotdot"):
            name = {
                "absolute": str(tmp_path / "outside-absolute.txt"),
                "dotdot": "../outside-dotdot.txt",
                "nested-dotdot": "uploads/../../outside-nested.txt",
            }[kind]
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
            return path
        info = tarfile.TarInfo("uploads/evil")
        info.type = {
            "symlink": tarfile.SYMTYPE,
            "hardlink": tarfile.LNKTYPE,
            "fifo": tarfile.FIFOTYPE,
            "device": tarfile.CHRTYPE,
        }[kind]
        info.linkname = "/etc/passwd" if kind in ("symlink", "hardlink") else ""
        archive.addfile(info)
    return path


@pytest.mark.parametrize(
    "kind", ["absolute", "dotdot", "nested-dotdot", "symlink", "hardlink", "fifo", "device"]
)
def test_hostile_archives_are_refused_and_write_nothing(tar_python, tmp_path, kind):
    into = tmp_path / "into"
    into.mkdir()
    with pytest.raises(OperationRefused, match="Refusing the archive") as refused:
        extract_archive(_hostile(tmp_path, kind), into)
    assert "evil" in str(refused.value) or "outside" in str(refused.value)
    assert list(into.iterdir()) == []
    assert not list(tmp_path.glob("outside-*"))
    assert not (tmp_path.parent / "outside-dotdot.txt").exists()


def test_restore_refuses_a_hostile_archive_with_a_clear_error(tar_python, runner, tmp_path):
    result = runner.invoke(args=["restore", str(_hostile(tmp_path, "symlink"))])
    assert result.exit_code != 0
    assert "is a link; only folders and files are allowed" in result.output
    assert "Traceback" not in result.output


def test_backup_and_restore_round_trip_on_every_python(tar_python, app, runner, make, tmp_path):
    make.settings()
    story = make.article("Kept across Pythons", banner=True)
    variants = db.session.get(Image, story.banner_id).variants
    result = runner.invoke(args=["backup", str(tmp_path / "site.tar.gz")])
    assert result.exit_code == 0, result.output

    with fresh_database(tmp_path, "restored", postgres=bool(POSTGRES_URL)) as url:
        fresh = instance_app(tmp_path, "fresh", url)
        result = invoke(fresh, "restore", str(tmp_path / "site.tar.gz"))
        assert result.exit_code == 0, result.output
        uploads = Path(fresh.config["UPLOAD_FOLDER"])
        for variant in variants:
            assert (uploads / variant["file"]).is_file()
        assert fresh.test_client().get(f"/articles/{story.slug}").status_code == 200
        dispose(fresh)


def _members(archive: Path) -> set[str]:
    with tarfile.open(archive) as opened:
        return set(opened.getnames())


def test_backup_leaves_out_uploads_in_progress_and_files_that_vanish(
    app, runner, make, tmp_path, monkeypatch
):
    image = make.image()
    uploads = Path(app.config["UPLOAD_FOLDER"])
    (uploads / ".upload-abc123.part").write_bytes(b"half an image")
    (uploads / "orphan-going-away.jpg").write_bytes(b"left by a rolled-back upload")
    listed = backup_module.upload_files

    def listing_then_a_file_vanishes() -> list[Path]:
        names = listed()
        (uploads / "orphan-going-away.jpg").unlink()
        return names

    monkeypatch.setattr(backup_module, "upload_files", listing_then_a_file_vanishes)
    result = runner.invoke(args=["backup", str(tmp_path / "b" / "site.tar.gz")])
    assert result.exit_code == 0, result.output
    names = _members(tmp_path / "b" / "site.tar.gz")
    assert {f"uploads/{variant['file']}" for variant in image.variants} <= names
    assert not any(".part" in name or "orphan" in name or "backup" in name for name in names)
    assert sorted(path.name for path in (tmp_path / "b").iterdir()) == ["site.tar.gz"]
    assert not list(uploads.glob(".backup-*"))  # the held copies are gone


def test_a_failed_backup_leaves_nothing_half_written(app, runner, make, tmp_path, monkeypatch):
    make.image()
    added: list[str] = []

    def add_then_the_disk_fills(self, name, arcname=None, recursive=True, **kw):
        if added:
            raise OSError(28, "No space left on device")
        added.append(arcname)
        with open(name, "rb") as handle:
            return tarfile.TarFile.addfile(self, self.gettarinfo(name, arcname), handle)

    monkeypatch.setattr(tarfile.TarFile, "add", add_then_the_disk_fills)
    folder = tmp_path / "backups"
    result = runner.invoke(args=["backup", str(folder)])
    assert result.exit_code != 0
    assert added == ["manifest.json"]
    assert list(folder.iterdir()) == []  # no archive, no .partial, no work folder
    assert not list(Path(app.config["UPLOAD_FOLDER"]).glob(".backup-*"))


def test_an_image_deleted_during_the_backup_keeps_its_files_in_the_archive(
    app, runner, make, tmp_path, monkeypatch
):
    """The delete commits right after the snapshot; its file removal waits for the backup."""
    image = make.image()
    image_id, files = image.id, [variant["file"] for variant in image.variants]
    uploads = Path(app.config["UPLOAD_FOLDER"])
    deleted = threading.Event()
    hold_files = backup_module._hold_files

    def delete_in_another_request() -> None:
        with app.app_context():
            delete_image(db.session.get(Image, image_id))
            deleted.set()
            db.session.remove()

    worker = threading.Thread(target=delete_in_another_request)

    def snapshot_taken_then_a_delete(folder: Path, held: Path) -> list[Path]:
        worker.start()
        time.sleep(0.5)  # the delete commits after the snapshot; removing its files waits
        return hold_files(folder, held)

    monkeypatch.setattr(backup_module, "_hold_files", snapshot_taken_then_a_delete)
    result = runner.invoke(args=["backup", str(tmp_path / "site.tar.gz")])
    worker.join(10)
    assert result.exit_code == 0, result.output
    assert deleted.is_set()
    assert not any((uploads / name).exists() for name in files)  # deleted after the backup
    assert {f"uploads/{name}" for name in files} <= _members(tmp_path / "site.tar.gz")

    with fresh_database(tmp_path, "restored", postgres=bool(POSTGRES_URL)) as url:
        restored = instance_app(tmp_path, "restored", url)
        assert invoke(restored, "restore", str(tmp_path / "site.tar.gz")).exit_code == 0
        with restored.app_context():
            assert db.session.get(Image, image_id) is not None  # in the snapshot, with its files
            for name in files:
                assert (Path(restored.config["UPLOAD_FOLDER"]) / name).is_file()
        dispose(restored)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_backups_and_exports_are_private_files(app, runner, make, tmp_path):
    make.image()
    result = runner.invoke(args=["backup", str(tmp_path / "site.tar.gz")])
    assert result.exit_code == 0, result.output
    assert _mode(tmp_path / "site.tar.gz") == 0o600
    assert runner.invoke(args=["backup"]).exit_code == 0
    dated = list((Path(app.instance_path) / "backups").glob("*.tar.gz"))
    assert [_mode(path) for path in dated] == [0o600]
    assert _mode(Path(app.instance_path) / "backups") == 0o700
    assert runner.invoke(args=["export", str(tmp_path / "site-export.tar.gz")]).exit_code == 0
    assert _mode(tmp_path / "site-export.tar.gz") == 0o600
    assert runner.invoke(args=["export", str(tmp_path / "exported")]).exit_code == 0
    assert _mode(tmp_path / "exported") == 0o700
    assert _mode(tmp_path / "exported" / "manifest.json") == 0o600
    assert {_mode(path) for path in (tmp_path / "exported" / "uploads").iterdir()} == {0o600}

    database = tmp_path / "new-site.sqlite"
    fresh = instance_app(tmp_path, "new-site", f"sqlite:///{database}")
    with fresh.app_context():
        db.create_all()
        db.session.execute(select(1))
    assert _mode(database) == 0o600
    for companion in (database.with_name(f"{database.name}-wal"),):
        if companion.exists():
            assert _mode(companion) & 0o077 == 0
    dispose(fresh)
    if not POSTGRES_URL:  # a SQLite backup restores into SQLite
        restored = tmp_path / "restored.sqlite"
        target = instance_app(tmp_path, "restored", f"sqlite:///{restored}")
        assert invoke(target, "restore", str(tmp_path / "site.tar.gz")).exit_code == 0
        assert _mode(restored) == 0o600
        dispose(target)


def _churn(app, stop: threading.Event, counts: dict[str, int]) -> None:
    """Upload an image, delete the one before, again and again (as staff's POSTs would)."""
    previous = None
    while not stop.is_set():
        with app.test_request_context("/admin/media", method="POST"):
            image = create_image(image_bytes(640, 360), "Churned")
            db.session.commit()
            counts["uploaded"] += 1
            if previous is not None:
                delete_image(db.session.get(Image, previous))
                counts["deleted"] += 1
            previous = image.id
            db.session.remove()


@pytest.mark.slow
def test_backups_during_a_stream_of_uploads_and_deletes_all_restore_whole(
    app, runner, make, tmp_path
):
    make.image()
    counts = {"uploaded": 0, "deleted": 0}
    stop = threading.Event()
    churn = threading.Thread(target=_churn, args=(app, stop, counts))
    churn.start()
    archives = []
    try:
        while counts["deleted"] < 2:
            time.sleep(0.05)
        for n in range(4):
            result = runner.invoke(args=["backup", str(tmp_path / f"b{n}.tar.gz")])
            assert result.exit_code == 0, result.output
            archives.append(tmp_path / f"b{n}.tar.gz")
    finally:
        stop.set()
        churn.join(60)
    assert counts["deleted"] >= 4, counts
    assert not list(tmp_path.glob(".*partial"))
    for archive in archives:
        with fresh_database(tmp_path, archive.stem, postgres=bool(POSTGRES_URL)) as url:
            restored = instance_app(tmp_path, archive.stem, url)
            assert invoke(restored, "restore", str(archive)).exit_code == 0
            uploads = Path(restored.config["UPLOAD_FOLDER"])
            with restored.app_context():
                images = list(db.session.scalars(select(Image)))
                assert images
                for image in images:  # every image in the snapshot came with its files
                    for variant in image.variants:
                        assert (uploads / variant["file"]).is_file(), (archive.name, variant)
            dispose(restored)
