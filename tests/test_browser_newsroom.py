"""The newsroom in a real browser, three people at once: an author submits, an editor is
e-mailed and sees it on the dashboard, comments, sends it back; the author fixes it and
resubmits; the editor schedules it from the calendar, shares a preview, and it goes live on
time; an admin reads it all in the audit log."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from techpulse.clock import site_time
from techpulse.models import Role
from tests.helpers.accounts import log_in_browser
from tests.helpers.browser import fill_story, site_tab
from tests.helpers.servers import mail_settings, text_of

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def app_config(app_config, smtp):
    app_config.update(**mail_settings(smtp))
    return app_config


def test_author_editor_and_admin_walk_the_review_loop(browser, page, live_server, make, smtp, now):
    author = make.staff(Role.AUTHOR, name="Asha Author")
    editor = make.staff(Role.EDITOR, name="Esha Editor")
    admin = make.staff(Role.ADMIN, name="Anil Admin")
    make.category("AI & Tech")
    desk = site_tab(browser, live_server)

    # The author writes and submits.
    log_in_browser(page, live_server, author)
    page.get_by_role("link", name="New article").first.click()
    page.get_by_role("textbox", name="Title", exact=True).fill("Chips made in Vadodara")
    fill_story(page, "A first draft.")
    page.get_by_label("Category").select_option(label="AI & Tech")
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_text("Submitted for review").wait_for()

    # The editor got an e-mail with the link, and the dashboard says so too.
    [email] = [mail for to, mail in smtp.received if editor.email in to]
    assert email["Date"] and "/admin/articles/" in text_of(email)
    log_in_browser(desk, live_server, editor)
    desk.get_by_role("link", name=re.compile("is waiting for review")).click()

    # The editor comments, then sends it back with a reason.
    desk.get_by_role("textbox", name="Comment").fill("Which factory? Add a source.")
    desk.get_by_role("button", name="Add comment").click()
    desk.get_by_text("Comment added.").wait_for()
    desk.get_by_label("What needs to change").fill("Name the factory and cite the numbers.")
    desk.get_by_role("button", name="Send back to the author").click()
    desk.get_by_text("Sent back to the author").wait_for()

    # The author reads why, fixes the story and submits it again.
    page.reload()
    page.get_by_text("Esha Editor sent this story back:").wait_for()
    assert page.get_by_text("Name the factory and cite the numbers.").first.is_visible()
    fill_story(page, "Fixed: the Makarpura plant, per the ministry.")
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_text("Submitted for review").wait_for()

    # The editor schedules it from the calendar, and shares a preview meanwhile.
    desk.goto(f"{live_server}/admin/calendar")
    waiting = desk.locator(".calendar-waiting li", has_text="Chips made in Vadodara")
    when = site_time(now() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    waiting.get_by_label("New time for “Chips made in Vadodara”").fill(when)
    waiting.get_by_role("button", name="Schedule").click()
    desk.get_by_text("“Chips made in Vadodara” is set for").wait_for()
    desk.locator(".calendar__entry--scheduled", has_text="Chips made in Vadodara").wait_for()
    desk.get_by_role("link", name="Chips made in Vadodara").first.click()
    desk.get_by_role("button", name="Make a preview link").click()
    preview_url = desk.get_by_label("Preview link 1").input_value()

    visitor = site_tab(browser, live_server)
    visitor.goto(preview_url)
    visitor.get_by_text("this story is not published yet").wait_for()
    assert visitor.locator('meta[name="robots"]').get_attribute("content") == "noindex, nofollow"
    assert visitor.goto(f"{live_server}/articles/chips-made-in-vadodara").status == 404

    # It goes live on time (the test's clock moves), with nobody running anything.
    now.advance(hours=3, minutes=1)
    assert visitor.goto(f"{live_server}/articles/chips-made-in-vadodara").status == 200
    visitor.get_by_role("heading", name="Chips made in Vadodara").wait_for()

    # The admin reads every step in plain words.
    boss = site_tab(browser, live_server)
    log_in_browser(boss, live_server, admin)
    boss.goto(f"{live_server}/admin/audit")
    log = boss.locator("table.audit-table").inner_text()
    for words in ("submitted “Chips made in Vadodara” for review",
                  "sent “Chips made in Vadodara” back to its author",
                  "approved “Chips made in Vadodara”",
                  "The site put “Chips made in Vadodara” live as scheduled"):  # fmt: skip
        assert words in log, words
    for tab in (desk, visitor, boss):
        assert tab.outside_requests == []
        tab.context.close()
    assert all(mail["Date"] for _, mail in smtp.received)
