"""Demo content for ``flask seed-demo``: the launch story, a few shorter ones, the About page."""

from __future__ import annotations

SETTINGS = {
    "site_name": "TechPulse",
    "company_name": "CodeDote Technologies",
    "tagline": "Technology news and ideas from the CodeDote team in Vadodara",
    "about_blurb": (
        "CodeDote Technologies is a team of young IT professionals in Vadodara, India. "
        "We bring fresh ideas to every project and build software for small and medium "
        "businesses around the world."
    ),
    "city": "Vadodara",
    "country": "India",
    "contact_email": "hello@codedote.example",
    "linkedin_url": "https://www.linkedin.com/company/codedote-technologies",
    "github_url": "https://github.com/codedote",
}

AUTHOR = {
    "name": "TechPulse Newsroom",
    "slug": "techpulse-newsroom",
    "email": "newsroom@codedote.example",
    "bio": "News, analysis and field notes from the engineers at CodeDote Technologies.",
}

CATEGORIES = [
    ("AI & Tech", "Artificial intelligence, big tech and the deals that shape them."),
    ("Software Development", "How good software gets designed, built and shipped."),
    ("Cloud & DevOps", "Infrastructure, operations and the cost of running it all."),
    ("Business & Startups", "Technology decisions for small and medium businesses."),
]

ABOUT_TITLE = "About CodeDote Technologies"
ABOUT_BODY = """\
CodeDote Technologies is a team of young IT professionals based in **Vadodara, India**.
We started CodeDote because we believe small and medium businesses deserve the same
quality of software that large companies take for granted — built with care, explained
plainly and delivered on time.

## What we build

- **Web applications** and customer portals, from first sketch to production.
- **Mobile apps** that work well on the phones your customers actually carry.
- **Cloud and DevOps** work: migrations, automation, monitoring and cost control.
- **AI-assisted tools** that save real hours, not just demo well.

## How we work

Fresh ideas, small senior teams, short feedback loops. Our clients are small and medium
businesses around the world, and we work across time zones so a project never stalls
waiting for an answer.

## TechPulse

TechPulse is our newsroom: the technology stories we are following, and what we learn
on the job, shared in our own words.

## Reach us

We are in Vadodara, Gujarat, India, and we answer every message. Write to us through the
[contact page](/contact) and tell us about your project.
"""

LAUNCH_ARTICLE = {
    "title": "Google May Drop Scale AI Deal!",
    "category": "AI & Tech",
    "tags": ["Google", "Scale AI", "Meta", "AI training data"],
    "featured": True,
    "hours_ago": 2,
    "banner_alt": "TechPulse banner: the AI & Tech category over a circuit-board pattern",
    "excerpt": (
        "Google is reportedly preparing to end its partnership with Scale AI, while Meta is "
        "rumoured to be circling the data-labelling company. Here is what it means."
    ),
    "body": """\
Google is reportedly planning to end its partnership with **Scale AI**, one of the best-known
companies in AI training data and data labelling. If the reports are right, one of the largest
buyers of labelled data would be walking away from one of its most established suppliers.

The timing is striking. At the same moment, **Meta** is rumoured to be exploring a major
partnership with Scale AI to push its generative AI work forward. One giant may be stepping
back just as another steps in.

Scale AI, founded by **Alexandr Wang**, supplies structured datasets to many large technology
firms. Google had used its services for the annotation and validation of large language models
and image-recognition systems — the slow, careful human work that turns raw data into
something a model can learn from and be measured against.

According to sources, Google is moving toward in-house data solutions and custom tooling for
its own models, such as Gemini and Bard. With OpenAI, Microsoft and Meta all pressing hard,
Google appears to be building more vertically integrated AI systems, keeping more of the
pipeline — from data to deployment — under its own roof.

Losing Google would matter beyond one contract. It could signal a wider trend: big platforms
depending less on third-party AI vendors, and a growing divide between **AI research
platforms**, which own their whole stack, and **AI product companies**, which still rely on
specialist suppliers. For businesses choosing AI partners, that divide is worth watching.
""",
}

