"""Each kind of page carries only part of site.css (techpulse/serving/inline_css.py).

In Chromium: a page's own sheet has every rule of the whole file that can apply to it (in
any state: hovered, focused, opened), and every element looks exactly as it does with the
whole file, on a phone and a desktop, in light and dark mode.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from techpulse.services.pages import PageFields, create_page
from techpulse.serving import inline_css
from tests.helpers.accounts import log_in_browser
from tests.helpers.browser import site_tab

pytestmark = pytest.mark.browser

# A story with every kind of block Markdown and the library give (PROSE is filled with two
# library images: a figure, and a gallery of both).
PROSE = """Text with a [link](https://example.com/), **bold**, *italic* and `code`.

## A section

### A smaller one

#### And smaller

- one
- two

1. first
2. second

> A quote worth keeping.

```
print("hello")
```

| Plan | Price |
| --- | --- |
| Small | 10 |

---

![A figure](image:{first} "Its caption")

![One](image:{first}) ![Two](image:{second})

https://www.youtube.com/watch?v=dQw4w9WgXcQ
"""

# The rules of the whole file that can match something on this page (states and
# pseudo-elements set aside: hovered, focused, ::before) and are not in the page's own sheet.
MISSING_RULES = """whole => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(whole);
  const key = rule => {
    let media = "";
    for (let p = rule.parentRule; p; p = p.parentRule) media = p.conditionText + "|" + media;
    return media + rule.cssText;
  };
  // Style rules, also those inside @media (a style rule has cssRules too: nesting).
  const flat = rules => [...rules].flatMap(
    r => r instanceof CSSStyleRule || !r.cssRules ? [r] : flat(r.cssRules));
  const own = new Set(flat(document.styleSheets[0].cssRules).map(key));
  const state = new RegExp("::?(hover|focus-visible|focus-within|focus|active|visited|before|"
    + "after|marker|selection|-webkit-[a-z-]+)(?![\\w-])", "g");
  const matches = one => document.querySelector(
    one.replace(state, "").replace(/[>+~]\\s*$/, "").trim() || "*");
  const applies = rule => !rule.selectorText
    || rule.selectorText.split(/,(?![^(]*\\))/).some(matches);
  return flat(sheet.cssRules).filter(r => applies(r) && !own.has(key(r))).map(key);
}"""

# Every element's computed style (and its ::before and ::after: each property the file sets)
# with the page's own sheet,
# then with the whole file in its place: the elements that differ, and in what. Everything is
# laid out (content-visibility would size off-screen parts by what they last measured, which
# differs between the two passes, not by the rules), and no transition is under way (colours
# fade after a change of scheme).
DIFFERENCES = """whole => {
  const shown = new CSSStyleSheet();
  shown.replaceSync("*, ::before, ::after "
    + "{ content-visibility: visible !important; transition: none !important; }");
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(whole);
  const elements = [...document.querySelectorAll("body, body *")];
  const pseudos = [null, "::before", "::after"];
  // The properties the file sets (longhands): no other can differ between the two passes.
  const rules = r => r.style ? [r, ...[...(r.cssRules || [])].flatMap(rules)]
    : [...(r.cssRules || [])].flatMap(rules);
  const names = [...new Set([...sheet.cssRules].flatMap(rules).flatMap(r => [...r.style]))];
  const styles = swap => {
    document.styleSheets[0].disabled = swap;
    document.adoptedStyleSheets = swap ? [sheet, shown] : [shown];
    return elements.flatMap(el => pseudos.map(pseudo => {
      const style = getComputedStyle(el, pseudo);
      return names.map(name => name + ":" + style.getPropertyValue(name)).join(";");
    }));
  };
  const own = styles(false), full = styles(true);
  document.adoptedStyleSheets = [];
  document.styleSheets[0].disabled = false;
  return own.flatMap((declarations, i) => {
    if (declarations === full[i]) return [];
    const other = new Set(full[i].split(";")), el = elements[Math.floor(i / 3)];
    const changed = declarations.split(";").filter(d => !other.has(d));
    return [[el.tagName + "." + el.className + (pseudos[i % 3] || ""), changed]];
  });
}"""


LOOKS = ((390, "light"), (1366, "light"), (390, "dark"), (1366, "dark"))


@pytest.fixture
def site(app, make):
    """Stories of two sections (one with every kind of block), a tag, pages of lists, About."""
    app.config["PER_PAGE"] = 2  # home and archives get their pagination
    first, second = make.image("A first library picture"), make.image("A second one")
    section = make.category("Cloud")
    writer = make.user("Asha Rao")
    for n in range(4):
        make.article(f"Cloud story {n}", category=section, author=writer, banner=True)
    story = make.article(
        "Every kind of block", category=section, author=writer, banner=True, tags=("Kubernetes",),
        body=PROSE.format(first=first.id, second=second.id),
    )  # fmt: skip
    make.page("about", "About us", "We build **software**.\n\n## What we do\n\n- Web apps")
    return {
        "home": "/",
        "home, page 2": "/?page=2",
        "story": f"/articles/{story.slug}",
        "older story": "/articles/cloud-story-1",
        "category": f"/category/{section.slug}",
        "author": f"/author/{writer.slug}",
        "tag": "/tag/kubernetes",
        "About": "/about",
    }


def _whole_sheet(app) -> str:
    sheets = inline_css.split_sheets((Path(app.static_folder) / inline_css.STYLESHEET).read_bytes())
    return sheets[inline_css.WHOLE].decode()


def test_each_page_has_every_rule_it_uses_and_looks_as_with_the_whole_stylesheet(
    app, page, live_server, site
):
    whole = _whole_sheet(app)
    sizes = {}
    for index, (name, path) in enumerate(site.items()):
        page.emulate_media(color_scheme="light")
        page.set_viewport_size({"width": 1366, "height": 900})
        response = page.goto(live_server + path)
        assert response.status == 200, name
        own = page.evaluate("document.querySelector('head style').textContent")
        sizes[name] = len(own)
        assert page.evaluate(MISSING_RULES, whole) == [], name
        # Which rules can apply does not depend on the width or scheme (above, @media rules
        # count whatever the viewport); the cascade is compared once a page, each page at the
        # next of four widths and schemes, so that each is seen on lists and stories.
        width, scheme = LOOKS[index % len(LOOKS)]
        page.emulate_media(color_scheme=scheme)
        page.set_viewport_size({"width": width, "height": 900})
        # Styled for the new width and scheme before measuring.
        media = f"(width: {width}px) and (prefers-color-scheme: {scheme})"
        page.wait_for_function(f"matchMedia('{media}').matches")
        page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        assert page.evaluate(DIFFERENCES, whole) == [], (name, width, scheme)
    # Stories and About carry the story sheet, lists the list sheet: both smaller than the file.
    assert sizes["story"] == sizes["About"] < len(whole)
    assert sizes["home"] == sizes["category"] == sizes["author"] < len(whole)


def test_staff_parts_of_a_story_and_a_draft_page_are_styled_too(app, browser, live_server, make):
    """What only staff see (a draft notice, edit links) is styled by the page's own sheet."""
    whole = _whole_sheet(app)
    story = make.article("A story", banner=True)
    create_page(PageFields(title="About us", slug="about", body_md="Draft.", published=False))
    tab = site_tab(browser, live_server)
    log_in_browser(tab, live_server, make.staff())
    for path in (f"/articles/{story.slug}", "/about"):
        tab.goto(live_server + path)
        assert tab.evaluate(MISSING_RULES, whole) == [], path
    assert tab.locator(".draft-notice").is_visible()
    tab.context.close()
