"""The staff article editor: writing, publishing, scheduling, slugs, revisions, deleting."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from techpulse.clock import site_zone
from techpulse.extensions import db
from techpulse.models import Article, AuditEvent, Revision, Role, SlugRedirect, Status
from tests.helpers.factories import image_bytes
from tests.helpers.forms import article_form, oversize_upload


def only_article():
    return db.session.scalars(select(Article)).one()


def local_input(when):
    """A UTC datetime as a datetime-local value in the site's time zone."""
    return when.astimezone(site_zone()).strftime("%Y-%m-%dT%H:%M")


def test_editor_writes_then_publishes_an_article(client, staff, make):
    staff.login(Role.EDITOR)
    category = make.category("Hardware news")
    response = staff.post("/admin/articles/new", article_form(category, save="Save draft"))
    assert response.status_code == 302
    article = only_article()
    assert article.status == Status.DRAFT and article.slug == "chips-get-faster"
    assert "<strong>new</strong>" in article.body_html
    assert client.get("/articles/chips-get-faster").status_code == 404
    edit_url = f"/admin/articles/{article.id}/edit"
    assert response.headers["Location"] == edit_url
    assert "Chips get faster" in client.get(edit_url).get_data(as_text=True)
    data = article_form(category, title="Chips get much faster", slug="chips-get-faster")
    staff.post(edit_url, {**data, "publish": "Publish now"})
    page = client.get("/articles/chips-get-faster").get_data(as_text=True)
    assert "Chips get much faster" in page and "#Chips" in page
    listing = client.get("/admin/articles").get_data(as_text=True)
    assert "Chips get much faster" in listing and "status-pill--published" in listing
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "article.published"))


def test_unpublish_takes_the_article_off_the_site(client, staff, make):
    staff.login(Role.EDITOR)
    category = make.category()
    article = make.article("Live story", category=category)
    url = f"/admin/articles/{article.id}/edit"
    staff.post(url, article_form(category, title="Live story", slug=article.slug,
                               unpublish="Unpublish"))  # fmt: skip
    db.session.refresh(article)
    assert article.status == Status.DRAFT and article.published_at is None
    assert client.get(f"/articles/{article.slug}").status_code == 404
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "article.unpublished"))


def test_scheduled_article_appears_when_its_time_comes(client, staff, make, now):
    staff.login(Role.EDITOR)
    category = make.category()
    when = now.at + timedelta(hours=3)
    data = article_form(category, title="Tomorrow's news", publish_at=local_input(when))
    response = staff.post("/admin/articles/new", {**data, "schedule": "Schedule"})
    assert response.status_code == 302
    article = only_article()
    assert article.status == Status.SCHEDULED and article.published_at == when.replace(second=0)
    assert "Tomorrow&#39;s news" not in client.get("/").get_data(as_text=True)
    assert client.get(f"/articles/{article.slug}").status_code == 404
    assert "status-pill--scheduled" in client.get("/admin/articles").get_data(as_text=True)
    now.advance(hours=3, minutes=1)
    assert "Tomorrow&#39;s news" in client.get("/").get_data(as_text=True)
    assert client.get(f"/articles/{article.slug}").status_code == 200
    staff.login(Role.EDITOR)  # three idle hours ended the first session
    assert "status-pill--published" in client.get("/admin/articles").get_data(as_text=True)


def test_schedule_in_the_past_or_without_a_time_is_a_form_error(client, staff, make, now):
    staff.login(Role.EDITOR)
    category = make.category()
    past = article_form(category, publish_at=local_input(now.at - timedelta(minutes=5)))
    response = staff.post("/admin/articles/new", {**past, "schedule": "Schedule"})
    assert response.status_code == 200
    assert "Choose a time in the future" in response.get_data(as_text=True)
    missing = staff.post("/admin/articles/new", article_form(category, schedule="Schedule"))
    assert "Choose the date and time to publish at." in missing.get_data(as_text=True)
    year_one = staff.post(
        "/admin/articles/new",
        {**article_form(category, publish_at="0001-01-01T00:00"), "schedule": "Schedule"},
    )
    assert year_one.status_code == 200
    assert "Choose a date in the future." in year_one.get_data(as_text=True)
    assert db.session.scalars(select(Article)).first() is None


