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
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

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

GENERATOR_VERSION = 3  # bump when the generated rows change shape
BODIES = 240  # distinct bodies; stories reuse them, as the page cost does not depend on words
TAGS = 400
AUTHORS = 12
BANNERS = 4
NEWEST = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
SITE_URL = "https://bench.techpulse.example"
CHUNK = 10_000  # stories per committed chunk (an interrupted run resumes at one)


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

    @property
    def host_name(self) -> str:
        """The public host name (SITE_URL's): what visitors through nginx ask for."""
        return urlsplit(SITE_URL).hostname or ""

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
            "TECHPULSE_SITE_URL": SITE_URL,
        } | ({"TECHPULSE_REDIS_URL": redis_url} if redis_url else {})


def ensure_site(size: int, seed: int, cache: Path, database_url: str = "") -> Site:
    """The cached site for (size, seed), generated first when missing or out of date.

    Sites are keyed by size, seed and GENERATOR_VERSION; a cached one is brought to the
    current migrations and reused. An interrupted generation resumes where it stopped.
    """
    key = f"{size}-seed{seed}-v{GENERATOR_VERSION}"
    folder = cache.resolve() / f"site-{key}{'-pg' if database_url else ''}"
    marker = folder / "site.json"
    if database_url:  # every size in a schema of its own, so all stay cached in one database
        url = schema_url(database_url, f"bench_{key.replace('-', '_')}")
    else:
        url = f"sqlite:///{folder / 'instance' / 'techpulse.sqlite'}"
    if marker.exists():
        saved = json.loads(marker.read_text())
        # Where the site is now, not where it was generated: a copied cache stays usable.
        saved |= {"instance": str(folder / "instance"), "database_url": url}
        if saved.pop("version", None) == GENERATOR_VERSION and _has(url, size):
            _upgrade(Path(saved["instance"]), url)  # the site's data, today's schema
            return Site(**saved)
        (folder / "base-ready").unlink(missing_ok=True)
    started = time.perf_counter()
    resuming = (folder / "base-ready").exists()
    print(
        f"{'Resuming' if resuming else 'Generating'} a site of {size:,} stories (seed {seed})…",
        flush=True,
    )
    (folder / "instance").mkdir(parents=True, exist_ok=True)
    site = _generate(size, seed, folder, url)
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


