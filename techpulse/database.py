"""Database connection behaviour: SQLite tuned for durability and concurrency."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import make_url

from techpulse.extensions import db
from techpulse.ops.breaker import Breaker
from techpulse.ops.private_files import sqlite_database_file
from techpulse.ops.watchdog import Watchdog, watch_dialect
from techpulse.web import production

# SQLite's own page cache, per connection (its default is 2,000 KiB). Pages it drops are
# read back from the operating system's file cache, which every process shares: measured
# at 100,000 stories, no slower per page render and about 1 MB less RSS per connection.
SQLITE_CACHE_KIB = 512
# Seconds past DATABASE_STATEMENT_TIMEOUT before a call PostgreSQL does not answer is cut.
WATCHDOG_GRACE = 1.0


def configure(app: Flask) -> None:
    """Before the engine exists: PostgreSQL's timeouts, so a database that stops answering
    fails a request in seconds instead of hanging every worker thread."""
    config = app.config
    url = make_url(config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        return
    connect = int(config["DATABASE_CONNECT_TIMEOUT"])
    statement = float(config["DATABASE_STATEMENT_TIMEOUT"])
    arguments: dict[str, Any] = {"connect_timeout": connect}
    settings = []
    if statement > 0:
        # Unacknowledged data (a host gone from the network) ends the connection too.
        arguments["tcp_user_timeout"] = int((connect + statement + 1) * 1000)
        settings.append(f"-c statement_timeout={int(statement * 1000)}")
    # No parallel workers for a page's statements: each reads a few rows from an index, and
    # starting workers cost more than it saved (a rare tag's page at 1,000,000 stories took
    # 47-59 ms with them, 15-25 ms without; docs/performance.md).
    settings.append("-c max_parallel_workers_per_gather=0")
    if production.served_by_wsgi_server():  # web workers only: never migrations, imports
        # Added to the URL's own options (a search_path…), which this would replace.
        own = url.query.get("options")
        own = own if isinstance(own, str) else " ".join(own or ())
        arguments["options"] = " ".join([own, *settings]).strip()
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options["connect_args"] = {**arguments, **dict(options.get("connect_args") or {})}
    config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def register(app: Flask) -> None:
    """Tune every new SQLite connection; pause new PostgreSQL connections after a failure."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        if engine.url.database and engine.url.database != ":memory:":
            # Created 0600 here, before SQLite would create it world-readable.
            sqlite_database_file(Path(engine.url.database))
        busy_ms = int(float(app.config["DATABASE_BUSY_TIMEOUT"]) * 1000)
        event.listen(
            engine, "connect", lambda connection, record: _tune_sqlite(connection, busy_ms)
        )
        event.listen(engine, "begin", _begin_immediate_when_writing)
    else:
        breaker = Breaker("the database", float(app.config["DEPENDENCY_RETRY_SECONDS"]))
        app.extensions["techpulse.database_breaker"] = breaker
        event.listen(engine, "do_connect", _connect_through(breaker))
        statement = float(app.config["DATABASE_STATEMENT_TIMEOUT"])
        if statement > 0 and production.served_by_wsgi_server():
            # The server cancels a slow statement first; this cuts one it cannot answer.
            watch_dialect(engine.dialect, Watchdog(statement + WATCHDOG_GRACE))


def _connect_through(breaker: Breaker) -> Callable[..., Any]:
    """A ``do_connect`` listener: connect unless the breaker is open; note the outcome."""

    def connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        error_class = dialect.loaded_dbapi.OperationalError
        if not breaker.allow():
            raise error_class("the database failed a moment ago; not retrying yet")
        try:
            connection = dialect.connect(*cargs, **cparams)
        except dialect.loaded_dbapi.Error as error:
            breaker.failed(error)
            raise
        breaker.succeeded()
        return connection

    return connect


def _tune_sqlite(dbapi_connection: sqlite3.Connection, busy_ms: int) -> None:
    # SQLAlchemy manages transactions itself; let the driver stay out of the way.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    cursor.close()


def _begin_immediate_when_writing(connection: Any) -> None:
    # A deferred transaction that reads, then writes, can fail at once with "database is
    # locked" when another writer got in between (busy_timeout cannot help there). State
    # changes are POSTs, so their transactions take the write lock at BEGIN and queue on
    # busy_timeout instead. GETs stay deferred and, with WAL, never wait on writers.
    writing = has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def listen_once(target: Any, listeners: Iterable[tuple[str, Callable[..., Any]]]) -> None:
    """Add each (event name, function) listener to ``target`` unless it is already there."""
    for name, listener in listeners:
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)
