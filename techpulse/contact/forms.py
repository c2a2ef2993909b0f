"""The contact form: every field checked on the server, with a message next to it."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from techpulse.models.contact import BUDGETS, TOPICS
from techpulse.services.contact.intake import Submission

PHONE = re.compile(r"^\+?[0-9 ()./-]+$")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _choices(empty: str, options: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice("", empty), *(SelectChoice(k, v) for k, v in options.items())]


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _newlines(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def no_control_characters(multiline: bool = False) -> Any:
    """Refuse NUL and other control characters (tabs and line breaks only where allowed)."""
    allowed = {"\n", "\t"} if multiline else set()

    def check(_form: FlaskForm, field: Any) -> None:
        for char in field.data or "":
            if char not in allowed and unicodedata.category(char) in ("Cc", "Cs"):
                raise ValidationError("Please remove the invisible control characters.")

    return check


def international_phone(_form: FlaskForm, field: Any) -> None:
    """A phone number of 7–15 digits, written with spaces, dashes, dots or brackets."""
    digits = sum(char.isdigit() for char in field.data)
    if not PHONE.match(field.data) or not 7 <= digits <= 15:
        raise ValidationError("Enter a phone number with its country code, e.g. +91 98765 43210.")


class ContactForm(FlaskForm):
    name = StringField(
        "Your name",
        filters=[_strip],
        validators=[
            DataRequired("Please tell us your name."),
            Length(max=120, message="Please keep your name under 120 characters."),
            no_control_characters(),
        ],
    )
    email = EmailField(
        "E-mail",
        filters=[_strip],
        validators=[
            DataRequired("Please give an e-mail address so we can reply."),
            Length(max=254, message="That e-mail address is too long."),
            no_control_characters(),
            Email("Enter a valid e-mail address, like name@example.com."),
        ],
    )
    company = StringField(
        "Company",
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=160, message="Please keep the company name under 160 characters."),
            no_control_characters(),
        ],
    )
    phone = StringField(
        "Phone",
        filters=[_strip],
        description="Optional. With the country code, e.g. +91 98765 43210.",
        validators=[
            Optional(),
            Length(max=40, message="That phone number is too long."),
            international_phone,
        ],
    )
    topic = SelectField(
        "Topic",
        choices=_choices("Choose a topic…", TOPICS),
        validate_choice=False,
        validators=[DataRequired("Please choose a topic.")],
    )
    budget = SelectField(
        "Budget range",
        choices=_choices("Prefer not to say", BUDGETS),
        validate_choice=False,
        description="Optional, for new projects.",
    )
    message = TextAreaField(
        "Your message",
        filters=[_newlines],
        description="Between 20 and 5,000 characters.",
        validators=[
            DataRequired("Please write your message."),
            Length(min=20, message="Please write at least 20 characters, so we can help."),
            Length(max=5000, message="Please keep your message under 5,000 characters."),
            no_control_characters(multiline=True),
        ],
    )
    consent = BooleanField(
        "I agree that CodeDote Technologies stores my message to answer it.",
        validators=[DataRequired("Please agree, so that we may store and answer your message.")],
    )
    # Spam defence: a field people never see, a signed form time, a one-use token.
    website = StringField("Leave this empty", filters=[_strip])
    stamp = HiddenField()
    form_token = HiddenField()

    def validate_topic(self, field: Any) -> None:
        if field.data and field.data not in TOPICS:
            raise ValidationError("Please choose one of the topics in the list.")

    def validate_budget(self, field: Any) -> None:
        if field.data and field.data not in BUDGETS:
            raise ValidationError("Please choose one of the budget ranges in the list.")

    def token_is_valid(self) -> bool:
        """Whether the hidden idempotency token looks like one we issued."""
        return bool(TOKEN.match(self.form_token.data or ""))

    def submission(self, ip: str, user_agent: str) -> Submission:
        """The validated form as a :class:`Submission`."""
        return Submission(
            name=self.name.data,
            email=self.email.data,
            company=self.company.data or "",
            phone=self.phone.data or "",
            topic=self.topic.data,
            budget=self.budget.data or "",
            message=self.message.data,
            form_token=self.form_token.data,
            honeypot=(self.website.data or "")[:200],
            stamp=(self.stamp.data or "")[:200],
            ip=ip,
            user_agent=user_agent,
        )
