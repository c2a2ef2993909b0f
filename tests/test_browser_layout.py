"""Layout a person would notice in a real browser: header menu, staff lists, contact form."""

from __future__ import annotations

import pytest

from techpulse.models import Status
from tests.helpers.accounts import log_in_browser

pytestmark = pytest.mark.browser

SECTIONS = [
    "AI & Tech", "Software Development", "Cloud & DevOps", "Business & Startups",
    "Cybersecurity", "Mobile Development", "Developer Tools", "Cloud Infrastructure",
]  # fmt: skip

# Whether each element is really visible: inside the viewport and the topmost thing at its centre.
ALL_SHOWN = """els => els.map(el => {
  el.scrollIntoView({block: "center", inline: "nearest"});
  const first = el.getClientRects()[0];
  const r = first && first.height > 1 ? first : el.getBoundingClientRect();
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
    if width < 800:  # phones: the sections are behind the Menu button
        assert not page.locator(".site-nav").is_visible()
        page.locator(".site-menu__button").click()
    links = page.locator(".site-nav a")
    assert links.all_inner_texts() == ["Latest", *sorted(SECTIONS), "About", "Contact"]
    shown = links.evaluate_all(ALL_SHOWN)
    hidden = [name for name, ok in zip(links.all_inner_texts(), shown, strict=True) if not ok]
    assert hidden == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    header = page.locator(".site-header").bounding_box()
    # Wraps compactly: the brand and search box, then at most two rows of sections on desktop
    # (on a phone the open menu lists them in two columns).
    assert header["height"] < (520 if width < 500 else 200)


@pytest.fixture
def staff_lists(make):
    """An admin, and an inbox, article list and media library with long, real-looking rows."""
    from techpulse.extensions import db
    from techpulse.models import ContactMessage, Role
    from techpulse.services.contact.intake import new_form_token, new_reference

    for n in range(3):
        make.article(f"A rather long headline about cloud infrastructure, number {n}",
                     banner=make.image(alt=f"A very descriptive alternative text {n}"))  # fmt: skip
    for n in range(3):
        db.session.add(ContactMessage(
            reference=new_reference(), form_token=new_form_token(), name=f"Client {n}",
            email=f"someone{n}@a-rather-long-company-domain-name.example", topic="project",
            message="We need an online ordering system.", company="Some Company Pvt Ltd",
        ))  # fmt: skip
    db.session.commit()
    return make.staff(Role.ADMIN)


@pytest.mark.parametrize("path", ["/admin/articles", "/admin/media", "/admin/messages"])
def test_staff_lists_fit_a_phone(page, live_server, staff_lists, path):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in_browser(page, live_server, staff_lists)
    page.goto(f"{live_server}{path}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    rows = page.locator(".data-table tbody tr")
    assert rows.count() == 3
    for row in rows.all():  # every row's links and buttons can be seen and tapped as they are
        assert all(row.locator("a, button").evaluate_all(ALL_SHOWN)), row.inner_text()
    first = rows.first.bounding_box()
    forms = [box for box in (f.bounding_box() for f in page.locator(".admin-main form").all())
             if box and box["height"] and box["y"] + box["height"] <= first["y"]]  # fmt: skip
    above = max(box["y"] + box["height"] for box in forms)
    assert first["y"] - above < 120  # no blank gap between the last form and the list


def _tops(page, *labels: str) -> list[float]:
    return [round(page.get_by_label(label, exact=True).bounding_box()["y"]) for label in labels]


def test_contact_form_fields_side_by_side_line_up_on_desktop(page, live_server, make):
    make.settings()
    page.goto(f"{live_server}/contact")
    company, phone = _tops(page, "Company", "Phone")
    topic, budget = _tops(page, "Topic *", "Budget range")
    assert company == phone and topic == budget  # a hint above one input does not push it down
    page.get_by_role("button", name="Send message").click()  # errors under some fields
    page.get_by_text("Please correct the highlighted fields.").wait_for()
    company, phone = _tops(page, "Company", "Phone")
    topic, budget = _tops(page, "Topic *", "Budget range")
    assert company == phone and topic == budget


def test_editor_action_buttons_are_the_same_size(page, live_server, make):
    from techpulse.models import Role

    make.category("Gadgets")
    log_in_browser(page, live_server, make.staff(Role.EDITOR))
    page.goto(f"{live_server}/admin/articles/new")
    buttons = page.locator("form .actions").last.locator(".button")
    sizes = {(round(b["height"]), b["font"]) for b in buttons.evaluate_all(
        "els => els.map(el => ({height: el.getBoundingClientRect().height,"
        " font: getComputedStyle(el).fontSize}))"
    )}  # fmt: skip
    assert buttons.count() >= 4 and len(sizes) == 1, sizes
