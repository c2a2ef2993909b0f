"""Forms of draft preview links: making and revoking one are buttons (CSRF token only)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SubmitField


class PreviewLinkForm(FlaskForm):
    submit = SubmitField("Make a preview link")
