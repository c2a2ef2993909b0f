"""`flask import-ghost`: a Ghost 5 export's posts, pages, tags, authors, images and addresses."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from techpulse.extensions import db
from techpulse.models import Article, Category, Image, ImportRun, Page, Status, User
from tests.helpers.ghost import (
    card,
    export_document,
    lexical,
    make_images,
    node,
    post,
    tag,
    text,
    user,
    write_ghost_export,
)

COVER = "__GHOST_URL__/content/images/2024/05/cover.jpg"
INLINE = "__GHOST_URL__/content/images/size/w1000/2024/05/inline.jpg"
YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def site() -> dict[str, Any]:
    """A small Ghost site: Lexical with html, Lexical only, mobiledoc only, a page, a draft."""
    ana, bob = user("Ana Lima", "ana", "ana@ghost.example"), user("Bob Stone", "bob", "bob@x.io")
    news = tag("News", "news", "What happened this week.")
    python, internal = tag("Python", "python"), tag("#hidden", "hash-hidden")
    welcome = post(
        "Welcome to the new site",
        "welcome",
        feature_image=COVER,
        custom_excerpt="Why we moved.",
        lexical=lexical(node("paragraph", text("Hello"))),
        html=(
            '<p>Read <a href="__GHOST_URL__/lexical-only/">the next post</a> first.</p>'
            '<figure class="kg-card kg-image-card kg-card-hascaption"><img src="'
            f'{INLINE}" class="kg-image" alt="A desk" loading="lazy" width="1000" height="667"'
            ' srcset="__GHOST_URL__/content/images/size/w600/2024/05/inline.jpg 600w">'
            '<figcaption><span style="white-space: pre-wrap;">Our desk</span></figcaption>'
            "</figure>"
            '<figure class="kg-card kg-embed-card"><iframe width="200" height="113" '
            'src="https://www.youtube.com/embed/dQw4w9WgXcQ?feature=oembed" frameborder="0" '
            'allowfullscreen title="A talk"></iframe></figure>'
            '<figure class="kg-card kg-gallery-card kg-width-wide"><div class="kg-gallery-'
            'container"><div class="kg-gallery-row"><div class="kg-gallery-image"><img src="'
            '__GHOST_URL__/content/images/2024/05/one.jpg" width="1200" height="800" alt="One">'
            '</div><div class="kg-gallery-image"><img src="__GHOST_URL__/content/images/2024/05/'
            'two.jpg" width="1200" height="800" alt="Two"></div></div></div></figure>'
            '<script>alert("no")</script>'
        ),
    )
    lexical_only = post(
        "Lexical only",
        "lexical-only",
        lexical=lexical(
            node("heading", text("A heading"), tag="h2"),
            node("paragraph", text("Bold", 1), text(" and "), text("italic", 2)),
            node(
                "list",
                node("listitem", text("first")),
                node("listitem", text("second")),
                listType="bullet",
                tag="ul",
            ),  # fmt: skip
            node("quote", text("Quoted words")),
            node("paragraph", node("link", text("back"), url="__GHOST_URL__/welcome/")),
            card("image", src=INLINE, alt="A desk", caption="The desk again"),
            card(
                "embed",
                url=YOUTUBE,
                html="<iframe></iframe>",
                embedType="video",
                metadata={"title": "A talk"},
            ),  # fmt: skip
        ),
    )
    mobiledoc = {
        "version": "0.3.1", "atoms": [], "markups": [["strong"], ["a", ["href", "https://x.org"]]],
        "cards": [["code", {"code": "print('hi')"}]],
        "sections": [[1, "p", [[0, [0], 1, "Strong"], [0, [1], 1, " link"]]], [10, 0],
                     [3, "ol", [[[0, [], 0, "one"]], [[0, [], 0, "two"]]]]],
    }  # fmt: skip
    old = post("From mobiledoc", "from-mobiledoc", mobiledoc=json.dumps(mobiledoc))
    draft = post("Not yet", "not-yet", status="draft", published_at=None, html="<p>Soon</p>")
    sent = post("Newsletter only", "newsletter-only", status="sent", html="<p>Mail</p>")
    about = post("About us", "about-us", type="page", html="<p>We write.</p>")
    posts = [welcome, lexical_only, old, draft, sent, about]
    return export_document(
        posts,
        [news, python, internal],
        [ana, bob],
        post_tags={welcome["id"]: [news, python, internal], lexical_only["id"]: [python]},
        post_authors={p["id"]: [bob if p is old else ana] for p in posts},
        meta=[{"id": "m1", "post_id": welcome["id"], "feature_image_alt": "A cover"}],
    )


@pytest.fixture
def export(tmp_path: Path) -> Path:
    return write_ghost_export(tmp_path / "ghost.json", site())


@pytest.fixture
def images(tmp_path: Path) -> Path:
    paths = ("2024/05/cover.jpg", "2024/05/inline.jpg", "2024/05/one.jpg", "2024/05/two.jpg")
    return make_images(tmp_path / "site", *paths).parent.parent  # the site's folder


def run(runner, export: Path, *args: str) -> str:
    result = runner.invoke(args=["import-ghost", str(export), *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def article(slug: str) -> Article:
    query = select(Article).options(selectinload(Article.tags))
    found = db.session.scalar(query.where(Article.slug == slug))
    assert found is not None
    return found


def body_of(client, slug: str) -> str:
    html = client.get(f"/articles/{slug}").get_data(as_text=True)
    return html.split('class="article__body prose">', 1)[1].split("</article>", 1)[0]


def test_posts_pages_tags_and_authors_come_over(runner, export, images, client):
    output = run(runner, export, "--images", str(images))
    assert "Imported 5, updated 0, unchanged 0, skipped 1." in output
    assert "sent as a newsletter only" in output
    welcome = article("welcome")
    assert welcome.status == Status.PUBLISHED and welcome.excerpt == "Why we moved."
    news = db.session.get(Category, welcome.category_id)
    assert news.slug == "news"  # the primary tag
    assert news.description == "What happened this week."
    assert [t.name for t in welcome.tags] == ["Python"]  # the internal tag is left out
    assert db.session.get(Category, article("lexical-only").category_id).slug == "python"
    assert article("not-yet").status == Status.DRAFT
    ana = db.session.scalar(select(User).where(User.email == "ana@ghost.example"))
    assert welcome.author_id == ana.id and not ana.active
    assert db.session.get(User, article("from-mobiledoc").author_id).email == "bob@x.io"
    page = db.session.scalar(select(Page).where(Page.slug == "about-us"))
    assert page.published and "We write." in client.get("/pages/about-us").get_data(True)
    assert db.session.scalar(select(ImportRun.source)) == "ghost"


def test_images_come_from_the_images_folder(runner, export, images, client):
    run(runner, export, "--images", str(images))
    welcome = article("welcome")
    assert welcome.banner_id is not None
    assert db.session.get(Image, welcome.banner_id).alt_text == "A cover"
    body = body_of(client, "welcome")
    assert "__GHOST_URL__" not in welcome.body_md and "content/images" not in body
    assert re.search(r'<figure class="story-image">.*alt="A desk".*<figcaption>Our desk', body)
    (grid,) = re.findall(r'<div class="story-gallery">(.*?)</div>', body, re.S)
    assert 'alt="One"' in grid and 'alt="Two"' in grid
    # The same picture in two posts is one library image.
    assert article("lexical-only").body_md.count("image:") == 1


def test_lexical_and_mobiledoc_become_html_and_embeds_cards(runner, export, client):
    run(runner, export)
    body = body_of(client, "lexical-only")
    assert "<h2>A heading</h2>" in body
    assert "<strong>Bold</strong> and <em>italic</em>" in body
    assert "<ul>\n<li>first</li>" in body or "<ul><li>first</li>" in body
    assert (
        "<blockquote>Quoted words</blockquote>" in body or "Quoted words</p></blockquote>" in body
    )
    assert f'class="link-card__link" href="{YOUTUBE}"' in body
    assert 'href="/articles/welcome"' in body  # a link between posts, by story id
    old = body_of(client, "from-mobiledoc")
    assert "<strong>Strong</strong>" in old and 'href="https://x.org"' in old
    assert "print(&#x27;hi&#x27;)" in old or "print('hi')" in old
    assert "<ol>" in old
    welcome = body_of(client, "welcome")
    assert "<script" not in welcome and "<iframe" not in welcome
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in welcome
    assert f'href="article:{article("lexical-only").id}"' in article("welcome").body_md


def test_ghost_addresses_answer_with_one_301(runner, export, client):
    run(runner, export)
    ana = db.session.scalar(select(User).where(User.email == "ana@ghost.example"))
    expected = {
        "/welcome/": "/articles/welcome",
        "/welcome": "/articles/welcome",
        "/about-us/": "/pages/about-us",
        "/tag/news/": "/category/news",
        "/tag/python/": "/category/python",  # some post's primary tag: a category here
        "/author/ana/": f"/author/{ana.slug}",
        "/rss/": "/rss.xml",
        "/tag/news/rss/": "/category/news/rss.xml",
        "/author/ana/rss/": f"/author/{ana.slug}/rss.xml",
    }
    for old, new in expected.items():
        response = client.get(old)
        assert response.status_code == 301, old
        assert response.headers["Location"] == new, old
        assert client.get(new).status_code == 200, new


def test_a_second_import_changes_nothing_and_a_dry_run_counts_the_same(runner, export, images):
    dry = run(runner, export, "--images", str(images), "--dry-run")
    assert "Would import 5, updated 0, unchanged 0, skipped 1." in dry
    assert db.session.scalar(select(Article.id)) is None
    run(runner, export, "--images", str(images))
    again = run(runner, export, "--images", str(images))
    assert "Imported 0, updated 0, unchanged 5, skipped 1." in again
    assert db.session.query(Category).filter_by(slug="news").count() == 1


def test_a_file_that_is_not_a_ghost_export_is_a_clear_error(runner, tmp_path: Path):
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"posts": []}')
    result = runner.invoke(args=["import-ghost", str(wrong)])
    assert result.exit_code != 0 and "not a Ghost export" in result.output
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    result = runner.invoke(args=["import-ghost", str(broken)])
    assert result.exit_code != 0 and "not JSON" in result.output


def test_the_exporters_own_form_without_the_db_list_imports_too(runner, tmp_path: Path):
    document = site()["db"][0]  # {"meta": …, "data": …}, as the exporter returns it
    export = write_ghost_export(tmp_path / "bare.json", document)
    assert "Imported 5, updated 0, unchanged 0, skipped 1." in run(runner, export)


def test_with_the_old_address_its_links_are_rewritten_and_missing_images_link_there(
    runner, tmp_path: Path, client
):
    ana = user("Ana Lima", "ana", "ana@ghost.example")
    target = post("Target", "target", html="<p>Here.</p>")
    source = post(
        "Source",
        "source",
        html=(
            '<p><a href="https://www.old-ghost.example/target/">absolute</a> '
            '<a href="https://old-ghost.example/tag/news/">a tag</a> '
            '<a href="https://elsewhere.example/target/">elsewhere</a></p>'
            '<figure class="kg-card kg-image-card"><img src="__GHOST_URL__/content/images/'
            '2024/05/gone.jpg" alt="Gone"></figure>'
        ),
    )
    document = export_document([source, target], [], [ana], {}, {})
    export = write_ghost_export(tmp_path / "old.json", document)
    output = run(runner, export, "--old-url", "https://old-ghost.example/")
    assert "https://old-ghost.example/content/images/2024/05/gone.jpg" in output  # listed
    body = article("source").body_md
    assert f'href="article:{article("target").id}"' in body
    assert 'href="/tag/news/"' in body and 'href="https://elsewhere.example/target/"' in body
    html = body_of(client, "source")
    assert 'href="/articles/target"' in html
    assert 'href="https://old-ghost.example/content/images/2024/05/gone.jpg"' in html
    refused = runner.invoke(args=["import-ghost", str(export), "--old-url", "old-ghost.example"])
    assert refused.exit_code != 0 and "--old-url" in refused.output
