"""The production server (granian, as `make serve` and deploy/ run it) and nginx in front.

Both run as real processes on free loopback ports, serving the test database.
"""

from __future__ import annotations

import gzip
import http.client
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from bench.config import readme_server_command, server_argv
from bench.servers import worker_rss_mb
from techpulse import PROJECT_ROOT

pytestmark = pytest.mark.slow

GRANIAN = Path(sys.executable).with_name("granian")
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else "")


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str = "/", timeout: float = 30, **headers: str) -> Any:
    """GET over plain HTTP; returns the response with its body read."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def wait_until_serving(port: int, process: subprocess.Popen[bytes], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if get(port, timeout=5).status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not answer in time")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def story(make: Any) -> Any:
    make.settings()
    return make.article("Served by granian", body="A story. " * 300)


class Server(NamedTuple):
    port: int
    pid: int


@pytest.fixture
def server(app: Any, app_config: dict[str, Any], story: Any, tmp_path: Path) -> Iterator[Server]:
    """granian started with the README's command (as `make serve` and deploy/ run it)."""
    if not GRANIAN.exists():
        pytest.skip("granian is not installed")
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TECHPULSE_")},
        "TECHPULSE_DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
        "TECHPULSE_INSTANCE_PATH": str(app_config["INSTANCE_PATH"]),
        "TECHPULSE_SECRET_KEY": app_config["SECRET_KEY"],
        "TECHPULSE_PROXY_FIX_X_FOR": "1",
        "TECHPULSE_REDIS_URL": app_config.get("REDIS_URL", ""),
        # Plain http on loopback with the suite's key: production mode's start-up checks are
        # tested in test_production.py; here the server itself is under test.
        "TECHPULSE_PRODUCTION": "false",
        # The public name nginx is configured for, as DEPLOY.md sets it, and loopback.
        "TECHPULSE_TRUSTED_HOSTS": "techpulse.example,127.0.0.1,localhost",
    }
    command = server_argv(readme_server_command(), "127.0.0.1", port)
    assert Path(command[0]).name == "granian", command
    command[0] = str(GRANIAN)
    # Its log goes to a file: a pipe nobody reads would fill up and stop the server mid-test.
    log = (tmp_path / "granian.log").open("wb")
    process = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        wait_until_serving(port, process)
        yield Server(port, process.pid)
    finally:
        stop(process)
        log.close()


@pytest.fixture
def app_server(server: Server) -> int:
    """The port of the running server."""
    return server.port


def test_idle_and_slow_connections_do_not_stall_the_site(app_server, story):
    # More silent connections than the workers have threads, plus two that send half a
    # request and stop: a sync or thread-per-connection server waits on them for ~30 s.
    idle = [socket.create_connection(("127.0.0.1", app_server)) for _ in range(16)]
    slow = [socket.create_connection(("127.0.0.1", app_server)) for _ in range(2)]
    for connection in slow:
        connection.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    try:
        time.sleep(0.5)
        started = time.monotonic()
        home = get(app_server, "/", timeout=10)
        article = get(app_server, f"/articles/{story.slug}", timeout=10)
        elapsed = time.monotonic() - started
    finally:
        for connection in idle + slow:
            connection.close()
    assert home.status == 200 and article.status == 200
    assert b"Served by granian" in article.body
    assert elapsed < 5, f"the site took {elapsed:.1f}s to answer past idle connections"


def test_the_server_sends_cached_gzip_pages(app_server, story):
    url = f"/articles/{story.slug}"
    # Each of the two workers keeps its own copy: a few visits warm both.
    pages = [get(app_server, url, **{"Accept-Encoding": "gzip"}) for _ in range(8)]
    assert pages[0].getheader("X-Cache") == "miss"
    page = next(page for page in pages if page.getheader("X-Cache") == "hit")
    assert page.getheader("Content-Encoding") == "gzip"
    assert b"Served by granian" in gzip.decompress(page.body)


def test_each_worker_stays_under_120_mb_after_a_burst_of_page_renders(server, story):
    # Issue 8's memory target. 32 visitors at once, each request a page nobody has seen
    # (so rendered and then cached): a worker with one Python thread per connection and the
    # staff-only libraries loaded grew past 130 MB on this.
    pages = ["/", f"/articles/{story.slug}", "/feed.xml", "/sitemap.xml", "/search?q=granian"]

    def visitor(number: int) -> list[int]:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        statuses = []
        for visit in range(12):
            page = pages[visit % len(pages)]
            query = f"{'&' if '?' in page else '?'}visitor={number}-{visit}"
            connection.request("GET", page + query, headers={"Accept-Encoding": "gzip"})
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
        connection.close()
        return statuses

    with ThreadPoolExecutor(32) as pool:
        statuses = [status for visits in pool.map(visitor, range(32)) for status in visits]
    assert statuses == [200] * 32 * 12
    largest = worker_rss_mb(server.pid)
    print(f"largest worker: {largest:.0f} MB")
    assert largest <= 120


