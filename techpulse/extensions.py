"""Unbound extension objects, initialised in ``create_app``."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from flask import Flask, Response, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base with named constraints, so migrations work the same on every database."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()
login_manager = LoginManager()
# Storage comes from RATELIMIT_STORAGE_URI: Redis when TECHPULSE_REDIS_URL is set, so every
# worker process shares the counts; memory otherwise (one process).
limiter = Limiter(key_func=get_remote_address, default_limits=[])
READS = ("GET", "HEAD", "OPTIONS")


@limiter.request_filter
def _reads_are_never_limited() -> bool:
    """Only form posts have limits here: reads never wait on the limiter's storage (Redis),
    not even for its checks whether Redis is back after an outage."""
    return request.method in READS


def init_limiter(app: Flask) -> None:
    """Bind the limiter; its check before each request runs for writes only.

    Reads have no limits (the filter above), but Flask-Limiter finds that out only after
    working out the request's limits on every page (tens of µs); a read skips the check, and
    the headers after it, instead. A route's own ``@limiter.limit`` still checks in its
    wrapper, under the same filter.
    """
    limiter.init_app(app)
    check = limiter._check_request_limit
    before = app.before_request_funcs[None]
    before[before.index(check)] = lambda: None if request.method in READS else check()
    # Its headers (and deductions) after the response: none for a read, which had no limit.
    after = app.after_request_funcs[None]
    for n, hook in enumerate(after):
        if isinstance(hook, partial) and hook.args == (limiter,):
            after[n] = partial(_for_writes, hook)


def _for_writes(hook: Callable[[Response], Response], response: Response) -> Response:
    return response if request.method in READS else hook(response)
