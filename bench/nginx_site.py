"""deploy/nginx/ made runnable on loopback: the shipped site, changed only where it must be.

The deploy test (tests/test_production_server.py) and ``make bench`` (nginx in front of the
app server) both run what users install: the same ``techpulse.conf`` with its proxy and
micro-cache snippets, with our ports, folders and, for the test, a self-signed certificate.
Every string replaced must be in the shipped file, so a change there fails loudly here.

``tls=True`` keeps both server blocks (http → https redirect, TLS site). ``tls=False`` keeps
only the site's server block, listening on plain http without its ``ssl_*`` lines: the same
locations, proxying and micro-cache, comparable with a plain-http static limit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from bench.config import ROOT

DEPLOY = ROOT / "deploy" / "nginx"
SNIPPETS = ("techpulse-proxy.conf", "techpulse-microcache.conf", "techpulse-page-headers.conf")
HOST_NAME = "techpulse.example"
TLS_LISTEN = "listen 443 ssl http2;"
HTTP_LISTEN = "listen 80;"


def render_site(
    folder: Path,
    app_port: int,
    port: int,
    *,
    tls: bool = True,
    redirect_port: int | None = None,
    uploads: Path | None = None,
    page_files: Path | None = None,
    workers: str = "1",
    connections: int = 256,
) -> Path:
    """Write nginx.conf and the site under ``folder``; return the nginx.conf path.

    The site listens on 127.0.0.1:``port`` (TLS when ``tls``, then the redirect server on
    ``redirect_port``) and proxies to the app server on 127.0.0.1:``app_port``; it serves
    the app's page files from ``page_files`` (the app server's TECHPULSE_PAGE_FILES_DIR).
    """
    folder.mkdir(parents=True, exist_ok=True)
    for snippet in SNIPPETS:
        shutil.copy(DEPLOY / snippet, folder / snippet)
    uploads = uploads or folder / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    page_files = page_files or folder / "page-files"
    site = _replace(
        (DEPLOY / "techpulse.conf").read_text(),
        {
            "/etc/nginx/snippets/": f"{folder}/",
            "/srv/techpulse/static/": f"{ROOT / 'static'}/",
            "/srv/techpulse/instance/uploads/": f"{uploads}/",
            "/srv/techpulse/instance/page-files;": f"{page_files};",
            "/var/cache/nginx/techpulse": f"{folder}/cache",
            "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
            # The usual access log stays off (as in _main_conf); the statistics log is kept.
            "access_log /var/log/nginx/access.log;": "",
            "/var/log/nginx/techpulse-stats.log": f"{folder}/techpulse-stats.log",
        },
    )
    site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)
    if tls:
        if redirect_port is None:
            raise ValueError("the TLS variant needs a port for its http → https redirect")
        certificate, key = self_signed_certificate(folder)
        site = _replace(
            site,
            {
                f"/etc/letsencrypt/live/{HOST_NAME}/fullchain.pem": str(certificate),
                f"/etc/letsencrypt/live/{HOST_NAME}/privkey.pem": str(key),
                TLS_LISTEN: f"listen 127.0.0.1:{port} ssl http2;",
                HTTP_LISTEN: f"listen 127.0.0.1:{redirect_port};",
            },
        )
    else:
        site = _plain_http(site, port)
    (folder / "techpulse.conf").write_text(site + "\n")
    conf = folder / "nginx.conf"
    conf.write_text(_main_conf(folder, workers, connections))
    return conf


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A one-day certificate for the site's host name (needs openssl)."""
    certificate, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", f"/CN={HOST_NAME}", "-keyout", key, "-out", certificate],
        check=True, capture_output=True,
    )  # fmt: skip
    return certificate, key


def _replace(text: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        if old not in text:
            raise ValueError(f"deploy/nginx/techpulse.conf no longer has {old!r}")
        text = text.replace(old, new)
    return text


def _plain_http(site: str, port: int) -> str:
    """Only the TLS server block, on plain http: the redirect server and ``ssl_*`` removed."""
    blocks = _top_level_blocks(site)
    redirect = next(block for block in blocks if HTTP_LISTEN in block)
    site = _replace(site.replace(redirect, ""), {TLS_LISTEN: f"listen 127.0.0.1:{port};"})
    return "\n".join(line for line in site.splitlines() if not line.strip().startswith("ssl_"))


def _top_level_blocks(text: str) -> list[str]:
    """The ``name { … }`` blocks at the top of an nginx file, each as its exact text."""
    blocks, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char == "{":
            if depth == 0:
                start = text.rfind("\n", 0, index) + 1
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                blocks.append(text[start : index + 1])
    return blocks


def _main_conf(folder: Path, workers: str, connections: int) -> str:
    # As root, nginx's workers would run as nobody, who may not read a checkout under /root.
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp_paths = "".join(
        f"    {kind}_temp_path {folder}/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}worker_processes {workers};\npid {folder}/nginx.pid;\n"
        f"error_log {folder}/error.log;\n"
        f"events {{ worker_connections {connections}; }}\n"
        f"http {{\n    include /etc/nginx/mime.types;\n    access_log off;\n{temp_paths}"
        f"    include {folder}/techpulse.conf;\n}}\n"
    )
