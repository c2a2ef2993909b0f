"""Generate a reproducible bench site of N published stories, once, and reuse it.

The demo content goes through the app's own services (categories, the About page, banners
through the image pipeline); the bulk of the stories is inserted in batches, with bodies
rendered and sanitized by ``techpulse.markup.markdown`` exactly as a save would, so the rows look
like the ones the editor writes. A site is cached under ``<cache>/site-<size>-seed<seed>``.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask_migrate import upgrade
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url

from bench import content
from techpulse import create_app
from techpulse.demo.seed import seed_demo
from techpulse.extensions import db
from techpulse.markup.markdown import excerpt, render_markdown
from techpulse.models import Article, Category, Image, Role, Status, Tag, User, article_tags
from techpulse.services.listing_counts import recount_all
from techpulse.services.media.drawing import draw_banner
from techpulse.services.media.library import create_image
from techpulse.slugs import slugify

GENERATOR_VERSION = 2  # bump when the generated rows change shape
BODIES = 240  # distinct bodies; stories reuse them, as the page cost does not depend on words
TAGS = 400
AUTHORS = 12
BANNERS = 4
NEWEST = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
BATCH = 5000


@dataclass(frozen=True)
class Site:
    """A generated site and the URLs worth measuring on it."""

    size: int
    seed: int
    instance: str
    database_url: str
    article: str
    category: str
    tag: str
    author: str

    def environment(self, redis_url: str = "") -> dict[str, str]:
        """TECHPULSE_* settings that point an app server at this site (and Redis, if given)."""
        return {
            "TECHPULSE_DATABASE_URL": self.database_url,
            # As the README's production set-up: one proxy in front (nginx, for some rows).
            "TECHPULSE_PROXY_FIX_X_FOR": "1",
            "TECHPULSE_INSTANCE_PATH": self.instance,
            "TECHPULSE_UPLOAD_FOLDER": str(Path(self.instance) / "uploads"),
            # Production mode, as users run it: a strong key and an https public address.
            "TECHPULSE_SECRET_KEY": "bench-3f9c1a7e5b2d8046c1e9a7f3b5d2c8e0a4f6b1d9",
            "TECHPULSE_SITE_URL": "https://bench.techpulse.example",
        } | ({"TECHPULSE_REDIS_URL": redis_url} if redis_url else {})


def ensure_site(size: int, seed: int, cache: Path, database_url: str = "") -> Site:
    """The cached site for (size, seed), generated first when missing or out of date."""
    folder = cache.resolve() / f"site-{size}-seed{seed}{'-pg' if database_url else ''}"
    marker = folder / "site.json"
    if database_url:  # every size in a schema of its own, so all stay cached in one database
        url = schema_url(database_url, f"bench_{size}_seed{seed}")
    else:
        url = f"sqlite:///{folder / 'instance' / 'techpulse.sqlite'}"
    if marker.exists():
        saved = json.loads(marker.read_text())
        # Where the site is now, not where it was generated: a copied cache stays usable.
        saved |= {"instance": str(folder / "instance"), "database_url": url}
        if saved.pop("version", None) == GENERATOR_VERSION and _has(url, size):
            _upgrade(Path(saved["instance"]), url)  # the site's data, today's schema
            return Site(**saved)
    started = time.perf_counter()
    print(f"Generating a site of {size:,} stories (seed {seed})…", flush=True)
    (folder / "instance").mkdir(parents=True, exist_ok=True)
    site = _generate(size, seed, folder / "instance", url)
    marker.write_text(json.dumps({"version": GENERATOR_VERSION, **asdict(site)}, indent=2))
    print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
    return site


def schema_url(database_url: str, schema: str) -> str:
    """``database_url`` with its connections working in ``schema`` (PostgreSQL search_path)."""
    url = make_url(database_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def _schema(url: str) -> str:
    return make_url(url).query["options"].removeprefix("-csearch_path=")  # type: ignore[union-attr]


def _app(instance: Path, url: str) -> Any:
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "INSTANCE_PATH": instance,
            "UPLOAD_FOLDER": str(instance / "uploads"),
            "SECRET_KEY": "bench-secret-key",
        }
    )


def _upgrade(instance: Path, url: str) -> None:
    """Bring a cached site's schema up to the current migrations."""
    with _app(instance, url).app_context():
        upgrade()
        db.engine.dispose()


