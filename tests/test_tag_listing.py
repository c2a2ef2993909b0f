"""Tag links carry their story's live date through every kind of write, and tag pages read it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from techpulse import create_app
from techpulse.extensions import db
from techpulse.models import Article, Status, Tag, article_tags
from techpulse.services.editorial.article_editor import delete_article, tags_from_names
from techpulse.services.tag_listing import copy_to_every_link
from techpulse.services.trash import move_to_trash, restore
from tests.helpers.apps import POSTGRES_URL, scratch_postgres_schema
from tests.helpers.factories import Factory
from tests.helpers.pages import elements


def tag_page(client, slug: str, page: int = 1) -> list[str]:
    """The slugs of the stories a tag's page shows, in order."""
    html = client.get(f"/tag/{slug}?page={page}").get_data(as_text=True)
    found = []
    while (index := html.find('class="card__title"')) != -1:
        html = html[index + 1 :]
        found.append(elements(html, "a")[0].get("href").removeprefix("/articles/"))
    return found


def link_dates(article: Article) -> set:
    """The live dates the story's tag links carry (one per link)."""
    found = select(article_tags.c.live_from).where(article_tags.c.article_id == article.id)
    return set(db.session.scalars(found))


def reload(article: Article) -> Article:
    """The story as the editor loads it (with its tags)."""
    query = select(Article).where(Article.id == article.id).options(selectinload(Article.tags))
    return db.session.scalars(query).one()


def assert_every_link_current() -> None:
    """No link differs from what its story says (the copy made by each write was exact)."""
    assert copy_to_every_link(db.session.connection()) == 0
    db.session.rollback()


def test_tag_page_lists_its_live_stories_newest_first(client, make):
    old = make.article("Old news", tags=("Rust",), hours_ago=30)
    new = make.article("New news", tags=("Rust", "Go"), hours_ago=2)
    make.article("Other tag", tags=("Go",), hours_ago=1)
    make.article("Unfinished", tags=("Rust",), status=Status.DRAFT)
    assert tag_page(client, "rust") == [new.slug, old.slug]
    assert link_dates(new) == {new.published_at}
    assert link_dates(old) == {old.published_at}
    assert_every_link_current()


def test_links_follow_unpublish_retag_redate_trash_restore_and_delete(client, make, staff):
    editor = staff.login()
    story = make.article("Moving story", tags=("Rust",), hours_ago=5)
    steady = make.article("Steady story", tags=("Rust", "Go"), hours_ago=3).slug
    moving = story.slug

    story.status = Status.DRAFT.value  # unpublished: off the tag's page, links carry nothing
    db.session.commit()
    assert tag_page(client, "rust") == [steady]
    assert link_dates(story) == {None}

    story = reload(story)
    story.status = Status.PUBLISHED.value
    story.tags = tags_from_names(["Go", "Zig"])  # re-tagged: the new links carry the date
    story.published_at = story.published_at + timedelta(hours=4)  # now the newest
    db.session.commit()
    assert tag_page(client, "rust") == [steady]
    assert tag_page(client, "go") == [moving, steady]
    assert tag_page(client, "zig") == [moving]
    assert link_dates(story) == {story.published_at}

    story = reload(story)
    move_to_trash(story, editor)
    db.session.commit()
    assert tag_page(client, "go") == [steady]
    assert link_dates(story) == {None}
    restore(reload(story), editor)
    db.session.commit()
    assert tag_page(client, "go") == [moving, steady]
    assert_every_link_current()

    delete_article(reload(story))
    db.session.commit()
    assert tag_page(client, "zig") == []
    assert db.session.scalar(select(Tag.id).where(Tag.slug == "zig")) is not None


def test_a_scheduled_story_joins_its_tag_page_when_its_time_comes(client, make, now):
    out = make.article("Already out", tags=("Rust",), hours_ago=1).slug
    later = now() + timedelta(hours=2)
    soon = make.article("Coming soon", tags=("Rust",), status=Status.SCHEDULED, published_at=later)
    assert tag_page(client, "rust") == [out]
    assert link_dates(soon) == {later}  # scheduled: counted, dated, not out yet
    now.advance(hours=3)
    assert tag_page(client, "rust") == [soon.slug, out]
    assert db.session.get(Article, soon.id).status == Status.PUBLISHED.value  # recorded
    assert link_dates(soon) == {later}
    assert_every_link_current()


def test_a_bulk_update_of_statuses_is_copied_to_the_links(client, make):
    first = make.article("First", tags=("Rust",), hours_ago=2)
    second = make.article("Second", tags=("Rust",), hours_ago=1)
    unpublish = update(Article).where(Article.id == first.id).values(status=Status.DRAFT.value)
    db.session.execute(unpublish)
    db.session.commit()
    assert tag_page(client, "rust") == [second.slug]
    assert link_dates(first) == {None}
    db.session.execute(update(Article).values(status=Status.REVIEW.value))  # every story
    db.session.commit()
    assert tag_page(client, "rust") == []
    assert link_dates(second) == {None}
    assert_every_link_current()


def test_tag_pages_page_through_links_in_date_order(client, make, app):
    per_page = app.config["PER_PAGE"]
    stories = [make.article(tags=("Rust",), hours_ago=n + 1).slug for n in range(per_page + 2)]
    assert tag_page(client, "rust") == stories[:per_page]
    assert tag_page(client, "rust", 2) == stories[per_page:]


# The migration's backfill, on each database: links written before it get their dates.
def _links_after_upgrading(url: str, tmp_path, options: dict | None = None) -> dict[str, bool]:
    """Stories written at this schema, the column taken away (revision 0019) and the
    migration run again: whether each story's links carry its date (by title)."""
    settings = {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options or {}}
    app = create_app({**settings, "INSTANCE_PATH": tmp_path / "instance", "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        make = Factory()
        make.article("Published", tags=("Go", "Rust"))
        make.article("Draft", tags=("Go",), status=Status.DRAFT)
        make.article("Scheduled", tags=("Go",), status=Status.SCHEDULED, hours_ago=-5)
        downgrade(revision="0019")
        upgrade()
        dated = (
            select(Article.title, article_tags.c.live_from == Article.published_at)
            .join(article_tags, article_tags.c.article_id == Article.id)
            .order_by(Article.title)
        )
        found = [tuple(row) for row in db.session.execute(dated)]
        assert_every_link_current()
        db.session.remove()
        db.engine.dispose()
    return found


# A draft's link carries no date (NULL = NULL is not true).
EXPECTED = [("Draft", None), ("Published", True), ("Published", True), ("Scheduled", True)]


def test_the_migration_fills_existing_links_on_sqlite(tmp_path):
    assert _links_after_upgrading(f"sqlite:///{tmp_path / 'old.sqlite'}", tmp_path) == EXPECTED


@pytest.mark.postgres
def test_the_migration_fills_existing_links_on_postgresql(tmp_path):
    with scratch_postgres_schema("tag_links_migration") as options:
        assert _links_after_upgrading(POSTGRES_URL, tmp_path, options) == EXPECTED
