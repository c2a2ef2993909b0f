"""Measure the public pages: requests per second and SQL statements per page.

Builds a throw-away site with many articles in a temporary instance folder, then requests
each public page repeatedly through the WSGI app (no network, so it measures our code).

    .venv/bin/python -m bench [--articles 500] [--requests 200]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event

from techpulse import clock, create_app
from techpulse.extensions import db
from techpulse.models import Category, Role, Status, User
from techpulse.services.article_editor import create_article
from techpulse.services.pages import PageFields, create_page
from techpulse.slugs import slugify

BODY = "\n\n".join(["A paragraph of a typical story, long enough to read. " * 8] * 6)


def build_site(articles: int) -> None:
    """Categories, an author, ``articles`` published stories with tags, the About page."""
    categories = [Category(name=n, slug=slugify(n)) for n in ("AI & Tech", "Cloud", "Business")]
    author = User(name="Bench Writer", slug="bench-writer", email="b@example.com",
                  role=Role.EDITOR.value)  # fmt: skip
    db.session.add_all([*categories, author])
    now = clock.utcnow()
    for i in range(articles):
        create_article(
            title=f"Benchmark story {i}",
            body_md=BODY,
            category=categories[i % 3],
            author=author,
            tags=[f"tag{i % 20}", f"topic{i % 7}"],
            status=Status.PUBLISHED,
            published_at=now - timedelta(hours=i),
        )
    create_page(PageFields(title="About", slug="about", body_md="About the company."))
    db.session.commit()


def measure(client, engine, url: str, requests: int) -> tuple[float, float, int]:  # noqa: ANN001
    """(requests per second, p95 milliseconds, SQL statements per request) for ``url``."""
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    client.get(url)  # warm up
    statements.clear()
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    event.remove(engine, "before_cursor_execute", listener)
    p95 = statistics.quantiles(timings, n=20)[-1] * 1000
    return requests / sum(timings), p95, len(statements) // requests


def main() -> None:
    """Build the site, measure each public page, print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"INSTANCE_PATH": Path(folder), "SECRET_KEY": "bench"})
        with app.app_context():
            db.create_all()
            build_site(args.articles)
            engine = db.engine
        # Requests run outside that context, each in its own, as in production.
        urls = ["/", "/?page=5", "/articles/benchmark-story-42", "/category/ai-tech",
                "/tag/tag3", "/author/bench-writer", "/about"]  # fmt: skip
        print(f"{args.articles} articles, {args.requests} requests per page (SQLite)")
        print(f"{'page':34} {'req/s':>8} {'p95 ms':>8} {'SQL/req':>8}")
        client = app.test_client()
        for url in urls:
            rps, p95, queries = measure(client, engine, url, args.requests)
            print(f"{url:34} {rps:8.0f} {p95:8.1f} {queries:8d}")


if __name__ == "__main__":
    main()
