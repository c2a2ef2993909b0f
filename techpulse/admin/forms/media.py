"""Forms of the media library: upload an image, change its alt text."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

ALT_HINT = "What the picture shows, for readers who cannot see it (read aloud by screen readers)."


class UploadForm(FlaskForm):
    image = FileField(
        "Image file",
        validators=[FileRequired("Choose an image to upload.")],
        description="JPEG, PNG, WebP or GIF, up to 10 MB.",
    )
    alt_text = StringField(
        "Alt text", validators=[DataRequired(), Length(max=300)], description=ALT_HINT
    )
    submit = SubmitField("Upload")


class AltTextForm(FlaskForm):
    alt_text = StringField(
        "Alt text", validators=[DataRequired(), Length(max=300)], description=ALT_HINT
    )
    submit = SubmitField("Save alt text")
