"""Configuration: defaults here, then instance/config.py, then TECHPULSE_* environment."""

from __future__ import annotations

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ENV_PREFIX = "TECHPULSE_"


def defaults(instance_path: Path) -> dict[str, Any]:
    """Return the built-in defaults, which place all state under ``instance_path``."""
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance_path / 'techpulse.sqlite'}",
        # No pool_pre_ping: PostgreSQL connections are pinged only after sitting idle
        # (techpulse/database.py), SQLite is a local file.
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "SQLALCHEMY_RECORD_QUERIES": False,
        "UPLOAD_FOLDER": str(instance_path / "uploads"),
        "MEDIA_STORAGE": "local",  # or "database": images shared by every app host
        "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
        # The staff-area import (admins only): the largest upload (export + images zip) and
        # the most its images zip may unpack to. Uploads stream to disk, never to memory.
        "IMPORT_MAX_BYTES": 2 * 1024 * 1024 * 1024,
        "IMPORT_MAX_MEDIA_BYTES": 10 * 1024 * 1024 * 1024,
        "TIMEZONE": "Asia/Kolkata",
        "SITE_URL": "",
        "PER_PAGE": 10,
        "REDIS_URL": "",
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_LIMIT_PER_IP": "20 per 15 minutes",
        "LOGIN_LIMIT_PER_ACCOUNT": "5 per 15 minutes",
        "PROXY_FIX_X_FOR": 0,
        "SESSION_IDLE_MINUTES": 30,
        "EDITOR_AUTOSAVE_SECONDS": 20,
        "SESSION_MAX_HOURS": 12,
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_NAME": "remember_token",
        # A remembered login still ends after this many days unused (and after
        # REMEMBER_COOKIE_DURATION in all), at logout, and on a password or role change.
        "REMEMBER_IDLE_DAYS": 7,
        # Strict-Transport-Security over https (two years; includeSubDomains only if asked).
        "HSTS_MAX_AGE": 63072000,
        "HSTS_INCLUDE_SUBDOMAINS": False,
        "HSTS_PRELOAD": False,
        # How staff passwords are hashed (werkzeug's generate_password_hash method). scrypt is
        # deliberately slow to resist offline guessing; only the test suite sets a cheap one.
        # Stored hashes name their own method, so a change applies at each next password set.
        "PASSWORD_HASH_METHOD": "scrypt",
        # Forgotten passwords: link lifetime and how often one may be asked for.
        "PASSWORD_RESET_MINUTES": 30,
        "PASSWORD_RESET_LIMIT": "3 per hour",
        "PASSWORD_RESET_LIMIT_PER_IP": "10 per hour",
        # Outgoing e-mail (contact notifications); no MAIL_SERVER means no e-mail is sent.
        "MAIL_SERVER": "",
        "MAIL_PORT": 587,
        "MAIL_USERNAME": "",
        "MAIL_PASSWORD": "",
        "MAIL_USE_TLS": True,
        "MAIL_USE_SSL": False,
        "MAIL_SENDER": "",
        "MAIL_TIMEOUT": 5,
        # The contact form: rate limit per IP, spam rules, notification retries.
        "CONTACT_LIMIT": "5 per 10 minutes",
        "CONTACT_MIN_SECONDS": 3,
        "CONTACT_MAX_AGE_HOURS": 24,
        "CONTACT_SPAM_SCORE": 5,
        "CONTACT_AUTOREPLY": False,
        "CONTACT_CLAIM_STALE_MINUTES": 15,
        "CONTACT_MAX_ATTEMPTS": 10,
        # E-mail to staff (review notices): retried by `flask mail retry` like the above.
        "MAIL_CLAIM_STALE_MINUTES": 15,
        "MAIL_MAX_ATTEMPTS": 10,
        # The newsroom: days a story, page or image stays in the trash before it is purged
        # (lazily, on the staff dashboard, or by `flask trash purge`); draft preview links.
        "TRASH_DAYS": 30,
        "PREVIEW_LINK_DAYS": 7,
        # Host headers answered (others get 400); None means the defaults of trusted_hosts().
        "TRUSTED_HOSTS": None,
        # URLs per sitemap file before /sitemap.xml becomes an index of several (the protocol's).
        # 1,000 (WordPress core: 2,000): a file of stories with their banners is ~400 KB and
        # ~20 ms of CPU to write on a miss at any size (2,000 were ~800 KB and ~35 ms).
        "SITEMAP_MAX_URLS": 1_000,
        # The page cache (techpulse/serving/): per worker, invalidated everywhere on writes.
        # 16 MB holds about 450 story pages (plain + gzip) and keeps a worker near 110 MB
        # RSS with the cache full; each MB more is a MB more per worker.
        # The site stylesheet inside each page (allowed by its CSP hash) rather than linked:
        # one round trip less on a phone's first visit (see docs/performance.md).
        "INLINE_STYLESHEET": True,
        # AVIF variants beside WebP/JPEG at upload (about half WebP's bytes; about 0.3 s more
        # CPU per upload). Off: uploads get WebP and JPEG/PNG only; pictures use what exists.
        "IMAGE_AVIF": True,
        "PAGE_CACHE": True,
        "PAGE_CACHE_MAX_BYTES": 16 * 1024 * 1024,
        "PAGE_CACHE_MAX_AGE": 3600,
        "PAGE_CACHE_BLUEPRINTS": ["blog", "company", "feeds", "crawlers", "search"],
        # After a write, each worker of a production server renders again, in the background,
        # the last this many pages it rendered (the latest at once, the others once no reader
        # is waiting), so their first reader does not rebuild the parts pages share
        # (docs/performance.md). 0: off.
        "PAGE_CACHE_WARM": 4,
        # A folder where public pages are also written as files for nginx to serve itself
        # (deploy/nginx/, docs/deployment.md): "" (off) unless nginx is set up to read it.
        "PAGE_FILES_DIR": "",
        # When a dependency fails (docs/operations.md#when-a-dependency-fails): seconds to
        # wait for Redis (connect and each reply) and PostgreSQL (connect: at least 2, the
        # driver's minimum; each statement of a web request: 0 means no limit); SQLite waits
        # this long for another writer's lock; after a failure, how long requests stop asking
        # before one tries again; how old a cached page may be to stand in when the page
        # cannot be made (then 503 with Retry-After).
        "REDIS_TIMEOUT": 1.0,
        "DATABASE_CONNECT_TIMEOUT": 2,
        "DATABASE_STATEMENT_TIMEOUT": 2.0,
        "DATABASE_BUSY_TIMEOUT": 10.0,
        "DEPENDENCY_RETRY_SECONDS": 5.0,
        "PAGE_CACHE_STALE_IF_ERROR": 600,
        # Rate limits count in memory (per process) while Redis is away.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # A server worker returns the memory freed after a burst of renders to the system
        # this often (glibc's malloc_trim; 0 never): docs/performance.md#worker-memory.
        "MEMORY_TRIM_SECONDS": 2.0,
        # Readership statistics (docs/statistics.md): counted in the serving path, no cookie.
        "STATS_ENABLED": True,
        "STATS_FLUSH_SECONDS": 5,  # a crash loses at most this much counting
        "STATS_DAILY_DAYS": 100,  # daily rows older than this become monthly ones
        "STATS_RETENTION_DAYS": 730,  # anything older is deleted (0 keeps everything)
        # nginx's micro-cache hits, logged by deploy/nginx for `flask stats ingest`.
        "STATS_NGINX_LOG": "",
    }


