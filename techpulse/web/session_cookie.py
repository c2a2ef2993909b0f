"""Flask's signed-cookie session, with its signing serializer made once per key."""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SessionInterface(SecureCookieSessionInterface):
    """Flask's own session cookie; the serializer is built once per secret key (and
    fallbacks), not for every request: building one serializes a test value to learn
    whether the serializer makes text, on every page, even one without a cookie."""

    def __init__(self) -> None:
        self._made: tuple[object, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        made = self._made
        if made is None or made[0] != keys:
            made = self._made = (keys, super().get_signing_serializer(app))
        return made[1]
