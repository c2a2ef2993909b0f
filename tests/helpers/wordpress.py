"""Helpers for the WordPress import tests: the hand-written export, uploads, generated files."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

from PIL import Image as PILImage

SITE_XML = Path(__file__).parent.parent / "data" / "wordpress" / "site.xml"
OLD_HOST = "https://old.codedote.example"

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Generated</title><link>https://old.codedote.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
"""
TAIL = "</channel></rss>\n"


def make_uploads(folder: Path) -> Path:
    """A copy of wp-content/uploads holding the one file the export's attachment 201 names."""
    target = folder / "uploads" / "2024" / "05"
    target.mkdir(parents=True)
    exif = PILImage.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {2: (22.0, 18.0, 0.0)}  # GPS latitude: must not survive
    buffer = io.BytesIO()
    PILImage.new("RGB", (1800, 1000), (30, 90, 200)).save(buffer, "JPEG", exif=exif)
    (target / "team-photo.jpg").write_bytes(buffer.getvalue())
    return folder / "uploads"


def post_item(post_id: int, title: str = "", body: str = "<p>Body</p>", **fields: str) -> str:
    """One published post ``item`` in WXR 1.2."""
    values = {
        "status": "publish",
        "post_type": "post",
        "post_name": f"generated-{post_id}",
        "post_date": "2024-01-01 10:00:00",
        "post_date_gmt": "2024-01-01 04:30:00",
        **fields,
    }
    wp = "".join(f"<wp:{key}><![CDATA[{value}]]></wp:{key}>" for key, value in values.items())
    return (
        f"<item><title><![CDATA[{title or f'Generated post {post_id}'}]]></title>"
        f"<link>{OLD_HOST}/{values['post_name']}/</link><dc:creator>gen</dc:creator>"
        f"<content:encoded><![CDATA[{body}]]></content:encoded>"
        f"<wp:post_id>{post_id}</wp:post_id>{wp}"
        '<category domain="category" nicename="generated"><![CDATA[Generated]]></category>'
        "</item>\n"
    )


def write_export(path: Path, items: Iterable[str]) -> Path:
    """Write an export with these items, streaming (the file may be large)."""
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD)
        for item in items:
            out.write(item)
        out.write(TAIL)
    return path


def attachment_item(post_id: int, file: str, alt: str = "", parent: str = "0") -> str:
    """One ``attachment`` item for ``wp-content/uploads/<file>``, with its alt text."""
    url = f"{OLD_HOST}/wp-content/uploads/{file}"
    meta = f"<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value>{file}"
    meta += "</wp:meta_value></wp:postmeta>"
    if alt:
        meta += "<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>"
        meta += f"<wp:meta_value><![CDATA[{alt}]]></wp:meta_value></wp:postmeta>"
    return (
        f"<item><title>{file.rsplit('/', 1)[-1]}</title><wp:post_id>{post_id}</wp:post_id>"
        "<wp:status>inherit</wp:status><wp:post_type>attachment</wp:post_type>"
        f"<wp:post_parent>{parent}</wp:post_parent>"
        f"<wp:attachment_url>{url}</wp:attachment_url>{meta}</item>\n"
    )
