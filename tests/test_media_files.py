"""Uploaded image files (/media/<file>) over real HTTP, as browsers fetch them."""

from __future__ import annotations

import gc
import socket
import struct
import threading
import time
import warnings
from typing import Any
from urllib.parse import urlsplit

import pytest


def cancelled_download(port: int, path: str) -> None:
    """Start downloading ``path``, then reset the connection, as Chromium cancels an image."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        connection.recv(1)  # the answer has started
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


@pytest.fixture(params=["local", "database"])
def storage(request: pytest.FixtureRequest, app_config: dict[str, Any]) -> str:
    """Where the app keeps image files (MEDIA_STORAGE)."""
    app_config["MEDIA_STORAGE"] = request.param
    return request.param


def test_a_cancelled_image_download_leaves_no_file_open(storage, app, live_server, make):
    assert app.config["MEDIA_STORAGE"] == storage
    image = make.image()
    path = f"/media/{image.variants[0]['file']}"
    port = urlsplit(live_server).port
    threads = threading.active_count()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(20):
            cancelled_download(port, path)
        deadline = time.monotonic() + 10
        while threading.active_count() > threads and time.monotonic() < deadline:
            time.sleep(0.01)  # until every request thread has finished
        gc.collect()
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []
