"""Authors, categories, tags and dates of a WordPress export, as TechPulse rows and values.

Categories are flattened: every WordPress category becomes one TechPulse category with its
own name and slug (TechPulse sections are flat). A post goes into its deepest category (the
first one listed on a tie); its other categories become tags, so nothing is lost, and the old
nested address /category/parent/child/ answers with a 301 to /category/child.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

from sqlalchemy import func, select

from techpulse.clock import site_zone
from techpulse.extensions import db
from techpulse.markup.markdown import html_to_text
from techpulse.models import Category, Role, User
from techpulse.services import audit, legacy_urls
from techpulse.services.wordpress.addresses import remember_author
from techpulse.services.wordpress.wxr import Author, Term
from techpulse.slugs import is_valid_slug, slugify, typed_slug, unique_slug

ZERO_DATE = "0000-00-00 00:00:00"
UNCATEGORIZED = Term("category", "uncategorized", "Uncategorized")


def wp_slug(raw: str) -> str:
    """A WordPress slug, percent-decoded (any case of hex) and kept: "%e0%a4%a8…" → "न…".

    A slug that is not canonical as it stands (emoji, upper case…) is slugified.
    """
    decoded = typed_slug(unquote(raw or "").lower())
    return decoded if is_valid_slug(decoded) else slugify(decoded) if decoded else ""


def parse_date(value: str) -> datetime | None:
    """A WordPress "YYYY-MM-DD HH:MM:SS" as naive datetime; None for the zero date or junk."""
    if not value or value.startswith("0000"):
        return None
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


class Clock:
    """Turns an item's dates into UTC, learning the old site's offset from the export."""

    def __init__(self) -> None:
        self.offsets: Counter[timedelta] = Counter()

    def learn(self, post_date: str, post_date_gmt: str) -> None:
        """Note the offset one item shows between its local and its GMT date."""
        local, gmt = parse_date(post_date), parse_date(post_date_gmt)
        if local and gmt:
            self.offsets[local - gmt] += 1

    def to_utc(self, post_date: str, post_date_gmt: str) -> datetime | None:
        """``post_date_gmt`` in UTC; for a zero GMT date, ``post_date`` in the old site's zone."""
        gmt = parse_date(post_date_gmt)
        if gmt:
            return gmt.replace(tzinfo=UTC)
        local = parse_date(post_date)
        if local is None:
            return None
        if self.offsets:
            return (local - self.offsets.most_common(1)[0][0]).replace(tzinfo=UTC)
        return local.replace(tzinfo=site_zone()).astimezone(UTC)


class Taxonomy:
    """The export's categories and authors, made into TechPulse rows as posts use them."""

    def __init__(self) -> None:
        self.categories: dict[str, Term] = {}
        self.authors: dict[str, Author] = {}

    def add(self, record: Author | Term) -> None:
        """Remember a channel-level author or category (called while reading)."""
        if isinstance(record, Author):
            self.authors[record.login] = record
        elif record.kind == "category" and record.slug:
            self.categories[record.slug] = record

    def depth(self, slug: str) -> int:
        """How deep a category is nested (0 at the top); cycles cannot loop."""
        seen: set[str] = set()
        while slug in self.categories and slug not in seen:
            seen.add(slug)
            slug = self.categories[slug].parent
        return len(seen)

    def trail(self, slug: str) -> list[str]:
        """The slugs from the top category down to ``slug``."""
        trail: list[str] = []
        while slug and slug not in trail:
            trail.insert(0, slug)
            slug = self.categories[slug].parent if slug in self.categories else ""
        return trail

    def primary(self, used: list[tuple[str, str]]) -> tuple[Term, list[str]]:
        """The category a post goes in, and the names of its other categories."""
        terms = [self.categories.get(slug) or Term("category", slug, name) for slug, name in used]
        if not terms:
            return UNCATEGORIZED, []
        chosen = max(terms, key=lambda term: self.depth(term.slug))  # first of the deepest
        return chosen, [term.name for term in terms if term is not chosen]

    def category(self, term: Term) -> Category:
        """The TechPulse category for ``term`` (created if missing), with its old addresses."""
        slug = wp_slug(term.slug) or slugify(term.name)
        found = db.session.scalar(select(Category).where(Category.slug == slug))
        if found is None:
            name = " ".join((term.name or slug).split())[:80]
            taken = select(Category.id).where(func.lower(Category.name) == name.lower())
            if db.session.scalar(taken) is not None:
                name = f"{name[:70]} ({slug})"[:80]
            found = Category(name=name, slug=slug, position=1000)
            db.session.add(found)
            db.session.flush()
        description = html_to_text(term.description)[:1000]
        if description and not found.description:  # staff's own description is kept
            found.description = description
        trail = "/".join(unquote(part) for part in self.trail(term.slug))
        legacy_urls.remember(legacy_urls.path_key(f"/category/{trail}/"), "category", found.id)
        return found

    def author(self, login: str) -> User:
        """The staff account for a WordPress login: matched by e-mail, else created inactive."""
        wp = self.authors.get(login) or Author(login or "wordpress", "", login or "WordPress")
        email = (wp.email or f"{slugify(wp.login)}@wordpress.invalid").strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is None:
            name = " ".join((wp.display_name or wp.login).split())[:120] or "WordPress author"
            user = User(
                email=email,
                name=name,
                slug=unique_slug(User.slug, name),
                role=Role.AUTHOR.value,
                active=False,  # an admin activates the account and sends a set-password link
            )
            db.session.add(user)
            db.session.flush()
            audit.record("user.imported", email, f"WordPress author {wp.login}, inactive")
        if wp.login:
            key = legacy_urls.path_key(f"/author/{wp.login}/")
            legacy_urls.remember(key, "author", user.id)
            remember_author(wp.login, user.id)
        return user
