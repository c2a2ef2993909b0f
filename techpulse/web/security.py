"""Request and response hygiene: no NUL bytes in, our own origin only out."""

from __future__ import annotations

from flask import Flask, Response, abort, current_app, request
from werkzeug.datastructures import MultiDict

from techpulse.serving.inline_js import LOADER_HASH

# No third-party request can leave any page: everything is served from 'self'; the one
# inline script (techpulse.serving.inline_js) is allowed by its hash, never 'unsafe-inline'.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        f"script-src 'self' {LOADER_HASH}",  # our scripts, and the loader that fetches them
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# Views that only ever send uploaded pictures (JPEG, PNG, WebP, AVIF; never SVG or HTML):
# a policy for documents (CSP, framing, referrer, permissions) means nothing for them.
PICTURES_ONLY = frozenset({"media.file"})

# Views whose forms turn control characters into a friendly field error themselves.
VALIDATES_CONTROL_CHARACTERS = frozenset({"contact.form"})


NOSNIFF = ("X-Content-Type-Options", "nosniff")
# Sent with every document, after its Content-Security-Policy.
DOCUMENT = (
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)


def _has_nul(data: MultiDict[str, str]) -> bool:
    return any("\x00" in value for values in data.listvalues() for value in values)


def refuse_nul_bytes() -> None:
    """400 for a NUL byte anywhere in the URL or a form: no text column can store one."""
    if "\x00" in request.path or _has_nul(request.args):
        abort(400)
    # Without a Content-Type there is no form to read (a page view: no parser started).
    if (
        request.content_type
        and request.endpoint not in VALIDATES_CONTROL_CHARACTERS
        and _has_nul(request.form)
    ):
        abort(400)


def content_security_policy() -> str:
    """The policy: also allows the inline site stylesheet, by its hash, when pages carry it."""
    from techpulse.serving import inline_css

    if not inline_css.enabled():
        return CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY.replace(
        "style-src 'self'", f"style-src 'self' {inline_css.style_hash()}"
    )


def served_over_https() -> bool:
    """Whether this response travels over TLS: directly, via a trusted proxy, or by SITE_URL."""
    return request.is_secure or str(current_app.config.get("SITE_URL", "")).startswith("https://")


def hsts_value() -> str:
    """The Strict-Transport-Security header from the HSTS_* settings."""
    config = current_app.config
    parts = [f"max-age={int(config['HSTS_MAX_AGE'])}"]
    if config.get("HSTS_INCLUDE_SUBDOMAINS"):
        parts.append("includeSubDomains")
    if config.get("HSTS_PRELOAD"):
        parts.append("preload")
    return "; ".join(parts)


def register(app: Flask) -> None:
    """Refuse NUL bytes in requests; add the security headers to every response."""
    app.before_request(refuse_nul_bytes)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        present = {name.lower() for name, _ in headers.items()}  # one pass, not one per header
        if request.endpoint in PICTURES_ONLY:
            wanted = [NOSNIFF]  # the rest only govern documents; a phone fetches many pictures
        else:
            wanted = [NOSNIFF, ("Content-Security-Policy", content_security_policy()), *DOCUMENT]
            # Browsers ignore HSTS over plain http, so sending it only over https loses nothing.
            if served_over_https():
                wanted.append(("Strict-Transport-Security", hsts_value()))
        for name, value in wanted:
            if name.lower() not in present:  # a view's own value wins
                headers.add(name, value)
        return response
