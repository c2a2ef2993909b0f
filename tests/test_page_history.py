"""The page editor never loses text: revisions and restore, conflicts, autosave, kept text."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import EditorDraft, Page, PageRevision, Role
from techpulse.services import pages
from techpulse.services.access import two_factor
from techpulse.services.media import library
from tests.helpers.accounts import code_at, csrf_from, log_in, writer_from

NEW_TEXT = "We build software in Vadodara.\n\nEvery word of this took an afternoon."


@pytest.fixture
def about(make) -> Page:
    return make.page("about", "About us", "We are **CodeDote**.", "Who we are")


def _form(**fields: str) -> dict[str, str]:
    return {"title": "About us", "slug": "about", "seo_description": "Who we are",
            "status": "published", "body": NEW_TEXT, **fields}  # fmt: skip


def _revisions(page: Page) -> list[PageRevision]:
    db.session.rollback()
    query = select(PageRevision).where(PageRevision.page_id == page.id).order_by(PageRevision.id)
    return list(db.session.scalars(query))


def test_every_save_keeps_a_revision_and_restore_brings_one_back(client, staff, about):
    staff.login(Role.EDITOR)
    first = _revisions(about)[0]
    assert staff.post(f"/admin/pages/{about.id}/edit", _form()).status_code == 302
    history = staff.client.get(f"/admin/pages/{about.id}/revisions").get_data(as_text=True)
    assert f"Revision {first.id}" in history and "Saved" in history
    view = staff.client.get(f"/admin/pages/{about.id}/revisions/{first.id}").get_data(as_text=True)
    assert "We are **CodeDote**." in view and "Every word of this took" in unescape(view)

    staff.post(f"/admin/pages/{about.id}/revisions/{first.id}/restore")
    assert "<strong>CodeDote</strong>" in client.get("/about").get_data(as_text=True)
    assert [r.note for r in _revisions(about)][-1] == f"Restored revision {first.id}"


def test_restoring_a_revision_whose_images_were_deleted_is_refused_naming_them(staff, make, about):
    staff.login(Role.EDITOR)
    chip, board = make.image("A chip"), make.image("A board")
    body = f"![A chip](image:{chip.id})\n\n![A board](image:{board.id})"
    staff.post(f"/admin/pages/{about.id}/edit", _form(body=body))
    with_images = _revisions(about)[-1]
    staff.post(f"/admin/pages/{about.id}/edit", _form(body="No pictures now."))
    library.delete_image(db.session.get(type(chip), chip.id))
    library.delete_image(db.session.get(type(board), board.id))

    url = f"/admin/pages/{about.id}/revisions/{with_images.id}/restore"
    refused = staff.post(url, follow_redirects=True).get_data(as_text=True)
    assert f"Images {chip.id} and {board.id} are not in the media library" in refused
    db.session.rollback()
    assert db.session.get(Page, about.id).body_md == "No pictures now."


def test_a_save_on_an_old_version_is_a_conflict_showing_their_changes(client, staff, make, about):
    staff.login(Role.EDITOR)
    opened = staff.client.get(f"/admin/pages/{about.id}/edit").get_data(as_text=True)
    base = _revisions(about)[-1].id
    assert f'value="{base}"' in opened
    other = make.staff(Role.EDITOR)  # someone else saves in between
    pages.update_page(
        about, pages.PageFields("About us", "about", "Theirs.", base_revision=base), other
    )
    mine = staff.post(f"/admin/pages/{about.id}/edit", _form(base_revision=str(base)))
    page = unescape(mine.get_data(as_text=True))
    assert mine.status_code == 422 and "Someone else saved this page" in page
    assert "+Theirs." in page and NEW_TEXT.splitlines()[-1] in page
    # Saving again (now on top of theirs) wins; theirs stays in the history.
    latest = str(_revisions(about)[-1].id)
    assert (
        staff.post(f"/admin/pages/{about.id}/edit", _form(base_revision=latest)).status_code == 302
    )
    assert db.session.get(Page, about.id).body_md.replace("\r\n", "\n") == NEW_TEXT


def test_a_save_after_the_session_ended_keeps_the_text_through_login(client, staff, about):
    editor = staff.login(Role.EDITOR)
    form = client.get(f"/admin/pages/{about.id}/edit").data
    proof = {"csrf_token": csrf_from(form), "writer": writer_from(form)}
    client.delete_cookie("session")
    response = client.post(f"/admin/pages/{about.id}/edit", data={**proof, **_form()})
    assert response.status_code == 302 and response.location.startswith("/login?next=")
    next_url = parse_qs(urlsplit(response.location).query)["next"][0]
    assert next_url.startswith(f"/admin/pages/{about.id}/edit?recover=")
    back = log_in(client, editor, next_url=next_url)
    page = unescape(client.get(back.location).get_data(as_text=True))
    assert "Your text is back" in page and NEW_TEXT.splitlines()[-1] in page
    assert db.session.get(Page, about.id).body_md == "We are **CodeDote**."  # not saved yet


def test_an_expired_token_shows_the_text_again(client, staff, about):
    staff.login(Role.EDITOR)
    data = {"csrf_token": "expired", **_form()}
    response = client.post(f"/admin/pages/{about.id}/edit", data=data)
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and "Nothing was lost" in page
    assert NEW_TEXT.splitlines()[-1] in page


def test_autosave_is_offered_back_and_can_be_discarded(client, staff, about):
    staff.login(Role.EDITOR)
    answer = staff.post("/admin/pages/autosave", {"page_id": str(about.id), **_form()})
    assert answer.status_code == 200 and answer.json["saved_at"]
    assert db.session.get(Page, about.id).body_md == "We are **CodeDote**."
    editor_page = client.get(f"/admin/pages/{about.id}/edit").get_data(as_text=True)
    assert "You have unsaved changes from" in editor_page
    restored = client.get(f"/admin/pages/{about.id}/edit?restore=autosave").get_data(as_text=True)
    assert NEW_TEXT.splitlines()[-1] in unescape(restored)
    staff.post("/admin/pages/autosave/discard", {"page_id": str(about.id)})
    assert db.session.scalars(select(EditorDraft)).first() is None


def test_a_save_when_two_factor_became_required_keeps_the_text_through_enrolment(
    client, staff, make, now
):
    staff.login(Role.EDITOR)
    article = make.article("Older title", body="Old body.")
    token = csrf_from(client.get(f"/admin/articles/{article.id}/edit").data)
    two_factor.set_required(True)  # an admin switches it on while the editor writes
    fields = {"title": "Older title", "body": NEW_TEXT, "category": str(article.category_id),
              "csrf_token": token, "save": "Save"}  # fmt: skip
    response = client.post(f"/admin/articles/{article.id}/edit", data=fields)
    assert response.status_code == 302 and response.location == "/account/two-factor"
    assert "your text is kept" in client.get("/account/two-factor").get_data(as_text=True)

    setup = csrf_from(client.get("/account/two-factor").data)
    client.post("/account/two-factor/setup", data={"csrf_token": setup})
    confirm = client.get("/account/two-factor/confirm").get_data(as_text=True)
    secret = re.search(r'<code class="qr-secret">([A-Z2-7]+)</code>', confirm).group(1)
    code = {"csrf_token": csrf_from(confirm), "code": code_at(secret, now)}
    done = client.post("/account/two-factor/confirm", data=code)
    back = re.search(
        r'<a class="button button--primary" href="([^"]+)">I have saved them',
        done.get_data(as_text=True),
    )
    assert back and back.group(1).startswith(f"/admin/articles/{article.id}/edit?recover=")
    page = unescape(client.get(unescape(back.group(1))).get_data(as_text=True))
    assert "Your text is back" in page and NEW_TEXT.splitlines()[-1] in page
