"""The audit log's filter form."""

from __future__ import annotations

from datetime import datetime, timedelta

from wtforms import DateField, SearchField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from techpulse.admin.forms import FilterForm
from techpulse.clock import site_zone
from techpulse.models import User
from techpulse.services.audit import AuditFilters
from techpulse.services.audit_words import GROUPS, label


class AuditFilterForm(FilterForm):
    action = SelectField("What", default="")
    actor = SelectField("Who", default="")
    q = SearchField("Mentions", validators=[Length(max=200)], default="")
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])

    def set_choices(self, actions: list[str], actors: list[User]) -> None:
        """Offer the groups of actions and every action in the log, and everyone in it."""
        groups = sorted({action.split(".")[0] for action in actions} & GROUPS.keys())
        self.action.choices = (
            [SelectChoice("", "Everything")]
            + [SelectChoice(group, f"All: {GROUPS[group]}") for group in groups]
            + [SelectChoice(action, label(action)) for action in actions]
        )
        self.actor.choices = [SelectChoice("", "Anyone")] + [
            SelectChoice(str(user.id), user.name) for user in actors
        ]

    def to_filters(self) -> AuditFilters:
        """The filters to apply (dates are whole days in the site's time zone)."""
        values = self.values()
        actor = values["actor"] or ""
        return AuditFilters(
            action=values["action"] or "",
            actor_id=int(actor) if actor.isdigit() else None,
            q=values["q"] or "",
            since=_day_start(values["since"]),
            until=_day_start(values["until"], days=1),
        )


def _day_start(day: object, days: int = 0) -> datetime | None:
    if day is None:
        return None
    start = datetime(day.year, day.month, day.day, tzinfo=site_zone())  # type: ignore[attr-defined]
    return start + timedelta(days=days)
