"""The production server (the Makefile's ``serve`` command, granian) in its own process group,
and plain HTTP requests to it that name the site's host as a proxy would."""

from __future__ import annotations

import http.client
import os
import shlex
import signal
import subprocess
import time
from pathlib import Path

from techpulse import PROJECT_ROOT


def production_command(port: int, workers: int = 2) -> list[str]:
    """The command `make serve` runs (its last line), for loopback and ``port``."""
    dry_run = subprocess.run(
        ["make", "-s", "-n", "serve", "HOST=127.0.0.1", f"PORT={port}", f"WORKERS={workers}"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    lines = dry_run.stdout.replace("\\\n", " ").strip().splitlines()  # join continued lines
    return shlex.split(lines[-1])


class Server:
    """One production server: started, asked, killed; its output goes to ``log``."""

    def __init__(self, port: int, host: str, environment: dict[str, str], log: Path) -> None:
        self.port, self.host, self.environment, self.log = port, host, environment, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, workers: int = 1) -> None:
        """Start the server; return once /healthz answers."""
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                production_command(self.port, workers), cwd=PROJECT_ROOT, env=self.environment,
                start_new_session=True, stdout=output, stderr=output,
            )  # fmt: skip
        deadline = time.monotonic() + 90  # importing the app on a loaded machine is slow
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the server exited: {self.log.read_text()}"
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        self.kill()
        raise AssertionError("the production server did not answer within 90 s")

    def kill(self) -> None:
        """SIGKILL the server and all its workers."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)
        self.process = None

    def request(
        self, method: str, path: str, body: str = "", cookie: str = "", timeout: float = 30
    ) -> tuple[int, http.client.HTTPMessage, str, float]:
        """One HTTP request; returns (status, headers, body text, seconds taken)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {"Host": self.host}
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if cookie:
            headers["Cookie"] = cookie
        start = time.monotonic()
        try:
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
            return response.status, response.headers, text, time.monotonic() - start
        finally:
            connection.close()


def cookies_of(headers: http.client.HTTPMessage) -> str:
    """The Cookie header a browser would send back after ``headers``."""
    return "; ".join(c.split(";", 1)[0] for c in headers.get_all("Set-Cookie") or [])
