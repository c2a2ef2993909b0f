"""`flask import-wordpress` on hostile or huge files: clear errors, no entities, bounded memory."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from sqlalchemy import func, select

from techpulse.extensions import db
from techpulse.models import Article, ImportRun
from techpulse.services.wordpress.wxr import Item, read_wxr
from tests.helpers.wordpress import HEAD, post_item, write_export


def import_file(runner, path: Path):
    return runner.invoke(args=["import-wordpress", str(path)])


def import_measured(runner, path: Path):
    """The command's result and the peak of memory Python allocated while it ran."""
    tracemalloc.start()
    try:
        result = import_file(runner, path)
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def articles() -> int:
    return db.session.scalar(select(func.count()).select_from(Article))


def test_malformed_xml_is_a_clear_error_with_the_line(runner, tmp_path: Path) -> None:
    path = tmp_path / "broken.xml"
    path.write_text(HEAD + post_item(1) + "<item><title>Unclosed\n</channel></rss>\n")
    result = import_file(runner, path)
    assert result.exit_code == 1
    assert "broken.xml: The file is not well-formed XML (line 9, column 2)." in result.output
    assert "Traceback" not in result.output
    assert articles() == 0  # the file is checked before anything is written


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss><channel><item><title>&lol3;</title></item></channel></rss>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss><channel><item><title>&secret;</title></item></channel></rss>
"""


@pytest.mark.parametrize("source", [BILLION_LAUGHS, EXTERNAL], ids=["expansion", "external"])
def test_entity_declarations_are_refused(runner, tmp_path: Path, source: str) -> None:
    path = tmp_path / "entities.xml"
    path.write_text(source)
    result = import_file(runner, path)
    assert result.exit_code == 1
    assert "declares XML entities, which are refused" in result.output
    assert "lollol" not in result.output and "root:" not in result.output
    assert articles() == 0


def test_xml_that_is_not_an_export_is_refused(runner, tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text("<?xml version='1.0'?><html><body>Hello</body></html>")
    result = import_file(runner, path)
    assert result.exit_code == 1
    assert "not a WordPress export" in result.output


def test_a_missing_file_is_a_usage_error(runner, tmp_path: Path) -> None:
    result = import_file(runner, tmp_path / "nope.xml")
    assert result.exit_code == 2 and "does not exist" in result.output


def test_reading_twenty_thousand_items_keeps_memory_bounded(tmp_path: Path) -> None:
    body = "<p>" + "A paragraph of an old story. " * 60 + "</p>"
    path = write_export(tmp_path / "huge.xml", (post_item(n, body=body) for n in range(20_000)))
    assert path.stat().st_size > 40_000_000
    tracemalloc.start()
    try:
        seen = sum(1 for record in read_wxr(path) if isinstance(record, Item))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert seen == 20_000
    assert peak < 2_000_000, f"peak {peak} bytes while reading a {path.stat().st_size}-byte file"


@pytest.mark.slow
def test_importing_five_thousand_items_keeps_memory_bounded(runner, tmp_path: Path) -> None:
    """5,000 items (as exports are: mostly revisions and menu items) through the command;
    the reading test above takes 20,000 through the parser alone."""
    items = (
        post_item(n) if n % 250 == 0 else post_item(n, post_type="revision") for n in range(5_000)
    )
    result, peak = import_measured(runner, write_export(tmp_path / "huge.xml", items))
    assert result.exit_code == 0, result.output
    assert "Imported 20, updated 0, unchanged 0, skipped 4980." in result.output
    assert "… and 3980 more" in result.output
    assert articles() == 20
    run = db.session.scalar(select(ImportRun))
    assert run.skipped == 4_980 and len(run.details["skipped"]) == 200
    assert peak < 8_000_000, f"peak {peak} bytes"  # 3.5 MB measured; a kept item is > 1 KB


def test_items_longer_than_the_editor_takes_are_skipped_with_a_report_line(
    runner, tmp_path: Path
) -> None:
    """A 3 MB post is dropped as it is read; a 250,000-character one after conversion."""
    huge = "<p>" + "x" * 3_000_000 + "</p>"
    long = "<p>" + "A sentence of a very long post. " * 8_000 + "</p>"  # 256,000 characters
    items = [
        post_item(1, "Normal"),
        post_item(2, "Huge", body=huge),
        post_item(3, "Long", body=long),
        post_item(4, "Huge page", body=huge, post_type="page"),
    ]
    result, peak = import_measured(runner, write_export(tmp_path / "big.xml", items))
    assert result.exit_code == 0, result.output
    assert "Imported 1, updated 0, unchanged 0, skipped 3." in result.output
    assert "too large to import (the text of 3,000,007 characters)" in result.output
    assert "too long: 25" in result.output and "characters once converted" in result.output
    assert "the editor takes stories of up to 200,000 characters" in result.output
    assert db.session.scalars(select(Article.title)).all() == ["Normal"]
    assert peak < 30_000_000, f"peak {peak} bytes"  # the 3 MB text once, never converted


def test_an_oversized_field_is_dropped_while_reading(tmp_path: Path) -> None:
    path = write_export(tmp_path / "one.xml", [post_item(7, body="y" * 1_500_000)])
    [item] = [record for record in read_wxr(path) if isinstance(record, Item)]
    assert item.content == "" and item.oversized == "the text of 1,500,000 characters"