# --- nginx in front, with the shipped configuration -------------------------------------

needs_nginx = pytest.mark.skipif(not NGINX, reason="Debian's nginx is not installed")


def render_site(tmp: Path, app_port: int, http_port: int, https_port: int) -> Path:
    """deploy/nginx/ made runnable here: our ports, paths, a self-signed certificate."""
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed for a test certificate")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=techpulse.example", "-keyout", tmp / "key.pem", "-out", tmp / "cert.pem"],
        check=True, capture_output=True,
    )  # fmt: skip
    deploy = PROJECT_ROOT / "deploy" / "nginx"
    for snippet in ("techpulse-proxy.conf", "techpulse-microcache.conf"):
        shutil.copy(deploy / snippet, tmp / snippet)
    site = (deploy / "techpulse.conf").read_text()
    replacements = {
        "/etc/nginx/snippets/": f"{tmp}/",
        "/srv/techpulse/static/": f"{PROJECT_ROOT / 'static'}/",
        "/srv/techpulse/instance/uploads/": f"{tmp}/uploads/",
        "/var/cache/nginx/techpulse": f"{tmp}/cache",
        "/etc/letsencrypt/live/techpulse.example/fullchain.pem": f"{tmp}/cert.pem",
        "/etc/letsencrypt/live/techpulse.example/privkey.pem": f"{tmp}/key.pem",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
    }
    for old, new in replacements.items():
        assert old in site, old
        site = site.replace(old, new)
    site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)
    (tmp / "techpulse.conf").write_text(site)
    (tmp / "uploads").mkdir()
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp_paths = "".join(
        f"    {kind}_temp_path {tmp}/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"{user}worker_processes 1;\npid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\n"
        "events { worker_connections 256; }\n"
        f"http {{\n    include /etc/nginx/mime.types;\n    access_log off;\n{temp_paths}"
        f"    include {tmp}/techpulse.conf;\n}}\n"
    )
    return conf


@needs_nginx
def test_shipped_nginx_configuration_is_valid(tmp_path):
    conf = render_site(tmp_path, free_port(), free_port(), free_port())
    checked = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr


@needs_nginx
def test_a_page_through_nginx_and_the_app_server(app_server, story, tmp_path):
    http_port, https_port = free_port(), free_port()
    conf = render_site(tmp_path, app_server, http_port, https_port)
    nginx = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and nginx.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        redirect = get(http_port, "/", Host="techpulse.example")
        assert redirect.status == 301
        assert redirect.getheader("Location") == "https://techpulse.example/"

        tls = ssl.create_default_context()
        tls.check_hostname, tls.verify_mode = False, ssl.CERT_NONE

        def fetch(path: str, **headers: str) -> Any:
            connection = http.client.HTTPSConnection("127.0.0.1", https_port, context=tls)
            connection.request("GET", path, headers={"Host": "techpulse.example", **headers})
            response = connection.getresponse()
            response.body = response.read()
            connection.close()
            return response

        page = fetch(f"/articles/{story.slug}", **{"Accept-Encoding": "gzip"})
        assert page.status == 200 and page.getheader("Content-Encoding") == "gzip"
        html = gzip.decompress(page.body).decode()
        assert "Served by granian" in html
        # X-Forwarded-Proto reached the app: its canonical link is https on our host name.
        assert f'rel="canonical" href="https://techpulse.example/articles/{story.slug}"' in html
        css = next(part.split('"')[0] for part in html.split('href="')[1:] if "site.css" in part)
        sheet = fetch(css, **{"Accept-Encoding": "gzip"})
        assert sheet.status == 200
        assert sheet.getheader("Cache-Control") == "public, max-age=31536000, immutable"
        # From disk by nginx: the app would have added its Content-Security-Policy.
        assert sheet.getheader("Content-Security-Policy") is None
        # The micro-cache keeps anonymous pages for a second; staff cookies pass through.
        statuses = [fetch("/").getheader("X-Micro-Cache") for _ in range(4)]
        assert "HIT" in statuses[1:], statuses  # (a slow machine may let one second pass)
        assert fetch("/", Cookie="session=staff").getheader("X-Micro-Cache") == "BYPASS"
    finally:
        stop(nginx)
        if nginx.stderr:
            nginx.stderr.close()
