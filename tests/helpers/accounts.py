"""Logging in as staff: through the test client, in a real browser, with two-factor codes."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pyotp
from flask.testing import FlaskClient
from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import AuditEvent, Role, User

if TYPE_CHECKING:
    from tests.helpers.factories import Factory, MovableClock

PASSWORD = "correct horse battery staple"
_CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)
_RECOVERY_CODES = re.compile(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>")


def csrf_from(html: str | bytes) -> str:
    """The CSRF token in a page's form."""
    source = html.decode() if isinstance(html, bytes) else html
    match = _CSRF.search(source)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def writer_from(html: str | bytes) -> str:
    """The signed ``writer`` field of an editor page (whose text a late save is)."""
    source = html.decode() if isinstance(html, bytes) else html
    match = re.search(r'name="writer" value="([^"]+)"', source)
    assert match, "no writer field on the page"
    return match.group(1)


def log_in(
    client: FlaskClient,
    who: User | str,
    password: str = PASSWORD,
    next_url: str = "",
    remember: bool = False,
    **fields: str,
) -> Any:
    """Submit the login form for ``who`` (a user or an e-mail address); returns the response."""
    email = who.email if isinstance(who, User) else who
    token = csrf_from(client.get("/login").data)
    url = "/login" + (f"?next={next_url}" if next_url else "")
    data = {"csrf_token": token, "email": email, "password": password, **fields}
    if remember:
        data["remember"] = "y"
    return client.post(url, data=data)


def log_out(client: FlaskClient) -> None:
    """Log the client out with the logout form of the staff area."""
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/admin/").data)})


def log_in_browser(
    tab: Any, base_url: str, who: User | str, remember: bool = False, dashboard: bool = True
) -> None:
    """Log in through the login form in a Playwright tab; then, unless told not to (a code
    may be asked for), wait for the staff dashboard."""
    tab.goto(f"{base_url}/login")
    tab.get_by_label("E-mail").fill(who.email if isinstance(who, User) else who)
    tab.locator("input[name=password]").fill(PASSWORD)
    if remember:
        tab.get_by_label("Keep me logged in on this device").check()
    tab.get_by_role("button", name="Log in").click()
    if dashboard:
        tab.get_by_role("heading", name="Dashboard").wait_for()


class Staff:
    """Logs the test client in as staff and posts forms with a valid CSRF token."""

    def __init__(self, client: FlaskClient, factory: Factory) -> None:
        self.client = client
        self.factory = factory

    def login(self, role: Role | User = Role.EDITOR, remember: bool = False) -> User:
        """Create a user of ``role`` (or use the given one) and log the client in."""
        user = role if isinstance(role, User) else self.factory.staff(role)
        response = log_in(self.client, user, remember=remember)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    def token(self) -> str:
        """A CSRF token for the logged-in client (from the admin page's logout form)."""
        return csrf_from(self.client.get("/admin/").data)

    def post(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """POST a form with a valid CSRF token."""
        return self.client.post(url, data={"csrf_token": self.token(), **(data or {})}, **kwargs)


def code_at(secret: str, now: MovableClock, seconds: float = 0) -> str:
    """The two-factor code for ``secret`` at the frozen clock's time (plus ``seconds``)."""
    return pyotp.TOTP(secret).at(now.at.timestamp() + seconds)


def confirm_two_factor(client: FlaskClient, page: str, now: MovableClock) -> tuple[str, list[str]]:
    """Send the code for the secret on the confirmation ``page``; (secret, recovery codes)."""
    match = re.search(r'<code class="qr-secret">([A-Z2-7]+)</code>', page)
    assert match, "no secret on the confirmation page"
    done = client.post(
        "/account/two-factor/confirm",
        data={"csrf_token": csrf_from(page), "code": code_at(match.group(1), now)},
    )
    return match.group(1), _RECOVERY_CODES.findall(done.get_data(as_text=True))


def enrol(client: FlaskClient, now: MovableClock) -> tuple[str, list[str]]:
    """Set up two-factor login for the logged-in user; returns the secret and recovery codes."""
    token = csrf_from(client.get("/account/two-factor").data)
    assert client.post("/account/two-factor/setup", data={"csrf_token": token}).status_code == 302
    return confirm_two_factor(
        client, client.get("/account/two-factor/confirm").get_data(as_text=True), now
    )


def audited(action: str) -> list[AuditEvent]:
    """The audit log's events of one action, oldest first."""
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(db.session.scalars(query))
