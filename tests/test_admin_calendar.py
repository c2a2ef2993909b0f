"""The editorial calendar: month and week views, scheduling and moving, backdating."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from techpulse.clock import site_time
from techpulse.extensions import db
from techpulse.models import Article, AuditEvent, Role, Status


def local(value) -> str:
    return site_time(value).strftime("%Y-%m-%dT%H:%M")


def test_month_and_week_show_published_scheduled_and_planned_stories(client, staff, make, now):
    staff.login(Role.EDITOR)
    make.article("Ran yesterday", published_at=now() - timedelta(days=1))
    make.article("Runs tomorrow", status=Status.SCHEDULED, published_at=now() + timedelta(days=1))
    planned = make.article("Planned draft", status=Status.DRAFT)
    planned.target_at = now() + timedelta(days=2)
    db.session.commit()
    day = site_time(now()).date()
    month = client.get(f"/admin/calendar?day={day.isoformat()}").get_data(as_text=True)
    assert day.strftime("%B %Y") in month
    for title, kind in (("Ran yesterday", "published"), ("Runs tomorrow", "scheduled"),
                        ("Planned draft", "planned")):  # fmt: skip
        assert title in month and f"calendar__entry--{kind}" in month
    week = client.get(f"/admin/calendar?view=week&day={day.isoformat()}").get_data(as_text=True)
    assert "Week of" in week and week.count('class="calendar__day') == 7
    assert client.get("/admin/calendar?day=not-a-date").status_code == 200


def test_authors_cannot_open_or_use_the_calendar(client, staff, make, now):
    staff.login(Role.AUTHOR)
    story = make.article("In review", status=Status.REVIEW)
    assert client.get("/admin/calendar").status_code == 403
    when = local(now() + timedelta(hours=3))
    assert staff.post(f"/admin/calendar/{story.id}/schedule", {"when": when}).status_code == 403


def test_moving_a_scheduled_story_and_backdating_a_published_one(client, staff, make, now):
    staff.login(Role.EDITOR)
    later = make.article("Later", status=Status.SCHEDULED, published_at=now() + timedelta(days=1))
    live = make.article("Live", published_at=now() - timedelta(hours=1))
    moved = local(now() + timedelta(days=3))
    staff.post(f"/admin/calendar/{later.id}/schedule", {"when": moved})
    assert local(db.session.get(Article, later.id).published_at) == moved
    backdated = local(now() - timedelta(days=10))
    staff.post(f"/admin/calendar/{live.id}/schedule", {"when": backdated})
    story = db.session.get(Article, live.id)
    assert story.status == Status.PUBLISHED and local(story.published_at) == backdated
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == live.id))
    assert "article.rescheduled" in list(actions)


def test_a_story_not_out_yet_cannot_be_scheduled_in_the_past(client, staff, make, now):
    staff.login(Role.EDITOR)
    story = make.article("In review", status=Status.REVIEW)
    response = staff.post(
        f"/admin/calendar/{story.id}/schedule", {"when": local(now() - timedelta(hours=1))}
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Choose a time in the future" in page
    assert db.session.get(Article, story.id).status == Status.REVIEW
    empty = staff.post(f"/admin/calendar/{story.id}/schedule", {"when": ""})
    assert "Choose the date and time." in client.get(empty.headers["Location"]).get_data(
        as_text=True
    )


def test_the_editor_backdates_a_published_story_from_its_publish_date(client, staff, make, now):
    staff.login(Role.EDITOR)
    story = make.article("Old scoop", published_at=now() - timedelta(hours=2))
    form = client.get(f"/admin/articles/{story.id}/edit").get_data(as_text=True)
    assert f'value="{local(story.published_at)}"' in form  # the date is editable
    when = local(now() - timedelta(days=30))
    data = {"title": "Old scoop", "body": "Text.", "category": str(story.category_id),
            "publish_at": when, "save": "1"}  # fmt: skip
    assert staff.post(f"/admin/articles/{story.id}/edit", data).status_code == 302
    assert local(db.session.get(Article, story.id).published_at) == when
