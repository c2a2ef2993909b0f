"""Readable, unique URL slugs, in any script: "ai-tech", "नमस्ते-दुनिया", "cafe-a-paris".

A slug is lower-case letters, digits and combining marks (which Devanagari, Bengali, Tamil,
Arabic… need inside words), NFC-normalized, in words joined by single hyphens. Latin
letters lose their accents, as WordPress's slugs do ("Café" → "cafe"); other scripts are
kept as written. Emoji,
symbols and punctuation never appear in one. Slugs are stored as text and put in URLs
percent-encoded (UTF-8), which ``url_for`` does through :class:`SlugConverter`.
"""

from __future__ import annotations

import re
import unicodedata
from html import unescape
from typing import Any

from slugify import slugify as _ascii_slugify
from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute
from werkzeug.routing import BaseConverter, IntegerConverter, Map, ValidationError

from techpulse.extensions import db

# Said by every slug field and error; the example shows that other scripts are welcome.
SLUG_RULE = "Use lower-case letters, digits and single hyphens"
ANY_SCRIPT = "letters of any script are fine, e.g. “नमस्ते-दुनिया”"
FALLBACK = "item"  # the slug of a title with no letters or digits at all (e.g. only emoji)
# The same rule for the browser's own check of a slug field (an HTML ``pattern``, Unicode-aware).
_LETTERS = r"\p{Ll}\p{Lm}\p{Lo}\p{N}"
_WORD = rf"[{_LETTERS}][{_LETTERS}\p{{M}}]*"
SLUG_INPUT_PATTERN = rf"{_WORD}(-{_WORD})*"
_DIGIT_COMMA = re.compile(r"(?<=\d),(?=\d)")  # "1,000" is one number


def is_slug_letter(char: str) -> bool:
    """A letter or digit (in any script) that has no upper-case form left in it."""
    return char.isalnum() and char.lower() == char


def _is_mark(char: str) -> bool:
    # Variation selectors are marks too, but choose how an emoji looks, not how a word is spelt.
    if "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef":
        return False
    return unicodedata.category(char).startswith("M")


def slug_rule(example: str) -> str:
    """The error shown for a slug that is not canonical, with an example of a good one."""
    return f"{SLUG_RULE}, e.g. “{example}” ({ANY_SCRIPT})."


def typed_slug(value: str | None) -> str:
    """A slug as staff typed it: surrounding space removed, NFC-normalized (nothing else)."""
    return unicodedata.normalize("NFC", (value or "").strip())


def is_valid_slug(slug: str) -> bool:
    """Whether ``slug`` is already in canonical slug form (what :func:`slugify` returns)."""
    if not slug or unicodedata.normalize("NFC", slug) != slug:
        return False
    for word in slug.split("-"):
        if not word or not is_slug_letter(word[0]):
            return False
        if not all(is_slug_letter(char) or _is_mark(char) for char in word[1:]):
            return False
    return True


def slugify(text: str, max_length: int = 80) -> str:
    """Lower-case words joined by hyphens, "AI & Tech" → "ai-tech"; "item" when none are left.

    ASCII titles get exactly the slugs they always got; other text keeps its letters, in any
    script ("नमस्ते दुनिया 🚀" → "नमस्ते-दुनिया"), and loses emoji, symbols and punctuation.
    """
    text = text or ""
    if text.isascii():
        return _ascii_slugify(text, max_length=max_length, word_boundary=True) or FALLBACK
    return _unicode_slug(text, max_length) or FALLBACK


def text_words(text: str) -> list[str]:
    """The words of ``text``: letters and digits of any script, with the marks they carry.

    ``re``'s ``\\w`` leaves out combining marks, so it cuts "दुनिया" into "द", "न", "य".
    Emoji, symbols, punctuation and spaces separate words; invisible joiners are dropped.
    """
    found: list[str] = []
    word = ""
    for char in text:
        if char.isalnum() or (word and _is_mark(char)):
            word += char
        elif char not in "\u200c\u200d":
            if word:
                found.append(word)
            word = ""
    if word:
        found.append(word)
    return found


def _fold_latin(text: str) -> str:
    """Latin letters without their accents ("é" → "e", "ß" → "ss"); other scripts untouched."""
    return "".join(
        _ascii_slugify(char) if not char.isascii() and _is_latin(char) else char for char in text
    )


def _is_latin(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN ")


def _unicode_slug(text: str, max_length: int) -> str:
    text = unicodedata.normalize("NFKC", unescape(text)).lower()  # lower() leaves no capital
    text = _fold_latin(unicodedata.normalize("NFC", text))
    # As for ASCII titles: "don't" is two words, "don’t" one; "1,000" is one number.
    text = _DIGIT_COMMA.sub("", text.replace("'", " ").replace("’", ""))
    return unicodedata.normalize("NFC", _truncate(text_words(text), max_length))


def _truncate(words: list[str], max_length: int) -> str:
    """Whole words up to ``max_length`` characters; a first word longer than that is cut."""
    kept: list[str] = []
    for word in words:
        if len("-".join([*kept, word])) > max_length:
            break
        kept.append(word)
    if not kept and words:
        return words[0][:max_length]
    return "-".join(kept)


def unique_slug(
    column: InstrumentedAttribute[str], text: str, *, exclude_id: int | None = None
) -> str:
    """``slugify(text)``, suffixed -2, -3… until no other row of ``column``'s table has it."""
    model = column.class_
    base = slugify(text)
    candidate, n = base, 1
    while True:
        query = select(model.id).where(column == candidate)
        if exclude_id is not None:
            query = query.where(model.id != exclude_id)
        if db.session.scalar(query.limit(1)) is None:
            return candidate
        n += 1
        candidate = f"{base}-{n}"


class SlugConverter(BaseConverter):
    """URL converter that only matches canonical slugs; anything else is a 404 at routing.

    Werkzeug hands it the decoded path segment (``%E0%A4%A8`` or ``%e0%a4%a8`` alike) and
    percent-encodes slugs as UTF-8 when ``url_for`` builds a URL.
    """

    regex = r"[^/]+"

    def to_python(self, value: str) -> str:
        """The slug, NFC-normalized; no match (so a 404) unless it is a canonical slug."""
        slug = unicodedata.normalize("NFC", value)
        if not is_valid_slug(slug):
            raise ValidationError
        return slug


MAX_ROW_ID = 2**31 - 1  # the largest id an INTEGER column holds on every database we support


def row_id(value: object) -> int:
    """Coerce a form value to a row id; ValueError (a form error) for anything else."""
    number = int(str(value))
    if not 0 <= number <= MAX_ROW_ID:
        raise ValueError("not a row id")
    return number


class IdConverter(IntegerConverter):
    """``<int:…>`` for row ids: a number no database column can hold is a 404, not a 500."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)
