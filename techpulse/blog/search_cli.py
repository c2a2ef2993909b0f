"""``flask search …``: maintain the full-text search index."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from techpulse.extensions import db
from techpulse.models import Article
from techpulse.services.search.index import rebuild_index

search = AppGroup("search", help="The full-text search index.")


@search.command("reindex")
def reindex_command() -> None:
    """Rebuild the search index from every article, showing progress."""
    total = db.session.scalar(select(func.count()).select_from(Article)) or 0
    with click.progressbar(length=total, label="Indexing articles", show_pos=True) as bar:
        written = rebuild_index(db.session, progress=bar.update)
    db.session.commit()
    click.echo(f"Indexed {written} {'article' if written == 1 else 'articles'}.")
