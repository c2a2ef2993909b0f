"""The contact form: validation, Post/Redirect/Get, idempotency, spam rules, nothing lost."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event, func, select

from techpulse.extensions import db
from techpulse.models import ContactMessage
from tests.helpers.apps import POSTGRES_URL
from tests.helpers.contact import VALID, contact_form, hidden_fields
from tests.helpers.pages import elements, text_of


@pytest.fixture
def app_config(app_config):
    """A rate limit no test reaches and no minimum time, unless a test sets them on app.config.

    (Not RATELIMIT_ENABLED=False: the shared limiter would keep that for every later app.)
    """
    app_config.update(CONTACT_LIMIT="10000 per minute", CONTACT_MIN_SECONDS=0)
    return app_config


def stored() -> list[ContactMessage]:
    return list(db.session.scalars(select(ContactMessage).order_by(ContactMessage.id)))


def test_the_form_is_linked_from_header_sidebar_and_footer(client, make):
    make.settings()
    html = client.get("/contact").get_data(as_text=True)
    links = [a for a in elements(html, "a") if a.get("href") == "/contact"]
    assert {"site-nav__link"} & links[0].classes()
    assert len(links) >= 2
    assert 'name="website"' in html and 'tabindex="-1"' in html and "Leave this empty" in html
    assert "Privacy note" in html


def test_a_valid_message_is_stored_and_thanked_with_a_reference(client):
    response = client.post("/contact", data=contact_form(client))
    assert response.status_code == 303
    [message] = stored()
    assert response.headers["Location"] == f"/contact/thanks/{message.reference}"
    assert message.reference.startswith("CD-") and len(message.reference) == 9
    assert (message.name, message.email, message.topic) == ("Asha Mehta", "asha@example.com",
                                                            "project")  # fmt: skip
    assert message.status == "new" and message.spam_reason == ""
    assert message.notification_status == "skipped"  # no SMTP configured: nothing pretends
    thanks = client.get(response.headers["Location"])
    assert thanks.status_code == 200 and message.reference in text_of(thanks.data)
    assert client.get(response.headers["Location"]).status_code == 200  # reloading is fine
    assert len(stored()) == 1
    assert client.get("/contact/thanks/CD-NOPE00").status_code == 404


def test_resubmitting_the_same_form_stores_it_once(client):
    data = contact_form(client)
    first = client.post("/contact", data=data)
    second = client.post("/contact", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(stored()) == 1


def test_each_new_form_gets_a_new_token(client):
    assert contact_form(client)["form_token"] != contact_form(client)["form_token"]


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("name", "", "Please tell us your name."),
        ("name", "x" * 121, "under 120 characters"),
        ("name", "Asha\x00Mehta", "control characters"),
        ("email", "", "Please give an e-mail address"),
        ("email", "not-an-address", "Enter a valid e-mail address"),
        ("email", "a@b", "Enter a valid e-mail address"),
        ("email", "x" * 250 + "@example.com", "too long"),
        ("company", "c" * 161, "under 160 characters"),
        ("phone", "call me maybe", "country code"),
        ("phone", "123", "country code"),
        ("phone", "+1 234 567 890 123 456 7", "country code"),
        ("topic", "", "Please choose a topic."),
        ("topic", "hacking", "one of the topics"),
        ("budget", "a-billion", "one of the budget ranges"),
        ("message", "", "Please write your message."),
        ("message", "Too short", "at least 20 characters"),
        ("message", "m" * 5001, "under 5,000 characters"),
        ("message", "Hello there, \x00 this has a NUL byte in it", "control characters"),
        ("consent", None, "Please agree"),
    ],
)
def test_every_field_is_checked_with_a_clear_message(client, field, value, error):
    data = contact_form(client, **{field: value})
    response = client.post("/contact", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert error in html and "Please correct the highlighted fields" in html
    field_id = "consent" if field == "consent" else field
    widget = next(e for e in elements(html) if e.get("id") == field_id)
    assert widget.get("aria-invalid") == "true"
    assert f"{field_id}-error" in widget.get("aria-describedby")
    assert stored() == []


def test_what_the_visitor_typed_is_kept_on_error(client):
    data = contact_form(
        client, email="broken", message="Namaste! Ünïcødé ✓ — 日本語 text that is long"
    )
    html = client.post("/contact", data=data).get_data(as_text=True)
    assert 'value="Asha Mehta"' in html and 'value="broken"' in html
    assert "Namaste! Ünïcødé ✓ — 日本語 text that is long" in html
    [budget] = [e for e in elements(html, "option") if e.get("value") == "medium"]
    assert "selected" in budget.attrs
    token = hidden_fields(html)["form_token"]
    assert token == data["form_token"]  # the same form: still stored only once when fixed
    client.post("/contact", data={**data, "email": "asha@example.com"})
    client.post("/contact", data={**data, "email": "asha@example.com"})
    assert len(stored()) == 1


def test_unicode_is_stored_as_typed(client):
    text = "Нам нужен сайт — 我们需要一个网站 — मुझे एक वेबसाइट चाहिए 🚀"
    client.post("/contact", data=contact_form(client, name="Zoë Ñúñez 王", message=text))
    [message] = stored()
    assert message.name == "Zoë Ñúñez 王" and message.message == text


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"name": ["a", "b"], "email": "\x00"},
        {"topic": "\x00", "budget": "\x00", "form_token": "\x00" * 50, "stamp": "\x00"},
        {"message": "x" * 200_000},
        {"consent": "\x00", "website": "\x00"},
    ],
)
def test_malformed_posts_never_give_a_500(client, data):
    form = contact_form(client)
    response = client.post("/contact", data={**form, **data})
    assert response.status_code in (200, 303, 400, 413)


def test_no_csrf_token_keeps_the_text_and_explains(client):
    data = contact_form(client)
    data.pop("csrf_token")
    response = client.post("/contact", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This form had expired" in html and VALID["message"] in html
    assert stored() == []
    fresh = {**data, "csrf_token": hidden_fields(html)["csrf_token"]}
    assert client.post("/contact", data=fresh).status_code == 303


def test_the_honeypot_marks_spam_but_still_thanks(client):
    response = client.post("/contact", data=contact_form(client, website="http://spam.example"))
    assert response.status_code == 303
    [message] = stored()
    assert message.status == "spam" and "hidden field" in message.spam_reason
    assert message.notification_status == "skipped"


def test_a_form_sent_too_fast_is_marked_spam(app, client, now):
    app.config["CONTACT_MIN_SECONDS"] = 3
    data = contact_form(client)
    now.advance(seconds=1)
    client.post("/contact", data=data)
    now.advance(seconds=10)
    client.post("/contact", data={**contact_form(client), "stamp": data["stamp"]})
    fast, slow = stored()
    assert fast.status == "spam" and "too fast" in fast.spam_reason
    assert slow.status == "new"


def test_an_old_or_forged_timestamp_is_marked_spam(client, now):
    data = contact_form(client)
    now.advance(hours=25)
    client.post("/contact", data=data)
    client.post("/contact", data=contact_form(client, stamp="forged.stamp"))
    old, forged = stored()
    assert old.status == "spam" and "older" in old.spam_reason
    assert forged.status == "spam" and "forged" in forged.spam_reason


def test_the_content_score_marks_link_farms_and_phrases(client):
    links = " ".join(f"https://cheap{n}.example" for n in range(6))
    client.post("/contact", data=contact_form(client, message=f"Great offer {links}"))
    client.post(
        "/contact",
        data=contact_form(client, message="Best casino bonus! Buy followers, click here now!!"),
    )
    client.post("/contact", data=contact_form(client, message="buy now " * 30))
    client.post(
        "/contact",
        data=contact_form(client, message="See https://our.example for our current app."),
    )
    link_farm, phrases, repeated, genuine = stored()
    assert link_farm.status == "spam" and "6 links" in link_farm.spam_reason
    assert phrases.status == "spam" and "casino" in phrases.spam_reason
    assert repeated.status == "spam" and "repeated text" in repeated.spam_reason
    assert genuine.status == "new"


def test_the_rate_limit_answers_with_the_friendly_429(app, client):
    app.config["CONTACT_LIMIT"] = "2 per 10 minutes"
    codes = [client.post("/contact", data=contact_form(client)).status_code for _ in range(3)]
    assert codes == [303, 303, 429]
    assert len(stored()) == 2
    page = client.post("/contact", data=contact_form(client))
    assert page.status_code == 429 and "Too many requests" in page.get_data(as_text=True)
    assert client.get("/contact").status_code == 200  # reading the form is never limited


def test_typos_do_not_count_towards_the_rate_limit(app, client):
    app.config["CONTACT_LIMIT"] = "2 per 10 minutes"
    for _ in range(4):
        assert client.post("/contact", data=contact_form(client, email="x")).status_code == 200
    assert client.post("/contact", data=contact_form(client)).status_code == 303


def test_a_read_only_database_gives_the_form_back(app, client):
    data = contact_form(client)

    def read_only(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        if POSTGRES_URL:
            cursor.execute("SET default_transaction_read_only = on")
            dbapi_connection.commit()  # a SET in a rolled-back transaction would not last
        else:
            cursor.execute("PRAGMA query_only = ON")
        cursor.close()

    event.listen(db.engine, "connect", read_only)
    db.session.remove()
    db.engine.dispose()
    try:
        response = client.post("/contact", data=data)
    finally:
        event.remove(db.engine, "connect", read_only)
        db.engine.dispose()
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "We could not save your message — please try again" in html
    assert "Thank you" not in html
    assert 'value="Asha Mehta"' in html and VALID["message"] in html
    assert stored() == []
    assert client.post("/contact", data=data).status_code == 303  # trying again works
    assert len(stored()) == 1


def test_100_concurrent_submissions_are_all_stored_once(app):
    clients = [app.test_client() for _ in range(100)]
    forms = [contact_form(c, name=f"Visitor {n}") for n, c in enumerate(clients)]
    start = threading.Barrier(100)

    def send(pair):
        client, data = pair
        with app.app_context():  # the isolated client tidies the session of its thread
            start.wait()
            return client.post("/contact", data=data).status_code

    with ThreadPoolExecutor(max_workers=100) as pool:
        codes = list(pool.map(send, zip(clients, forms, strict=True)))
    assert codes == [303] * 100
    names = db.session.scalars(select(ContactMessage.name)).all()
    assert sorted(names) == sorted(f"Visitor {n}" for n in range(100))
    assert db.session.scalar(select(func.count(func.distinct(ContactMessage.reference)))) == 100


def test_a_double_click_from_two_threads_stores_once(app):
    clients = [app.test_client() for _ in range(8)]
    data = contact_form(clients[0])
    for other in clients[1:]:  # same session cookie, so the CSRF token is valid for all
        other.set_cookie("session", clients[0].get_cookie("session").value)

    def send(client):
        with app.app_context():
            return client.post("/contact", data=data).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(send, clients))
    assert codes == [303] * 8
    assert len(stored()) == 1
