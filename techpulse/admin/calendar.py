"""The editorial calendar (month and week), and scheduling or moving a story from it."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from techpulse.admin.blueprint import bp
from techpulse.admin.forms.calendar import ScheduleForm
from techpulse.models import Role
from techpulse.policy import requires
from techpulse.services.editorial import calendar, going_live
from techpulse.services.editorial.article_editor import NotPermitted
from techpulse.web.field_errors import FieldError


def _shown_day(value: str | None) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return calendar.today()


@bp.get("/calendar")
@requires(Role.EDITOR)
def calendar_view() -> str:
    """A month (or, with ?view=week, a week) of published, scheduled and planned stories."""
    going_live.record_go_lives()
    view = "week" if request.args.get("view") == "week" else "month"
    day = _shown_day(request.args.get("day"))
    grid = [calendar.week(day)] if view == "week" else calendar.month(day.year, day.month)
    return render_template(
        "admin/calendar/view.html",
        view=view,
        day=day,
        weeks=grid,
        unscheduled=calendar.unscheduled(),
        today=calendar.today(),
    )


@bp.post("/calendar/<int:article_id>/schedule")
@requires(Role.EDITOR)
def calendar_schedule(article_id: int) -> Response:
    """Schedule a story waiting for a date, or move one to a new time (backdating allowed)."""
    form = ScheduleForm()
    back = url_for("admin.calendar_view", view=form.view.data or None, day=form.day.data or None)
    if not form.validate_on_submit():
        flash(" ".join(form.when.errors) or "Choose the date and time.", "error")
        return redirect(back)
    try:
        article = calendar.schedule(article_id, form.when.data, current_user)
    except NotPermitted:
        abort(403)
    except FieldError as error:
        flash(error.message, "error")
        return redirect(back)
    if article is None:
        abort(404)
    when = f"{form.when.data:%-d %b %Y, %H:%M}"
    flash(f"“{article.title}” is set for {when}.", "success")
    return redirect(back)


@bp.app_template_global()
def timedelta_days(days: int) -> timedelta:
    """A number of days, for the calendar's previous and next links."""
    return timedelta(days=days)
