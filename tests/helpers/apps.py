"""Apps under test: their configuration, their own database (and Redis) per pytest-xdist
worker, a schema built once per worker, and one template bytecode cache for all of them."""

from __future__ import annotations

import atexit
import contextvars
import os
import shutil
import tempfile
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, has_app_context
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.util import LRUCache
from werkzeug.routing import Rule

from techpulse import create_app
from techpulse.config import normalise_database_url
from techpulse.extensions import db
from techpulse.services.stats.setup import EXTENSION as STATS_EXTENSION

# "gw0", "gw1"… in a pytest-xdist worker; empty in a plain run.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
REDIS_DATABASES = 16  # Redis's default number of numbered databases


def worker_index() -> int:
    """This pytest-xdist worker's number (0 in a plain run)."""
    return int(WORKER[2:]) if WORKER.startswith("gw") else 0


def worker_postgres_url(url: str) -> str:
    """``url`` with this worker's own database ``<name>_<run>_gw<N>`` (unchanged in a plain
    run): the run's id keeps two suites on one PostgreSQL server (two checkouts) apart."""
    if not url or not WORKER:
        return url
    parsed = make_url(normalise_database_url(url))
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")[:8]
    name = "_".join(part for part in (parsed.database, run, WORKER) if part)
    return parsed.set(database=name).render_as_string(hide_password=False)


def worker_redis_url(url: str) -> str:
    """``url`` with this worker's own numbered Redis database, counting down from url's."""
    if not url or not WORKER:
        return url
    if worker_index() >= REDIS_DATABASES:
        raise RuntimeError(f"TEST_REDIS_URL gives {REDIS_DATABASES} databases: use fewer workers")
    parts = urlsplit(url)
    number = (int(parts.path.strip("/") or 0) - worker_index()) % REDIS_DATABASES
    return urlunsplit(parts._replace(path=f"/{number}"))


# The services of `make test-services`; each worker has a database of its own in both.
POSTGRES_BASE_URL = os.environ.get("TEST_DATABASE_URL", "")
POSTGRES_URL = worker_postgres_url(POSTGRES_BASE_URL)
REDIS_URL = worker_redis_url(os.environ.get("TEST_REDIS_URL", ""))
# Hashing a password with scrypt takes ~50 ms; the suite logs in hundreds of times. One test
# (test_auth) checks that the default, scrypt, is what the site uses.
CHEAP_PASSWORD_HASH = "pbkdf2:sha256:1"


class SqliteFolder:
    """Where this process keeps the SQLite files of the apps under test.

    In memory-backed /dev/shm where there is one: the site commits with synchronous=FULL, and
    an fsync per commit (and per checkpoint) on a disk shared with other work cost the suite
    more than its queries. Nothing here has to survive the run; it goes when the process ends.
    """

    def __init__(self) -> None:
        self._root: Path | None = None

    def path(self, tmp_path: Path, name: str) -> Path:
        """The database file ``name`` of the test whose temporary folder is ``tmp_path``."""
        if self._root is None:
            shm = Path("/dev/shm")
            parent = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
            self._root = Path(tempfile.mkdtemp(prefix="techpulse-tests-", dir=parent))
            atexit.register(self.remove)
        folder = self._root / tmp_path.name  # unique within this process's pytest run
        folder.mkdir(exist_ok=True)
        return folder / f"{name}.sqlite"

    def remove(self) -> None:
        """Delete every file (when the process exits)."""
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None


SQLITE_FILES = SqliteFolder()


