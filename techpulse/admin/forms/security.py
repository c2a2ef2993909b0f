"""The staff security form: whether two-factor login is required."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField


class RequireTwoFactorForm(FlaskForm):
    require = BooleanField(
        "Require two-factor login for every staff member",
        description="Anyone without it is sent to set it up before they can use the staff area.",
    )
