"""Forms of the contact inbox: the list filter, a message's status and internal notes."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from techpulse.admin.forms import FilterForm
from techpulse.contact.forms import no_control_characters
from techpulse.models import MessageStatus
from techpulse.services.contact.inbox import FILTERS


class MessageFilterForm(FilterForm):
    status = SelectField(
        "Show", choices=[SelectChoice(value, label) for value, label in FILTERS.items()], default=""
    )
    q = SearchField(
        "Search",
        default="",
        filters=[lambda value: (value or "")[:200]],
        render_kw={"placeholder": "Name, e-mail, company, text"},
    )


class StatusForm(FlaskForm):
    status = SelectField(
        "Status", choices=[SelectChoice(s.value, s.value.title()) for s in MessageStatus]
    )


class NoteForm(FlaskForm):
    note = TextAreaField(
        "Internal note",
        description="Only staff see notes. Your name and the time are added.",
        validators=[
            DataRequired("Write the note first."),
            Length(max=2000, message="Keep a note under 2,000 characters."),
            no_control_characters(multiline=True),
        ],
    )