def from_environment(environ: os._Environ[str] | dict[str, str]) -> dict[str, Any]:
    """Read ``TECHPULSE_*`` variables; values that parse as JSON (numbers, booleans) are typed."""
    config: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        key = name.removeprefix(ENV_PREFIX)
        if key == "DATABASE_URL":
            key = "SQLALCHEMY_DATABASE_URI"
        try:
            config[key] = json.loads(raw)
        except ValueError:
            config[key] = raw
    if isinstance(config.get("SQLALCHEMY_DATABASE_URI"), str):
        config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(
            config["SQLALCHEMY_DATABASE_URI"]
        )
    return config


def normalise_database_url(url: str) -> str:
    """Make ``postgres://`` and ``postgresql://`` URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def instance_secret_key(instance_path: Path) -> str:
    """Return the secret key kept in ``instance/secret_key``, creating it (mode 0600) once."""
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        # Write a private temp file, then link it into place: atomic, and two worker
        # processes starting together end up sharing whichever key was linked first.
        temp = instance_path / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(temp, path)
        except FileExistsError:
            pass
        finally:
            temp.unlink()
    return path.read_text().strip()


def derived(config: dict[str, Any]) -> dict[str, Any]:
    """Settings that follow from others unless set explicitly."""
    extra: dict[str, Any] = {}
    if "RATELIMIT_STORAGE_URI" not in config:
        extra["RATELIMIT_STORAGE_URI"] = config.get("REDIS_URL") or "memory://"
    storage = str(config.get("RATELIMIT_STORAGE_URI") or extra.get("RATELIMIT_STORAGE_URI", ""))
    if storage.startswith("redis") and "RATELIMIT_STORAGE_OPTIONS" not in config:
        timeout = float(config.get("REDIS_TIMEOUT") or 1.0)
        extra["RATELIMIT_STORAGE_OPTIONS"] = {
            "socket_timeout": timeout, "socket_connect_timeout": timeout,
        }  # fmt: skip
    https = str(config.get("SITE_URL", "")).startswith("https://")
    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if https and not config.get(key):
            extra[key] = True
    extra["TRUSTED_HOSTS"] = trusted_hosts(config.get("TRUSTED_HOSTS"), config.get("SITE_URL"))
    return extra


LOCAL_HOSTS = ["localhost", "127.0.0.1"]


def trusted_hosts(setting: object, site_url: object) -> list[str] | None:
    """The Host names to answer: the setting (list or comma-separated), else the local names.

    SITE_URL's host is always added; ``"*"`` turns the check off (a proxy already checks).
    """
    if setting == "*" or setting == ["*"]:
        return None
    if isinstance(setting, str):
        setting = setting.split(",")
    hosts = [str(host).strip() for host in setting or () if str(host).strip()]  # type: ignore[attr-defined]
    hosts = hosts or list(LOCAL_HOSTS)
    site_host = urlsplit(str(site_url or "")).hostname
    if site_host and site_host not in hosts:
        hosts.append(site_host)
    return hosts