def test_slug_must_be_valid_and_unique(client, staff, make):
    staff.login(Role.EDITOR)
    category = make.category()
    taken = make.article("Taken story", category=category)
    bad = staff.post("/admin/articles/new", article_form(category, slug="Not A Slug!"))
    assert "Use lower-case letters, digits and single hyphens" in bad.get_data(as_text=True)
    dupe = staff.post("/admin/articles/new", article_form(category, slug=taken.slug))
    text = dupe.get_data(as_text=True)
    assert "Another article already uses this slug" in text
    assert "Chips get faster" in text  # what was typed is kept
    assert db.session.scalars(select(Article)).all() == [taken]


def test_changing_a_published_slug_redirects_the_old_url(client, staff, make):
    staff.login(Role.EDITOR)
    category = make.category()
    article = make.article("Old name", category=category)
    old = article.slug
    url = f"/admin/articles/{article.id}/edit"
    staff.post(url, article_form(category, title="Old name", slug="new-name"))
    response = client.get(f"/articles/{old}")
    assert response.status_code == 301 and response.headers["Location"].endswith("/new-name")
    assert client.get("/articles/new-name").status_code == 200
    assert db.session.get(SlugRedirect, old).article_id == article.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "article.reslugged"))
    assert event.detail == f"{old} → new-name"
    # Going back to the old slug drops its redirect instead of looping.
    staff.post(url, article_form(category, title="Old name", slug=old))
    assert client.get(f"/articles/{old}").status_code == 200
    assert client.get("/articles/new-name").status_code == 301


def test_authors_cannot_publish(client, staff, make):
    author = staff.login(Role.AUTHOR)
    category = make.category()
    page = client.get("/admin/articles/new").get_data(as_text=True)
    assert "Publish now" not in page and "Schedule" not in page and "Submit for review" in page
    refused = staff.post("/admin/articles/new", article_form(category, publish="Publish now"))
    assert refused.status_code == 403
    assert db.session.scalars(select(Article)).first() is None
    staff.post("/admin/articles/new", article_form(category, submit_review="Submit for review"))
    article = only_article()
    assert article.status == Status.REVIEW and article.author_id == author.id
    url = f"/admin/articles/{article.id}/edit"
    assert staff.post(url, article_form(category, publish="Publish now")).status_code == 403
    db.session.refresh(article)
    assert article.status == Status.REVIEW


def test_authors_edit_only_their_own_unpublished_articles(client, staff, make):
    author = staff.login(Role.AUTHOR)
    category = make.category()
    others = make.article("Someone else's draft", status=Status.DRAFT, category=category)
    mine_live = make.article("My live story", author=author, category=category)
    mine = make.article("My draft", status=Status.DRAFT, author=author, category=category)
    for article in (others, mine_live):
        assert client.get(f"/admin/articles/{article.id}/edit").status_code == 403
        url = f"/admin/articles/{article.id}/edit"
        assert staff.post(url, article_form(category)).status_code == 403
    assert client.get(f"/admin/articles/{mine.id}/edit").status_code == 200
    listing = client.get("/admin/articles").get_data(as_text=True)
    assert "My draft" in listing and "Someone else" not in listing


def test_list_filters_and_searches(client, staff, make):
    staff.login(Role.EDITOR)
    ai, cloud = make.category("AI"), make.category("Cloud")
    make.article("Robots learn to cook", category=ai)
    make.article("Cloud bills grow", category=cloud, status=Status.DRAFT)
    by_q = client.get("/admin/articles?q=robots").get_data(as_text=True)
    assert "Robots learn to cook" in by_q and "Cloud bills grow" not in by_q
    drafts = client.get("/admin/articles?status=draft").get_data(as_text=True)
    assert "Cloud bills grow" in drafts and "Robots learn" not in drafts
    in_ai = client.get(f"/admin/articles?category={ai.id}").get_data(as_text=True)
    assert "Robots learn to cook" in in_ai and "Cloud bills grow" not in in_ai
    assert client.get("/admin/articles?page=9").status_code == 404
    assert client.get("/admin/articles?status=bogus&category=x").status_code == 200


