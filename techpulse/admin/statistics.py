"""Readership statistics for editors and admins: days, top lists, feeds, one story."""

from __future__ import annotations

from flask import Response, current_app, render_template, request

from techpulse.admin.blueprint import bp
from techpulse.extensions import db
from techpulse.models import Article, Role
from techpulse.policy import requires
from techpulse.services.csv_export import BOM, csv_line
from techpulse.services.stats import reports
from techpulse.services.stats.chart import chart_of
from techpulse.services.stats.setup import sink_of
from techpulse.web.lookup import or_404


def _days() -> int:
    asked = request.args.get("days", type=int)
    return asked if asked in reports.PERIODS else 30


@bp.get("/statistics")
@requires(Role.EDITOR)
def statistics() -> str:
    """Views and visitors per day as a chart and a table; what is read, from where, searched."""
    days, sink = _days(), sink_of()
    points = reports.daily(sink, days)
    return render_template(
        "admin/statistics/overview.html",
        days=days,
        periods=reports.PERIODS,
        points=points,
        chart=chart_of(points),
        stories=reports.top(sink, "story", days),
        referrers=reports.top(sink, "referrer", days),
        searches=reports.top(sink, "search", days),
        empty_searches=reports.top(sink, "search_none", days),
        feeds=reports.feeds(sink, days),
        counting=current_app.config["STATS_ENABLED"],
    )


@bp.get("/statistics.csv")
@requires(Role.EDITOR)
def statistics_csv() -> Response:
    """The chart's numbers as CSV: day, views, visitors."""
    points = reports.daily(sink_of(), _days())
    lines = [csv_line(("day", "views", "visitors"))]
    lines += [csv_line((p.day.isoformat(), p.views, p.visitors)) for p in points]
    response = Response(BOM + "".join(lines), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="views-{_days()}-days.csv"'
    return response


@bp.get("/statistics/articles/<int:article_id>")
@requires(Role.EDITOR)
def statistics_article(article_id: int) -> str:
    """One story's readers since it was published, and over its first 48 hours."""
    story = or_404(db.session.get(Article, article_id))
    readers = reports.story_readers(sink_of(), story)
    recent = readers.per_day[-30:]
    hours = hour_points(readers.first_hours)
    return render_template(
        "admin/statistics/article.html",
        article=story,
        readers=readers,
        chart=chart_of(recent),
        recent=recent,
        hours=chart_of(hours, [f"hour {n + 1}" for n in range(48)]),
        hours_points=hours,
    )


def hour_points(hours: list[int]) -> list[reports.DayPoint]:
    """The 48-hour curve as chart points (the day field is unused for labels here)."""
    from datetime import date

    return [reports.DayPoint(date(2000, 1, 1), views, 0) for views in hours]
