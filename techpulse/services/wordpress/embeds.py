"""WordPress embeds (block, shortcode, bare URL, iframe, tweet) as links the site shows as cards.

The site never loads a third party's player: a YouTube, Vimeo or X link alone in its
paragraph becomes a link card when the story is saved (``markup.media.link_card_html``).
These rewrites run on the post's raw HTML, before it is sanitized (which drops the
``<div>``s, classes and iframes that say "this is an embed").
"""

from __future__ import annotations

import re
from html import escape, unescape

from techpulse.markup.markdown import html_to_text, link_card_html

_BLOCK_EMBED = re.compile(
    r"<figure\b[^>]*\bwp-block-embed\b[^>]*>\s*<div\b[^>]*>\s*(?P<url>https?://[^\s<]+)\s*</div>"
    r"(?:\s*<figcaption\b[^>]*>(?P<caption>.*?)</figcaption>)?\s*</figure>",
    re.IGNORECASE | re.DOTALL,
)
_GHOST_EMBED = re.compile(  # Ghost's embed card: a figure around the provider's iframe
    r"<figure\b[^>]*\bkg-embed-card\b[^>]*>(?P<inner>.*?)"
    r"(?:<figcaption\b[^>]*>(?P<caption>.*?)</figcaption>)?\s*</figure>",
    re.IGNORECASE | re.DOTALL,
)
_GHOST_BOOKMARK = re.compile(
    r"<figure\b[^>]*\bkg-bookmark-card\b[^>]*>.*?href=[\"'](?P<url>[^\"']+)[\"']"
    r"(?:.*?kg-bookmark-title[\"'][^>]*>(?P<title>.*?)</div>)?.*?</figure>",
    re.IGNORECASE | re.DOTALL,
)
_IFRAME = re.compile(
    r"<iframe\b[^>]*\bsrc=[\"'](?P<src>[^\"']+)[\"'][^>]*>.*?</iframe>", re.IGNORECASE | re.DOTALL
)
_TWEET = re.compile(
    r"<blockquote\b[^>]*\btwitter-tweet\b[^>]*>(?P<inner>.*?)</blockquote>"
    r"(?:\s*<script\b[^>]*>\s*</script>)?",
    re.IGNORECASE | re.DOTALL,
)
_STATUS_LINK = re.compile(
    r"href=[\"'](?P<url>https?://(?:www\.)?(?:twitter|x)\.com/[^\"']+/status/[^\"']+)[\"']",
    re.IGNORECASE,
)
_PLAYERS = (
    (re.compile(r"^https?://(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]+)"),
     "https://www.youtube.com/watch?v={}"),
    (re.compile(r"^https?://player\.vimeo\.com/video/(\d+)"), "https://vimeo.com/{}"),
)  # fmt: skip
_OWN_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"]+)[ \t]*$", re.MULTILINE)
_PRE = re.compile(r"(<pre\b.*?</pre>)", re.IGNORECASE | re.DOTALL)


def card_paragraph(url: str, title: str = "") -> str:
    """A paragraph holding only a link: what the save path turns into a link card."""
    text = " ".join(title.split()) or url
    return f'\n\n<p><a href="{escape(url)}">{escape(text)}</a></p>\n\n'


def convert_embeds(html: str) -> str:
    """Every embed of a known provider as a card paragraph; other embeds as plain links."""
    html = _BLOCK_EMBED.sub(_block, html)
    html = _GHOST_EMBED.sub(_ghost_embed, html)
    html = _GHOST_BOOKMARK.sub(_ghost_bookmark, html)
    html = _TWEET.sub(_tweet, html)
    html = _IFRAME.sub(_iframe, html)
    # WordPress embeds a URL alone on its line (outside <pre>): the same card here.
    parts = _PRE.split(html)
    for index in range(0, len(parts), 2):
        parts[index] = _OWN_LINE.sub(_bare, parts[index])
    return "".join(parts)


def _block(match: re.Match[str]) -> str:
    url = unescape(match["url"])
    caption = html_to_text(match["caption"] or "")
    return card_paragraph(url) + (f"<p>{escape(caption)}</p>\n\n" if caption else "")


def _ghost_embed(match: re.Match[str]) -> str:
    inner = _TWEET.sub(_tweet, _IFRAME.sub(_iframe, match["inner"]))
    caption = html_to_text(match["caption"] or "")
    return inner + (f"<p>{escape(caption)}</p>\n\n" if caption else "")


def _ghost_bookmark(match: re.Match[str]) -> str:
    return card_paragraph(unescape(match["url"]), html_to_text(match["title"] or ""))


def _tweet(match: re.Match[str]) -> str:
    links = _STATUS_LINK.findall(match["inner"])
    if not links:
        return match[0]
    return card_paragraph(unescape(links[-1]), html_to_text(match["inner"])[:200])


def _iframe(match: re.Match[str]) -> str:
    src = unescape(match["src"])
    for pattern, form in _PLAYERS:
        if found := pattern.match(src):
            return card_paragraph(form.format(found[1]))
    return card_paragraph(src) if src.startswith(("http://", "https://")) else ""


def _bare(match: re.Match[str]) -> str:
    url = unescape(match[1])
    return card_paragraph(url) if link_card_html(url) else match[0]
