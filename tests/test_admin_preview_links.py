"""Draft preview links: signed, expiring, revocable, readable by anyone holding one, never
indexed and never kept by a shared cache."""

from __future__ import annotations

import re

from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import AuditEvent, PreviewLink, Role, Status

LINK = re.compile(r'value="http://localhost(/preview/[^"]+)"')


def make_link(client, staff, story) -> str:
    response = staff.post(f"/admin/articles/{story.id}/preview-links")
    assert response.status_code == 302
    page = client.get(f"/admin/articles/{story.id}/edit").get_data(as_text=True)
    found = LINK.findall(page)
    assert found, "no preview link on the editor"
    return found[0]


def test_a_preview_link_shows_the_draft_to_anyone_until_revoked(app, client, staff, make):
    story = make.article("Secret launch", status=Status.DRAFT, body="The **draft** text.")
    staff.login(Role.EDITOR)
    path = make_link(client, staff, story)
    visitor = app.test_client()
    first = visitor.get(path)
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and "Secret launch" in html and "<strong>draft</strong>" in html
    assert "Preview" in html and 'class="preview-banner"' in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert first.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert (
        "no-store" in first.headers["Cache-Control"] and "private" in first.headers["Cache-Control"]
    )
    again = visitor.get(path)
    assert again.headers.get("X-Cache") != "hit"  # the page cache never keeps it
    assert visitor.get(f"/articles/{story.slug}").status_code == 404  # still not published
    [link] = db.session.scalars(select(PreviewLink)).all()
    assert (
        staff.post(f"/admin/articles/{story.id}/preview-links/{link.id}/revoke").status_code == 302
    )
    assert visitor.get(path).status_code == 404
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert "article.preview_link_created" in actions and "article.preview_link_revoked" in actions


def test_a_preview_link_expires_and_cannot_be_forged(app, client, staff, make, now):
    staff.login(Role.EDITOR)
    story = make.article("Soon", status=Status.DRAFT)
    path = make_link(client, staff, story)
    visitor = app.test_client()
    assert visitor.get(path[:-2] + ("aa" if not path.endswith("aa") else "bb")).status_code == 404
    assert visitor.get("/preview/not-a-token").status_code == 404
    now.advance(days=app.config["PREVIEW_LINK_DAYS"], seconds=1)
    assert visitor.get(path).status_code == 404


def test_only_who_may_edit_the_story_makes_links(app, client, staff, make):
    other = make.user("Someone Else")
    story = make.article("Not yours", status=Status.DRAFT, author=other)
    staff.login(Role.AUTHOR)
    assert staff.post(f"/admin/articles/{story.id}/preview-links").status_code == 403
    assert db.session.scalars(select(PreviewLink)).all() == []


def test_a_story_in_the_trash_is_not_previewed(app, client, staff, make):
    staff.login(Role.EDITOR)
    story = make.article("To be trashed", status=Status.DRAFT)
    path = make_link(client, staff, story)
    staff.post(f"/admin/articles/{story.id}/delete")
    assert app.test_client().get(path).status_code == 404
