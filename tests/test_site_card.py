"""Stories without a banner share the generated site card (1200×630), drawn once."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from techpulse.services.media import drawing as banners
from techpulse.services.media import site_card
from tests.helpers.pages import elements


def _og(html: str) -> dict[str, str]:
    return {
        m.get("property"): m.get("content") for m in elements(html, "meta") if m.get("property")
    }


def test_article_without_banner_shares_the_site_card(client, make, app):
    make.settings(site_name="TechPulse", tagline="Tech news from Vadodara")
    article = make.article("No picture here", banner=None)
    og = _og(client.get(f"/articles/{article.slug}").get_data(as_text=True))
    image_url = og["og:image"]
    assert "/media/site-card-" in image_url and image_url.endswith(".png")
    assert (og["og:image:width"], og["og:image:height"]) == ("1200", "630")
    assert "Tech news from Vadodara" in og["og:image:alt"]
    response = client.get(image_url.removeprefix("http://localhost"))
    data = response.get_data()
    response.close()
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert Image.open(io.BytesIO(data)).size == (1200, 630)
    stored = Path(app.config["UPLOAD_FOLDER"]) / image_url.rsplit("/", 1)[1]
    assert stored.is_file()


def test_the_card_is_drawn_once_not_per_request(client, make, monkeypatch):
    # The tests' apps share drawn cards across tests (tests/helpers/apps.py): not here.
    monkeypatch.setattr(site_card, "card_png", site_card.card_png.__wrapped__)
    drawn: list[str] = []
    real = banners.draw_card  # site_card imports it when it draws

    def counting(*args, **kwargs):
        drawn.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(banners, "draw_card", counting)
    first, second = make.article("One"), make.article("Two")
    urls = {_og(client.get(f"/articles/{a.slug}").get_data(as_text=True))["og:image"]
            for a in (first, second, first)}  # fmt: skip
    assert len(urls) == 1 and len(drawn) == 1


def test_a_new_tagline_gives_a_new_card_and_removes_the_old(client, make, app):
    make.settings(tagline="Old words")
    article = make.article("Any story")
    old = _og(client.get(f"/articles/{article.slug}").get_data(as_text=True))["og:image"]
    make.settings(tagline="New words")
    new = _og(client.get(f"/articles/{article.slug}").get_data(as_text=True))["og:image"]
    assert new != old
    cards = sorted(p.name for p in Path(app.config["UPLOAD_FOLDER"]).glob("site-card-*"))
    assert cards == [new.rsplit("/", 1)[1]]


def test_article_with_a_banner_shares_its_banner(client, make):
    banner = make.image(alt="A chip on a blue desk")
    article = make.article("With picture", banner=banner)
    og = _og(client.get(f"/articles/{article.slug}").get_data(as_text=True))
    assert "site-card" not in og["og:image"]
    assert og["og:image:alt"] == "A chip on a blue desk"
