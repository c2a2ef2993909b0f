"""Full-text search of live articles: one interface over SQLite FTS5 and PostgreSQL.

The visitor's words are never passed to either database as query syntax: they are split into
plain words here (at most ``MAX_TERMS``, from the first ``MAX_QUERY_LENGTH`` characters), and
each word is then quoted for FTS5 or handed to PostgreSQL's tsquery functions as a value. So
any text, from SQL to ``NEAR(`` to emoji, is either found or not found, never an error.

Words in double quotes are a phrase: found only side by side, in that order. Any other word
of ``PREFIX_MIN`` letters or more also finds the words it begins ("postg" finds PostgreSQL),
on both databases (FTS5 ``"postg"*``, PostgreSQL ``'postg':*``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from markupsafe import Markup, escape
from sqlalchemy import ColumnElement, Select, column, func, literal_column, select, table, text

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models import Article, SearchDocument
from techpulse.models.search import FTS_TABLE, TEXT_SEARCH_CONFIG, VECTOR_COLUMN
from techpulse.services.articles import HIT_LOADS
from techpulse.slugs import text_words

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MAX_TERM_LENGTH = 40
PREFIX_MIN = 3  # shorter words ("ai", "go") are found whole: as prefixes they find too much
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
SNIPPET_WORDS = 28
OPEN, CLOSE = "\x02", "\x03"  # stripped from indexed text, so only the database adds them
_ADJACENT_MARKS = re.compile(f"{CLOSE}(\\s+){OPEN}")
_FTS = table(FTS_TABLE, column("rowid"))


@dataclass(frozen=True)
class SearchHit:
    """One article found, with its title and a snippet as safe HTML, matches in <mark>."""

    article: Article
    title: Markup
    snippet: Markup


def query_terms(query: str) -> list[str]:
    """The distinct words and "quoted phrases" of a visitor's query, lower-cased, bounded.

    A phrase is one term: its words joined by single spaces (no word holds a space).
    """
    text = query[:MAX_QUERY_LENGTH].casefold().translate(_QUOTES)
    terms: list[str] = []
    for index, part in enumerate(text.split('"')):  # odd parts were between quotes
        words = [word[:MAX_TERM_LENGTH] for word in text_words(part)]
        if index % 2 and len(words) > 1:
            terms.append(" ".join(words[:MAX_TERMS]))
        else:
            terms.extend(words)
    return list(dict.fromkeys(terms))[:MAX_TERMS]


def is_prefix(term: str) -> bool:
    """Whether a term also finds the longer words it begins (a long enough single word)."""
    return " " not in term and len(term) >= PREFIX_MIN


def search(query: str, page: int = 1, per_page: int = 10) -> SearchResults:
    """One page of live articles matching every word of ``query``, title matches first."""
    terms = query_terms(query)
    dialect = db.session.get_bind().dialect.name
    finder = (PostgresFinder if dialect == "postgresql" else SqliteFinder)(terms, utcnow())
    return SearchResults(page=page, per_page=per_page, error_out=False, finder=finder)


class SearchResults(Pagination):
    """A page of :class:`SearchHit` with the total count; fits the pagination macro."""

    @property
    def terms(self) -> list[str]:
        return self._query_args["finder"].terms

    def _query_items(self) -> list[Any]:
        return self._query_args["finder"].hits(self._query_offset, self.per_page)

    def _query_count(self) -> int:
        return self._query_args["finder"].count()


def highlighted(marked: str | None) -> Markup:
    """Escape text the database marked with OPEN/CLOSE and turn the marks into <mark>."""
    value = marked or ""
    html = _ADJACENT_MARKS.sub(r"\1", str(escape(value)))  # "Scale AI" is one mark, not two
    if html.count(OPEN) != html.count(CLOSE):
        return Markup(html.replace(OPEN, "").replace(CLOSE, ""))
    return Markup(html.replace(OPEN, "<mark>").replace(CLOSE, "</mark>"))


class _Finder:
    def __init__(self, terms: list[str], now: datetime) -> None:
        self.terms = terms
        self.now = now

    def hits(self, offset: int, limit: int) -> list[SearchHit]:
        if not self.terms:
            return []
        rows = db.session.execute(self._page(offset, limit)).all()
        return [SearchHit(row[0], highlighted(row[1]), highlighted(row[2])) for row in rows]

    def count(self) -> int:
        if not self.terms:
            return 0
        return db.session.scalar(self._count()) or 0

    def _page(self, offset: int, limit: int) -> Select[Any]:
        raise NotImplementedError

    def _count(self) -> Select[Any]:
        raise NotImplementedError


class SqliteFinder(_Finder):
    """FTS5: every term quoted as a string (a prefix, or a phrase), ranked by bm25."""

    def _match(self, name: str, column: str = "") -> ColumnElement[bool]:
        # Terms hold no quotes; a quoted string of several words is an FTS5 phrase.
        words = " AND ".join(
            f'"{term}"*' if is_prefix(term) else f'"{term}"' for term in self.terms
        )
        expression = f"{column} : ({words})" if column else words
        return text(f"{FTS_TABLE} MATCH :{name}").bindparams(**{name: expression})

    def _found(self) -> Select[Any]:
        fts = literal_column(FTS_TABLE)
        return (
            select(Article)
            .select_from(_FTS)
            .join(Article, Article.id == _FTS.c.rowid)
            .where(self._match("words"), Article.live(self.now))
        ).add_columns(
            func.highlight(fts, 0, OPEN, CLOSE),
            func.snippet(fts, 2, OPEN, CLOSE, "…", SNIPPET_WORDS),
        )

    def _page(self, offset: int, limit: int) -> Select[Any]:
        in_title = select(_FTS.c.rowid).where(self._match("title_words", "title"))
        in_title = in_title.correlate(None)  # its own scan of the index, not the outer row
        # bm25 weights: title, excerpt, body, category, tags (lower scores rank first).
        score = func.bm25(literal_column(FTS_TABLE), 10.0, 3.0, 1.0, 4.0, 4.0)
        return (
            self._found()
            .options(*HIT_LOADS)
            .order_by(Article.id.in_(in_title).desc(), score, Article.published_at.desc())
            .limit(limit)
            .offset(offset)
        )

    def _count(self) -> Select[Any]:
        return select(func.count()).select_from(self._found().subquery())


class PostgresFinder(_Finder):
    """A GIN-indexed tsvector (title weighted A), a tsquery per term, ``ts_headline``."""

    def _query(self) -> ColumnElement[Any]:
        query = self._term_query(self.terms[0])
        for term in self.terms[1:]:
            query = query.op("&&")(self._term_query(term))
        return query

    def _term_query(self, term: str) -> ColumnElement[Any]:
        if " " in term:
            return func.phraseto_tsquery(self._config(), term)
        if is_prefix(term):  # a word holds only letters, digits and marks: no tsquery syntax
            return func.to_tsquery(self._config(), f"'{term}':*")
        return func.plainto_tsquery(self._config(), term)

    @staticmethod
    def _config() -> ColumnElement[Any]:
        return literal_column(f"'{TEXT_SEARCH_CONFIG}'::regconfig")

    def _found(self, *columns: Any) -> Select[Any]:
        vector = literal_column(f"search_documents.{VECTOR_COLUMN}")
        return (
            select(*columns)
            .select_from(SearchDocument)
            .join(Article, Article.id == SearchDocument.article_id)
            .where(vector.op("@@")(self._query()), Article.live(self.now))
        )

    def _page(self, offset: int, limit: int) -> Select[Any]:
        vector = literal_column(f"search_documents.{VECTOR_COLUMN}")
        title_only = func.ts_filter(vector, literal_column("'{a}'::\"char\"[]"))
        in_title = title_only.op("@@")(self._query()).label("in_title")
        rank = func.ts_rank(vector, self._query()).label("rank")
        order = (in_title.desc(), rank.desc(), Article.published_at.desc(), Article.id.desc())
        ranked = self._found(SearchDocument.article_id, in_title, rank, Article.published_at)
        ranked = ranked.order_by(*order).limit(limit).offset(offset).subquery()
        # ts_headline re-reads the text: run it on this page's rows only.
        marks = f"StartSel={OPEN}, StopSel={CLOSE}"
        body_options = f"{marks}, MaxWords={SNIPPET_WORDS}, MinWords=12, MaxFragments=1"
        return (
            select(
                Article,
                func.ts_headline(
                    self._config(),
                    SearchDocument.title,
                    self._query(),
                    f"{marks}, HighlightAll=true",
                ),
                func.ts_headline(self._config(), SearchDocument.body, self._query(), body_options),
            )  # fmt: skip
            .join(ranked, ranked.c.article_id == Article.id)
            .join(SearchDocument, SearchDocument.article_id == Article.id)
            .options(*HIT_LOADS)
            .order_by(ranked.c.in_title.desc(), ranked.c.rank.desc())
            .order_by(ranked.c.published_at.desc(), Article.id.desc())
        )

    def _count(self) -> Select[Any]:
        return self._found(func.count())
