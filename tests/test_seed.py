"""``flask seed-demo``: the launch story and a believable site, created once."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from techpulse.extensions import db
from techpulse.models import Article, Category, Image, Page, SiteSettings, Tag, User
from tests.helpers.apps import POSTGRES_URL, copy_site
from tests.helpers.demo import demo_seed_output, demo_site
from tests.helpers.pages import elements, text_of

pytestmark = pytest.mark.slow

LAUNCH = "/articles/google-may-drop-scale-ai-deal"


def counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Article, Category, Image, Page, SiteSettings, Tag, User)
    }


def _seed(runner) -> None:
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Created:" in result.output


@pytest.fixture(scope="module")
def seeded_site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any] | None:
    """The run's demo site, seeded once by `flask seed-demo` on an empty SQLite database
    (tests/helpers/demo.py): its config (None with PostgreSQL, which seeds in each test)."""
    if POSTGRES_URL:
        return None
    assert "Created:" in demo_seed_output(tmp_path_factory)
    return demo_site(tmp_path_factory, "seeded")


@pytest.fixture
def app_config(app_config: dict[str, Any], seeded_site: dict[str, Any] | None) -> dict[str, Any]:
    """Each test starts from a copy of the module's seeded database and uploads."""
    if seeded_site is not None:
        copy_site(seeded_site, app_config)
    return app_config


@pytest.fixture
def seeded(runner, seeded_site: dict[str, Any] | None) -> None:
    """The demo site: copied in by ``app_config``, or seeded now on PostgreSQL."""
    if seeded_site is None:
        _seed(runner)


def test_seed_is_idempotent_and_if_empty_respects_a_used_site(runner, seeded):
    first = counts()
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0
    assert "nothing to do" in again.output
    assert counts() == first
    assert first["Category"] >= 3 and first["Article"] >= 5
    # `make run` seeds with --if-empty: a site whose owner deleted the demo stories stays so.
    db.session.execute(db.delete(Article).where(Article.slug != "google-may-drop-scale-ai-deal"))
    db.session.commit()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "already has articles" in result.output
    assert counts()["Article"] == 1


def test_launch_article_carries_the_story(client, seeded):
    page = client.get(LAUNCH)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    text = text_of(html)
    assert "Google May Drop Scale AI Deal!" in text
    assert elements(html, "a", "badge")[0].get("href") == "/category/ai-tech"
    for fact in ("Scale AI", "Meta", "Alexandr Wang", "Gemini", "Bard", "OpenAI", "Microsoft",
                 "annotation", "in-house", "third-party AI vendors"):  # fmt: skip
        assert fact in text, fact
    body = html[html.index('class="article__body') :]
    assert body[: body.index("</div>")].count("<p>") >= 5
    banner = elements(html[html.index("article__banner") :], "img")[0]
    assert "Google May Drop Scale AI Deal!" not in banner.get("alt")  # reusable: no headline
    assert "AI & Tech" in banner.get("alt")
    image = client.get(banner.get("src"))
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    image.close()
    # The rest of the site has believable content too.
    home = client.get("/").get_data(as_text=True)
    assert "Google May Drop Scale AI Deal!" in home[home.index('class="card card--hero"') :][:3000]
    assert home.count('class="card card--default"') >= 5
    about = text_of(client.get("/about").data)
    assert "Vadodara" in about and "India" in about and "small and medium" in about
    for category in db.session.scalars(select(Category)):
        assert client.get(f"/category/{category.slug}").status_code == 200
    launch = client.get(LAUNCH).get_data(as_text=True)
    assert 'class="related"' in launch
    assert "young IT professionals" in launch  # the About-company widget
