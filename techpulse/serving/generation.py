"""The page-cache generation: one token every worker on every host reads, changed by every write.

A cached page is served only while the generation it was rendered under is still the current
one. Each bump writes a brand-new random token (never a counter that could repeat after a
restart or a lost Redis key), so a page rendered before a write can never match again.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from techpulse.ops.breaker import Breaker

REDIS_KEY = "techpulse:page-cache:generation"


class GenerationUnavailable(Exception):
    """The shared generation cannot be read: serve without the cache."""


class GenerationStore(Protocol):
    """Where the current generation lives."""

    def current(self) -> str:
        """The current generation token."""

    def bump(self) -> None:
        """Replace the token: every cached page is stale from now on."""


def _new_token() -> str:
    return secrets.token_hex(12)


class RedisGeneration:
    """A key in Redis: shared by every worker of every host (scale-out mode)."""

    def __init__(
        self, url: str, key: str = REDIS_KEY, timeout: float = 1.0, retry_seconds: float = 5.0
    ) -> None:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        self.key = key
        # One retry on a dropped connection (Redis restarted), none on a timeout.
        retry = Retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,))
        self.client = redis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout, retry=retry
        )
        self._errors: tuple[type[Exception], ...] = (redis.RedisError, OSError)
        # While Redis is away, requests skip it instead of each waiting for the timeout.
        self.breaker = Breaker("Redis (page-cache generation)", retry_seconds)

    def current(self) -> str:
        if not self.breaker.allow():
            raise GenerationUnavailable("Redis failed a moment ago")
        try:
            token = self.client.get(self.key)
            if token is None:
                self.client.set(self.key, _new_token(), nx=True)
                token = self.client.get(self.key)
        except self._errors as error:
            self.breaker.failed(error)
            self.client.connection_pool.disconnect()  # the next try starts afresh
            raise GenerationUnavailable(str(error)) from error
        self.breaker.succeeded()
        return token.decode() if isinstance(token, bytes) else str(token)

    def bump(self) -> None:
        self.client.set(self.key, _new_token())


class FileGeneration:
    """A small file beside the SQLite database: every process that can open it shares it.

    SQLite already confines a site to one host, and reading a 24-byte file costs a few
    microseconds, far less than a query.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def current(self) -> str:
        try:
            return self._read()
        except FileNotFoundError:
            self.bump()
            return self._read()

    def _read(self) -> str:
        # os.open/os.read: a third of what Path.read_text costs (no file object, no
        # decoder), and every request, hit or miss, reads it.
        handle = os.open(self.path, os.O_RDONLY)
        try:
            return os.read(handle, 4096).decode()
        finally:
            os.close(handle)

    def bump(self) -> None:
        # Write a private temporary file, then rename it into place: readers see the old
        # token or the new one, never a half-written file.
        temp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        temp.write_text(_new_token())
        os.replace(temp, self.path)


class DatabaseGeneration:
    """A row in the database (PostgreSQL without Redis): shared by every host."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def current(self) -> str:
        try:
            with self.engine.connect() as connection:
                query = text("SELECT token FROM page_cache_generation WHERE id = 1")
                token = connection.scalar(query)
        except SQLAlchemyError as error:  # the database is down: serve without the cache
            raise GenerationUnavailable(type(error).__name__) from error
        if token is None:
            self.bump()
            return self.current()
        return str(token)

    def bump(self) -> None:
        update = text("UPDATE page_cache_generation SET token = :token WHERE id = 1")
        with self.engine.begin() as connection:
            if connection.execute(update, {"token": _new_token()}).rowcount:
                return
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    text("INSERT INTO page_cache_generation (id, token) VALUES (1, :token)"),
                    {"token": _new_token()},
                )
        except IntegrityError:  # another process created the row first: change it
            with self.engine.begin() as connection:
                connection.execute(update, {"token": _new_token()})


def store_for(
    redis_url: str,
    database_url: str,
    engine_factory: object,
    timeout: float = 1.0,
    retry_seconds: float = 5.0,
) -> GenerationStore:
    """Redis when configured; else a file beside a SQLite database; else the database."""
    if redis_url:
        return RedisGeneration(redis_url, timeout=timeout, retry_seconds=retry_seconds)
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return FileGeneration(Path(f"{url.database}-page-generation"))
    return DatabaseGeneration(engine_factory())  # type: ignore[operator]
