"""The demo site ``make run`` serves, seeded once per test run and copied for each module."""

from __future__ import annotations

import fcntl
from typing import Any

import pytest

from techpulse.extensions import db
from tests.helpers.apps import WORKER, app_settings, copy_site, new_app


def demo_site(tmp_path_factory: pytest.TempPathFactory, name: str, **config: Any) -> dict[str, Any]:
    """Settings of a new SQLite site holding a copy of the demo content (``config`` added).

    The demo is seeded once per run, under a lock, in a folder every xdist worker shares:
    seeding draws and encodes a dozen banners, which the browser modules need not redo.
    """
    folder = tmp_path_factory.mktemp(name)
    target = {
        **app_settings(folder),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'site.sqlite'}",
        **config,
    }
    copy_site(_seeded_once(tmp_path_factory), target)
    return target


def demo_seed_output(tmp_path_factory: pytest.TempPathFactory) -> str:
    """What ``flask seed-demo`` printed when it seeded the run's demo site."""
    _seeded_once(tmp_path_factory)
    return (_run_folder(tmp_path_factory) / "demo-site" / "seed-output.txt").read_text()


def _run_folder(tmp_path_factory: pytest.TempPathFactory) -> Any:
    run_folder = tmp_path_factory.getbasetemp()
    return run_folder.parent if WORKER else run_folder  # each worker has its own base folder


def _seeded_once(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    run_folder = _run_folder(tmp_path_factory)
    folder = run_folder / "demo-site"
    source = {
        **app_settings(folder),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'site.sqlite'}",
        "IMAGE_AVIF": True,  # as `make run` serves it
    }
    with (run_folder / "demo-site.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        ready = folder / "seeded"
        if not ready.exists():
            folder.mkdir(exist_ok=True)
            app = new_app(source)
            with app.app_context():
                db.create_all()
                seeded = app.test_cli_runner().invoke(args=["seed-demo"])  # as `make run` does
                assert seeded.exit_code == 0, seeded.output
                (folder / "seed-output.txt").write_text(seeded.output)
                db.session.remove()
                db.engine.dispose()
            ready.touch()
    return source
