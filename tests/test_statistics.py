"""Readership statistics: counted in the serving path (cache hits too), no cookie, staff and
crawlers left out, several instances adding up, roll-ups, and the Statistics page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import Role
from techpulse.models.stats import StatCount, StatSalt
from techpulse.services.stats import reports
from techpulse.services.stats.ingest import ingest
from techpulse.services.stats.setup import EXTENSION, run_upkeep, sink_of
from techpulse.services.stats.sinks import REDIS_PREFIX, RedisSink, upsert
from techpulse.services.stats.visitors import referrer_source, reported_subscribers
from tests.helpers.apps import REDIS_URL, new_app

CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{}.0"
BROWSERS = [CHROME.format(version) + " Safari/537.36" for version in range(100, 120)]
CRAWLERS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
    "Mozilla/5.0 (compatible; DuckDuckBot-Https/1.1; https://duckduckgo.com/duckduckbot)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Twitterbot/1.0",
    "curl/8.5.0",
    "python-requests/2.32.3",
]
BROWSER = BROWSERS[0]


def flush(app: Flask) -> None:
    app.extensions[EXTENSION].flush()


def today() -> date:
    return datetime.now(UTC).date()


def views_of(app: Flask, kind: str = "story") -> dict[str, int]:
    with app.app_context():
        return {row.label: row.count for row in reports.top(sink_of(app), kind, 7, limit=50)}


def day_point(app: Flask) -> reports.DayPoint:
    with app.app_context():
        return reports.daily(sink_of(app), 1)[-1]


@pytest.fixture(params=["without-redis", "redis"])
def app_config(request: pytest.FixtureRequest, app_config: dict[str, Any]) -> dict[str, Any]:
    """Counters in the database, and (with TEST_REDIS_URL) in Redis."""
    if request.param == "redis":
        if not REDIS_URL:
            pytest.skip("TEST_REDIS_URL is not set")
        app_config["REDIS_URL"] = REDIS_URL
        RedisSink(REDIS_URL).client.delete(
            *RedisSink(REDIS_URL).client.keys(REDIS_PREFIX + "*") or ["none"]
        )
    return app_config


@pytest.fixture
def story(make: Any) -> Any:
    make.settings()
    return make.article("Chips get faster", body="A story worth reading. " * 100)


def test_browsers_count_on_a_warm_cached_article_crawlers_do_not(app, client, story):
    url = f"/articles/{story.slug}"
    client.get(url, headers={"User-Agent": "curl/8.5.0"})  # warms the cache, not counted
    responses = [client.get(url, headers={"User-Agent": ua}) for ua in BROWSERS + CRAWLERS]
    assert {r.headers["X-Cache"] for r in responses} == {"hit"}
    assert all("Set-Cookie" not in r.headers for r in responses)
    assert all("X-TechPulse-Stats" not in r.headers for r in responses)
    flush(app)
    assert views_of(app) == {"Chips get faster": 20}
    assert day_point(app) == reports.DayPoint(today(), 20, 20)


def test_the_same_reader_is_one_visitor_and_each_view_counts(app, client, story):
    for _ in range(3):
        client.get(f"/articles/{story.slug}", headers={"User-Agent": BROWSER})
    client.get("/", headers={"User-Agent": BROWSER})
    flush(app)
    assert day_point(app) == reports.DayPoint(today(), 4, 1)
    assert views_of(app, "page") == {"home": 1}


@pytest.mark.parametrize(
    "headers",
    [
        {"DNT": "1"},
        {"Sec-GPC": "1"},
        {"Sec-Purpose": "prefetch;prerender"},
        {"Purpose": "prefetch"},
    ],
    ids=["dnt", "gpc", "sec-purpose", "purpose"],
)
def test_opt_outs_and_prefetches_are_not_counted(app, client, story, headers):
    url = f"/articles/{story.slug}"
    client.get(url, headers={"User-Agent": BROWSER, **headers})
    client.get(url, headers={"User-Agent": BROWSER, **headers})
    client.head(url, headers={"User-Agent": BROWSER})
    flush(app)
    assert views_of(app) == {}


def test_staff_visits_are_not_counted(app, client, story, staff):
    url = f"/articles/{story.slug}"
    visitor = app.test_client()
    visitor.get(url, headers={"User-Agent": BROWSER})  # the page is now cached and labelled
    staff.login(Role.AUTHOR)
    for _ in range(3):
        page = client.get(url, headers={"User-Agent": BROWSERS[1]})
        assert page.status_code == 200 and page.headers.get("X-Cache") != "hit"
    visitor.get(url, headers={"User-Agent": BROWSER})
    flush(app)
    assert views_of(app) == {"Chips get faster": 2}


def test_a_cache_hit_this_worker_did_not_render_is_labelled_from_its_address(app, client, story):
    url = f"/articles/{story.slug}"
    client.get(url, headers={"User-Agent": BROWSER})
    app.wsgi_app.labels.clear()  # as if another worker (or a shared cache) had rendered it
    for ua in BROWSERS[1:4]:
        assert client.get(url, headers={"User-Agent": ua}).headers["X-Cache"] == "hit"
    assert client.get("/search?q=chips", headers={"User-Agent": BROWSER}).status_code == 200
    app.wsgi_app.labels.clear()
    client.get("/search?q=chips", headers={"User-Agent": BROWSER})
    flush(app)
    assert views_of(app) == {"Chips get faster": 4}
    assert views_of(app, "search") == {"chips": 2}


def test_a_page_gone_is_not_counted_under_its_old_label(app, client, story, make):
    url = f"/articles/{story.slug}"
    client.get(url, headers={"User-Agent": BROWSER})
    make.settings()  # any write: the cached copy is stale
    db.session.delete(story)
    db.session.commit()
    assert client.get(url, headers={"User-Agent": BROWSER}).status_code == 404
    flush(app)
    assert day_point(app).views == 1


def test_two_instances_on_one_database_add_up(app, app_config, client, story, tmp_path):
    other = new_app({**app_config, "INSTANCE_PATH": tmp_path / "other-host"})
    url = f"/articles/{story.slug}"
    try:
        for ua in BROWSERS[:3]:
            client.get(url, headers={"User-Agent": ua})
        for ua in BROWSERS[:5]:
            other.test_client().get(url, headers={"User-Agent": ua})
        flush(app)
        flush(other)
        client.get(url, headers={"User-Agent": BROWSERS[0]})
        flush(app)
        assert views_of(app) == {"Chips get faster": 9}
        assert views_of(other) == {"Chips get faster": 9}
        assert day_point(app).visitors == 5  # the same reader on either host is one visitor
    finally:
        with other.app_context():
            db.engine.dispose()


def test_referrers_are_domains_search_engines_named_own_site_direct(app, client, story):
    url = f"/articles/{story.slug}"
    for referer in (
        "https://www.google.com/search?q=chips",
        "https://duckduckgo.com/?q=x",
        "https://news.ycombinator.com/item?id=1",
        "http://localhost/",
        "",
    ):
        client.get(url, headers={"User-Agent": BROWSER, "Referer": referer})
    flush(app)
    assert views_of(app, "referrer") == {
        "Google": 1,
        "DuckDuckGo": 1,
        "news.ycombinator.com": 1,
        "direct": 2,
    }


def test_searches_count_their_words_and_whether_anything_was_found(app, client, story):
    for words in ("Chips", "  chips ", "quantum toasters"):
        client.get("/search", query_string={"q": words}, headers={"User-Agent": BROWSER})
    flush(app)
    assert views_of(app, "search") == {"chips": 2, "quantum toasters": 1}
    assert views_of(app, "search_none") == {"quantum toasters": 1}


def test_feed_fetches_and_subscriber_estimate(app, client, story):
    feedly = "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 42 subscribers; )"
    for ua in (feedly, feedly, "NetNewsWire (RSS Reader; https://netnewswire.com/)", BROWSER):
        assert client.get("/feed.xml", headers={"User-Agent": ua}).status_code == 200
    flush(app)
    with app.app_context():
        (line,) = reports.feeds(sink_of(app), 7)
    assert (line.feed, line.fetches, line.subscribers) == ("/feed.xml", 4, 44)
    assert day_point(app).views == 0  # feed fetches are not page views


def test_counting_turned_off_counts_nothing(app, app_config, story):
    off = new_app(
        {**app_config, "STATS_ENABLED": False, "INSTANCE_PATH": app.instance_path + "-off"}
    )
    try:
        assert EXTENSION not in off.extensions
        visitor = off.test_client()
        for ua in BROWSERS[:3]:
            assert (
                visitor.get(f"/articles/{story.slug}", headers={"User-Agent": ua}).status_code
                == 200
            )
        assert views_of(app) == {}
        assert db.session.scalars(select(StatCount)).all() == []
    finally:
        with off.app_context():
            db.engine.dispose()


def test_upkeep_rolls_hashes_into_visitors_then_days_into_months_then_deletes(app, app_config):
    sink = sink_of(app)
    if isinstance(sink, RedisSink):
        pytest.skip("the database roll-ups are the same with Redis once drained")
    # Two days back: yesterday is still open for the first minutes after midnight (GRACE).
    old, yesterday = today() - timedelta(days=200), today() - timedelta(days=2)
    rows = [
        {"day": yesterday, "period": "d", "kind": "vh", "item": f"hash{n}", "count": 1}
        for n in range(3)
    ] + [
        {"day": yesterday, "period": "d", "kind": "views", "item": "", "count": 7},
        {"day": old, "period": "d", "kind": "story", "item": "1", "count": 5},
        {"day": old + timedelta(days=1), "period": "d", "kind": "story", "item": "1", "count": 4},
        {"day": old, "period": "d", "kind": "story_h", "item": "1@10", "count": 5},
        {
            "day": today() - timedelta(days=900),
            "period": "m",
            "kind": "views",
            "item": "",
            "count": 1,
        },
    ]
    upsert(db.engine, rows)
    db.session.add(StatSalt(day=yesterday, salt="x"))
    db.session.commit()
    run_upkeep(app)
    found = {
        (r.day, r.period, r.kind, r.item): r.count for r in db.session.scalars(select(StatCount))
    }
    assert found[yesterday, "d", "visitors", ""] == 3
    assert not [key for key in found if key[2] in ("vh", "story_h")]
    month = old.replace(day=1)
    next_day = old + timedelta(days=1)
    months = {key[0] for key in found if key[1] == "m" and key[2] == "story"}
    assert months == {month, next_day.replace(day=1)}  # the two days may straddle a month
    assert sum(n for k, n in found.items() if k[1] == "m" and k[2] == "story") == 9
    assert not [key for key in found if key[0] < today() - timedelta(days=730)]
    assert db.session.scalars(select(StatSalt)).all() == []


def test_redis_counters_are_drained_into_the_database_after_the_day(app, app_config, client, story):
    sink = sink_of(app)
    if not isinstance(sink, RedisSink):
        pytest.skip("Redis only")
    client.get(f"/articles/{story.slug}", headers={"User-Agent": BROWSER})
    flush(app)
    from techpulse.services.stats.upkeep import upkeep

    upkeep(
        db.engine, sink, daily_days=100, retention_days=0, now=datetime.now(UTC) + timedelta(days=2)
    )  # today closed, whatever the time of day (a day closes GRACE after its end)
    assert sink.days() == []
    assert views_of(app) == {"Chips get faster": 1}
    assert day_point(app) == reports.DayPoint(today(), 1, 1)


def test_the_statistics_page_csv_and_story_page(app, client, story, staff):
    for ua in BROWSERS[:4]:
        client.get(f"/articles/{story.slug}", headers={"User-Agent": ua})
    flush(app)
    staff.login(Role.EDITOR)
    page = client.get("/admin/statistics?days=7")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<svg role="img"' in html and '<title id="daily-chart-title">' in html
    assert "Chips get faster" in html
    csv = client.get("/admin/statistics.csv?days=7").get_data(as_text=True).lstrip("\ufeff")
    lines = csv.strip().splitlines()
    assert lines[0] == "day,views,visitors"
    assert len(lines) == 8
    assert lines[-1] == f"{today().isoformat()},4,4"
    one = client.get(f"/admin/statistics/articles/{story.id}")
    assert one.status_code == 200
    assert "4</span>" in one.get_data(as_text=True)
    assert "/admin/statistics" in client.get("/admin/").get_data(as_text=True)
    assert f"/admin/statistics/articles/{story.id}" in client.get("/admin/articles").get_data(
        as_text=True
    )


def test_authors_do_not_see_statistics(client, staff):
    staff.login(Role.AUTHOR)
    assert client.get("/admin/statistics").status_code == 403
    assert client.get("/admin/statistics.csv").status_code == 403


def test_ingest_counts_micro_cache_hits_from_the_nginx_log(app, story, tmp_path: Path):
    now = datetime.now(UTC).timestamp()
    path = f"/articles/{story.slug}"

    def line(agent: str, uri: str = path, status: str = "200") -> str:
        fields = [
            f"{now:.3f}",
            status,
            "203.0.113.9",
            "techpulse.example",
            uri,
            agent,
            "",
            "",
            "",
            "",
            "",
        ]
        return "\t".join(fields) + "\n"

    log = tmp_path / "stats.log"
    log.write_text(
        line(BROWSERS[0]) + line(BROWSERS[1]) + line(CRAWLERS[0]) + line(BROWSER, "/nope")
    )
    state = tmp_path / "state.json"
    report = ingest(app, log, state, sink_of(app))
    assert (report.lines, report.counted) == (4, 2)
    assert ingest(app, log, state, sink_of(app)).lines == 0  # read once
    with log.open("a") as handle:
        handle.write(line(BROWSERS[2]) + line(BROWSERS[2], "/search?q=chips"))
    assert ingest(app, log, state, sink_of(app), truncate=True).lines == 2
    assert log.read_text() == ""
    assert views_of(app) == {"Chips get faster": 3}
    assert views_of(app, "search") == {"chips": 1}


def test_referrer_and_subscriber_parsing():
    own = frozenset({"techpulse.example"})
    assert referrer_source("https://techpulse.example/x", own) == "direct"
    assert referrer_source("https://www.bing.com/search", own) == "Bing"
    assert referrer_source("https://www.example.org/a?b", own) == "example.org"
    assert referrer_source("not a url", own) == "direct"
    assert reported_subscribers("Feedly/1.0 (+http://www.feedly.com/; 12 subscribers)") == (
        "Feedly",
        12,
    )
    assert reported_subscribers("Mozilla/5.0") is None
