"""A writer never loses text: autosave, saves after the session or its token expired, conflicts."""

from __future__ import annotations

from html import unescape
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import func, select

from techpulse.extensions import db
from techpulse.models import Article, EditorDraft, Revision, Role
from tests.helpers.accounts import PASSWORD, csrf_from, writer_from

LONG_TEXT = "Every word of this story matters.\n\n" + "It took all afternoon to write. " * 40


def _fields(category_id: int, **extra: str) -> dict[str, str]:
    return {"title": "Hours of work", "body": LONG_TEXT, "category": str(category_id), **extra}


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_autosave_of_a_live_article_changes_neither_the_page_nor_the_history(app, staff, make):
    editor = staff.login(Role.EDITOR)
    article = make.article("Live story", body="What readers see.")
    revisions = _count(Revision)
    for text in ("First unsaved idea.", "Second unsaved idea."):
        answer = staff.post(
            "/admin/articles/autosave",
            {"article_id": str(article.id), "title": "Live story", "body": text},
        )
        assert answer.status_code == 200 and answer.json["saved_at"]
    assert _count(EditorDraft) == 1 and _count(Revision) == revisions  # no flood
    public = staff.client.get(f"/articles/{article.slug}").get_data(as_text=True)
    assert "What readers see." in public and "unsaved idea" not in public

    editor_page = staff.client.get(f"/admin/articles/{article.id}/edit").get_data(as_text=True)
    offer = editor_page.split('id="autosave-title"')[1]
    assert offer.startswith(' class="notice__title">You have unsaved changes from')
    assert "the live page still shows the last saved version" in editor_page
    restored = staff.client.get(f"/admin/articles/{article.id}/edit?restore=autosave")
    assert "Second unsaved idea." in restored.get_data(as_text=True)

    # A real save keeps one new revision and drops the autosave.
    staff.post(
        f"/admin/articles/{article.id}/edit",
        {"title": "Live story", "body": "Second unsaved idea.", "category": article.category_id},
    )
    assert _count(EditorDraft) == 0 and _count(Revision) == revisions + 1
    assert editor.id  # the autosave belonged to the logged-in editor


def test_discarding_an_autosave_brings_back_the_saved_text(app, staff, make):
    staff.login(Role.EDITOR)
    article = make.article("Kept", body="Saved words.")
    staff.post("/admin/articles/autosave", {"article_id": str(article.id), "body": "Draft words."})
    staff.post("/admin/articles/autosave/discard", {"article_id": str(article.id)})
    page = staff.client.get(f"/admin/articles/{article.id}/edit").get_data(as_text=True)
    assert 'id="autosave-title"' not in page and _count(EditorDraft) == 0


def test_nobody_autosaves_into_an_article_they_may_not_edit(app, staff, make):
    staff.login(Role.AUTHOR)
    other = make.article("Someone else's", status=make.article().status)
    answer = staff.post("/admin/articles/autosave", {"article_id": str(other.id), "body": "x"})
    assert answer.status_code == 403 and _count(EditorDraft) == 0
    staff.client.post("/logout", data={"csrf_token": staff.token()})
    logged_out = staff.client.post("/admin/articles/autosave", data={"body": "x"})
    assert logged_out.status_code in (302, 400) and _count(EditorDraft) == 0


def _log_in_and_follow(client, user, next_url: str):
    token = csrf_from(client.get(next_url, follow_redirects=True).data)
    return client.post(
        f"/login?next={next_url}",
        data={"csrf_token": token, "email": user.email, "password": PASSWORD},
        follow_redirects=True,
    )


