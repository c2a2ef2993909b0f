"""A story's language from the script its text is written in, worked out once per save.

Only scripts that name one language well enough are mapped (Devanagari → Hindi, Bengali,
Tamil…); text in Latin script, or mixed with no clear majority, is the site's language ("").
Readers' browsers and screen readers use it through ``lang`` on the article element.
"""

from __future__ import annotations

import unicodedata

SITE_LANGUAGE = "en"
# The first word of a letter's Unicode name → the language written in that script.
SCRIPTS = {
    "DEVANAGARI": "hi",
    "BENGALI": "bn",
    "GURMUKHI": "pa",
    "GUJARATI": "gu",
    "ORIYA": "or",
    "TAMIL": "ta",
    "TELUGU": "te",
    "KANNADA": "kn",
    "MALAYALAM": "ml",
}
SAMPLE = 4000  # letters looked at: enough to tell, and bounded for long stories


def detect_language(*texts: str) -> str:
    """The language code of ``texts`` when most of their letters are in a mapped script, else ""."""
    counts: dict[str, int] = {}
    letters = 0
    for text in texts:
        for char in text:
            if letters >= SAMPLE:
                break
            if not char.isalpha():
                continue
            letters += 1
            script = unicodedata.name(char, "").split(" ", 1)[0]
            if script in SCRIPTS:
                counts[SCRIPTS[script]] = counts.get(SCRIPTS[script], 0) + 1
    if not counts:
        return ""
    language, found = max(counts.items(), key=lambda pair: pair[1])
    return language if found * 2 > letters and language != SITE_LANGUAGE else ""
