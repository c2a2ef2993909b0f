"""Score response headers by the Mozilla HTTP Observatory's published rules.

Implements the header tests of its scoring methodology (CSP, cookies, HSTS, Referrer-Policy,
SRI, X-Content-Type-Options, X-Frame-Options, X-XSS-Protection): start at 100, add each
test's modifier; bonuses count only when the score without them is 90 or more. The
http→https redirection test is the reverse proxy's job (deploy/) and is not scored here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

GRADES = [(100, "A+"), (90, "A"), (85, "A-"), (80, "B+"), (70, "B"), (65, "B-"), (60, "C+"),
          (50, "C"), (45, "C-"), (40, "D+"), (30, "D"), (25, "D-"), (0, "F")]  # fmt: skip
SIX_MONTHS = 15768000
PRIVATE_REFERRERS = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}
UNSAFE_REFERRERS = {"origin", "origin-when-cross-origin", "unsafe-url"}
SESSION_NAMES = re.compile(r"sess|login|auth|remember|token", re.I)


@dataclass
class Result:
    modifiers: dict[str, int] = field(default_factory=dict)

    @property
    def score(self) -> int:
        base = 100 + sum(value for value in self.modifiers.values() if value < 0)
        bonus = sum(value for value in self.modifiers.values() if value > 0)
        return max(0, base + bonus if base >= 90 else base)

    @property
    def grade(self) -> str:
        return next(letter for floor, letter in GRADES if self.score >= floor)


def parse_csp(header: str) -> dict[str, list[str]]:
    policy: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.strip().split()
        if words:
            policy.setdefault(words[0].lower(), [word.lower() for word in words[1:]])
    return policy


def _csp(headers) -> tuple[str, int, dict[str, list[str]]]:
    header = headers.get("Content-Security-Policy")
    if not header:
        return "csp-not-implemented", -25, {}
    policy = parse_csp(header)
    default = policy.get("default-src")
    script = policy.get("script-src", default)
    objects = policy.get("object-src", default)
    style = policy.get("style-src", default) or []
    every = [source for sources in policy.values() for source in sources]
    broad = {"*", "http:", "https:", "data:", "'unsafe-inline'"}
    if (
        script is None
        or objects is None
        or broad & set(script)
        or {"*", "http:", "https:"} & set(objects)
    ):
        return "csp-implemented-with-unsafe-inline", -20, policy
    if "'unsafe-eval'" in every:
        return "csp-implemented-with-unsafe-eval", -10, policy
    if any(source.startswith("http:") for source in every):
        return "csp-implemented-with-insecure-scheme", -20, policy
    if broad & set(style):
        return "csp-implemented-with-unsafe-inline-in-style-src-only", 0, policy
    if default == ["'none'"]:
        return "csp-implemented-with-no-unsafe-default-src-none", 10, policy
    return "csp-implemented-with-no-unsafe", 5, policy


def _cookies(set_cookies: Iterable[str], hsts: bool) -> tuple[str, int]:
    cookies = []
    for header in set_cookies:
        name = header.split("=", 1)[0].strip()
        flags = {
            part.strip().split("=", 1)[0].lower(): part.strip() for part in header.split(";")[1:]
        }
        samesite = (
            flags.get("samesite", "").split("=", 1)[-1].lower() if "samesite" in flags else None
        )
        cookies.append((name, "secure" in flags, "httponly" in flags, samesite))
    if not cookies:
        return "cookies-not-found", 0
    for name, secure, httponly, _samesite in cookies:
        if SESSION_NAMES.search(name) and not secure:
            return ("cookies-session-without-secure-flag-but-protected-by-hsts", -10) if hsts else (
                "cookies-session-without-secure-flag", -40)  # fmt: skip
        if SESSION_NAMES.search(name) and not httponly:
            return "cookies-session-without-httponly-flag", -30
    if not all(secure for _, secure, _, _ in cookies):
        return ("cookies-without-secure-flag-but-protected-by-hsts", -5) if hsts else (
            "cookies-without-secure-flag", -20)  # fmt: skip
    if any(samesite not in (None, "lax", "strict") for *_, samesite in cookies):
        return "cookies-samesite-flag-invalid", -20
    if any("csrf" in name.lower() and samesite is None for name, *_, samesite in cookies):
        return "cookies-anticsrf-without-samesite-flag", -20
    if all(samesite in ("lax", "strict") for *_, samesite in cookies):
        return "cookies-secure-with-httponly-sessions-and-samesite", 5
    return "cookies-secure-with-httponly-sessions", 0


def _hsts(headers) -> tuple[str, int, bool]:
    header = headers.get("Strict-Transport-Security")
    if not header:
        return "hsts-not-implemented", -20, False
    match = re.search(r"max-age=(\d+)", header, re.I)
    if not match:
        return "hsts-header-invalid", -20, False
    if int(match.group(1)) < SIX_MONTHS:
        return "hsts-implemented-max-age-less-than-six-months", -10, True
    return "hsts-implemented-max-age-at-least-six-months", 0, True


def _referrer(headers) -> tuple[str, int]:
    values = {v.strip().lower() for v in headers.get("Referrer-Policy", "").split(",") if v.strip()}
    if not values:
        return "referrer-policy-not-implemented", 0
    last = [v.strip().lower() for v in headers["Referrer-Policy"].split(",")][-1]
    if last in PRIVATE_REFERRERS:
        return "referrer-policy-private", 5
    if last in UNSAFE_REFERRERS:
        return "referrer-policy-unsafe", -5
    return "referrer-policy-no-referrer-when-downgrade", 0


def _sri(html: str, host: str) -> tuple[str, int]:
    scripts = re.findall(r"<script\b([^>]*)>", html, re.I)
    sources = [re.search(r'src="([^"]+)"', attrs) for attrs in scripts]
    external = [m.group(1) for m in sources if m and re.match(r"(https?:)?//", m.group(1))]
    external = [src for src in external if re.sub(r"^(https?:)?//", "", src).split("/")[0] != host]
    if not scripts:
        return "sri-not-implemented-but-no-scripts-loaded", 0
    if not external:
        return "sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0
    return "sri-not-implemented-but-external-scripts-loaded-securely", -5


def score(response, host: str = "localhost") -> Result:
    """The Observatory result for one response (a Flask/Werkzeug test response)."""
    headers = response.headers
    result = Result()
    csp_name, csp_value, policy = _csp(headers)
    result.modifiers[csp_name] = csp_value
    hsts_name, hsts_value, hsts = _hsts(headers)
    result.modifiers[hsts_name] = hsts_value
    cookie_name, cookie_value = _cookies(headers.getlist("Set-Cookie"), hsts)
    result.modifiers[cookie_name] = cookie_value
    result.modifiers.__setitem__(*_referrer(headers))
    if response.mimetype == "text/html":
        result.modifiers.__setitem__(*_sri(response.get_data(as_text=True), host))
    if headers.get("X-Content-Type-Options", "").strip().lower() != "nosniff":
        result.modifiers["x-content-type-options-not-implemented"] = -5
    if "frame-ancestors" in policy:
        result.modifiers["x-frame-options-implemented-via-csp"] = 5
    elif headers.get("X-Frame-Options", "").strip().upper() not in ("DENY", "SAMEORIGIN"):
        result.modifiers["x-frame-options-not-implemented"] = -20
    if csp_value < 5 and not headers.get("X-XSS-Protection", "").startswith("1"):
        result.modifiers["x-xss-protection-not-implemented"] = -10
    return result