def test_save_after_the_session_idled_out_keeps_the_text_through_login(app, staff, make, now):
    editor = staff.login(Role.AUTHOR)
    category = make.category()
    form = staff.client.get("/admin/articles/new").data
    token, writer = csrf_from(form), writer_from(form)
    now.advance(minutes=31)  # idle longer than the 30-minute limit
    response = staff.client.post(
        "/admin/articles/new",
        data={"csrf_token": token, "writer": writer, **_fields(category.id, save="Save")},
    )
    assert response.status_code == 302 and response.location.startswith("/login?next=")
    assert _count(Article) == 0
    next_url = parse_qs(urlsplit(response.location).query)["next"][0]
    page = _log_in_and_follow(staff.client, editor, next_url).get_data(as_text=True)
    assert "Your text is back" in page and LONG_TEXT.strip()[-60:] in unescape(page)
    assert 'value="Hours of work"' in page

    # The writer presses Save on the restored form: the story is stored, every word of it.
    staff.post("/admin/articles/new", _fields(category.id, save="Save"))
    article = db.session.scalars(select(Article)).one()
    assert article.body_md.replace("\r\n", "\n") == LONG_TEXT and article.author_id == editor.id
    # The kept text is claimed once: the link cannot bring it back a second time.
    again = staff.client.get(next_url).get_data(as_text=True)
    assert "already restored" in again


def test_save_after_the_session_cookie_was_lost_keeps_the_text(app, staff, make):
    editor = staff.login(Role.EDITOR)
    article = make.article("Older title", body="Old body.")
    form = staff.client.get(f"/admin/articles/{article.id}/edit").data
    token, writer = csrf_from(form), writer_from(form)
    staff.client.delete_cookie("session")  # browser restarted, or the session store forgot it
    response = staff.client.post(
        f"/admin/articles/{article.id}/edit",
        data={"csrf_token": token, "writer": writer, **_fields(article.category_id, save="Save")},
    )
    assert response.status_code == 302 and "recover" in response.location
    next_url = parse_qs(urlsplit(response.location).query)["next"][0]
    assert next_url.startswith(f"/admin/articles/{article.id}/edit?recover=")
    page = unescape(_log_in_and_follow(staff.client, editor, next_url).get_data(as_text=True))
    assert LONG_TEXT.strip()[-60:] in page
    db.session.refresh(article)
    assert article.body_md == "Old body."  # nothing saved until the writer says so


def test_save_with_an_expired_csrf_token_shows_the_text_again_and_then_saves(app, staff, make):
    staff.login(Role.EDITOR)
    category = make.category()
    response = staff.client.post(
        "/admin/articles/new",
        data={"csrf_token": "expired-or-forged", **_fields(category.id, save="Save")},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Nothing was lost" in page
    assert LONG_TEXT.strip()[-60:] in unescape(page) and _count(Article) == 0
    fresh = csrf_from(page)
    saved = staff.client.post(
        "/admin/articles/new", data={"csrf_token": fresh, **_fields(category.id, save="Save")}
    )
    assert saved.status_code == 302 and _count(Article) == 1


def test_second_save_on_an_old_version_is_a_conflict_not_an_overwrite(app, staff, make):
    staff.login(Role.EDITOR)
    article = make.article("Shared story", body="Line one.\n\nLine two.")
    page = staff.client.get(f"/admin/articles/{article.id}/edit").get_data(as_text=True)
    base = page.split('name="base_revision" type="hidden" value="')[1].split('"')[0]
    # A colleague saves first.
    colleague = {"title": "Shared story", "category": article.category_id, "base_revision": base}
    staff.post(
        f"/admin/articles/{article.id}/edit", {**colleague, "body": "Line one.\n\nTheir line."}
    )
    mine = {**colleague, "body": "Line one.\n\nMy line."}
    response = staff.post(f"/admin/articles/{article.id}/edit", mine)
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "Someone else saved this article while you were editing" in page
    assert "+Their line." in page and "My line." in page  # their change shown, my text kept
    db.session.refresh(article)
    assert "Their line." in article.body_md
    # Choosing "keep mine": the form now carries the latest version, so Save goes through.
    newer = page.split('name="base_revision" type="hidden" value="')[1].split('"')[0]
    assert newer != base
    staff.post(f"/admin/articles/{article.id}/edit", {**mine, "base_revision": newer})
    db.session.refresh(article)
    assert "My line." in article.body_md
