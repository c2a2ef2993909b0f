"""Database connection behaviour: SQLite tuned for durability and concurrency."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError

from techpulse.extensions import db
from techpulse.ops.breaker import Breaker
from techpulse.ops.private_files import sqlite_database_file
from techpulse.ops.watchdog import Watchdog, watch_dialect
from techpulse.web import production

# SQLite's own page cache, per connection (its default is 2,000 KiB). Pages it drops are
# read back from the operating system's file cache, which every process shares: measured
# at 100,000 stories, no slower per page render and about 1 MB less RSS per connection.
SQLITE_CACHE_KIB = 512
log = logging.getLogger(__name__)

# Seconds past DATABASE_STATEMENT_TIMEOUT before a call PostgreSQL does not answer is cut.
WATCHDOG_GRACE = 1.0
# A pooled PostgreSQL connection unused for this long is pinged before it is handed out (a
# server restart while the site was quiet), and one older than POOL_RECYCLE_SECONDS is
# replaced. Public pages' reads on a busy worker skip the ping: a connection that broke
# under load fails its request's first statement, which makes SQLAlchemy drop every pooled
# connection made before it, and the read is run again (RETRY_WITHIN_SECONDS). Everything
# else (forms, staff pages, commands) is pinged at every checkout.
IDLE_PING_SECONDS = 10.0
POOL_RECYCLE_SECONDS = 1800
# Connection record keys: when it went back to the pool; whether this checkout autocommits.
_IDLE_SINCE = "techpulse.idle_since"
_AUTOCOMMIT = "techpulse.autocommit"
BREAKER = "techpulse.database_breaker"
_WROTE = "techpulse.wrote"  # in a public read's environ once it wrote
# A public read whose connection turned out to be closed within this many seconds is run
# once more on a new connection; one that waited longer (a database not answering) is not.
RETRY_WITHIN_SECONDS = 1.0
_READS = ("GET", "HEAD")
_LOCKING_READ = ("FOR UPDATE", "FOR SHARE", "FOR NO KEY UPDATE", "FOR KEY SHARE")


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
    # No ping per checkout (a round trip on every request): see IDLE_PING_SECONDS.
    options.setdefault("pool_recycle", POOL_RECYCLE_SECONDS)
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
        event.listen(engine, "before_cursor_execute", _begin_before_writing)
    else:
        breaker = Breaker("the database", float(app.config["DEPENDENCY_RETRY_SECONDS"]))
        app.extensions[BREAKER] = breaker
        event.listen(engine, "do_connect", _connect_through(breaker))
        event.listen(engine.pool, "checkout", _check_out_through(engine.dialect))
        event.listen(engine.pool, "checkin", _check_in)
        event.listen(engine, "before_cursor_execute", _transaction_before_writing)
        # On the session class every app shares: it acts for PostgreSQL apps only.
        listen_once(db.session, [("do_orm_execute", _read_again_on_a_new_connection)])
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


def _read_again_on_a_new_connection(state: Any) -> Any:
    """A ``do_orm_execute`` listener: a public page's read whose pooled connection had been
    closed (a PostgreSQL restart) runs once more. SQLAlchemy has then dropped every older
    pooled connection, so the second try connects anew and the visitor sees the page. Only
    while the request has written nothing: its reads autocommit, so none of them is lost."""
    if (
        not state.is_select
        or not _public_read()
        or _WROTE in request.environ
        or BREAKER not in current_app.extensions  # not PostgreSQL
    ):
        return None
    started = time.monotonic()
    try:
        return state.invoke_statement()
    except DBAPIError as error:
        if not error.connection_invalidated or time.monotonic() - started > RETRY_WITHIN_SECONDS:
            raise
        log.warning("database connection was closed; reading again: %s", error.orig)
        state.session.rollback()
        return state.invoke_statement()


def _check_out_through(dialect: Any) -> Callable[..., None]:
    """A pool ``checkout`` listener: ping a connection that sat unused a while, or one about
    to serve anything but a public page's read (a form, a staff page, a command: a write is
    never run twice, so it starts on a connection known to be alive; one round trip on
    requests that are few); through the dialect, so the watchdog times it. Autocommit a
    public page's reads."""

    def check_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get(_IDLE_SINCE)
        public = _public_read()
        if idle_since is not None and (
            not public or time.monotonic() - idle_since > IDLE_PING_SECONDS
        ):
            try:
                alive = dialect.do_ping(dbapi_connection)
            except Exception as error:  # any failure: not usable, the pool connects anew
                raise DisconnectionError(f"pooled connection is gone: {error}") from error
            if alive is False:
                raise DisconnectionError("pooled connection is gone")
        if public:
            # A public page's GET only reads: no BEGIN and ROLLBACK around its statements
            # (each sees committed data, as in a READ COMMITTED transaction).
            dbapi_connection.autocommit = True
            record.info[_AUTOCOMMIT] = True

    return check_out


def _check_in(dbapi_connection: Any, record: Any) -> None:
    record.info[_IDLE_SINCE] = time.monotonic()
    if record.info.pop(_AUTOCOMMIT, False) and dbapi_connection is not None:
        try:
            dbapi_connection.autocommit = False
        except Exception:  # a broken connection: the pool discards it anyway
            record.invalidate()


def _public_read() -> bool:
    return (
        has_request_context()
        and request.method in _READS
        and request.blueprint in current_app.config["PAGE_CACHE_BLUEPRINTS"]
    )


def _transaction_before_writing(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    """A write (or a locking read) during an autocommitting public read starts a real
    transaction first: from there on the request's statements commit or roll back together,
    exactly as in any other request."""
    info = connection.info
    if not info.get(_AUTOCOMMIT):
        return
    head = statement.lstrip()[:6].upper()
    if head == "SELECT" and not any(lock in statement.upper() for lock in _LOCKING_READ):
        return
    info[_AUTOCOMMIT] = False
    if has_request_context():
        request.environ[_WROTE] = True
    connection.connection.dbapi_connection.autocommit = False


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
    if _public_read():
        # A public page's GET only reads: no BEGIN and ROLLBACK around its statements, as
        # on PostgreSQL (each sees committed data); its first write begins one.
        return
    writing = has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def _begin_before_writing(connection: Any, cursor: Any, statement: str, *_args: Any) -> None:
    """A write during a public read that began no transaction begins one first: from there
    on its statements commit or roll back together, exactly as in any other request."""
    if connection.connection.dbapi_connection.in_transaction:
        return
    head = statement.lstrip()[:6].upper()
    if head in ("SELECT", "BEGIN", "PRAGMA") or not connection.in_transaction():
        return
    cursor.execute("BEGIN")


def changed(obj: Any, names: Iterable[str]) -> bool:
    """Whether any of the attributes ``names`` of ``obj`` changed since it was loaded (for
    the write hooks: what a flush changed decides what they rewrite)."""
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def listen_once(target: Any, listeners: Iterable[tuple[str, Callable[..., Any]]]) -> None:
    """Add each (event name, function) listener to ``target`` unless it is already there."""
    for name, listener in listeners:
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)
