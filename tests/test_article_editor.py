"""The article write path: tags found by name or slug; created articles leave a trail."""

from __future__ import annotations

from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import AuditEvent, Revision, Status, Tag
from techpulse.services.editorial.article_editor import tags_from_names


def test_a_renamed_tag_is_still_found_by_its_name_or_its_slug(app):
    tag = Tag(name="AI", slug="artificial-intelligence")
    db.session.add(tag)
    db.session.commit()
    found = tags_from_names(["AI", "ai", "Artificial Intelligence", "New one"])
    assert found[0] is tag
    assert [t.name for t in found] == ["AI", "New one"]
    db.session.commit()  # no duplicate name or slug was inserted
    assert db.session.query(Tag).count() == 2


def test_articles_made_outside_the_editor_leave_a_revision_and_an_audit_event(make):
    article = make.article("Made by a factory")
    revisions = db.session.scalars(select(Revision).where(Revision.article_id == article.id))
    assert [(r.note, r.title) for r in revisions] == [("Created", "Made by a factory")]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.subject_id == article.id))
    assert [(event.action, event.target) for event in events] == [
        ("article.published", "Made by a factory")
    ]
    draft = make.article("Still a draft", status=Status.DRAFT)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.target == draft.title)) is None