def test_list_query_count_does_not_grow_with_rows(client, staff, make, count_queries):
    staff.login(Role.EDITOR)
    make.article("One")
    client.get("/admin/articles")
    few = count_queries.count
    for n in range(5):
        make.article(f"More {n}")
    count_queries.statements.clear()
    client.get("/admin/articles")
    assert count_queries.count <= few + 1


def test_every_save_keeps_a_revision_and_restore_is_exact(client, staff, make):
    staff.login(Role.EDITOR)
    category, other = make.category(), make.category()
    banner = make.image(alt="Old banner")
    first = article_form(category, title="First title", excerpt="First dek", body="One\n\nTwo",
                      tags="Alpha, Beta", banner_id=str(banner.id), seo_title="SEO one",
                      seo_description="Desc one", featured="y", slug="first-title")  # fmt: skip
    staff.post("/admin/articles/new", first)
    article = only_article()
    url = f"/admin/articles/{article.id}/edit"
    staff.post(url, article_form(other, title="Second title", body="Three <b>&</b>", tags="Gamma",
                              slug="second-title"))  # fmt: skip
    revisions = db.session.scalars(
        select(Revision).where(Revision.article_id == article.id).order_by(Revision.id)
    ).all()
    assert [r.title for r in revisions] == ["First title", "Second title"]
    original = revisions[0]
    history = client.get(f"/admin/articles/{article.id}/revisions").get_data(as_text=True)
    assert f"Revision {original.id}" in history
    page = client.get(f"/admin/articles/{article.id}/revisions/{original.id}")
    text = page.get_data(as_text=True)
    assert '<pre class="diff">' in text
    assert "<del>-Title: First title</del>" in text and "<ins>+Title: Second title</ins>" in text
    assert "Three &lt;b&gt;&amp;&lt;/b&gt;" in text  # escaped
    restore = f"/admin/articles/{article.id}/revisions/{original.id}/restore"
    assert staff.post(restore).status_code == 302
    db.session.expire_all()
    article = db.session.get(Article, article.id)
    fields = ("title", "slug", "excerpt", "body_md", "seo_title", "seo_description", "featured",
              "category_id", "banner_id")  # fmt: skip
    assert {f: getattr(article, f) for f in fields} == {f: getattr(original, f) for f in fields}
    names = db.session.scalars(select(Revision.tag_names).order_by(Revision.id.desc())).first()
    assert sorted(names) == ["Alpha", "Beta"]
    loaded = db.session.scalar(
        select(Article).where(Article.id == article.id).options(selectinload(Article.tags))
    )
    assert [tag.name for tag in loaded.tags] == ["Alpha", "Beta"]
    assert (
        db.session.scalars(select(Revision).where(Revision.article_id == article.id)).all()[-1].note
        == f"Restored revision {original.id}"
    )


def test_authors_cannot_restore_revisions(client, staff, make):
    author = staff.login(Role.AUTHOR)
    category = make.category()
    staff.post("/admin/articles/new", article_form(category))
    article = only_article()
    revision = db.session.scalars(select(Revision)).one()
    assert article.author_id == author.id
    page = client.get(f"/admin/articles/{article.id}/revisions/{revision.id}")
    assert page.status_code == 200 and "Restore this revision" not in page.get_data(as_text=True)
    restore = f"/admin/articles/{article.id}/revisions/{revision.id}/restore"
    assert staff.post(restore).status_code == 403


def test_delete_asks_first_then_moves_to_the_trash(client, staff, make):
    staff.login(Role.EDITOR)
    article = make.article("Doomed story")
    url = f"/admin/articles/{article.id}/delete"
    confirm = client.get(url).get_data(as_text=True)
    assert "Move “Doomed story” to the trash?" in confirm and "restored" in confirm
    assert db.session.get(Article, article.id).status == Status.PUBLISHED
    article_id = article.id
    assert staff.post(url).status_code == 302
    db.session.expunge_all()
    assert db.session.get(Article, article_id).status == Status.TRASHED
    assert f"/admin/articles/{article_id}/edit" not in client.get("/admin/articles").get_data(
        as_text=True
    )
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "article.trashed"))


