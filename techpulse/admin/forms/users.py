"""Forms of staff accounts: new account, profile, role."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    Field,
    PasswordField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, ValidationError

from techpulse.admin.forms import FilterForm, strip
from techpulse.models import Role
from techpulse.services.access.accounts import MAX_PASSWORD_LENGTH, password_problem
from techpulse.slugs import is_valid_slug, slug_rule, typed_slug

ROLE_CHOICES = [
    SelectChoice(Role.AUTHOR.value, "Author — writes and submits their own stories"),
    SelectChoice(Role.EDITOR.value, "Editor — edits, publishes and manages all content"),
    SelectChoice(Role.ADMIN.value, "Admin — everything, plus users, settings and the audit log"),
]


class NewUserForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)], filters=[strip])
    email = EmailField(
        "E-mail", validators=[DataRequired(), Email(), Length(max=254)], filters=[strip]
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
    name = StringField("Name", validators=[DataRequired(), Length(max=120)], filters=[strip])
    slug = StringField(
        "Author page address",
        validators=[DataRequired(), Length(max=140)],
        filters=[strip],
        description="Lower-case letters (any script), digits and hyphens; "
        "the page is /author/<this>.",
    )
    bio = TextAreaField(
        "Bio", validators=[Length(max=2000)], description="Shown on the author page."
    )

    def validate_slug(self, field: Field) -> None:
        """Only canonical slugs: the URL converter would never match anything else."""
        field.data = typed_slug(field.data)
        if not is_valid_slug(field.data):
            raise ValidationError(slug_rule("ana-roy"))


class ActiveForm(FlaskForm):
    active = SelectField(
        "Access", choices=[SelectChoice("1", "Active"), SelectChoice("0", "Deactivated")]
    )


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)


class UserFilterForm(FilterForm):
    q = SearchField("Name or e-mail contains", validators=[Length(max=200)], default="")
    role = SelectField(
        "Role",
        choices=[SelectChoice("", "Any role")]
        + [SelectChoice(role.value, role.value.title()) for role in Role],
        default="",
    )
