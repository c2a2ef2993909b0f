"""Production mode: secure cookies always, and refuse to start with an unsafe configuration."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

KEY_HINT = (
    "set TECHPULSE_SECRET_KEY to a long random value shared by every server, e.g. the output of\n"
    "    python3 -c 'import secrets; print(secrets.token_hex(32))'"
)
MIN_SECRET_LENGTH = 32
# Values people paste from tutorials; none of them is a secret.
KNOWN_WEAK = {"secret", "changeme", "change-me", "dev", "development", "test", "x", "password"}


class UnsafeConfiguration(RuntimeError):
    """Production mode found settings that would make the site unsafe."""


def is_production(config: Mapping[str, Any]) -> bool:
    """Production unless told otherwise: under granian or gunicorn, and not testing.

    ``TECHPULSE_PRODUCTION=true|false`` decides explicitly; ``flask run`` (make run) is
    development.
    """
    if "PRODUCTION" in config:
        return bool(config["PRODUCTION"])
    return served_by_wsgi_server() and not config.get("TESTING")


def served_by_wsgi_server() -> bool:
    """Whether this process is a production server's worker (granian or gunicorn loaded us)."""
    return "granian" in sys.modules or "gunicorn" in sys.modules


def secret_problem(key: object) -> str | None:
    """Why ``key`` is not a good secret key, or None."""
    if not key:
        return "there is no secret key"
    text = str(key)
    if len(text) < MIN_SECRET_LENGTH:
        return f"the secret key is shorter than {MIN_SECRET_LENGTH} characters"
    if text.lower() in KNOWN_WEAK or len(set(text)) < 10:
        return "the secret key is too easy to guess"
    return None


def problems(config: Mapping[str, Any]) -> list[str]:
    """Each unsafe production setting, with how to fix it."""
    found = []
    if (problem := secret_problem(config.get("SECRET_KEY"))) is not None:
        found.append(f"{problem}: {KEY_HINT}")
    if config.get("DEBUG"):
        found.append("debug mode is on: unset FLASK_DEBUG (the debugger runs any code)")
    if not str(config.get("SITE_URL", "")).startswith("https://"):
        found.append(
            "SITE_URL is not an https:// address: set TECHPULSE_SITE_URL=https://your.domain "
            "(TLS is required for secure cookies and HSTS)"
        )
    return found


def check(config: Mapping[str, Any]) -> None:
    """Raise :class:`UnsafeConfiguration`, listing every problem, if there are any."""
    found = problems(config)
    if found:
        lines = "\n".join(f"  - {problem}" for problem in found)
        raise UnsafeConfiguration(
            "TechPulse refuses to start in production mode:\n"
            f"{lines}\n"
            "For development on your own machine use `make run`, or set TECHPULSE_PRODUCTION=false."
        )


def cookie_settings(config: Mapping[str, Any], production: bool) -> dict[str, Any]:
    """Secure cookies in production or over https, with ``__Host-`` names where allowed."""
    https = str(config.get("SITE_URL", "")).startswith("https://")
    if not (production or https or config.get("SESSION_COOKIE_SECURE")):
        return {}
    settings: dict[str, Any] = {"SESSION_COOKIE_SECURE": True, "REMEMBER_COOKIE_SECURE": True}
    # __Host- cookies must be Secure, for path / and without a Domain: browsers then refuse
    # any attempt by a sibling subdomain to set or overwrite them.
    if not config.get("SESSION_COOKIE_DOMAIN") and config.get("SESSION_COOKIE_PATH") in (None, "/"):
        if not str(config.get("SESSION_COOKIE_NAME", "session")).startswith("__Host-"):
            settings["SESSION_COOKIE_NAME"] = "__Host-" + config.get(
                "SESSION_COOKIE_NAME", "session"
            )
        if not str(config.get("REMEMBER_COOKIE_NAME", "")).startswith("__Host-"):
            settings["REMEMBER_COOKIE_NAME"] = "__Host-" + config["REMEMBER_COOKIE_NAME"]
    return settings


def configure(app: Any) -> None:
    """Decide production mode and apply its cookie settings to ``app.config``."""
    production = is_production(app.config)
    app.config["PRODUCTION"] = production
    app.config.update(cookie_settings(app.config, production))
