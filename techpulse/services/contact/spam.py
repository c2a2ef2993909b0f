"""Spam rules for the contact form, with no third party: honeypot, form age, content score."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from techpulse.clock import utcnow

STAMP_SALT = "contact-form"
LINK = re.compile(r"https?://|www\.|\[url|<a\s", re.IGNORECASE)
RUN = re.compile(r"(.)\1{9,}")
SPAM_PHRASES = (
    "casino",
    "viagra",
    "cialis",
    "crypto investment",
    "bitcoin investment",
    "forex signals",
    "backlinks",
    "guest post",
    "seo services",
    "first page of google",
    "rank your website",
    "buy followers",
    "earn money fast",
    "make money online",
    "work from home",
    "loan offer",
    "100% guaranteed",
    "click here",
    "unsubscribe",
    "dear sir/madam",
    "escort",
    "porn",
)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=STAMP_SALT)


def form_stamp() -> str:
    """A signed timestamp for a freshly shown form."""
    return _serializer().dumps(int(utcnow().timestamp()))


def stamp_problem(stamp: str) -> str:
    """Why a form's signed timestamp is suspect ("" when it is fine)."""
    try:
        issued = _serializer().loads(stamp or "")
    except BadSignature:
        return "missing or forged form timestamp"
    if not isinstance(issued, int):
        return "missing or forged form timestamp"
    age = utcnow().timestamp() - issued
    config = current_app.config
    if age < float(config["CONTACT_MIN_SECONDS"]):
        return f"sent {max(age, 0):.0f} s after the form was shown (too fast)"
    if age > float(config["CONTACT_MAX_AGE_HOURS"]) * 3600:
        return "form older than its time limit"
    return ""


@dataclass
class Score:
    """A message's content score and what made it up."""

    points: int
    reasons: list[str]


def content_score(text: str) -> Score:
    """Score a message body: links, repeated text and known spam phrases add points."""
    points, reasons = 0, []
    links = len(LINK.findall(text))
    if links > 1:
        points += links - 1
        reasons.append(f"{links} links")
    words = re.findall(r"\w+", text.lower())
    if len(words) >= 20 and len(set(words)) / len(words) < 0.3:
        points += 5  # real enquiries never repeat most of their words
        reasons.append("repeated text")
    if RUN.search(text):
        points += 1
        reasons.append("repeated characters")
    lowered = text.lower()
    for phrase in SPAM_PHRASES:
        if phrase in lowered:
            points += 2
            reasons.append(f"phrase “{phrase}”")
    return Score(points, reasons)


def spam_reasons(honeypot: str, stamp: str, text: str) -> list[str]:
    """Every reason to treat a submission as spam (empty: it looks genuine)."""
    reasons = []
    if honeypot:
        reasons.append("hidden field filled in")
    problem = stamp_problem(stamp)
    if problem:
        reasons.append(problem)
    score = content_score(text)
    if score.points >= int(current_app.config["CONTACT_SPAM_SCORE"]):
        reasons.append(f"content score {score.points}: " + ", ".join(score.reasons))
    return reasons
