"""Forms for staff accounts and site settings."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    Field,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from techpulse.models import Role
from techpulse.models.site import SOCIAL_NETWORKS
from techpulse.services.accounts import MAX_PASSWORD_LENGTH, password_problem
from techpulse.slugs import is_valid_slug

ROLE_CHOICES = [
    SelectChoice(Role.AUTHOR.value, "Author — writes and submits their own stories"),
    SelectChoice(Role.EDITOR.value, "Editor — edits, publishes and manages all content"),
    SelectChoice(Role.ADMIN.value, "Admin — everything, plus users, settings and the audit log"),
]
SOCIAL_LABELS = {
    "facebook": "Facebook",
    "linkedin": "LinkedIn",
    "x": "X (Twitter)",
    "instagram": "Instagram",
    "github": "GitHub",
    "youtube": "YouTube",
}


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def https_url(form: FlaskForm, field: Field) -> None:
    """Empty, or a full https:// address with a host."""
    if not field.data:
        return
    parts = urlsplit(field.data)
    if parts.scheme != "https" or not parts.netloc or " " in field.data:
        raise ValidationError("Use a full address starting with https://, or leave it empty.")


class NewUserForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)], filters=[_strip])
    email = EmailField(
        "E-mail", validators=[DataRequired(), Email(), Length(max=254)], filters=[_strip]
    )
    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.AUTHOR.value)
    how = RadioField(
        "How they get a password",
        choices=[
            SelectChoice("link", "Give me a one-time set-password link to send them"),
            SelectChoice("password", "Set an initial password now"),
        ],
        default="link",
    )
    password = PasswordField(
        "Initial password",
        validators=[Length(max=MAX_PASSWORD_LENGTH)],
        description="Only with “Set an initial password”. At least 12 characters.",
    )

    def validate_password(self, field: Field) -> None:
        """A password is required, and must be strong, only when one is being set."""
        if self.how.data != "password":
            return
        if not field.data:
            raise ValidationError("Enter an initial password, or choose the link instead.")
        problem = password_problem(field.data, self.email.data or "")
        if problem:
            raise ValidationError(problem)


class ProfileForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)], filters=[_strip])
    slug = StringField(
        "Author page address",
        validators=[DataRequired(), Length(max=140)],
        filters=[_strip],
        description="Lower-case letters, digits and hyphens; the page is /author/<this>.",
    )
    bio = TextAreaField(
        "Bio", validators=[Length(max=2000)], description="Shown on the author page."
    )

    def validate_slug(self, field: Field) -> None:
        """Only canonical slugs: the URL converter would never match anything else."""
        if not is_valid_slug(field.data or ""):
            raise ValidationError("Use lower-case letters, digits and single hyphens: ana-roy.")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)


class SettingsForm(FlaskForm):
    site_name = StringField(
        "Site name", validators=[DataRequired(), Length(max=80)], filters=[_strip]
    )
    company_name = StringField(
        "Company name", validators=[DataRequired(), Length(max=120)], filters=[_strip]
    )
    tagline = StringField("Tagline", validators=[Length(max=200)], filters=[_strip])
    about_blurb = TextAreaField(
        "About the company",
        validators=[Length(max=2000)],
        filters=[_strip],
        description="Shown in the sidebar “About” widget and the footer.",
    )
    city = StringField("City", validators=[Length(max=80)], filters=[_strip])
    country = StringField("Country", validators=[Length(max=80)], filters=[_strip])
    contact_email = EmailField(
        "Contact e-mail",
        validators=[Optional(), Email(message="Enter a valid e-mail address."), Length(max=254)],
        filters=[_strip],
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
            filters=[_strip],
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
