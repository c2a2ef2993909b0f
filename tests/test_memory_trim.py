"""A server worker gives the memory a burst of renders freed back to the system."""

from __future__ import annotations

import sys
import time
import types

from techpulse.ops import memory
from tests.helpers.apps import new_app


def test_a_server_worker_trims_freed_memory_on_a_timer(app_config, monkeypatch):
    trims: list[int] = []
    monkeypatch.setattr(memory, "MALLOC_TRIM", lambda pad: trims.append(pad) or 1)
    monkeypatch.setattr(memory, "_STATE", {"interval": 0.0, "pid": 0})
    for server in ("granian", "gunicorn"):  # another test may have imported one
        monkeypatch.delitem(sys.modules, server, raising=False)
    production = {"SECRET_KEY": "k" * 40, "SITE_URL": "https://x.test"}
    new_app({**app_config, **production, "MEMORY_TRIM_SECONDS": 0.02})
    time.sleep(0.3)
    assert trims == []  # flask run, tests, commands: never
    monkeypatch.setitem(sys.modules, "granian", types.ModuleType("granian"))  # a server worker
    new_app({**app_config, **production, "MEMORY_TRIM_SECONDS": 0.02})
    deadline = time.monotonic() + 5
    while len(trims) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert trims[:3] == [0, 0, 0]  # malloc_trim(0): every heap, all free pages
    memory._STATE["interval"] = 0.0  # the thread ends at its next look
    assert memory.release_free_memory() is True


def test_a_setting_of_zero_starts_no_trimming(app_config, monkeypatch):
    monkeypatch.setattr(memory, "_STATE", {"interval": 0.0, "pid": 0})
    monkeypatch.setitem(sys.modules, "granian", types.ModuleType("granian"))
    new_app({**app_config, "SECRET_KEY": "k" * 40, "SITE_URL": "https://x.test",
             "MEMORY_TRIM_SECONDS": 0})  # fmt: skip
    assert memory._STATE["interval"] == 0.0
