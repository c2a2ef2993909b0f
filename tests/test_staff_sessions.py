"""Sessions end on the server: saved cookies replayed after logout, password, role or
activation changes, and past the idle and absolute limits, get the login page."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from datetime import timedelta

import pytest

from techpulse.models import Role
from techpulse.services.access import accounts
from tests.helpers.accounts import csrf_from
from tests.helpers.servers import serving


def saved(client, name: str) -> str:
    """The value of a cookie the client holds (as an attacker would copy it)."""
    cookie = client.get_cookie(name)
    assert cookie is not None, f"no {name} cookie"
    return cookie.value


def replay(app, **cookies: str):
    """A brand-new browser holding only the given cookies asks for the dashboard."""
    browser = app.test_client()
    for name, value in cookies.items():
        browser.set_cookie(name, value)
    return browser, browser.get("/admin/")


def sent_to_login(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def log_out(client) -> None:
    token = csrf_from(client.get("/admin/").data)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


def test_a_saved_session_cookie_is_dead_after_logout(app, client, staff):
    staff.login(Role.EDITOR)
    session_cookie = saved(client, "session")
    _, before = replay(app, session=session_cookie)
    assert before.status_code == 200  # the copy works while the login lasts…
    log_out(client)
    browser, after = replay(app, session=session_cookie)
    assert sent_to_login(after)  # …and not a moment after logout
    assert "Staff log in" in browser.get(after.headers["Location"]).get_data(as_text=True)


def test_a_saved_remember_cookie_is_dead_after_logout(app, client, staff):
    staff.login(Role.EDITOR, remember=True)
    remember = saved(client, "remember_token")
    log_out(client)
    assert client.get_cookie("remember_token") is None  # the browser was told to drop it
    _, response = replay(app, remember_token=remember)
    assert sent_to_login(response)


def test_the_remember_cookie_logs_a_new_browser_in_and_is_rotated(app, client, staff):
    staff.login(Role.EDITOR, remember=True)
    first = saved(client, "remember_token")
    browser, response = replay(app, remember_token=first)
    assert response.status_code == 200
    second = saved(browser, "remember_token")
    assert second != first  # rotated on use
    assert browser.get("/admin/").status_code == 200  # the new session cookie carries on


def test_replaying_an_already_used_remember_cookie_ends_that_login(app, client, staff, now):
    staff.login(Role.EDITOR, remember=True)
    stolen = saved(client, "remember_token")
    owner, _ = replay(app, remember_token=stolen)  # the owner's next visit rotates it
    rotated = saved(owner, "remember_token")
    _, too_soon = replay(app, remember_token=stolen)  # as another tab's would: refused…
    assert sent_to_login(too_soon)
    assert "Max-Age=0" not in (too_soon.headers.get("Set-Cookie") or "")  # …cookie kept
    now.advance(seconds=6)  # past the grace for two tabs at once: a replay
    _, thief = replay(app, remember_token=stolen)
    assert sent_to_login(thief)
    _, owner_again = replay(app, remember_token=rotated)
    assert sent_to_login(owner_again)  # a copy is in the wild: the whole login ends


@pytest.mark.parametrize("change", ["password", "role", "deactivate"])
def test_account_changes_end_sessions_and_remember_cookies(app, client, staff, change):
    user = staff.login(Role.EDITOR, remember=True)
    cookies = {
        "session": saved(client, "session"),
        "remember_token": saved(client, "remember_token"),
    }
    if change == "password":
        accounts.set_password(user, "a brand new long passphrase")
    elif change == "role":
        accounts.set_role(user, Role.AUTHOR)
    else:
        accounts.set_active(user, False)
    for name, value in cookies.items():
        _, response = replay(app, **{name: value})
        assert sent_to_login(response), name


def test_a_session_ends_at_its_absolute_limit_even_when_busy(client, staff, now):
    staff.login(Role.EDITOR)
    for _ in range(11 * 3):  # every 20 minutes for 11 hours: never idle
        now.advance(minutes=20)
        assert client.get("/admin/").status_code == 200
    now.advance(minutes=61)  # 12 hours and a bit after logging in
    assert sent_to_login(client.get("/admin/"))


def test_remembered_logins_have_idle_and_absolute_limits_too(app, client, staff, now):
    staff.login(Role.EDITOR, remember=True)
    remember = saved(client, "remember_token")
    now.advance(days=6)
    browser, response = replay(app, remember_token=remember)
    assert response.status_code == 200
    now.advance(days=8)  # a week unused
    assert sent_to_login(browser.get("/admin/"))

    staff.login(Role.EDITOR, remember=True)
    browser, _ = replay(app, remember_token=saved(client, "remember_token"))
    for _ in range(5):  # used every 5 days, so never idle…
        now.advance(days=5)
        assert browser.get("/admin/").status_code == 200
    now.advance(days=6)  # …but 31 days after logging in it is over
    assert sent_to_login(browser.get("/admin/"))


def test_cookies_are_secure_and_host_only_over_https(app, app_config):
    from techpulse import create_app
    from techpulse.extensions import db

    app_config["SITE_URL"] = "https://news.example"
    https_app = create_app(app_config)
    with https_app.app_context():
        db.create_all()
        from techpulse.services.access.accounts import create_user
        from tests.helpers.accounts import PASSWORD

        create_user("secure@example.com", "Secure", Role.EDITOR, PASSWORD)
        browser = https_app.test_client()
        page = browser.get("/login", base_url="https://news.example")
        response = browser.post(
            "/login",
            base_url="https://news.example",
            headers={"Referer": "https://news.example/login"},  # checked by CSRF over https
            data={"csrf_token": csrf_from(page.data), "email": "secure@example.com",
                  "password": PASSWORD, "remember": "y"},
        )  # fmt: skip
        assert response.status_code == 302
        cookies = response.headers.getlist("Set-Cookie")
        names = sorted(header.split("=", 1)[0] for header in cookies)
        assert names == ["__Host-remember_token", "__Host-session"]
        for header in cookies:
            flags = {part.strip().lower() for part in header.split(";")[1:]}
            assert {"secure", "httponly", "path=/", "samesite=lax"} <= flags, header
            assert not any(flag.startswith("domain=") for flag in flags), header
        db.session.remove()
        db.engine.dispose()


def test_the_remember_cookie_lasts_its_configured_duration(app, client, staff):
    staff.login(Role.EDITOR, remember=True)
    cookie = client.get_cookie("remember_token")
    assert cookie.max_age == int(timedelta(days=30).total_seconds())
    assert client.get_cookie("session").expires is None  # the session cookie dies with the browser


def _open_together(url: str, cookie: str, tabs: int = 2) -> list[tuple[int, list[str]]]:
    """GET ``url`` from ``tabs`` threads released at the same moment; (status, Set-Cookie)."""
    start = threading.Barrier(tabs)
    answers: list[tuple[int, list[str]]] = []

    def tab() -> None:
        request = urllib.request.Request(url, headers={"Cookie": f"remember_token={cookie}"})
        start.wait()
        try:
            response = _NO_REDIRECTS.open(request, timeout=20)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            answers.append((response.status, response.headers.get_all("Set-Cookie") or []))

    threads = [threading.Thread(target=tab) for _ in range(tabs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return answers


def test_two_tabs_restoring_one_remember_cookie_at_once_are_no_error_and_no_replay(
    app, client, staff
):
    """Two requests with the same remember cookie at the same moment, against a live server:
    neither is a 500 ("database is locked"), one renews the login, the other is not taken
    for a replay: the login lives on with the renewed cookie."""
    staff.login(Role.EDITOR, remember=True)
    cookie = saved(client, "remember_token")
    with serving(app) as base:
        for _ in range(10):
            answers = _open_together(base + "/admin/", cookie)
            statuses = sorted(status for status, _ in answers)
            assert statuses in ([200, 200], [200, 302]), answers
            renewed = [_cookie(headers, "remember_token") for _, headers in answers]
            assert "" not in renewed, answers  # nobody told the browser to drop it
            [cookie] = [value for value in renewed if value]  # one renewal
    _, later = replay(app, remember_token=cookie)
    assert later.status_code == 200  # the login lives on


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_NO_REDIRECTS = urllib.request.build_opener(_KeepRedirects)


def _cookie(headers: list[str], name: str) -> str | None:
    """The value a response sets for cookie ``name`` ("" to delete it), or None."""
    for header in headers:
        if header.startswith(f"{name}="):
            return header.split(";", 1)[0].split("=", 1)[1]
    return None