ARTICLES = [
    {
        "title": "Small Language Models Are Having a Moment",
        "category": "AI & Tech",
        "tags": ["LLMs", "On-device AI"],
        "hours_ago": 26,
        "body": """\
Not every problem needs the largest model money can rent. Compact language models that run
on a laptop — or even a phone — now handle summarising, classifying and drafting well enough
for many everyday business tasks.

For small companies the appeal is practical: predictable costs, data that never leaves the
building, and answers in milliseconds instead of seconds. The trade-off is breadth, so the
best results come from narrow, well-defined jobs.

Our advice: start with the task, measure a small model against it, and only reach for a
bigger one when the numbers say you must.
""",
    },
    {
        "title": "Why We Still Reach for Python and Flask",
        "category": "Software Development",
        "tags": ["Python", "Flask", "Web development"],
        "hours_ago": 50,
        "body": """\
Frameworks come and go, but for many client projects we keep returning to **Python** and
**Flask**. A small core, clear request handling and a huge ecosystem let a small team ship
quickly without fighting the tools.

Flask does not decide everything for you, which is exactly why it needs discipline: an app
factory, blueprints by feature, business rules in services and tests that go through HTTP.

With those habits, a Flask codebase stays pleasant to work on years after launch — which
matters more to our clients than any benchmark.
""",
    },
    {
        "title": "Five Checks Before You Ship a Web App",
        "category": "Software Development",
        "tags": ["Security", "Web development"],
        "hours_ago": 75,
        "body": """\
Launch day goes better when a few boring things are done first:

1. **Backups you have restored** at least once, not just configured.
2. **Error pages and logging** that tell you what broke before a customer does.
3. **Security headers and CSRF protection** on every form.
4. **Real data volumes** in a load test, not ten rows.
5. **A rollback plan** anyone on the team can follow at 2 a.m.

None of this is glamorous. All of it is cheaper before launch than after.
""",
    },
    {
        "title": "Cutting the Cloud Bill Without Cutting Corners",
        "category": "Cloud & DevOps",
        "tags": ["Cloud", "Cost optimisation"],
        "hours_ago": 98,
        "body": """\
Cloud bills grow quietly: an oversized database here, a forgotten test cluster there.
The fix is rarely a dramatic migration; it is a habit of looking.

Tag every resource with an owner, review the top ten costs every month, right-size what
idles and schedule what only works office hours. Most small businesses we work with save
a meaningful share of their bill within a quarter — with no loss of reliability.
""",
    },
    {
        "title": "PostgreSQL Is the Default Database for a Reason",
        "category": "Cloud & DevOps",
        "tags": ["PostgreSQL", "Databases"],
        "hours_ago": 122,
        "body": """\
When a client asks which database to start with, our answer is usually **PostgreSQL**.
It is reliable, well documented, free, and it grows with a project: JSON documents,
full-text search and geospatial queries all live in the same engine.

Starting simple matters too. Plenty of sites begin on SQLite and move to PostgreSQL only
when traffic or teamwork demands it — as long as the code was written with that step in mind.
""",
    },
    {
        "title": "What to Ask Before Hiring a Software Partner",
        "category": "Business & Startups",
        "tags": ["Outsourcing", "Small business"],
        "hours_ago": 146,
        "body": """\
Choosing a development partner is a bigger decision than choosing a tool. Ask who will
actually write the code, how often you will see working software, and what happens to the
code and the servers if you part ways.

Good partners answer plainly, show you their process and are happy to start with a small,
well-defined first project. That first project tells you more than any sales deck.
""",
    },
    {
        "title": "Hello from Vadodara: Meet the CodeDote Team",
        "category": "Business & Startups",
        "tags": ["CodeDote", "Vadodara"],
        "hours_ago": 170,
        "body": """\
We are CodeDote Technologies, a team of young IT professionals in Vadodara, India. We build
web and mobile software for small and medium clients around the world.

TechPulse is where we share the technology news we follow and the lessons we learn on real
projects. Expect short, clear stories — and if one of them sparks an idea for your business,
we would love to hear about it.
""",
    },
]
