"""Staff requests that once answered 500: each now gets a clean 4xx or a clear message."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import Category, Role, Tag
from techpulse.services import taxonomy

BAD_TOKEN = {
    "csrf_token": "expired-or-forged",
    "title": "Typed",
    "body": "Some text",
    "save": "Save",
}


@pytest.mark.parametrize("role", [Role.AUTHOR, Role.EDITOR])
def test_a_bad_token_to_a_missing_or_forbidden_article_is_a_clean_4xx(client, staff, make, role):
    someone = make.staff(Role.AUTHOR, name="Someone Else")
    theirs = make.article("Someone else's draft", author=someone)
    staff.login(role)
    missing = client.post("/admin/articles/999999/edit", data=BAD_TOKEN)
    assert missing.status_code == 404
    forbidden = client.post(f"/admin/articles/{theirs.id}/edit", data=BAD_TOKEN)
    expected = 403 if role is Role.AUTHOR else 400  # editors may edit anyone's: text kept
    assert forbidden.status_code == expected
    for response in (missing, forbidden):
        assert "Traceback" not in response.get_data(as_text=True)
    gone_page = client.post("/admin/pages/999999/edit", data=BAD_TOKEN)
    assert gone_page.status_code in (400, 403, 404)


def _deleted_right_after_the_save(app, monkeypatch, save: str, remove) -> None:
    """Another editor deletes the row just after this request's save committed."""
    original = getattr(taxonomy, save)

    def save_then_someone_deletes(row, *args):
        row_id = row.id
        saved = original(row, *args)

        def other_request() -> None:
            with app.app_context():
                remove(row_id)
                db.session.remove()

        thread = threading.Thread(target=other_request)
        thread.start()
        thread.join(10)
        return saved

    monkeypatch.setattr(taxonomy, save, save_then_someone_deletes)


def test_a_tag_deleted_while_it_is_being_renamed_is_a_message_not_a_500(
    app, staff, make, monkeypatch
):
    make.article("Tagged", tags=("cloud",))
    tag_id = db.session.scalar(select(Tag.id).where(Tag.slug == "cloud"))
    _deleted_right_after_the_save(
        app, monkeypatch, "save_tag", lambda i: taxonomy.delete_tag(db.session.get(Tag, i))
    )
    staff.login(Role.EDITOR)
    response = staff.post(f"/admin/tags/{tag_id}/edit", {"name": "cloud", "slug": "cloud"})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/tags"
    listing = staff.client.get("/admin/tags").get_data(as_text=True)
    assert "This tag was deleted by someone else meanwhile." in listing


def test_a_category_deleted_while_it_is_being_edited_is_a_message_not_a_500(
    app, staff, make, monkeypatch
):
    category = make.category("Doomed")
    _deleted_right_after_the_save(
        app,
        monkeypatch,
        "save_category",
        lambda i: taxonomy.delete_category(db.session.get(Category, i)),
    )
    staff.login(Role.EDITOR)
    form = {"name": "Doomed", "slug": category.slug, "position": "1", "description": ""}
    response = staff.post(f"/admin/categories/{category.id}/edit", form)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/categories"
    listing = staff.client.get("/admin/categories").get_data(as_text=True)
    assert "This category was deleted by someone else meanwhile." in listing
