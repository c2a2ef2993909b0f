"""Start and stop what is measured: the app server as the README runs it, and nginx."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.config import ROOT, server_argv
from bench.nginx_site import render_site

NGINX_CONF = """\
worker_processes auto;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    # As Debian's nginx.conf (and the shipped site) has them: the limit a stock nginx reaches.
    sendfile on;
    tcp_nopush on;
    client_body_temp_path {dir}/tmp; proxy_temp_path {dir}/tmp; fastcgi_temp_path {dir}/tmp;
    uwsgi_temp_path {dir}/tmp; scgi_temp_path {dir}/tmp;
    server {{
        listen {host}:{port};
        root {dir}/www;
        location / {{ default_type text/html; }}
    }}
}}
"""


def wait_for_port(host: str, port: int, timeout: float = 30.0) -> None:
    """Return once something accepts connections on host:port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {host}:{port} after {timeout:.0f} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the process group we started, gently first."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def app_server(command: str, host: str, port: int, env: dict[str, str]) -> Iterator[int]:
    """Run the app server with ``env`` added; yield its process id."""
    argv = server_argv(command, host, port)
    environment = {**os.environ, **env}
    with (
        open(Path(tempfile.gettempdir()) / f"techpulse-bench-{port}.log", "wb") as log,
        _running(
            argv, host, port, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
        ) as pid,
    ):
        yield pid


@contextmanager
def _running(argv: list[str], host: str, port: int, **popen: Any) -> Iterator[int]:
    """Start ``argv`` in a session of its own, wait for its port, stop it (and its children)."""
    process = subprocess.Popen(argv, start_new_session=True, **popen)
    try:
        wait_for_port(host, port)
        yield process.pid
    finally:
        _stop(process)


@contextmanager
def nginx_static(page: bytes, host: str, port: int) -> Iterator[int]:
    """nginx serving ``page`` as /article.html; yield its master's process id."""
    with _folder("techpulse-bench-nginx-") as folder:
        (folder / "www").mkdir()
        (folder / "tmp").mkdir()
        (folder / "www" / "article.html").write_bytes(page)
        for path in (folder, folder / "www", folder / "www" / "article.html"):
            path.chmod(0o755 if path.is_dir() else 0o644)  # nginx workers may run as nobody
        conf = folder / "nginx.conf"
        conf.write_text(NGINX_CONF.format(dir=folder, host=host, port=port))
        with _nginx(folder, conf, host, port) as pid:
            yield pid


@contextmanager
def nginx_proxy(
    app_port: int, host: str, port: int, uploads: Path, page_files: Path | None = None
) -> Iterator[int]:
    """nginx with the shipped deploy/ site (page files and micro-cache) in front of the app
    server, serving the page files the app writes to ``page_files``.

    Plain http on ``port``, like the static limit: the same locations without TLS (see
    bench/nginx_site.py). Worker processes and connections as for the static limit.
    """
    with _folder("techpulse-bench-proxy-") as folder:
        folder.chmod(0o755)
        conf = render_site(
            folder, app_port, port, tls=False, uploads=uploads, page_files=page_files,
            workers="auto", connections=4096,
        )  # fmt: skip
        with _nginx(folder, conf, host, port) as pid:
            yield pid


@contextmanager
def page_files_folder() -> Iterator[Path]:
    """A folder for the app server's page files (TECHPULSE_PAGE_FILES_DIR), nginx-readable."""
    with _folder("techpulse-bench-pages-") as folder:
        folder.chmod(0o755)
        yield folder


@contextmanager
def _folder(prefix: str) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _nginx(folder: Path, conf: Path, host: str, port: int) -> Iterator[int]:
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    argv = [binary, "-p", str(folder), "-c", str(conf), "-g", "daemon off;"]
    with _running(argv, host, port, stderr=subprocess.DEVNULL) as pid:
        yield pid


def worker_rss_mb(pid: int) -> float:
    """The largest resident memory among the server's workers (or the server itself), in MB."""
    processes = _descendants(pid) or [pid]
    return max(_rss_kb(p) for p in processes) / 1024


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        children = [int(c) for t in tasks for c in (t / "children").read_text().split()]
    except OSError:
        return found
    for child in children:
        found += [child, *_descendants(child)]
    return found


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by the server and all its workers."""
    ticks = 0
    for process in [pid, *_descendants(pid)]:
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")
