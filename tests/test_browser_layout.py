"""Layout a person would notice in a real browser: header menu, staff lists, contact form."""

from __future__ import annotations

import pytest

from techpulse.models import Status

pytestmark = pytest.mark.browser

SECTIONS = [
    "AI & Tech", "Software Development", "Cloud & DevOps", "Business & Startups",
    "Cybersecurity", "Mobile Development", "Developer Tools", "Cloud Infrastructure",
]  # fmt: skip

# Whether each element is really visible: inside the viewport and the topmost thing at its centre.
ALL_SHOWN = """els => els.map(el => {
  const r = el.getBoundingClientRect();
  const x = r.left + r.width / 2, y = r.top + r.height / 2;
  const hit = document.elementFromPoint(x, y);
  return r.left >= 0 && r.right <= innerWidth && r.width > 0 && hit !== null && el.contains(hit);
})"""


@pytest.fixture
def eight_sections(make):
    for name in SECTIONS:
        make.article(f"News in {name}", category=make.category(name))
    make.category("Nothing Published Yet")
    make.article("Only a draft", status=Status.DRAFT, category=make.category("Drafts Only"))


@pytest.mark.parametrize("width", [1366, 390, 1024, 320])
def test_header_menu_shows_every_section_at_any_width(page, live_server, eight_sections, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server}/")
    links = page.locator(".site-nav a")
    assert links.all_inner_texts() == ["Latest", *sorted(SECTIONS), "About", "Contact"]
    shown = links.evaluate_all(ALL_SHOWN)
    hidden = [name for name, ok in zip(links.all_inner_texts(), shown, strict=True) if not ok]
    assert hidden == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < (400 if width < 500 else 160)  # wraps compactly