def _generate(size: int, seed: int, folder: Path, url: str) -> Site:
    instance, postgres = folder / "instance", url.startswith("postgres")
    ready = folder / "base-ready"
    if not ready.exists():  # the base again from scratch, then the stories from the first
        (folder / "progress.json").unlink(missing_ok=True)
        if not postgres:
            _copy_base(seed, instance)
        else:
            with _app(instance, url).app_context():
                # On a connection of its own: a session commit would try to invalidate the
                # page cache in a table the drop has just removed.
                schema = _schema(url)
                with db.engine.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                    connection.execute(text(f'CREATE SCHEMA "{schema}"'))
                _base(random.Random(seed))
                db.engine.dispose()
        ready.touch()
    _upgrade(instance, url)  # a base copied (or a run resumed) from before a new migration
    app = _app(instance, url)
    with app.app_context():
        ids = [list(db.session.scalars(select(m.id).order_by(m.id))) for m in BASE_MODELS]
        _stories(size, seed, *ids, progress=folder / "progress.json")
        recount_all(db.session)
        if postgres:
            db.session.execute(text("DROP TABLE IF EXISTS bench_bodies"))
        db.session.commit()
        if postgres:  # plans for the new rows, and a visibility map for index-only scans
            with db.engine.connect() as connection:
                connection = connection.execution_options(isolation_level="AUTOCOMMIT")
                connection.execute(text("VACUUM (ANALYZE)"))
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
    size: int, seed: int, categories: list[int], authors: list[int],
    banners: list[int], tags: list[int], progress: Path,
) -> None:  # fmt: skip
    """Add stories until ``size`` are live, in chunks each committed on its own.

    Every chunk's rows come from a generator seeded with (seed, chunk), and its ids follow
    from its number, so an interrupted run resumes at the first chunk not committed and
    makes the same site as an uninterrupted one. PostgreSQL loads each chunk with COPY into
    a staging table joined to the bodies on the server; SQLite takes batched INSERTs.
    """
    state = json.loads(progress.read_text()) if progress.exists() else {}
    if not state:
        state = {
            "first_id": (db.session.scalar(select(func.max(Article.id))) or 0) + 1,
            "live_before": db.session.scalar(
                select(func.count()).select_from(Article).where(Article.live())
            ),
        }
        progress.write_text(json.dumps(state))
    first_id, target = state["first_id"], size - state["live_before"]
    done = (db.session.scalar(select(func.max(Article.id))) or 0) - first_id + 1
    # Only the last chunk can be short: a short one committed means every chunk is there.
    chunk = -(-max(done, 0) // CHUNK)
    bodies = _bodies(seed)
    writer = (
        _PostgresWriter(bodies) if db.engine.dialect.name == "postgresql" else _SqliteWriter(bodies)
    )
    weights = [1 / (rank + 1) for rank in range(len(tags))]  # a few popular tags, a long tail
    bar = Progress("stories", target, min(target, chunk * CHUNK - chunk * CHUNK // 51))
    while (start := chunk * CHUNK) - start // 51 < target:
        rng = random.Random(f"{seed}:{chunk}")
        rows: list[tuple[Any, ...]] = []
        links: list[tuple[int, int, datetime | None]] = []
        for n in range(start, start + CHUNK):
            if n - n // 51 >= target:
                break
            draft = n % 51 == 50  # about 2% drafts among them, as on a real site
            article_id = first_id + n
            title = content.title(rng)
            when = NEWEST - timedelta(minutes=47 * n + rng.randrange(40))
            live_from = None if draft else when.replace(tzinfo=None)  # as services/tag_listing
            rows.append((
                article_id, title, f"{_slug(title)}-{n + 1}", rng.randrange(BODIES),
                Status.DRAFT.value if draft else Status.PUBLISHED.value,
                live_from, when.replace(tzinfo=None),
                n % 997 == 0, rng.choice(categories), rng.choice(authors),
                rng.choice(banners) if rng.random() < 0.9 else None,
            ))  # fmt: skip
            for tag_id in set(rng.choices(tags, weights=weights, k=rng.randint(2, 5))):
                links.append((article_id, tag_id, live_from))
        writer.write(rows, links)
        db.session.commit()
        chunk += 1
        bar.update(min(target, chunk * CHUNK - chunk * CHUNK // 51))
    bar.close()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT setval('articles_id_seq', (SELECT max(id) FROM articles))"))


STAGE_COLUMNS = (
    "id", "title", "slug", "body_no", "status", "published_at", "created_at", "featured",
    "category_id", "author_id", "banner_id",
)  # fmt: skip


def _bodies(seed: int) -> list[tuple[str, str, str, int]]:
    """BODIES Markdown bodies with their HTML, excerpt and reading time, as a save makes them."""
    rng = random.Random(f"{seed}:bodies")
    bodies = []
    for _ in range(BODIES):
        source = content.body(rng)
        rendered = render_markdown(source)
        bodies.append((source, rendered.html, excerpt(rendered.text), rendered.reading_minutes))
    return bodies


_slugs: dict[str, str] = {}


def _slug(title: str) -> str:
    """slugify, remembered: the titles come from a few thousand patterns."""
    if title not in _slugs:
        _slugs[title] = slugify(title)
    return _slugs[title]


class _SqliteWriter:
    """Batched INSERTs through SQLAlchemy (the Python-side column defaults apply)."""

    def __init__(self, bodies: list[tuple[str, str, str, int]]) -> None:
        self.bodies = bodies

    def write(self, rows: list[tuple[Any, ...]], links: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        records = []
        for row in rows:
            values = dict(zip(STAGE_COLUMNS, row, strict=True))
            source, html, summary, minutes = self.bodies[values.pop("body_no")]
            for key in ("published_at", "created_at"):
                if values[key] is not None:
                    values[key] = values[key].replace(tzinfo=UTC)
            records.append(values | {
                "excerpt": summary, "body_md": source, "body_html": html,
                "reading_minutes": minutes, "updated_at": values["created_at"],
                "seo_title": "", "seo_description": "",
            })  # fmt: skip
        db.session.execute(insert(Article), records)
        db.session.execute(
            insert(article_tags),
            [
                {"article_id": a, "tag_id": t, "live_from": w and w.replace(tzinfo=UTC)}
                for a, t, w in links
            ],
        )


class _PostgresWriter:
    """COPY the small columns into a staging table; the server joins the bodies in.

    The bodies sit in an unlogged table of the site's schema while it loads (dropped by
    :func:`_generate` at the end); the staging table is a temporary one, made in each
    chunk's transaction as the pool may hand out another connection.
    """

    def __init__(self, bodies: list[tuple[str, str, str, int]]) -> None:
        session = db.session
        session.execute(text("DROP TABLE IF EXISTS bench_bodies"))
        session.execute(
            text(
                "CREATE UNLOGGED TABLE bench_bodies (no int PRIMARY KEY, body_md text, "
                "body_html text, excerpt text, minutes int)"
            )
        )
        with self._cursor().copy("COPY bench_bodies FROM STDIN") as copy:
            for no, (source, html, summary, minutes) in enumerate(bodies):
                copy.write_row((no, source, html, summary, minutes))
        session.commit()
        self.lz4 = bool(
            session.scalar(
                text(
                    "SELECT count(*) FROM pg_settings WHERE name = 'default_toast_compression' "
                    "AND 'lz4' = ANY(enumvals)"
                )
            )
        )

    def _cursor(self) -> Any:
        return db.session.connection().connection.driver_connection.cursor()

    def write(self, rows: list[tuple[Any, ...]], links: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        session = db.session
        session.execute(text("SET LOCAL synchronous_commit = off"))
        if self.lz4:  # several times faster to load than the default pglz, as fast to read
            session.execute(text("SET LOCAL default_toast_compression = lz4"))
        session.execute(
            text(
                "CREATE TEMP TABLE IF NOT EXISTS bench_stage (id int, title text, slug text, "
                "body_no int, status text, published_at timestamp, created_at timestamp, "
                "featured bool, category_id int, author_id int, banner_id int) "
                "ON COMMIT DELETE ROWS"
            )
        )
        cursor = self._cursor()
        with cursor.copy(f"COPY bench_stage ({', '.join(STAGE_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        session.execute(
            text(
                "INSERT INTO articles (id, title, slug, excerpt, excerpt_written, body_md, "
                "body_html, reading_minutes, status, published_at, created_at, updated_at, "
                "featured, seo_title, seo_description, social_title, social_description, "
                "canonical_url, noindex, status_before_trash, category_id, author_id, banner_id) "
                "SELECT s.id, s.title, s.slug, b.excerpt, false, b.body_md, b.body_html, "
                "b.minutes, s.status, s.published_at, s.created_at, s.created_at, s.featured, "
                "'', '', '', '', '', false, '', s.category_id, s.author_id, s.banner_id "
                "FROM bench_stage s JOIN bench_bodies b ON b.no = s.body_no ORDER BY s.id"
            )
        )
        with cursor.copy("COPY article_tags (article_id, tag_id, live_from) FROM STDIN") as copy:
            for link in links:
                copy.write_row(link)


class Progress:
    """A one-line progress bar on a terminal (a line every 10% otherwise), with an ETA."""

    def __init__(self, label: str, total: int, done: int = 0) -> None:
        self.label, self.total, self.first = label, max(total, 1), done
        self.tty, self.shown, self.started = sys.stdout.isatty(), -1, time.monotonic()

    def update(self, done: int) -> None:
        elapsed = time.monotonic() - self.started
        share = done / self.total
        rate = (done - self.first) / elapsed if elapsed > 0 else 0.0
        eta = (self.total - done) / rate if rate else 0.0
        width = 30
        bar = "#" * int(share * width)
        line = (
            f"  {self.label} [{bar:<{width}}] {done:,}/{self.total:,} {share:.0%} "
            f"{rate:,.0f}/s, {elapsed:.0f} s, about {eta:.0f} s left"
        )
        if self.tty:
            print("\r" + line, end="", flush=True)
        elif int(share * 10) != self.shown:
            self.shown = int(share * 10)
            print(line, flush=True)

    def close(self) -> None:
        if self.tty:
            print(flush=True)


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
