"""axe-core in Chromium: zero WCAG 2.2 A/AA violations, phone and desktop, light and dark.

One demo site, one browser and two tabs (a visitor's and a staff member's) serve the whole
module; each page is loaded once and checked at every width and colour scheme. axe-core
comes from the axe-playwright-python package (its bundled axe.min.js), never the network.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import axe_playwright_python
import pytest
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from techpulse.extensions import db
from techpulse.models import Article, Role
from tests.helpers.accounts import PASSWORD, log_in_browser
from tests.helpers.apps import new_app
from tests.helpers.browser import site_tab
from tests.helpers.demo import demo_site
from tests.helpers.servers import serving

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
VIEWPORTS = [(390, 844), (1366, 900)]
SCHEMES = ["light", "dark"]
STAFF_EMAIL = "editor-in-chief@example.com"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The demo site over HTTP on a free loopback port, with an admin account."""
    from techpulse.services.access.accounts import create_user

    app = new_app(demo_site(tmp_path_factory, "a11y", SECRET_KEY="a11y"))
    with app.app_context():
        create_user(STAFF_EMAIL, "Editor in Chief", Role.ADMIN, PASSWORD)
        db.session.commit()
        launch = db.session.scalars(
            select(Article).options(joinedload(Article.category)).order_by(Article.id)
        ).first()
        paths = {
            "article": f"/articles/{launch.slug}",
            "category": f"/category/{launch.category.slug}",
            "editor": f"/admin/articles/{launch.id}/edit",
            "story-readers": f"/admin/statistics/articles/{launch.id}",
        }
        db.session.remove()
    with serving(app) as url:
        yield {"url": url, **paths}
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def visitor(browser: Any, site: dict[str, Any]) -> Iterator[Any]:
    """An anonymous reader's tab."""
    tab = site_tab(browser, site["url"])
    yield tab
    tab.context.close()


@pytest.fixture(scope="module")
def editor(browser: Any, site: dict[str, Any]) -> Iterator[Any]:
    """A logged-in admin's tab."""
    tab = site_tab(browser, site["url"])
    log_in_browser(tab, site["url"], STAFF_EMAIL)
    yield tab
    tab.context.close()


AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    # Not on by default in axe-core: label-in-name (2.5.3) is "experimental"; heading-order is
    # a best practice, but a skipped level is what our own pages must not have either.
    "rules": {"label-content-name-mismatch": {"enabled": True}, "heading-order": {"enabled": True}},
    "resultTypes": ["violations"],
}
RUN_AXE = """options => axe.run(document, options).then(results => results.violations.map(
  v => `${v.id} — ${v.help} ${JSON.stringify(v.nodes.slice(0, 5).map(n => n.target))}`))"""


def axe_violations(tab: Any) -> list[str]:
    """Every WCAG 2.2 A/AA violation axe finds on the page at every width and scheme."""
    if not tab.evaluate("() => typeof window.axe === 'object'"):
        tab.evaluate(AXE_SOURCE)  # the package's bundled copy: nothing is downloaded
    found = []
    for width, height in VIEWPORTS:
        for scheme in SCHEMES:
            tab.set_viewport_size({"width": width, "height": height})
            tab.emulate_media(color_scheme=scheme)
            # Colours ease between schemes; check the final ones, not a frame mid-transition.
            tab.evaluate("() => document.getAnimations().forEach(a => a.finish())")
            found += [f"{width}px {scheme}: {v}" for v in tab.evaluate(RUN_AXE, AXE_OPTIONS)]
    return found


PUBLIC = ["/", "article", "category", "/search?q=Scale+AI", "/search?q=xylophone", "/about",
          "/contact", "/login"]  # fmt: skip


@pytest.mark.parametrize("path", PUBLIC)
def test_public_page_has_no_wcag_violations(visitor, site, path):
    visitor.goto(site["url"] + site.get(path, path))
    assert axe_violations(visitor) == []


@pytest.mark.parametrize(
    "path",
    ["/admin/", "editor", "/admin/articles/new", "/admin/pages/1/edit", "/admin/articles",
     "/admin/calendar", "/admin/calendar?view=week", "/admin/media", "/admin/trash",
     "/admin/audit", "/admin/statistics", "story-readers", "/admin/imports",
     "/admin/imports/new"],
)  # fmt: skip
def test_staff_page_has_no_wcag_violations(editor, site, path):
    editor.goto(site["url"] + site.get(path, path))
    assert axe_violations(editor) == []


