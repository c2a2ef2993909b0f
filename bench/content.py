"""Reproducible, realistic-looking story text for the generated bench sites."""

from __future__ import annotations

import random

SUBJECTS = [
    "small language models", "PostgreSQL", "edge caching", "Kubernetes", "serverless billing",
    "vector search", "Rust in production", "open-source licensing", "zero-trust networks",
    "WebAssembly", "data pipelines", "CI/CD", "on-call rotations", "TypeScript monorepos",
    "passkeys", "observability", "GPU shortages", "cloud egress fees", "feature flags",
    "browser privacy", "mobile payments", "chip export rules", "robotic process automation",
    "API rate limits", "SQLite at scale", "digital public infrastructure", "quantum-safe TLS",
]  # fmt: skip
COMPANIES = [
    "Google", "Microsoft", "Amazon", "Meta", "Apple", "Nvidia", "OpenAI", "Anthropic",
    "Infosys", "TCS", "Wipro", "Stripe", "Cloudflare", "Shopify", "Zoho", "Freshworks",
    "Razorpay", "Flipkart", "Oracle", "IBM", "Intel", "AMD", "Samsung", "Reliance Jio",
]  # fmt: skip
TITLE_PATTERNS = [
    "{company} bets on {subject}",
    "Why {subject} matters for small businesses",
    "What {company}'s move means for {subject}",
    "{subject}: five lessons from a year in production",
    "Is {subject} ready for the enterprise?",
    "How we cut costs with {subject}",
    "{company} and the quiet rise of {subject}",
    "A practical guide to {subject}",
    "The hidden cost of {subject}",
    "{company} rethinks {subject}",
]
WORDS = (
    "team cost latency users release service database cache queue deploy budget client "
    "request network security policy audit model training inference pipeline backlog sprint "
    "contract vendor market growth revenue margin support region outage incident migration "
    "schema index query replica failover storage bandwidth license roadmap hiring partner "
    "customer product feature design review metric dashboard alert rollout pilot"
).split()
VERBS = (
    "reduces improves changes doubles exposes simplifies delays replaces protects measures "
    "scales shapes complicates speeds funds limits unlocks"
).split()
FIRST_NAMES = ["Asha", "Rohan", "Meera", "Karan", "Priya", "Dev", "Nisha", "Arjun", "Isha",
               "Vikram", "Sara", "Kabir", "Anaya", "Neel", "Tara", "Jay"]  # fmt: skip
LAST_NAMES = ["Patel", "Shah", "Mehta", "Desai", "Iyer", "Rao", "Kulkarni", "Joshi",
              "Nair", "Bose", "Gupta", "Menon", "Trivedi", "Kapoor"]  # fmt: skip
EXTRA_CATEGORIES = [
    ("Security", "Threats, defences and the people who keep systems safe."),
    ("Mobile", "Apps, devices and the networks they run on."),
    ("Data & Analytics", "Databases, pipelines and what the numbers say."),
    ("Careers", "Hiring, skills and working life in technology."),
]


def title(rng: random.Random) -> str:
    """A headline such as "Why PostgreSQL matters for small businesses"."""
    pattern = rng.choice(TITLE_PATTERNS)
    text = pattern.format(company=rng.choice(COMPANIES), subject=rng.choice(SUBJECTS))
    return text[0].upper() + text[1:]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 14))]
    words.insert(rng.randint(1, 3), rng.choice(VERBS))
    if rng.random() < 0.3:
        words.insert(0, rng.choice(COMPANIES))
    if rng.random() < 0.2:
        words.append(f"*{rng.choice(SUBJECTS)}*")
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice([".", ".", ".", "?"])


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 7)))


def body(rng: random.Random) -> str:
    """A Markdown story of 500 to 1,200 words: paragraphs, headings, a list, links, a quote."""
    blocks = [_paragraph(rng) for _ in range(2)]
    for _ in range(rng.randint(2, 4)):
        blocks.append(f"## {title(rng)}")
        blocks += [_paragraph(rng) for _ in range(rng.randint(2, 4))]
        roll = rng.random()
        if roll < 0.35:
            blocks.append(
                "\n".join(f"- **{rng.choice(WORDS)}**: {_sentence(rng)}" for _ in range(4))
            )
        elif roll < 0.55:
            blocks.append(
                f"> {_sentence(rng)} — {rng.choice(FIRST_NAMES)}, {rng.choice(COMPANIES)}"
            )
        elif roll < 0.7:
            blocks.append(f"```\n$ {rng.choice(WORDS)} --{rng.choice(WORDS)} 3\n```")
    link = f"[{rng.choice(SUBJECTS)}](https://example.com/{rng.choice(WORDS)})"
    blocks.append(f"Read more about {link} in our archive. {_paragraph(rng)}")
    return "\n\n".join(blocks)


def tag_names(count: int, rng: random.Random) -> list[str]:
    """``count`` distinct tag names, most of them two words."""
    pool = [s.title() for s in SUBJECTS] + COMPANIES
    names = list(dict.fromkeys(pool))
    while len(names) < count:
        names.append(f"{rng.choice(SUBJECTS).title()} {rng.choice(WORDS).title()}")
        names = list(dict.fromkeys(names))
    return names[:count]
