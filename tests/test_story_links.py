"""Links between stories, ``[text](article:ID)``: they follow the target, and never go dead."""

from __future__ import annotations

from techpulse.extensions import db
from techpulse.models import Article, Role, Status
from techpulse.services.editorial import article_editor
from techpulse.services.editorial.article_input import Action, ArticleInput
from techpulse.services.editorial.staff_articles import article_for_editing


def _resave(article_id: int, editor, action: Action = Action.SAVE, slug: str = "") -> Article:
    """Save an article through the editor's write path, as staff would."""
    db.session.expire_all()
    article = article_for_editing(article_id)
    data = ArticleInput(title=article.title, body_md=article.body_md, slug=slug or article.slug,
                        category_id=article.category_id)  # fmt: skip
    return article_editor.save_article(article, data, editor, action)


def test_a_link_takes_the_target_s_address_and_follows_its_slug_change(client, make):
    target = make.article("Chips get faster", body="The chips.")
    story = make.article("Launch", body=f"Read [the chip story](article:{target.id}) first.")
    assert f'<a href="/articles/{target.slug}"' in story.body_html
    editor = make.staff(Role.EDITOR)
    _resave(target.id, editor, slug="faster-chips")
    html = client.get(f"/articles/{story.slug}").get_data(as_text=True)
    assert '<a href="/articles/faster-chips" rel="noopener noreferrer">the chip story</a>' in html


def test_a_link_to_a_story_that_is_not_live_is_only_its_text(client, make):
    target = make.article("Chips get faster")
    page = make.page("reading", "Reading list", f"- [Chips](article:{target.id})")
    story = make.article("Launch", body=f"Read [the chip story](article:{target.id}).")
    editor = make.staff(Role.EDITOR)
    _resave(target.id, editor, Action.UNPUBLISH)
    for path, text in ((f"/articles/{story.slug}", "the chip story"), ("/pages/reading", "Chips")):
        html = client.get(path).get_data(as_text=True)
        assert "/articles/chips-get-faster" not in html and text in html
    _resave(target.id, editor, Action.PUBLISH)  # live again: the link comes back
    assert '<a href="/articles/chips-get-faster"' in client.get("/pages/reading").get_data(
        as_text=True
    )
    article_editor.delete_article(db.session.get(Article, target.id))
    html = client.get(f"/articles/{story.slug}").get_data(as_text=True)
    assert "the chip story" in html and "chips-get-faster" not in html
    assert page.id


def test_a_draft_or_unknown_target_renders_as_text_and_the_save_still_works(make):
    draft = make.article("Not yet", status=Status.DRAFT)
    story = make.article("Launch", body=f"See [soon](article:{draft.id}) and [gone](article:999).")
    assert "<p>See soon and gone.</p>" in story.body_html


def test_the_editor_s_story_search_offers_live_stories_only(staff, make):
    staff.login(Role.AUTHOR)
    live = make.article("Chips get faster")
    make.article("Chips in the drafts", status=Status.DRAFT)
    answer = staff.client.get("/admin/editor/stories?q=chips").json
    assert answer == {"stories": [{"id": live.id, "title": "Chips get faster"}]}