def test_the_editor_has_no_wcag_violations_with_its_menu_open_or_in_markdown_mode(editor, site):
    editor.goto(site["url"] + "/admin/articles/new")
    editor.get_by_role("textbox", name="Story (visual)").click()
    editor.keyboard.type("/")
    editor.get_by_role("listbox", name="Insert a block").wait_for()
    assert axe_violations(editor) == []
    editor.keyboard.press("Escape")
    editor.get_by_role("button", name="Markdown", exact=True).click()
    assert axe_violations(editor) == []
    editor.get_by_role("button", name="Visual", exact=True).click()  # the default, for later tests


def test_statistics_with_their_tables_open_have_no_wcag_violations(editor, site, visitor):
    for _ in range(3):  # a few views, so the chart has bars
        visitor.goto(site["url"] + site["article"])
    for path in ("/admin/statistics?days=7", site["story-readers"]):
        editor.goto(site["url"] + path)
        assert editor.locator("svg[role=img] > title").count() >= 1
        for summary in editor.locator("details > summary").all():
            summary.click()
        assert axe_violations(editor) == []


# Every control a keyboard user should reach, numbered in document order.
NUMBER_CONTROLS = """() => [...document.querySelectorAll(
  'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select, textarea'
)].filter(el => el.tabIndex >= 0 && el.checkVisibility()
                && !el.closest('[aria-hidden=true], [inert]'))
 .map((el, i) => { el.dataset.kb = i; return [String(i), describe(el)]; })"""
DESCRIBE = """window.describe = el => `${el.tagName.toLowerCase()} ${el.id || el.name || ''} ${
  el.getAttribute('href') || el.textContent.trim().slice(0, 40)}`.trim();"""
# Where focus is, and whether it shows: an outline (on it or, for cards, on a near ancestor).
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  let shown = false;
  for (let node = el, depth = 0; node && depth < 4; node = node.parentElement, depth++) {
    const style = getComputedStyle(node);
    if ((style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
        || style.boxShadow !== 'none' && node === el) { shown = true; break; }
  }
  const box = el.getBoundingClientRect();
  return {kb: el.dataset.kb ?? null, name: describe(el),
          shown: shown && box.width > 0 && box.height > 0};
}"""


def keyboard_walk(tab: Any, limit: int = 250) -> tuple[list[str], list[str]]:
    """Tab through the page once: the controls never reached, those focused without a mark."""
    tab.evaluate(f"() => {{ {DESCRIBE} }}")
    controls = dict(tab.evaluate(NUMBER_CONTROLS))
    tab.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
    reached: set[str] = set()
    unmarked: list[str] = []
    tab.walked = []  # the focus order, for the failure message
    for _ in range(limit):
        tab.keyboard.press("Tab")
        state = tab.evaluate(FOCUSED)
        if state is None:
            if reached:
                break  # focus left the page: the walk is complete
            continue
        key = state["kb"] or state["name"]  # focusable extras (e.g. a scrolling region)
        if tab.walked and key == tab.walked[-1]:
            continue  # Tab moves between the parts of one control (a date-time field)
        if key in reached:
            break
        reached.add(key)
        tab.walked.append(key)
        if not state["shown"]:
            unmarked.append(state["name"])
    return [name for kb, name in controls.items() if kb not in reached], unmarked


@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize("path", ["/", "article", "/search?q=Scale+AI", "/contact"])
def test_every_control_is_reachable_by_keyboard_with_a_visible_focus(visitor, site, path, width):
    visitor.set_viewport_size({"width": width, "height": 900})
    visitor.emulate_media(color_scheme="light")
    visitor.goto(site["url"] + site.get(path, path))
    unreached, unmarked = keyboard_walk(visitor)
    assert unreached == [], visitor.walked
    assert unmarked == []


def test_staff_editor_is_reachable_by_keyboard_with_a_visible_focus(editor, site):
    editor.set_viewport_size({"width": 1366, "height": 900})
    editor.goto(site["url"] + site["editor"])
    unreached, unmarked = keyboard_walk(editor, limit=300)
    assert unreached == [], editor.walked
    assert unmarked == []


def test_header_search_works_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(site["url"] + "/")
    tab.get_by_role("searchbox", name="Search stories").fill("Scale AI")
    tab.get_by_role("searchbox", name="Search stories").press("Enter")
    tab.wait_for_url("**/search?q=Scale+AI")
    title = tab.locator(".search-result__title").first
    assert title.inner_text() == "Google May Drop Scale AI Deal!"
    assert title.locator("mark").all_inner_texts() == ["Scale AI"]
    context.close()
