"""Forms of the editorial calendar: which month or week, and a story's new time."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, HiddenField, SubmitField
from wtforms.validators import DataRequired

from techpulse.clock import site_zone


class ScheduleForm(FlaskForm):
    when = DateTimeLocalField(
        "Publish at",
        validators=[DataRequired("Choose the date and time.")],
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        tz=site_zone,
    )
    view = HiddenField()
    day = HiddenField()
    submit = SubmitField("Schedule")
