"""The staff-area import in a real browser: upload, dry-run report, progress without reloads."""

from __future__ import annotations

import time

import pytest

from techpulse.models import Role
from tests.helpers.accounts import log_in_browser
from tests.helpers.wordpress import SITE_XML

pytestmark = pytest.mark.browser


def test_an_admin_imports_and_follows_the_progress(page, live_server, make, monkeypatch):
    from techpulse.services.wordpress.importer import WordPressImport

    real = WordPressImport._import_item

    def slowly(self, item):  # slow enough to see the bar move (15 items, about 3 s)
        time.sleep(0.2)
        return real(self, item)

    monkeypatch.setattr(WordPressImport, "_import_item", slowly)
    log_in_browser(page, live_server, make.staff(Role.ADMIN))
    page.goto(f"{live_server}/admin/imports/new")
    page.get_by_label("Export file").set_input_files(str(SITE_XML))
    page.get_by_role("button", name="Upload and check").click()
    page.evaluate("window.notReloaded = true")
    bar = page.locator("progress[data-import-progress]")
    page.wait_for_function(
        "() => { const bar = document.querySelector('progress'); return bar && bar.value > 0 }"
    )
    assert page.evaluate("window.notReloaded === true")  # moved by the script, not a reload
    assert int(bar.get_attribute("max") or 0) >= 1
    page.get_by_role("heading", name="Dry run report").wait_for(timeout=60_000)
    report = page.get_by_label("Dry run report").inner_text()
    assert report.startswith("Would import ")
    page.get_by_role("button", name="Import now").click()
    page.get_by_role("heading", name="Result").wait_for(timeout=60_000)
    result = page.get_by_label("Import result").inner_text()
    assert result.splitlines()[0] == report.splitlines()[0].replace("Would import", "Imported")
    assert page.outside_requests == []
