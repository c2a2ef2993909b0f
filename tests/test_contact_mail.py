"""Notification e-mails through a real SMTP server (aiosmtpd on 127.0.0.1, a free port)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, update

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models import ContactMessage
from techpulse.services.contact import notifications as contact_notifications
from tests.helpers.contact import contact_form
from tests.helpers.servers import mail_settings, text_of


@pytest.fixture
def app_config(app_config, smtp):
    app_config.update(
        CONTACT_LIMIT="10000 per minute", CONTACT_MIN_SECONDS=0, **mail_settings(smtp)
    )
    return app_config


@pytest.fixture
def company(make):
    return make.settings(contact_email="hello@codedote.example")


def only_message() -> ContactMessage:
    [message] = db.session.scalars(select(ContactMessage)).all()
    return message


def test_a_new_message_notifies_the_company_address(client, smtp, company):
    client.post("/contact", data=contact_form(client, message="Please build us a shop.\nThanks!"))
    message = only_message()
    [(recipients, email)] = smtp.received
    assert recipients == ["hello@codedote.example"]
    assert email["Subject"] == f"[{message.reference}] New project: Asha Mehta"
    assert email["Reply-To"] == "asha@example.com"
    assert "web@codedote.example" in email["From"]
    body = text_of(email)
    assert "Please build us a shop.\nThanks!" in body
    assert "asha@example.com" in body and "+91 98765 43210" in body
    assert message.notification_status == "sent" and message.notification_attempts == 1
    assert message.notified_at is not None and message.notification_error == ""


def test_spam_is_stored_but_nobody_is_emailed(client, smtp, company):
    client.post("/contact", data=contact_form(client, website="I am a bot"))
    assert only_message().notification_status == "skipped"
    assert smtp.received == []


def test_with_the_server_down_the_message_is_kept_and_retried_once(client, runner, smtp, company):
    smtp.stop()
    response = client.post("/contact", data=contact_form(client))
    assert response.status_code == 303  # the visitor is thanked: the message is stored
    message = only_message()
    assert message.notification_status == "failed" and message.notification_attempts == 1
    assert message.notification_error

    smtp.start()
    result = runner.invoke(args=["contact", "retry-notifications"])
    assert result.exit_code == 0, result.output
    assert "sent: 1" in result.output
    assert len(smtp.received) == 1
    db.session.refresh(message)
    assert message.notification_status == "sent" and message.notification_attempts == 2

    again = runner.invoke(args=["contact", "retry-notifications"])
    assert "sent: 0" in again.output
    assert len(smtp.received) == 1


def test_a_failed_retry_exits_non_zero_for_cron(client, runner, smtp, company):
    smtp.stop()
    client.post("/contact", data=contact_form(client))
    result = runner.invoke(args=["contact", "retry-notifications"])
    assert result.exit_code == 1 and "failed: 1" in result.output
    assert only_message().notification_attempts == 2


def test_concurrent_retries_send_each_message_once(app, client, smtp, company):
    smtp.stop()
    for _ in range(5):
        client.post("/contact", data=contact_form(client))
    smtp.start()

    def retry() -> None:
        with app.app_context():
            contact_notifications.retry_notifications()
            db.session.remove()

    threads = [threading.Thread(target=retry) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    references = sorted(email["Subject"].split("]")[0] for _, email in smtp.received)
    assert len(references) == 5 and len(set(references)) == 5


def test_a_stale_claim_is_retried_but_a_fresh_one_is_not(app, runner, smtp, company, client):
    client.post("/contact", data=contact_form(client))
    smtp.received.clear()
    message = only_message()
    db.session.execute(
        update(ContactMessage).values(
            notification_status="sending", notification_claimed_at=utcnow()
        )
    )
    db.session.commit()
    assert "sent: 0" in runner.invoke(args=["contact", "retry-notifications"]).output
    app.config["CONTACT_CLAIM_STALE_MINUTES"] = 0
    assert "sent: 1" in runner.invoke(args=["contact", "retry-notifications"]).output
    db.session.refresh(message)
    assert message.notification_status == "sent" and len(smtp.received) == 1


def test_without_smtp_settings_nothing_pretends_to_send(app, client, runner, smtp, company):
    app.config["MAIL_SERVER"] = ""
    client.post("/contact", data=contact_form(client))
    message = only_message()
    assert message.notification_status == "skipped"
    assert "not configured" in message.notification_error
    assert "sent: 0" in runner.invoke(args=["contact", "retry-notifications"]).output
    assert smtp.received == []


def test_the_optional_auto_reply_goes_to_the_client(app, client, smtp, company):
    app.config["CONTACT_AUTOREPLY"] = True
    client.post("/contact", data=contact_form(client))
    recipients = [rcpt for rcpt, _ in smtp.received]
    assert recipients == [["hello@codedote.example"], ["asha@example.com"]]
    assert only_message().reference in smtp.received[1][1]["Subject"]