def _has(url: str, size: int) -> bool:
    """Whether the database at ``url`` holds a generated site of ``size`` live stories."""
    app = _app(Path("/tmp"), url) if url.startswith("postgres") else None
    if app is None:
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            return False
        app = _app(path.parent, url)
    with app.app_context():
        try:
            live = select(func.count()).select_from(Article).where(Article.live())
            return db.session.scalar(live) == size
        except Exception:  # no schema yet
            return False
        finally:
            db.engine.dispose()


def _generate(size: int, seed: int, instance: Path, url: str) -> Site:
    rng = random.Random(seed)
    if not url.startswith("postgres"):
        _copy_base(seed, instance)
    app = _app(instance, url)
    with app.app_context():
        if url.startswith("postgres"):
            # On a connection of its own: a session commit would try to invalidate the
            # page cache in a table the drop has just removed.
            schema = _schema(url)
            with db.engine.begin() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            _base(random.Random(seed))
        ids = [list(db.session.scalars(select(m.id).order_by(m.id))) for m in BASE_MODELS]
        _stories(size, rng, *ids)
        recount_all(db.session)
        db.session.commit()
        if url.startswith("postgres"):  # plans for the new rows, not an empty table's
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        site = _describe(size, seed, instance, url)
        db.engine.dispose()
    return site


BASE_MODELS = (Category, User, Image, Tag)


def _base(rng: random.Random) -> None:
    """Schema, demo content, categories, authors, banners and tags: everything but stories."""
    upgrade()
    seed_demo()
    _categories()
    _authors(rng)
    _banners(rng)
    _tags(rng)
    db.session.commit()


def _copy_base(seed: int, instance: Path) -> None:
    """Start a SQLite site from a copy of the seed's base (banners take a while to draw)."""
    base = instance.parent.parent / f"base-seed{seed}"
    if not (base / "ready").exists():
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(parents=True)
        url = f"sqlite:///{base / 'techpulse.sqlite'}"
        with _app(base, url).app_context():
            _base(random.Random(seed))
            db.engine.dispose()
        (base / "ready").touch()
    shutil.rmtree(instance, ignore_errors=True)
    shutil.copytree(base, instance, ignore=shutil.ignore_patterns("ready", "*-wal", "*-shm"))


def _categories() -> list[int]:
    for position, (name, description) in enumerate(content.EXTRA_CATEGORIES, start=10):
        db.session.add(
            Category(name=name, slug=slugify(name), description=description, position=position)
        )
    db.session.flush()
    return list(db.session.scalars(select(Category.id).order_by(Category.id)))


def _authors(rng: random.Random) -> list[int]:
    names: set[str] = set()
    while len(names) < AUTHORS:
        names.add(f"{rng.choice(content.FIRST_NAMES)} {rng.choice(content.LAST_NAMES)}")
    for name in sorted(names):
        slug = slugify(name)
        bio = f"{name} writes about {rng.choice(content.SUBJECTS)} for TechPulse."
        role = rng.choice([Role.AUTHOR.value, Role.EDITOR.value])
        db.session.add(
            User(name=name, slug=slug, email=f"{slug}@bench.example", role=role, bio=bio)
        )
    db.session.flush()
    return list(db.session.scalars(select(User.id).order_by(User.id)))


