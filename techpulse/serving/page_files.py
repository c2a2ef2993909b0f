"""Cached pages as plain files that nginx serves itself (deploy/nginx/, PAGE_FILES_DIR).

When the page cache stores an anonymous 200 HTML page asked for without a query string on
the site's own host, it also writes the page (and its .gz) to
``<dir>/<generation>/<headers>/<host>/<path>/index.html``, if that generation is still the
current one. ``<headers>`` names the response headers nginx must send with it
(nginx_headers.headers_stamp: the CSP hashes change with the stylesheet): nginx looks under
the name its snippet gives, so after an upgrade it serves no page until it has the new
snippet, and never a page with another release's headers.
``<dir>/current`` is a symlink to the current generation's folder: nginx tries the file
under it before asking the app. The first process to see a new generation (a write, or a
worker's generation watcher) points the link at the new folder (a new symlink renamed over
the old one: nginx sees the old folder or the new, never none) and removes the old folders
in the background.

A file has no expiry, but a page does (the next scheduled story, PAGE_CACHE_MAX_AGE): each
process remembers the earliest expiry of the files it wrote under the current generation
(also on disk, ``<generation>/.expires-<pid>``, for the workers that outlive it), and the
watchers make a new generation once that passes, as a write would.

Only safe paths are written (letters, digits, ``-._~`` and ``/``; no segment starting with
a dot; bounded length), only for SITE_URL's host (no folder per forged Host header), and a
disk error never fails a request: it is logged once, and the page is served from memory.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from techpulse import clock

log = logging.getLogger(__name__)

CURRENT = "current"
PAGE = "index.html"
GZIP = "index.html.gz"
MAX_PATH = 200
# The same expression is in deploy/nginx/techpulse.conf ($techpulse_page_file).
SAFE_PATH = re.compile(r"/(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*(?:/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*)?")
GENERATION = re.compile(r"[A-Za-z0-9_-]{1,64}")
EXPIRES = ".expires-"  # + pid: the earliest expiry of the pages that process wrote there
RESCAN = 1.0  # seconds between two reads of every process's expiry


def site_host(site_url: str) -> str:
    """The host name pages are written for: SITE_URL's, lower-case, without its port."""
    return (urlsplit(site_url).hostname or "").lower()


def _host_name(value: str) -> str:
    return value.rpartition(":")[0].lower() if ":" in value else value.lower()


