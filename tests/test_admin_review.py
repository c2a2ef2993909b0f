"""The review loop over HTTP with three roles: submit, e-mail and notice, comment, send back,
fix and resubmit, schedule from the calendar, go live on time, all in the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from techpulse.clock import site_time
from techpulse.extensions import db
from techpulse.models import Article, AuditEvent, Role, StaffNotice, Status
from tests.helpers.accounts import PASSWORD, csrf_from, log_in
from tests.helpers.forms import article_form
from tests.helpers.servers import mail_settings, text_of


@pytest.fixture
def app_config(app_config, smtp):
    app_config.update(**mail_settings(smtp), SITE_URL="http://localhost")
    return app_config


def client_of(app, user):
    client = app.test_client()
    assert log_in(client, user).status_code == 302
    return client


def post(client, url, data=None):
    token = csrf_from(client.get("/admin/").data)
    return client.post(url, data={"csrf_token": token, **(data or {})})


def mails_to(smtp, address):
    return [email for recipients, email in smtp.received if address in recipients]


def only_story() -> Article:
    return db.session.scalars(select(Article)).one()


def test_the_whole_review_loop_with_three_roles(app, make, smtp, now):
    author = make.staff(Role.AUTHOR, name="Asha Author")
    editor = make.staff(Role.EDITOR, name="Esha Editor")
    admin = make.staff(Role.ADMIN, name="Anil Admin")
    category = make.category("AI & Tech")
    writer, desk = client_of(app, author), client_of(app, editor)

    # The author submits: every editor and admin is e-mailed, with a link, and told in-app.
    form = article_form(category, title="Chips in Vadodara", body="Draft text.", submit_review="1")
    assert post(writer, "/admin/articles/new", form).status_code == 302
    story = only_story()
    assert story.status == Status.REVIEW
    [to_editor] = mails_to(smtp, editor.email)
    assert len(mails_to(smtp, admin.email)) == 1 and mails_to(smtp, author.email) == []
    assert "waiting for review" in to_editor["Subject"]
    assert f"http://localhost/admin/articles/{story.id}/edit" in text_of(to_editor)
    dashboard = desk.get("/admin/").get_data(as_text=True)
    assert "“Chips in Vadodara” by Asha Author is waiting for review" in dashboard
    assert f'href="/admin/articles/{story.id}/edit"' in dashboard

    # The editor comments, then sends it back with a reason the author reads.
    post(desk, f"/admin/articles/{story.id}/comments", {"comment": "Which factory is it?"})
    reason = "Name the factory and add a source for the numbers."
    assert (
        post(desk, f"/admin/articles/{story.id}/send-back", {"reason": reason}).status_code == 302
    )
    assert db.session.get(Article, story.id).status == Status.DRAFT
    sent_back = mails_to(smtp, author.email)[-1]
    assert "sent “Chips in Vadodara” back to you" in sent_back["Subject"]
    assert reason in text_of(sent_back)
    page = writer.get(f"/admin/articles/{story.id}/edit").get_data(as_text=True)
    assert "Esha Editor sent this story back" in page and reason in page
    assert "Which factory is it?" in page and 'name="submit_review"' in page

    # The author fixes it and resubmits; the editor is told again.
    fixed = article_form(category, title="Chips in Vadodara", body="Fixed text, with sources.")
    post(writer, f"/admin/articles/{story.id}/edit", {**fixed, "submit_review": "1"})
    assert db.session.get(Article, story.id).status == Status.REVIEW
    assert len(mails_to(smtp, editor.email)) == 2

    # The editor schedules it from the calendar; it is not on the site until its time.
    calendar = desk.get("/admin/calendar").get_data(as_text=True)
    assert "Waiting for a date" in calendar and "Chips in Vadodara" in calendar
    when = site_time(now() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    assert post(desk, f"/admin/calendar/{story.id}/schedule", {"when": when}).status_code == 302
    story = db.session.get(Article, story.id)
    assert story.status == Status.SCHEDULED
    assert "approved and scheduled" in mails_to(smtp, author.email)[-1]["Subject"]
    visitor = app.test_client()
    assert visitor.get(f"/articles/{story.slug}").status_code == 404

    # It goes live on time, with no cron: the first read after that records it, once.
    now.advance(hours=2, minutes=1)
    assert visitor.get(f"/articles/{story.slug}").status_code == 200
    assert visitor.get("/").status_code == 200
    went_live = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "article.went_live")
    )
    assert len(went_live.all()) == 1
    assert db.session.get(Article, story.id).status == Status.PUBLISHED

    # Every e-mail has a Date, a Message-ID and a plain-text part.
    assert smtp.received
    for _, email in smtp.received:
        assert email["Date"] and email["Message-ID"] and text_of(email)

    # Each step is in the audit log, in plain words, for the admin.
    log = client_of(app, admin).get("/admin/audit").get_data(as_text=True)
    for words in (
        "submitted “Chips in Vadodara” for review",
        "commented on “Chips in Vadodara”",
        "sent “Chips in Vadodara” back to its author",
        "approved “Chips in Vadodara”",
        "put “Chips in Vadodara” live as scheduled",
        "<strong>The site</strong>",
        "logged in",
    ):
        assert words in log, words


def test_notices_are_marked_read_and_comments_stay_private(app, client, make, smtp):
    author = make.staff(Role.AUTHOR)
    editor = make.staff(Role.EDITOR)
    story = make.article("In review", status=Status.REVIEW, author=author)
    desk = client_of(app, editor)
    post(desk, f"/admin/articles/{story.id}/comments", {"comment": "Secret desk remark"})
    writer = client_of(app, author)
    assert "commented on “In review”" in writer.get("/admin/").get_data(as_text=True)
    post(writer, "/admin/notices/read")
    assert "commented on" not in writer.get("/admin/").get_data(as_text=True)
    assert db.session.scalar(select(StaffNotice.read_at).where(StaffNotice.user_id == author.id))
    other = make.staff(Role.AUTHOR)
    stranger = client_of(app, other)
    refused = post(stranger, f"/admin/articles/{story.id}/comments", {"comment": "Mine!"})
    assert refused.status_code == 403


def test_only_editors_send_back_and_only_stories_in_review(app, make, smtp):
    author = make.staff(Role.AUTHOR)
    story = make.article("Mine", status=Status.REVIEW, author=author)
    writer = client_of(app, author)
    assert post(writer, f"/admin/articles/{story.id}/send-back", {"reason": "x"}).status_code == 403
    desk = client_of(app, make.staff(Role.EDITOR))
    draft = make.article("A draft", status=Status.DRAFT)
    post(desk, f"/admin/articles/{draft.id}/send-back", {"reason": "Too short"})
    page = desk.get(f"/admin/articles/{draft.id}/edit").get_data(as_text=True)
    assert "Only a story waiting for review can be sent back." in page
    empty = post(desk, f"/admin/articles/{story.id}/send-back", {"reason": "  "})
    assert empty.status_code == 302 and db.session.get(Article, story.id).status == Status.REVIEW


def test_a_mail_server_that_is_down_keeps_the_mail_for_flask_mail_retry(app, make, smtp, runner):
    author, editor = make.staff(Role.AUTHOR), make.staff(Role.EDITOR)
    smtp.stop()
    form = article_form(make.category(), title="While down", submit_review="1")
    assert post(client_of(app, author), "/admin/articles/new", form).status_code == 302
    smtp.start()
    result = runner.invoke(args=["mail", "retry"])
    assert "E-mails sent: 1" in result.output, result.output
    [(recipients, email)] = smtp.received
    assert recipients == [editor.email] and email["Date"]
    assert PASSWORD not in text_of(email)