def test_authors_delete_only_their_own_drafts(client, staff, make):
    author = staff.login(Role.AUTHOR)
    mine = make.article("My draft", status=Status.DRAFT, author=author)
    mine_live = make.article("My live", author=author)
    others = make.article("Other draft", status=Status.DRAFT)
    for article in (mine_live, others):
        assert client.get(f"/admin/articles/{article.id}/delete").status_code == 403
        assert staff.post(f"/admin/articles/{article.id}/delete").status_code == 403
    mine_id, others_id = mine.id, others.id
    assert staff.post(f"/admin/articles/{mine_id}/delete").status_code == 302
    db.session.expunge_all()
    assert db.session.get(Article, mine_id).status == Status.TRASHED
    assert db.session.get(Article, others_id).status == Status.DRAFT


def test_bad_banner_upload_is_a_form_error_and_keeps_the_typing(client, staff, make):
    staff.login(Role.EDITOR)
    category = make.category()
    data = article_form(category, title="Typed title", body="Typed body text",
                     banner_alt="Some words")  # fmt: skip
    data["banner_file"] = (io.BytesIO(b"just some text"), "notes.txt")
    response = staff.post("/admin/articles/new", data, content_type="multipart/form-data")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This file is not a JPEG, PNG, WebP or GIF image (nor a HEIC photo)." in text
    assert 'value="Typed title"' in text and "Typed body text" in text
    assert db.session.scalars(select(Article)).first() is None


def test_new_banner_needs_alt_text(client, staff, make):
    staff.login(Role.EDITOR)
    data = article_form(make.category())
    data["banner_file"] = (io.BytesIO(image_bytes(800, 450, "PNG")), "pic.png")
    response = staff.post("/admin/articles/new", data, content_type="multipart/form-data")
    assert "Describe the new banner in the alt text" in response.get_data(as_text=True)
    assert db.session.scalars(select(Article)).first() is None


def test_good_png_upload_becomes_the_banner(client, staff, make):
    staff.login(Role.EDITOR)
    data = article_form(make.category(), banner_alt="A chip on a blue desk", publish="Publish now")
    data["banner_file"] = (io.BytesIO(image_bytes(1200, 675, "PNG")), "chip.png")
    response = staff.post("/admin/articles/new", data, content_type="multipart/form-data")
    assert response.status_code == 302
    article = db.session.scalars(select(Article).options(joinedload(Article.banner))).one()
    assert article.banner.alt_text == "A chip on a blue desk"
    assert article.banner.original_name == "chip.png"
    page = client.get(f"/articles/{article.slug}").get_data(as_text=True)
    assert 'alt="A chip on a blue desk"' in page


def test_preview_renders_like_the_article_and_saves_nothing(client, staff, make):
    staff.login(Role.EDITOR)
    category = make.category()
    article = make.article("Saved title", body="Saved body", category=category)
    revisions_before = db.session.scalars(select(Revision)).all()
    url = f"/admin/articles/{article.id}/edit"
    data = article_form(category, title="Previewed title", body="## Sub\n\n*Fresh* words",
                     slug=article.slug, preview="Preview")  # fmt: skip
    response = staff.post(url, data)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'class="preview"' in text and 'class="article__title">Previewed title' in text
    assert "<h2>Sub</h2>" in text and "<em>Fresh</em>" in text  # by markup.py, under the h1
    db.session.refresh(article)
    assert article.title == "Saved title" and article.body_md == "Saved body"
    assert db.session.scalars(select(Revision)).all() == revisions_before


def test_anonymous_visitors_are_sent_to_login(client, make):
    article = make.article()
    for url in ("/admin/articles", "/admin/articles/new", f"/admin/articles/{article.id}/edit",
                f"/admin/articles/{article.id}/delete"):  # fmt: skip
        assert client.get(url).status_code == 302


def test_article_list_first_visit_shows_no_filter_errors(client, staff, make):
    staff.login(Role.EDITOR)
    make.article("Listed story")
    html = client.get("/admin/articles").get_data(as_text=True)
    assert "Listed story" in html
    assert "Not a valid choice" not in html


