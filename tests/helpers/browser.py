"""Debian's Chromium, driven by Playwright: how it starts and a tab kept to one site."""

from __future__ import annotations

from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# How long a step may wait for the page: generous, since only a failing step waits it out
# and a loaded 2-core machine running two test workers can take seconds to render.
STEP_TIMEOUT_MS = 30_000


def site_tab(browser: Any, base_url: str) -> Any:
    """A tab in a new context that refuses every request not to ``base_url``.

    The refused addresses are kept in ``tab.outside_requests``.
    """
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    outside: list[str] = []

    def guard(route: Any) -> None:
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    tab = context.new_page()
    tab.set_default_timeout(STEP_TIMEOUT_MS)
    tab.outside_requests = outside
    return tab


def fill_story(page: Any, text: str) -> None:
    """Type the story in the editor's Markdown mode (the visual mode is the default)."""
    markdown_mode = page.get_by_role("button", name="Markdown", exact=True)
    if markdown_mode.get_attribute("aria-pressed") != "true":
        markdown_mode.click()
    page.get_by_label("Story (Markdown)").fill(text)


def wait_until_loaded(image: Any, timeout: float = 10_000) -> None:
    """Wait until the ``<img>`` that locator ``image`` names has loaded a picture (on a busy
    machine it may still be on its way when the element appears); fail if it never does."""
    image.page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0",
        arg=image.element_handle(),
        timeout=timeout,
    )
