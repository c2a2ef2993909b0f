"""`make run` tells a first-time user the login address the server really listens on."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from techpulse.models import Role

REPO = Path(__file__).resolve().parent.parent


def test_hint_names_the_host_and_port_given(runner):
    result = runner.invoke(args=["users", "hint", "--host", "127.0.0.1", "--port", "5400"])
    assert result.exit_code == 0
    assert "log in at http://127.0.0.1:5400/login" in result.output
    everywhere = runner.invoke(args=["users", "hint", "--host", "0.0.0.0", "--port", "8000"])
    assert "log in at http://127.0.0.1:8000/login" in everywhere.output


def test_hint_is_silent_once_an_admin_exists(runner, make):
    make.staff(Role.ADMIN)
    assert runner.invoke(args=["users", "hint"]).output == ""


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_passes_its_port_to_the_hint():
    env = {**os.environ, "PORT": "5400"}
    plan = subprocess.run(
        ["make", "--dry-run", "--always-make", "run"], cwd=REPO, env=env,
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    [hint] = [line for line in plan.splitlines() if "users hint" in line]
    assert "--port 5400" in hint and "--host 127.0.0.1" in hint
    [serve] = [line for line in plan.splitlines() if " run --host" in line]
    assert "--port 5400" in serve
