"""The shipped deploy/ files: what they promise about versions, idle connections and modes."""

from __future__ import annotations

import re
from pathlib import Path

NGINX_SITE = Path("deploy/nginx/techpulse.conf")
UNIT = Path("deploy/techpulse.service")


def _blocks(text: str, keyword: str) -> list[str]:
    """The bodies of the top-level ``keyword { … }`` blocks of an nginx file."""
    bodies, depth, body, inside = [], 0, "", False
    for line in text.splitlines():
        code = line.split("#", 1)[0]
        if depth == 0 and re.match(rf"\s*{keyword}\b[^{{]*\{{", code):
            inside, body = True, ""
        if inside:
            body += code + "\n"
        depth += code.count("{") - code.count("}")
        if inside and depth == 0:
            bodies.append(body)
            inside = False
    return bodies


def _granian_header_timeout_ms(path: Path) -> int:
    text = path.read_text().replace("\\\n", " ")
    match = re.search(r"--http1-header-read-timeout (\d+)", text)
    assert match, f"{path} does not limit how long granian waits for a request"
    return int(match.group(1))


def test_nginx_never_tells_its_version():
    servers = _blocks(NGINX_SITE.read_text(), "server")
    assert len(servers) == 2  # the http redirect and the https site
    for server in servers:
        assert re.search(r"^\s*server_tokens off;", server, re.M), server[:200]


def test_idle_connections_are_closed_by_nginx_before_granian_would():
    [upstream] = _blocks(NGINX_SITE.read_text(), "upstream")
    idle = re.search(r"keepalive_timeout (\d+)s;", upstream)
    assert idle, "the upstream keeps idle connections to granian for nginx's default 60 s"
    granian_ms = {_granian_header_timeout_ms(path) for path in (UNIT, Path("Makefile"))}
    assert granian_ms == {10_000}  # like nginx's client_header_timeout for visitors
    assert int(idle.group(1)) * 1000 < min(granian_ms)
    assert re.search(r"client_header_timeout 10s;", NGINX_SITE.read_text())


def test_the_service_creates_files_nobody_else_can_read():
    assert re.search(r"^UMask=0027$", UNIT.read_text(), re.M)
