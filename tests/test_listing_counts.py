"""Story counts on list pages stay right through every kind of write, without counting tables."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from techpulse.extensions import db
from techpulse.models import Article, Status, Tag
from techpulse.services.editorial.article_editor import delete_article, tags_from_names
from techpulse.services.taxonomy import delete_category


def shown_count(client, url: str) -> int:
    html = client.get(url).get_data(as_text=True)
    found = re.search(r'class="page-header__count">(\d+) stor', html)
    assert found, url
    return int(found.group(1))


def counts(client, author) -> tuple[int, int, int]:
    return (
        shown_count(client, "/category/ai"),
        shown_count(client, "/tag/llms"),
        shown_count(client, f"/author/{author.slug}"),
    )


def test_counts_follow_publish_unpublish_retag_move_and_delete(client, make):
    ai, cloud = make.category("AI"), make.category("Cloud")
    writer = make.user("Asha Patel")
    first = make.article("One", category=ai, author=writer, tags=("LLMs",))
    make.article("Two", category=ai, author=writer, tags=("LLMs", "GPUs"))
    make.article("Draft", category=ai, author=writer, tags=("LLMs",), status=Status.DRAFT)
    assert counts(client, writer) == (2, 2, 2)

    first.status = Status.DRAFT.value  # unpublished
    db.session.commit()
    assert counts(client, writer) == (1, 1, 1)

    first = db.session.scalars(
        select(Article).where(Article.id == first.id).options(selectinload(Article.tags))
    ).one()  # as the editor loads it
    first.status = Status.PUBLISHED.value
    first.tags = tags_from_names(["GPUs"])  # re-tagged
    first.category = cloud  # moved
    db.session.commit()
    assert counts(client, writer) == (1, 1, 2)
    assert shown_count(client, "/category/cloud") == 1
    assert shown_count(client, "/tag/gpus") == 2

    delete_article(first)
    db.session.commit()
    assert shown_count(client, "/category/cloud") == 0
    assert shown_count(client, "/tag/gpus") == 1
    assert counts(client, writer) == (1, 1, 1)


def test_a_scheduled_story_is_counted_when_its_time_comes(client, make, now):
    ai = make.category("AI")
    writer = make.user("Asha Patel")
    make.article("Live", category=ai, author=writer, tags=("LLMs",))
    make.article("Soon", category=ai, author=writer, tags=("LLMs",), status=Status.SCHEDULED,
                 hours_ago=-2)  # fmt: skip
    assert counts(client, writer) == (1, 1, 1)
    now.advance(hours=3)
    assert counts(client, writer) == (2, 2, 2)


def test_deleting_a_category_moves_its_counts(client, make):
    ai, cloud = make.category("AI"), make.category("Cloud")
    for n in range(3):
        make.article(f"AI {n}", category=ai)
    delete_category(ai, cloud)
    db.session.commit()
    assert shown_count(client, "/category/cloud") == 3


def test_home_pagination_knows_the_last_page(client, make):
    for n in range(23):  # the hero plus 22 cards: three pages of ten
        make.article(f"Story {n}")
    html = client.get("/").get_data(as_text=True)
    assert 'aria-label="Page 3"' in html and 'aria-label="Page 4"' not in html
    assert client.get("/?page=3").status_code == 200
    assert client.get("/?page=4").status_code == 404


def test_list_pages_never_count_whole_tables(client, make, count_queries):
    ai = make.category("AI")
    writer = make.user("Asha Patel")
    for n in range(3):
        make.article(f"Story {n}", category=ai, author=writer, tags=("LLMs",))
    assert db.session.scalar(select(Tag.id))
    count_queries.statements.clear()
    for url in ("/", "/?page=1", "/category/ai", "/tag/llms", f"/author/{writer.slug}"):
        assert client.get(url).status_code == 200
    counting = [s for s in count_queries.statements if "count(" in s.lower()]
    assert counting, "the future-scheduled range is still counted"
    for statement in counting:  # only the few stories scheduled for later
        assert "published_at >" in statement, statement
