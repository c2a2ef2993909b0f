"""A phone's first visit on the demo site: bytes, picture sizes, the header and its menu.

One demo site (the drawn banners of ``make run``) serves the module. Pages are measured as
Lighthouse's phone sees them: 1.75 device pixels per CSS pixel, here on a 390 px screen.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models import Article, Category, Status, User
from techpulse.services.editorial.article_editor import create_article
from techpulse.services.media import imaging
from techpulse.services.media.drawing import draw_banner
from techpulse.services.media.library import create_image
from tests.helpers.apps import new_app
from tests.helpers.demo import demo_site
from tests.helpers.servers import serving

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1.75}
BUDGET = 30 * 1024  # bytes on the wire besides the page's main picture
# A compact card's thumbnail (96-120 CSS px at 1.75 device pixels per CSS pixel).
THUMBNAIL = ("-240.avif", "-240.webp")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The demo site over HTTP, with the addresses of a story and its archives."""
    app = new_app(demo_site(tmp_path_factory, "phone", SECRET_KEY="phone", IMAGE_AVIF=True))
    with app.app_context():
        stories = db.session.scalars(
            select(Article)
            .options(*(joinedload(r) for r in (Article.category, Article.author, Article.banner)))
            .order_by(Article.published_at.desc())
        ).all()
        lead = stories[0]
        paths = {
            "article": f"/articles/{lead.slug}",
            "category": f"/category/{lead.category.slug}",
            "author": f"/author/{lead.author.slug}",
        }
        db.session.remove()
    with serving(app) as url:
        yield {"url": url, **paths}
    with app.app_context():
        db.engine.dispose()


def _first_visit(browser: Any, url: str, phone: dict[str, Any]) -> tuple[dict[str, int], str]:
    """Bytes on the wire per URL of a first visit with no scrolling, and the main picture.

    As Lighthouse loads a page: at full speed (it works out a slow phone's timings later).
    """
    context = browser.new_context(**phone)
    tab = context.new_page()
    loaded: list[Any] = []
    tab.on("requestfinished", lambda request: loaded.append(request))
    tab.goto(url, wait_until="load")
    tab.wait_for_timeout(500)  # lazy pictures near the screen would have started by now
    main = tab.evaluate("document.querySelector('main img[fetchpriority=high]').currentSrc")
    wire = {r.url: sum(r.sizes()[k] for k in ("responseBodySize", "responseHeadersSize"))
            for r in loaded}  # fmt: skip
    context.close()
    return wire, main


# Lighthouse's own phone: 412 px wide at 1.75, so a full-width picture needs 665 pixels.
LIGHTHOUSE_PHONE = {**PHONE, "viewport": {"width": 412, "height": 823}, "is_mobile": True}
# The main picture is full width: on a 390 px phone 358 CSS px (627 device pixels), on
# Lighthouse's 377 (660).
PHONES = {"390": (PHONE, "-640"), "lighthouse": (LIGHTHOUSE_PHONE, "-720")}


@pytest.mark.parametrize("phone", PHONES)
@pytest.mark.parametrize("page", ["home", "category", "author"])
def test_a_phones_first_visit_to_a_list_is_small(browser, site, page, phone):
    url = site["url"] + ("/" if page == "home" else site[page])
    wire, main = _first_visit(browser, url, PHONES[phone][0])
    # The main picture (the home page's lead story, an archive's first card) is the banner.
    variant = PHONES[phone][1] + (".avif" if imaging.AVIF else ".webp")
    assert main in wire and main.endswith(variant)
    others = {u: size for u, size in wire.items() if u != main}
    assert sum(others.values()) <= BUDGET, others
    # The cards under it are rows with a thumbnail 96-120 CSS px wide: the 240 px variant,
    # whichever of them are near enough the screen to be fetched.
    pictures = [u for u in others if "/media/" in u]
    assert all(u.endswith(THUMBNAIL) for u in pictures), pictures
    assert page != "home" or len(pictures) >= 3, pictures