def test_out_of_range_ids_in_the_editor_form_are_form_errors(client, staff, make):
    staff.login(Role.EDITOR)
    make.category("AI & Tech")
    huge = "99999999999999999999"
    response = staff.post(
        "/admin/articles/new",
        {"title": "Kept title", "body": "Kept body", "category": huge, "banner_id": huge,
         "save": "y"},
    )  # fmt: skip
    assert response.status_code in (200, 422)
    html = response.get_data(as_text=True)
    assert "Kept title" in html and "Kept body" in html
    assert db.session.scalar(select(Article.id)) is None


def test_dashboard_links_only_articles_the_user_may_edit(client, staff, make):
    me = staff.login(Role.AUTHOR)
    mine = make.article("My story in review", status=Status.REVIEW, author=me)
    theirs = make.article("Their story in review", status=Status.REVIEW)
    html = client.get("/admin/").get_data(as_text=True)
    assert f'href="/admin/articles/{mine.id}/edit"' in html
    assert "Their story in review" in html
    assert f'href="/admin/articles/{theirs.id}/edit"' not in html


def test_a_30_mb_banner_comes_back_to_the_editor_with_the_limit_named(client, staff, make):
    staff.login(Role.EDITOR)
    article = make.article("Big banner")
    url = f"/admin/articles/{article.id}/edit"
    body, content_type = oversize_upload(staff.token(), "banner_file", 30)
    response = client.post(url, data=body, content_type=content_type)
    assert response.status_code == 303 and response.headers["Location"] == url
    page = client.get(url).get_data(as_text=True)
    assert "each image must be 10 MB or smaller" in page and 'name="banner_file"' in page
    assert 'data-max-bytes="10485760"' in page  # the script names it before sending


def test_bulk_actions_change_each_chosen_story_and_say_what_was_skipped(client, staff, make):
    staff.login(Role.EDITOR)
    hardware = make.category("Hardware")
    drafts = [make.article(f"Draft {n}", status=Status.DRAFT) for n in range(2)]
    live = make.article("Live one")
    ids = [story.id for story in (*drafts, live)]
    staff.post("/admin/articles/bulk", {"ids": ids, "action": "publish"})
    page = client.get("/admin/articles").get_data(as_text=True)
    assert "2 changed. Not changed: “Live one”: nothing to change." in page
    assert all(db.session.get(Article, i).is_live() for i in ids)
    staff.post("/admin/articles/bulk", {"ids": ids, "action": "move", "category": hardware.id})
    staff.post("/admin/articles/bulk", {"ids": ids, "action": "tag", "tag": "Chips"})
    for story_id in ids:
        story = db.session.scalars(
            select(Article).where(Article.id == story_id).options(selectinload(Article.tags))
        ).one()
        assert story.category_id == hardware.id and [t.name for t in story.tags] == ["Chips"]
    staff.post("/admin/articles/bulk", {"ids": ids[:2], "action": "unpublish"})
    staff.post("/admin/articles/bulk", {"ids": ids[:2], "action": "trash"})
    assert {db.session.get(Article, i).status for i in ids[:2]} == {Status.TRASHED}
    staff.post("/admin/articles/bulk", {"ids": ids[:2], "action": "restore"})
    assert {db.session.get(Article, i).status for i in ids[:2]} == {Status.DRAFT}
    assert staff.post("/admin/articles/bulk", {"ids": ids}).status_code == 302  # no action
    assert "Choose what to do" in client.get("/admin/articles").get_data(as_text=True)


def test_authors_bulk_change_only_what_they_may(client, staff, make):
    author = staff.login(Role.AUTHOR)
    mine = make.article("Mine", status=Status.DRAFT, author=author)
    theirs = make.article("Theirs", status=Status.DRAFT)
    staff.post("/admin/articles/bulk", {"ids": [mine.id, theirs.id], "action": "publish"})
    assert not db.session.get(Article, mine.id).is_live()
    assert not db.session.get(Article, theirs.id).is_live()
    staff.post("/admin/articles/bulk", {"ids": [mine.id, theirs.id], "action": "trash"})
    assert db.session.get(Article, mine.id).status == Status.TRASHED
    assert db.session.get(Article, theirs.id).status == Status.DRAFT
