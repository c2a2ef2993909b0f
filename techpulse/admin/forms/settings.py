"""The form of the site settings: names, the About blurb, contact e-mail and social links."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import EmailField, Field, IntegerField, StringField, TextAreaField, URLField
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from techpulse.admin.forms import strip
from techpulse.models.site import SOCIAL_NETWORKS

SOCIAL_LABELS = {
    "facebook": "Facebook",
    "linkedin": "LinkedIn",
    "x": "X (Twitter)",
    "instagram": "Instagram",
    "github": "GitHub",
    "youtube": "YouTube",
}


def https_url(form: FlaskForm, field: Field) -> None:
    """Empty, or a full https:// address with a host."""
    if not field.data:
        return
    parts = urlsplit(field.data)
    if parts.scheme != "https" or not parts.netloc or " " in field.data:
        raise ValidationError("Use a full address starting with https://, or leave it empty.")


class SettingsForm(FlaskForm):
    site_name = StringField(
        "Site name", validators=[DataRequired(), Length(max=80)], filters=[strip]
    )
    company_name = StringField(
        "Company name", validators=[DataRequired(), Length(max=120)], filters=[strip]
    )
    tagline = StringField("Tagline", validators=[Length(max=200)], filters=[strip])
    about_blurb = TextAreaField(
        "About the company",
        validators=[Length(max=2000)],
        filters=[strip],
        description="Shown in the sidebar “About” widget and the footer.",
    )
    city = StringField("City", validators=[Length(max=80)], filters=[strip])
    country = StringField("Country", validators=[Length(max=80)], filters=[strip])
    contact_email = EmailField(
        "Contact e-mail",
        validators=[Optional(), Email(message="Enter a valid e-mail address."), Length(max=254)],
        filters=[strip],
    )
    recent_posts = IntegerField(
        "Stories in “Recent posts”",
        validators=[Optional(), NumberRange(0, 20, "Enter a number from 0 to 20.")],
        description="How many stories the sidebar widget on article pages lists; 0 hides it.",
    )


for _network in SOCIAL_NETWORKS:
    setattr(
        SettingsForm,
        f"{_network}_url",
        URLField(
            f"{SOCIAL_LABELS[_network]} URL",
            validators=[Length(max=300), https_url],
            filters=[strip],
        ),
    )

SETTINGS_FIELDS = (
    "site_name",
    "company_name",
    "tagline",
    "about_blurb",
    "city",
    "country",
    "contact_email",
    *(f"{network}_url" for network in SOCIAL_NETWORKS),
)