@pytest.fixture(scope="module")
def full_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo site with three more stories, so home has a full page of cards under its lead
    (PER_PAGE, ten), each with a banner drawn as the demo draws them; its address."""
    app = new_app(demo_site(tmp_path_factory, "full-home", SECRET_KEY="phone", IMAGE_AVIF=True))
    with app.app_context():
        author = db.session.scalars(select(User).order_by(User.id)).first()
        sections = db.session.scalars(select(Category).order_by(Category.id)).all()
        for n, section in enumerate(sections[:3]):
            title = f"An older story about {section.name}, number {n + 1}"
            banner = create_image(draw_banner(title, section.name, palette=n), f"Banner {n}")
            create_article(
                title=title, body_md="A short story.", category=section, author=author,
                banner=banner, status=Status.PUBLISHED, published_at=utcnow() - timedelta(days=9),
            )  # fmt: skip
        db.session.commit()
        db.session.remove()
    with serving(app) as url:
        yield url
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("phone", PHONES)
def test_a_full_home_page_stays_within_the_budget_on_a_phone(browser, full_home, phone):
    wire, main = _first_visit(browser, full_home + "/", PHONES[phone][0])
    others = {u: size for u, size in wire.items() if u != main}
    pictures = [u for u in others if "/media/" in u]
    # Ten rows under the lead story, all near enough the screen to be fetched: 240 px each
    # (with 320 px ones, 37,065 bytes besides the banner).
    assert sum(others.values()) <= BUDGET, others
    assert len(pictures) == 10 and all(u.endswith(THUMBNAIL) for u in pictures), pictures


def _priorities(context: Any, url: str) -> tuple[dict[str, str], str]:
    """The priority each request of a first visit ended with (Chrome's), and the main picture."""
    tab = context.new_page()
    cdp = context.new_cdp_session(tab)
    cdp.send("Network.enable")
    urls: dict[str, str] = {}
    priority: dict[str, str] = {}

    def sent(event: dict[str, Any]) -> None:
        urls[event["requestId"]] = event["request"]["url"]
        priority[event["requestId"]] = event["request"]["initialPriority"]

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on(
        "Network.resourceChangedPriority",
        lambda e: priority.update({e["requestId"]: e["newPriority"]}),
    )
    tab.goto(url, wait_until="load")
    tab.wait_for_timeout(500)  # lazy pictures near the screen would have started by now
    main = tab.evaluate("document.querySelector('main img[fetchpriority=high]').currentSrc")
    fetched = {urls[r]: p for r, p in priority.items() if not urls[r].startswith("data:")}
    return fetched, main


def test_on_lighthouses_phone_only_the_main_picture_comes_first(browser, site):
    context = browser.new_context(**LIGHTHOUSE_PHONE)
    fetched, main = _priorities(context, site["url"] + "/")
    context.close()
    assert main.endswith("-720.avif" if imaging.AVIF else "-720.webp")
    assert fetched.pop(main) == "High"
    # The card under the lead story is on the screen: Chrome would raise it to High, beside
    # the lead picture; it stays Low, as do the cards further down (small thumbnails).
    cards = {u: p for u, p in fetched.items() if "/media/" in u}
    assert cards and set(cards.values()) == {"Low"}, cards
    assert all(u.endswith(THUMBNAIL) for u in cards), cards
    # Nothing else: the stylesheet and the site icon are inside the page.
    assert set(fetched) - set(cards) == {site["url"] + "/"}


# The width a picture's `sizes` attribute gives, worked out by the browser itself.
SIZES_WIDTH = """img => {
  for (const entry of img.sizes.split(/,\\s*(?![^()]*\\))/)) {
    const m = entry.trim().match(/^(\\(.*?\\))\\s+(.+)$/);
    if (m && !matchMedia(m[1]).matches) continue;
    const probe = document.createElement("div");
    probe.style.width = m ? m[2] : entry.trim();  // a test probe, not the page's CSS
    document.body.append(probe);
    const width = probe.getBoundingClientRect().width;
    probe.remove();
    return width;
  }
}"""


# Each picture in <main>: the width it is laid out at, and the one its `sizes` gives.
SHOWN_AND_SAID = f"""imgs => imgs.map(img => [
  img.getBoundingClientRect().width, ({SIZES_WIDTH})(img), img.getAttribute("sizes")])"""


@pytest.mark.parametrize("width", [320, 390, 412, 700, 900, 1100, 1366, 1920])
def test_picture_sizes_match_the_layout(browser, site, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    for path in ("/", site["article"], site["category"]):
        tab.goto(site["url"] + path)  # loaded at this width: what is laid out is as a visitor's
        for shown, said, sizes in tab.locator("main picture img").evaluate_all(SHOWN_AND_SAID):
            if shown == 0:  # content-visibility: not laid out yet
                continue
            assert shown - 1 <= said <= shown * 1.1 + 4, (path, sizes)
    context.close()


# Each card's thumbnail, title and section label, and whether its excerpt and title show whole.
CARD_PARTS = """card => {
  card.scrollIntoView({block: "center"});  // content-visibility: laid out once near the screen
  const box = sel => card.querySelector(sel).getBoundingClientRect().toJSON();
  const title = card.querySelector(".card__title");
  return {thumb: box(".card__media"), title: box(".card__title"), badge: box(".badge"),
          excerpt: card.querySelector(".card__excerpt").checkVisibility(),
          whole: title.scrollHeight <= title.clientHeight + 1, height: card.offsetHeight};
}"""


@pytest.mark.parametrize("path", ["/", "author"])
def test_cards_under_the_main_story_are_compact_rows_on_a_phone(browser, site, path):
    # One page load, laid out again at each width (the same CSS and media queries apply).
    context = browser.new_context(viewport={"width": 320, "height": 900})
    tab = context.new_page()
    tab.goto(site["url"] + site.get(path, path))
    for width in (320, 390, 412, 1366):
        tab.set_viewport_size({"width": width, "height": 900})
        main = tab.locator("main img[fetchpriority=high]").bounding_box()
        assert width >= 640 or main["width"] >= width - 40  # the lead story stays full width
        cards = tab.locator(".card-grid > .card--default")
        assert cards.count() >= 3
        for parts in cards.evaluate_all(f"cards => cards.map({CARD_PARTS})"):
            thumb, title, badge = parts["thumb"], parts["title"], parts["badge"]
            assert parts["whole"], (width, parts)  # a title is never cut
            if width < 640:  # a thumbnail as composed (16:9) beside the section, title, date
                assert 96 <= thumb["width"] <= 120, (width, parts)
                assert abs(thumb["height"] - thumb["width"] * 9 / 16) <= 1, (width, parts)
                assert title["left"] >= thumb["right"] and badge["left"] >= thumb["right"]
                assert badge["height"] >= 24 and not parts["excerpt"], (width, parts)  # tappable
                assert parts["height"] <= (200 if width < 360 else 160), (width, parts)  # ~460
            else:  # desktop: a third of the row (a lone last card lies on its side), as before
                assert thumb["width"] >= 300 and parts["excerpt"], (width, parts)
        assert tab.evaluate("document.documentElement.scrollWidth") <= width, width
    context.close()


def test_the_header_is_compact(browser, site):
    # One page load, laid out again at each width (the same CSS and media queries apply).
    context = browser.new_context(viewport={"width": 320, "height": 800})
    tab = context.new_page()
    tab.goto(site["url"] + "/")
    for width, most in ((320, 72), (390, 72), (1366, 140)):
        tab.set_viewport_size({"width": width, "height": 800})
        assert tab.locator(".site-header").bounding_box()["height"] <= most, width
        assert tab.evaluate("document.documentElement.scrollWidth") <= width, width
        search = tab.locator(".site-header__search")  # one tap to the search page
        box = tab.get_by_role("searchbox", name="Search stories")
        if width < 800:
            assert search.is_visible() and search.get_attribute("href") == "/search"
        else:
            assert box.is_visible()
    context.close()


@pytest.mark.parametrize("width", [320, 390])
def test_the_menu_opens_without_javascript(browser, site, width):
    context = browser.new_context(
        viewport={"width": width, "height": 800}, java_script_enabled=False
    )
    tab = context.new_page()
    tab.goto(site["url"] + site["article"])
    nav, menu = tab.locator(".site-nav"), tab.locator(".site-menu__button")
    assert not nav.is_visible()
    if width >= 360:
        assert menu.inner_text() == "Menu"
    menu.click()
    assert nav.is_visible() and tab.get_by_role("searchbox", name="Search stories").is_visible()
    links = nav.get_by_role("link")
    assert links.count() >= 6
    assert all(link.bounding_box()["height"] >= 44 for link in links.all())  # easy to tap
    links.filter(has_text="About").click()
    tab.wait_for_url("**/about")
    assert not tab.locator(".site-nav").is_visible()  # a new page: the menu starts closed
    context.close()


# For each part of a byline after the first: [does it start a line, is its dot cut away].
DOTS = """parts => parts.map(part => {
  const box = part.parentElement.parentElement.getBoundingClientRect();
  const dot = part.getBoundingClientRect().left
    + parseFloat(getComputedStyle(part, "::before").left);
  const before = part.previousElementSibling;
  return [part.offsetTop > before.offsetTop, dot < box.left];
})"""


def test_bylines_never_start_a_line_with_a_dot(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    tab = context.new_page()
    for path in ("/", site["article"]):
        tab.goto(site["url"] + path)
        found = tab.locator(".meta-list > * + *").evaluate_all(DOTS)
        assert any(wrapped for wrapped, _ in found), "a byline wraps on a 390 px phone"
        assert all(clipped == wrapped for wrapped, clipped in found), found
    context.close()


def test_recent_post_titles_end_in_whole_words(browser, site):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    tab = context.new_page()
    tab.goto(site["url"] + "/")
    titles = tab.locator(".card__title").all_inner_texts()
    tab.goto(site["url"] + site["article"])
    rows = tab.locator(".post-row__title")
    assert rows.count() >= 3
    for shown in rows.all_inner_texts():
        cut = shown.removesuffix("…")
        assert any(t == shown or (t.startswith(cut) and t[len(cut)] == " ") for t in titles), shown
    assert rows.first.evaluate("t => getComputedStyle(t).webkitLineClamp") == "none"
    context.close()


def test_the_about_page_sidebar_neither_links_to_itself_nor_repeats_the_blurb(browser, site):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    tab = context.new_page()
    tab.goto(site["url"] + "/about")
    sidebar = tab.locator("aside.sidebar")
    assert sidebar.locator("a[href='/about']").count() == 0
    assert sidebar.locator(".widget--recent .post-row").count() >= 3
    blurb = tab.locator(".site-footer__about p").first.inner_text()
    assert tab.locator("body").inner_text().count(blurb) == 1
    context.close()


def test_contact_labels_sit_just_above_their_inputs(browser, site):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    tab = context.new_page()
    tab.goto(site["url"] + "/contact")
    for label in ("Company", "Phone", "Topic", "Budget range"):
        field = tab.locator(".field", has=tab.locator("label.field__label", has_text=label))
        above = field.locator(".field__hint, .field__label").last.bounding_box()
        box = field.locator(".field__input").bounding_box()
        gap = box["y"] - (above["y"] + above["height"])
        # Right under its label (or the hint beside a neighbour's), never ~50 px below it.
        assert 0 <= gap <= 12, (label, gap)
    context.close()
