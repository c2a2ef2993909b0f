"""The trash: a story, a page and an image go in and come back intact; emptying is for admins;
what stays longer than TRASH_DAYS goes for good, with no cron."""

from __future__ import annotations

from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import Article, AuditEvent, Image, Page, Role, Status
from techpulse.services import listing_counts
from tests.helpers.forms import article_form


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_story_comes_back_with_its_page_old_address_search_hit_and_counts(client, staff, make):
    staff.login(Role.EDITOR)
    category = make.category("Hardware")
    story = make.article("Wombats build chips", category=category, body="Marsupial silicon.")
    old, new = f"/articles/{story.slug}", "/articles/wombat-chips"
    form = article_form(category, title="Wombats build chips", slug="wombat-chips",
                        body="Marsupial silicon.", base_revision="")  # fmt: skip
    staff.post(f"/admin/articles/{story.id}/edit", form)
    visitor = client.application.test_client()
    assert visitor.get(old).headers["Location"].endswith(new)
    assert visitor.get(new).status_code == 200
    assert "Wombats build chips" in visitor.get("/search?q=marsupial").get_data(as_text=True)
    assert listing_counts.live_total(f"category:{category.id}") == 1

    assert staff.post(f"/admin/articles/{story.id}/delete").status_code == 302
    assert visitor.get(new).status_code == 404 and visitor.get(old).status_code == 404
    assert "Wombats" not in visitor.get("/search?q=marsupial").get_data(as_text=True)
    assert listing_counts.live_total(f"category:{category.id}") == 0
    trash = client.get("/admin/trash").get_data(as_text=True)
    assert "Wombats build chips" in trash and f'value="article:{story.id}"' in trash

    assert (
        staff.post("/admin/trash", {"items": f"article:{story.id}", "restore": "1"}).status_code
        == 302
    )
    restored = db.session.get(Article, story.id)
    assert restored.status == Status.PUBLISHED and restored.slug == "wombat-chips"
    assert visitor.get(new).status_code == 200
    assert visitor.get(old).headers["Location"].endswith(new)
    assert "Wombats build chips" in visitor.get("/search?q=marsupial").get_data(as_text=True)
    assert listing_counts.live_total(f"category:{category.id}") == 1
    history = client.get(f"/admin/articles/{story.id}/revisions").get_data(as_text=True)
    assert "Moved to the trash" in history and "Brought back from the trash" in history
    assert {"article.trashed", "article.untrashed"} <= set(actions())


def test_a_page_can_be_deleted_and_comes_back(client, staff, make):
    staff.login(Role.EDITOR)
    page = make.page("privacy", "Privacy", "We keep little.")
    page.in_footer = True
    db.session.commit()
    visitor = client.application.test_client()
    assert "Privacy" in visitor.get("/").get_data(as_text=True)
    confirm = client.get(f"/admin/pages/{page.id}/delete").get_data(as_text=True)
    assert "Move the page “Privacy” to the trash?" in confirm
    staff.post(f"/admin/pages/{page.id}/delete")
    assert visitor.get("/pages/privacy").status_code == 404
    assert 'href="/pages/privacy"' not in visitor.get("/").get_data(as_text=True)
    assert "/pages/privacy" not in visitor.get("/sitemap.xml").get_data(as_text=True)
    assert "<code>privacy</code>" not in client.get("/admin/pages").get_data(as_text=True)
    staff.post("/admin/trash", {"items": f"page:{page.id}", "restore": "1"})
    assert "We keep little." in visitor.get("/pages/privacy").get_data(as_text=True)
    assert 'href="/pages/privacy"' in visitor.get("/").get_data(as_text=True)


def test_an_image_comes_back_to_the_library_and_its_files_still_serve(client, staff, make):
    staff.login(Role.EDITOR)
    image = make.image(alt="A wombat at work")
    staff.post(f"/admin/media/{image.id}/delete")
    assert "A wombat at work" not in client.get("/admin/media").get_data(as_text=True)
    staff.post("/admin/trash", {"items": f"image:{image.id}", "restore": "1"})
    assert "A wombat at work" in client.get("/admin/media").get_data(as_text=True)
    with client.get(f"/media/{image.variants[0]['file']}") as served:
        assert served.status_code == 200


def test_emptying_is_for_admins_only(client, staff, make):
    staff.login(Role.EDITOR)
    story = make.article("Keep me")
    story_id = story.id
    staff.post(f"/admin/articles/{story_id}/delete")
    page = client.get("/admin/trash").get_data(as_text=True)
    assert "Delete the chosen for good" not in page
    assert (
        staff.post("/admin/trash", {"items": f"article:{story_id}", "purge": "1"}).status_code
        == 403
    )
    staff.client.post("/logout", data={"csrf_token": staff.token()})
    staff.login(Role.ADMIN)
    staff.post("/admin/trash", {"items": f"article:{story_id}", "purge": "1"})
    assert db.session.get(Article, story_id) is None
    assert "article.purged" in actions()


def test_the_trash_empties_itself_after_the_configured_days(app, client, staff, make, now, runner):
    staff.login(Role.EDITOR)
    story_id = make.article("Old news").id
    page_id, image_id = make.page("old", "Old page", "Old").id, make.image().id
    for url in (f"/admin/articles/{story_id}/delete", f"/admin/pages/{page_id}/delete",
                f"/admin/media/{image_id}/delete"):  # fmt: skip
        staff.post(url)
    now.advance(days=app.config["TRASH_DAYS"] - 1)
    staff.login(Role.EDITOR)  # the old login has long ended
    recent_id = make.article("Recent news").id
    staff.post(f"/admin/articles/{recent_id}/delete")
    assert client.get("/admin/").status_code == 200  # nothing due yet
    assert db.session.get(Article, story_id) is not None
    now.advance(days=1, minutes=1)
    staff.login(Role.EDITOR)
    assert client.get("/admin/").status_code == 200  # the dashboard purges what is due
    assert db.session.get(Article, story_id) is None
    assert db.session.get(Page, page_id) is None and db.session.get(Image, image_id) is None
    assert db.session.get(Article, recent_id).status == Status.TRASHED
    now.advance(days=app.config["TRASH_DAYS"])
    result = runner.invoke(args=["trash", "purge"])
    assert result.exit_code == 0 and "Deleted for good: 1." in result.output
    assert db.session.get(Article, recent_id) is None