def _banners(rng: random.Random) -> list[int]:
    for palette in range(BANNERS):
        headline = content.title(rng)
        data = draw_banner(headline, "TechPulse", palette=palette + 3)
        create_image(data, f"Banner: {headline}", original_name=f"bench-{palette}.png")
    db.session.flush()
    return list(db.session.scalars(select(Image.id).order_by(Image.id)))


def _tags(rng: random.Random) -> list[int]:
    existing = {slug for slug in db.session.scalars(select(Tag.slug))}
    for name in content.tag_names(TAGS, rng):
        if slugify(name) not in existing:
            existing.add(slugify(name))
            db.session.add(Tag(name=name[:60], slug=slugify(name)))
    db.session.flush()
    return list(db.session.scalars(select(Tag.id).order_by(Tag.id)))


def _stories(
    size: int, rng: random.Random, categories: list[int], authors: list[int],
    banners: list[int], tags: list[int],
) -> None:  # fmt: skip
    bodies = []
    for _ in range(BODIES):
        source = content.body(rng)
        rendered = render_markdown(source)
        bodies.append((source, rendered.html, excerpt(rendered.text), rendered.reading_minutes))
    slugs = set(db.session.scalars(select(Article.slug)))
    next_id = (db.session.scalar(select(func.max(Article.id))) or 0) + 1
    live_now = db.session.scalar(select(func.count()).select_from(Article).where(Article.live()))
    weights = [1 / (rank + 1) for rank in range(len(tags))]  # a few popular tags, a long tail
    rows: list[dict[str, Any]] = []
    links: list[dict[str, int]] = []
    published, n = 0, 0
    while published < size - live_now:
        draft = n % 51 == 50  # about 2% drafts among them, as on a real site
        published += not draft
        title = content.title(rng)
        slug = _unique(slugify(title), slugs)
        source, html, summary, minutes = bodies[rng.randrange(BODIES)]
        when = NEWEST - timedelta(minutes=47 * n + rng.randrange(40))
        rows.append({
            "id": next_id, "title": title, "slug": slug, "excerpt": summary, "body_md": source,
            "body_html": html, "reading_minutes": minutes,
            "status": Status.DRAFT.value if draft else Status.PUBLISHED.value,
            "published_at": None if draft else when, "created_at": when, "updated_at": when,
            "featured": n % 997 == 0, "seo_title": "", "seo_description": "",
            "category_id": rng.choice(categories), "author_id": rng.choice(authors),
            "banner_id": rng.choice(banners) if rng.random() < 0.9 else None,
        })  # fmt: skip
        for tag_id in set(rng.choices(tags, weights=weights, k=rng.randint(2, 5))):
            links.append({"article_id": next_id, "tag_id": tag_id})
        next_id, n = next_id + 1, n + 1
        if len(rows) >= BATCH:
            _flush(rows, links)
    _flush(rows, links)
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT setval('articles_id_seq', (SELECT max(id) FROM articles))"))


def _flush(rows: list[dict[str, Any]], links: list[dict[str, int]]) -> None:
    if rows:
        db.session.execute(insert(Article), rows)
        db.session.execute(insert(article_tags), links)
    rows.clear()
    links.clear()


def _unique(slug: str, taken: set[str]) -> str:
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _describe(size: int, seed: int, instance: Path, url: str) -> Site:
    """The launch story, the biggest category, the most used tag and the busiest author."""
    launch = db.session.scalar(select(Article.slug).where(Article.featured).order_by(Article.id))
    category = db.session.scalar(
        select(Category.slug).join(Article).group_by(Category.slug).order_by(func.count().desc())
    )
    tag = db.session.scalar(
        select(Tag.slug).join(article_tags).group_by(Tag.slug).order_by(func.count().desc())
    )
    author = db.session.scalar(
        select(User.slug).join(Article, Article.author_id == User.id)
        .group_by(User.slug).order_by(func.count().desc())
    )  # fmt: skip
    return Site(size, seed, str(instance), url, str(launch), str(category), str(tag), str(author))
