"""Text kept across a login belongs to its writer: strangers can neither plant nor flood it."""

from __future__ import annotations

from html import unescape
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import func, select

from techpulse.extensions import db
from techpulse.models import Article, EditorDraft, Role
from techpulse.services.editorial import editor_drafts
from tests.helpers.accounts import csrf_from, log_in, log_out, writer_from

WRITER_TEXT = "The writer's own paragraph, typed before the session ended."
ATTACKER_TEXT = "Buy cheap pills at evil.example, says the attacker."


def _kept() -> int:
    return db.session.scalar(select(func.count()).select_from(EditorDraft)) or 0


def _fields(body: str, category_id: int, **extra: str) -> dict[str, str]:
    return {"title": "Chips", "body": body, "category": str(category_id), "save": "Save", **extra}


def _late_save(client, url: str, body: str, category_id: int) -> str:
    """Open the editor logged in, lose the session, press Save: the address to log in at."""
    form = client.get(url).data
    proof = {"csrf_token": csrf_from(form), "writer": writer_from(form)}
    client.delete_cookie("session")  # the session ended (or the browser forgot it)
    response = client.post(url, data={**proof, **_fields(body, category_id)})
    assert response.status_code == 302 and response.location.startswith("/login?next=")
    return parse_qs(urlsplit(response.location).query)["next"][0]


def _open_after_login(client, user, next_url: str) -> str:
    answer = log_in(client, user, next_url=next_url)
    assert answer.status_code == 302 and answer.location == next_url
    return unescape(client.get(next_url).get_data(as_text=True))


def test_an_anonymous_save_keeps_nothing_and_the_editor_sees_none_of_it(app, client, make):
    editor = make.staff(Role.EDITOR)
    article = make.article("Live story", body="What readers see.")
    url = f"/admin/articles/{article.id}/edit"
    for proof in ({}, {"csrf_token": "forged", "writer": "forged.writer.token"}):
        attack = client.post(url, data={**proof, **_fields(ATTACKER_TEXT, article.category_id)})
        page = attack.get_data(as_text=True)
        assert attack.status_code == 403 and "nothing in this request shows who wrote" in page
        assert "recover" not in (attack.location or "") and _kept() == 0
    # The editor follows a recover link the attacker made up, logs in and sees nothing of theirs.
    page = _open_after_login(client, editor, f"{url}?recover=made-up-token")
    assert ATTACKER_TEXT not in page and "expired or was already restored" in page
    db.session.refresh(article)
    assert article.body_md == "What readers see."


def test_a_colleague_cannot_hand_their_kept_text_to_the_editor(app, client, make):
    attacker, editor = make.staff(Role.AUTHOR), make.staff(Role.EDITOR)
    category = make.category()
    log_in(client, attacker)
    next_url = _late_save(client, "/admin/articles/new", ATTACKER_TEXT, category.id)
    # The attacker sends the link to the editor, who logs in through it: nothing comes back.
    page = _open_after_login(client, editor, next_url)
    assert ATTACKER_TEXT not in page and "expired or was already restored" in page
    log_out(client)
    # The text stays its writer's own: the attacker still gets it back, once.
    page = _open_after_login(client, attacker, next_url)
    assert ATTACKER_TEXT in page and "Your text is back" in page
    assert _kept() == 0


def test_a_flood_of_anonymous_saves_leaves_the_writer_s_text_safe(app, client, make):
    writer = make.staff(Role.AUTHOR)
    category = make.category()
    for n in range(200):
        flood = client.post("/admin/articles/new", data=_fields(f"spam {n}", category.id))
        assert flood.status_code == 403
    assert _kept() == 0
    log_in(client, writer)
    next_url = _late_save(client, "/admin/articles/new", WRITER_TEXT, category.id)
    page = _open_after_login(client, writer, next_url)
    assert WRITER_TEXT in page and "Your text is back" in page
    assert db.session.scalar(select(func.count()).select_from(Article)) == 0  # not saved yet


def test_a_password_change_makes_an_old_editor_form_prove_nothing(app, client, make):
    writer = make.staff(Role.AUTHOR)
    category = make.category()
    log_in(client, writer)
    form = client.get("/admin/articles/new").data
    proof = {"csrf_token": csrf_from(form), "writer": writer_from(form)}
    writer.session_version += 1  # what a password, role or activation change does
    db.session.commit()
    client.delete_cookie("session")
    answer = client.post("/admin/articles/new", data={**proof, **_fields("x", category.id)})
    assert answer.status_code == 403 and _kept() == 0


def test_each_writer_keeps_a_bounded_number_of_texts_newest_first(app, make):
    writer, other = make.staff(Role.AUTHOR), make.staff(Role.AUTHOR)
    others = editor_drafts.stash({"body": "theirs"}, None, other)
    tokens = [editor_drafts.stash({"body": f"mine {n}"}, None, writer) for n in range(25)]
    assert _kept() == editor_drafts.MAX_STASHES_PER_WRITER + 1
    assert editor_drafts.claim_stash(tokens[0], writer) is None  # the oldest made way
    assert editor_drafts.claim_stash(tokens[-1], writer) == {"body": "mine 24"}
    assert editor_drafts.claim_stash(others, writer) is None
    assert editor_drafts.claim_stash(others, other) == {"body": "theirs"}
