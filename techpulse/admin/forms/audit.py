"""The audit log's filter form."""

from __future__ import annotations

from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from techpulse.admin.forms import FilterForm


class AuditFilterForm(FilterForm):
    action = SelectField("Action", default="")

    def set_choices(self, actions: list[str]) -> None:
        """Offer every action that appears in the log."""
        self.action.choices = [SelectChoice("", "All actions")] + [
            SelectChoice(action, action) for action in actions
        ]