def app_settings(tmp_path: Path, name: str = "test") -> dict[str, Any]:
    """The configuration of an app under test, with its state under ``tmp_path``."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "INSTANCE_PATH": tmp_path / ("instance" if name == "test" else f"{name}-instance"),
        "SQLALCHEMY_DATABASE_URI": POSTGRES_URL or f"sqlite:///{SQLITE_FILES.path(tmp_path, name)}",
        "SITE_URL": "",
        "PASSWORD_HASH_METHOD": CHEAP_PASSWORD_HASH,
        # Readership counters are flushed by the tests that read them, never behind a test's back.
        "STATS_FLUSH_SECONDS": 3600,
        # AVIF adds ~45% to every upload's encoding; the tests about pictures turn it on.
        "IMAGE_AVIF": False,
    }


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own app context, as in production.

    The fixtures keep an app context pushed for factories and queries; without this, every
    request would share it (its ``g``, its database session) and hide bugs. After each
    request the test's own session starts a new transaction, so it sees what was committed.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():  # not inside the empty context (redirects being followed)
            db.session.rollback()
        return response


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory and shared by every app of this process.

    Each test builds a fresh app, and so a fresh Jinja environment that would parse and
    compile every template again; Jinja checks each entry against the template's source.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        code = bucket.bytecode_to_string()
        with self._lock:
            self._code[bucket.key] = code


TEMPLATE_BYTECODE = MemoryBytecodeCache()


def _reuse_url_builders() -> None:
    """Compile each URL rule's builder once per process, not once per app.

    Werkzeug writes and compiles two small Python functions for every URL rule whenever an
    app is built: ~0.1 s of the ~0.15 s that ``create_app`` takes, paid again by every test's
    fresh app for the same rules. A builder depends only on the rule's parsed parts and its
    defaults (it reads the converters through the rule it is bound to), so one serves every
    app whose rule is the same.
    """
    original = getattr(Rule, "_compile_builder", None)
    if original is None:  # another Werkzeug: nothing to reuse
        return
    builders: dict[tuple[Any, ...], Any] = {}

    def compile_builder(self: Rule, append_unknown: bool = True) -> Any:
        key = (
            self.rule,
            append_unknown,
            tuple(self._trace),
            repr(sorted((self.defaults or {}).items(), key=repr)),
            tuple((name, type(c)) for name, c in self._converters.items()),
        )
        builder = builders.get(key)
        if builder is None:
            builder = builders[key] = original(self, append_unknown)
        return builder

    Rule._compile_builder = compile_builder  # type: ignore[method-assign]


_reuse_url_builders()


class SharedCompiledCache(LRUCache):  # type: ignore[type-arg]
    """One cache of compiled SQL statements for every engine made with the same options.

    SQLAlchemy keeps compiled statements per engine, keyed by the engine's dialect object;
    each test's fresh app has a fresh engine, so every test compiled again each statement it
    ran: about a quarter of a page test's CPU. Here a dialect stands in the key as the kind
    of engine it belongs to (driver, options but the address) and the server version, so a
    statement compiled for one test's engine serves the next test's. Each engine keeps its
    own dialect object (its events, such as the circuit breaker's, stay its own).
    """

    def __init__(self) -> None:
        super().__init__(10_000)
        self.kinds: weakref.WeakKeyDictionary[Any, tuple[str, ...]] = weakref.WeakKeyDictionary()

    def _shared(self, key: tuple[Any, ...]) -> tuple[Any, ...]:
        dialect = key[0]
        return (self.kinds.get(dialect, dialect), dialect.server_version_info, *key[1:])

    def get(self, key: Any, default: Any = None) -> Any:
        return super().get(self._shared(key), default)

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(self._shared(key), value)


def _share_compiled_statements() -> None:
    """Give every engine the tests' apps make the one SharedCompiledCache."""
    original = SQLAlchemy._make_engine
    compiled = SharedCompiledCache()

    def make_engine(
        self: SQLAlchemy, bind_key: str | None, options: dict[str, Any], app: Flask
    ) -> Any:
        engine = original(self, bind_key, options, app)
        kind = (engine.url.drivername, *sorted(repr(o) for o in options.items() if o[0] != "url"))
        compiled.kinds[engine.dialect] = kind
        engine._compiled_cache = compiled
        return engine

    SQLAlchemy._make_engine = make_engine  # type: ignore[method-assign]


_share_compiled_statements()


# Every app made here, so a test's own apps can have their connections closed after it
# (Python 3.13 warns about a SQLite connection left for the garbage collector).
CREATED_APPS: list[weakref.ref[Flask]] = []


def new_app(config: dict[str, Any]) -> Flask:
    """``create_app(config)`` with the isolated test client and the shared template cache."""
    app = create_app(config)
    app.test_client_class = IsolatedClient
    app.jinja_env.bytecode_cache = TEMPLATE_BYTECODE
    CREATED_APPS.append(weakref.ref(app))
    return app


def close_connections_of_apps_since(count: int) -> None:
    """Close the pooled database connections of the apps made after the first ``count``,
    and drop the readership hits they never flushed (at exit they would go to a database
    that is gone, or to the next test's)."""
    for reference in CREATED_APPS[count:]:
        app = reference()
        if app is not None:
            recorder = app.extensions.get(STATS_EXTENSION)
            if recorder is not None:
                recorder.hits.clear()
                recorder.unsent.clear()
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    del CREATED_APPS[count:]


def truncate_all() -> None:
    """Empty every table of the current app's PostgreSQL database.

    Connections other apps left on this worker's database (an earlier test's pool, a thread
    that outlived its test) are cut first: a statement of theirs still running would take
    its table locks one by one against TRUNCATE's, and PostgreSQL would end one of the two
    with "deadlock detected".
    """
    db.session.execute(
        text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    )
    tables = ", ".join(table.name for table in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


def _on_postgres_server(*statements: str) -> None:
    """Run ``statements`` outside a transaction, connected to TEST_DATABASE_URL's database."""
    admin = create_engine(normalise_database_url(POSTGRES_BASE_URL), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        admin.dispose()


def create_postgres_database(url: str) -> None:
    """(Re)create the empty PostgreSQL database that ``url`` names."""
    name = make_url(normalise_database_url(url)).database
    _on_postgres_server(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'
    )


def drop_postgres_database(url: str) -> None:
    """Drop the PostgreSQL database that ``url`` names."""
    name = make_url(normalise_database_url(url)).database
    _on_postgres_server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def build_schema(database_url: str, folder: Path) -> None:
    """Create every table in the (empty) database at ``database_url``."""
    app = create_app({**app_settings(folder), "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.create_all()
        db.session.remove()
        db.engine.dispose()


class SchemaTemplate:
    """An empty SQLite database with the whole schema, built once per process and copied.

    Creating ~30 tables and their search triggers for every test costs more than the test;
    copying the closed file (its WAL checkpointed away) gives the same fresh database.
    """

    def __init__(self) -> None:
        self._path: Path | None = None
        self._lock = threading.Lock()

    def copy_to(self, path: Path) -> None:
        """Put a fresh copy of the empty database at ``path``."""
        with self._lock:
            if self._path is None:
                folder = Path(tempfile.mkdtemp(prefix="techpulse-schema-"))
                template = SQLITE_FILES.path(folder, "schema")
                build_schema(f"sqlite:///{template}", folder)
                shutil.rmtree(folder, ignore_errors=True)  # its instance folder
                self._path = template
        shutil.copyfile(self._path, path)


SQLITE_SCHEMA = SchemaTemplate()


def prepare_database(database_url: str) -> bool:
    """Give a new SQLite file database its schema by copying; True when that was done."""
    prefix = "sqlite:///"
    if not database_url.startswith(prefix) or database_url == f"{prefix}:memory:":
        return False
    path = Path(database_url.removeprefix(prefix))
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    SQLITE_SCHEMA.copy_to(path)
    return True


def copy_site(source: dict[str, Any], target: dict[str, Any]) -> None:
    """Copy a SQLite site (its database file and instance folder, uploads included) from
    ``source``'s places to ``target``'s: a snapshot built once, then copied for each test."""
    prefix = "sqlite:///"
    shutil.copyfile(
        source["SQLALCHEMY_DATABASE_URI"].removeprefix(prefix),
        target["SQLALCHEMY_DATABASE_URI"].removeprefix(prefix),
    )
    shutil.copytree(source["INSTANCE_PATH"], target["INSTANCE_PATH"], dirs_exist_ok=True)


@contextmanager
def scratch_postgres_schema(name: str) -> Iterator[dict[str, Any]]:
    """A PostgreSQL schema ``name`` of the test's own, dropped afterwards; gives the engine
    options that put it first on the search path (migrations run there from nothing)."""
    admin = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {name}"))
    try:
        yield {"connect_args": {"options": f"-csearch_path={name}"}}
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        admin.dispose()
