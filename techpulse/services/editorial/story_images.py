"""Library images inside stories and pages: check, render, remember which are used.

A body shows a library image with ``![alt](image:ID "caption")``. The editor, the page
editor and importers all save bodies through here, so every image a body shows is in
``article_images`` or ``page_images``, and the media library refuses to delete it.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import Table, delete, insert, select

from techpulse.extensions import db
from techpulse.markup.markdown import Rendered, image_references, render_markdown
from techpulse.models import Article, Image, Page, article_images, page_images
from techpulse.services.editorial.story_links import link_targets, record_links
from techpulse.web.field_errors import FieldError

Owner = TypeVar("Owner", Article, Page)

MISSING_ALT = "Every image in the story needs alt text: ![what the picture shows](image:{id})."
UNKNOWN_IMAGE = "Image {id} is not in the media library; pick it again from the library."
UNKNOWN_IMAGES = "Images {ids} are not in the media library; pick them again from the library."


def story_images(source: str) -> dict[int, Image]:
    """The library images a Markdown story refers to, by id, in one query."""
    ids = {reference.image_id for reference in image_references(source)}
    if not ids:
        return {}
    return {image.id: image for image in db.session.scalars(select(Image).where(Image.id.in_(ids)))}


def render_story(source: str) -> Rendered:
    """A story's Markdown as sanitized HTML, its library images and story links resolved."""
    return render_markdown(source, story_images(source), link_targets(source))


def check_story_images(source: str) -> None:
    """Raise FieldError on the body when an image lacks alt text or is not in the library.

    Every image no longer in the library is named, so the writer can fix them at once.
    """
    references = image_references(source)
    for reference in references:
        if not reference.alt:
            raise FieldError("body", MISSING_ALT.format(id=reference.image_id))
    known = story_images(source)
    missing = sorted({ref.image_id for ref in references if ref.image_id not in known})
    if len(missing) == 1:
        raise FieldError("body", UNKNOWN_IMAGE.format(id=missing[0]))
    if missing:
        names = ", ".join(str(image_id) for image_id in missing[:-1]) + f" and {missing[-1]}"
        raise FieldError("body", UNKNOWN_IMAGES.format(ids=names))


def record_story_images(article: Article, source: str) -> None:
    """Remember which library images and stories the article's body shows and links to."""
    _record(article_images, "article_id", article, source)
    record_links(article, source)


def record_page_images(page: Page, source: str) -> None:
    """Remember which library images and stories the page's body shows and links to."""
    _record(page_images, "page_id", page, source)
    record_links(page, source)


def _record(table: Table, key: str, owner: Article | Page, source: str) -> None:
    if owner.id is None:
        db.session.flush()
    ids = set(story_images(source))
    db.session.execute(delete(table).where(table.c[key] == owner.id))
    if ids:
        rows = [{key: owner.id, "image_id": image_id} for image_id in sorted(ids)]
        db.session.execute(insert(table), rows)


def articles_showing(image_ids: list[int]) -> list[tuple[int, Article]]:
    """(image id, article) for every story whose body shows one of these images."""
    return _showing(article_images, "article_id", Article, image_ids)


def pages_showing(image_ids: list[int]) -> list[tuple[int, Page]]:
    """(image id, page) for every static page whose body shows one of these images."""
    return _showing(page_images, "page_id", Page, image_ids)


def _showing(
    table: Table, key: str, model: type[Owner], image_ids: list[int]
) -> list[tuple[int, Owner]]:
    query = (
        select(table.c.image_id, model)
        .join(model, model.id == table.c[key])
        .where(table.c.image_id.in_(image_ids))
        .order_by(model.title)
    )
    return [(image_id, owner) for image_id, owner in db.session.execute(query)]
