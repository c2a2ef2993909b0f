"""Forms for logging in and choosing passwords."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from techpulse.services.access.accounts import MAX_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        "Password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    remember = BooleanField("Keep me logged in on this device")
    submit = SubmitField("Log in")


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)],
        description="At least 12 characters. A few unrelated words make a strong password.",
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
    )
    submit = SubmitField("Save password")


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField("Current password", validators=[DataRequired()])


class CodeForm(FlaskForm):
    code = StringField(
        "Code",
        validators=[DataRequired(), Length(max=32)],
        description="The 6-digit code from your authenticator app, or one of your recovery codes.",
    )
    submit = SubmitField("Continue")


class ConfirmPasswordForm(FlaskForm):
    password = PasswordField(
        "Your password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    submit = SubmitField("Send me a link")


class RemoveTwoFactorForm(FlaskForm):
    """Removing a two-factor login needs your password (and your code when it is yours)."""

    password = PasswordField(
        "Your password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    code = StringField("Your current code", validators=[Optional(), Length(max=32)])