class PageFiles:
    """Writes public pages where nginx finds them, and keeps ``current`` on the generation."""

    def __init__(
        self,
        folder: Path,
        host: str,
        current: Callable[[], str],
        bump: Callable[[], None],
        *,
        headers: Callable[[], str],
        rescan: float = RESCAN,
    ) -> None:
        self.folder = folder
        self.headers = headers  # the name of the headers this release sends with its pages
        self._headers: str | None = None
        self.rescan = rescan
        self._scan_at = 0.0  # time.monotonic() of the next read of the expiries on disk
        self.host = host
        self.current = current
        self.bump = bump  # a new generation, as a write makes (the page cache's invalidate)
        self.linked: str | None = None  # the generation this process last saw ``current`` on
        # (generation, earliest expiry of a file this process wrote under it)
        self.deadline: tuple[str, datetime] | None = None
        self._failed = False
        self._lock = threading.Lock()

    def path_of(self, environ: dict[str, Any]) -> str | None:
        """The request's path if its page may be written: our host, safe path, no query."""
        if environ.get("QUERY_STRING"):
            return None
        host = environ.get("HTTP_HOST", "")
        forwarded = environ.get("HTTP_X_FORWARDED_HOST")
        if _host_name(host) != self.host or (forwarded and _host_name(forwarded) != self.host):
            return None
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        if len(path) > MAX_PATH or not SAFE_PATH.fullmatch(path):
            return None
        if any(part in (PAGE, GZIP) for part in path.split("/")):
            return None  # a page there would collide with another page's file
        return path

    def store(self, environ: dict[str, Any], entry: Any) -> bool:
        """Write ``entry`` (a page-cache Entry) for nginx; whether a file was written.

        Never raises: a full or read-only disk is logged once and the page served as usual.
        """
        path = self.path_of(environ)
        content_type = dict((k.lower(), v) for k, v in entry.identity_headers).get(
            "content-type", ""
        )
        if path is None or not content_type.startswith("text/html"):
            return False
        try:
            return self._write(path, entry)
        except Exception as error:  # OSError, or the generation unreadable
            self._failed_once(error)
            return False

    def _write(self, path: str, entry: Any) -> bool:
        generation = entry.generation
        if not GENERATION.fullmatch(generation) or self.current() != generation:
            return False  # a write came meanwhile: this page belongs to no folder now
        if self._headers is None:
            self._headers = self.headers()
        page = self.folder / generation / self._headers / self.host / path.strip("/") / PAGE
        if page.exists():
            self._expires(generation, entry.expires)
            return False
        _make_folders(page.parent, self.folder)
        if entry.gzipped is not None:  # before the page: nginx finds both once it finds one
            _write_file(page.with_name(GZIP), entry.gzipped)
        _write_file(page, entry.identity)
        self._expires(generation, entry.expires)
        if self.linked != generation:
            self.follow(generation)
        return True

    def _expires(self, generation: str, expires: datetime) -> None:
        with self._lock:
            earlier = (
                self.deadline is None
                or self.deadline[0] != generation
                or expires < self.deadline[1]
            )
            if earlier:
                self.deadline = (generation, expires)
        if earlier:  # on disk too: a worker restarted forgets, the others read it
            name = f"{EXPIRES}{os.getpid()}"
            _write_file(self.folder / generation / name, expires.isoformat().encode())

    def follow(self, generation: str | None = None) -> None:
        """Point ``current`` at the current generation's folder (if not already); then
        remove the other generations' folders in the background. Never raises."""
        try:
            generation = generation or self.current()
            for _ in range(3):  # another process may flip it back to the one before
                if not GENERATION.fullmatch(generation):
                    return
                self._link(generation)
                now = self.current()
                if now == generation:
                    break
                generation = now
        except Exception as error:
            self._failed_once(error)
            return
        if self.linked != generation:
            self.linked = generation
            threading.Thread(target=self.remove_old, args=(generation,), daemon=True).start()

    def _link(self, generation: str) -> None:
        link = self.folder / CURRENT
        try:
            if os.readlink(link) == generation:
                return
        except OSError:
            pass
        self.folder.mkdir(parents=True, exist_ok=True)
        temp = self.folder / f".{CURRENT}.{os.getpid()}.{secrets.token_hex(4)}"
        os.symlink(generation, temp)
        try:
            os.replace(temp, link)
        except OSError:
            temp.unlink(missing_ok=True)
            raise

    def remove_old(self, keep: str) -> None:
        """Delete every generation's folder but ``keep`` (and the one ``current`` names)."""
        try:
            target = os.readlink(self.folder / CURRENT)
        except OSError:
            target = keep
        try:
            names = [
                entry.name
                for entry in os.scandir(self.folder)
                if entry.is_dir(follow_symlinks=False)
            ]
        except OSError:
            return
        for name in names:
            if name not in (keep, target) and GENERATION.fullmatch(name):
                shutil.rmtree(self.folder / name, ignore_errors=True)

    def watch(self, generation: str) -> None:
        """What each worker's generation watcher does on every look (every 5–50 ms)."""
        if generation != self.linked:
            self.follow(generation)
        deadline, now = self.deadline, clock.utcnow()
        if deadline is not None and deadline[0] == generation and now >= deadline[1]:
            # A file written under this generation shows a page past its expiry (a
            # scheduled story is due, or PAGE_CACHE_MAX_AGE passed): a new generation.
            self.deadline = None
            self.bump()
        elif time.monotonic() >= self._scan_at:  # what the other processes wrote, now and then
            self._scan_at = time.monotonic() + self.rescan
            earliest = self.earliest_expiry(generation)
            if earliest is not None and now >= earliest:
                self.bump()

    def earliest_expiry(self, generation: str) -> datetime | None:
        """The earliest expiry any process wrote for ``generation``'s pages (None: none)."""
        found = []
        try:
            for entry in os.scandir(self.folder / generation):
                if entry.name.startswith(EXPIRES):
                    with open(entry.path) as handle:
                        found.append(datetime.fromisoformat(handle.read()))
        except (OSError, ValueError):
            pass
        return min(found, default=None)

    def _failed_once(self, error: Exception) -> None:
        if not self._failed:
            self._failed = True
            log.error("could not write page files for nginx (said once; the app serves): %s", error)


def _make_folders(folder: Path, top: Path) -> None:
    """``folder`` and its parents, readable by nginx whatever the process's umask."""
    top.mkdir(parents=True, exist_ok=True)
    missing = []
    while not folder.exists() and folder != top:
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        try:
            path.mkdir()
        except FileExistsError:
            continue
        path.chmod(0o755)


def _write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to a private temporary name, then rename it into place (atomic)."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
        temp.chmod(0o644)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def from_config(
    config: Any, current: Callable[[], str], bump: Callable[[], None], headers: Callable[[], str]
) -> PageFiles | None:
    """The page files the settings ask for (PAGE_FILES_DIR and SITE_URL), or None."""
    folder = str(config.get("PAGE_FILES_DIR") or "")
    if not folder or not config.get("PAGE_CACHE"):
        return None
    host = site_host(str(config.get("SITE_URL") or ""))
    if not host:
        log.warning("PAGE_FILES_DIR is set but SITE_URL is not: no page files are written")
        return None
    return PageFiles(Path(folder), host, current, bump, headers=headers)
