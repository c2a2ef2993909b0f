"""Forms of the media library: search it, upload images, change alt text, trash many."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import SearchField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from techpulse.admin.forms import FilterForm
from techpulse.services.media.limits import ACCEPTED_TYPES, MAX_UPLOAD_BYTES

ALT_HINT = "What the picture shows, for readers who cannot see it (read aloud by screen readers)."
LIMIT_MB = MAX_UPLOAD_BYTES // (1024 * 1024)


class MediaFilterForm(FilterForm):
    q = SearchField("Alt text or file name contains", validators=[Length(max=200)], default="")


class UploadForm(FlaskForm):
    image = MultipleFileField(
        "Image files",
        description=f"JPEG, PNG, WebP, GIF or HEIC (iPhone photos), up to {LIMIT_MB} MB each. "
        "Choose several at once to upload them together.",
        render_kw={"accept": ACCEPTED_TYPES, "multiple": True},
    )
    alt_text = StringField(
        "Alt text", validators=[DataRequired(), Length(max=300)], description=ALT_HINT
    )
    submit = SubmitField("Upload")

    def files(self) -> list[tuple[str, bytes]]:
        """(file name, bytes) of every file chosen."""
        return [
            (upload.filename or "", upload.read())
            for upload in self.image.data or []
            if upload and upload.filename
        ]


class AltTextForm(FlaskForm):
    alt_text = StringField(
        "Alt text", validators=[DataRequired(), Length(max=300)], description=ALT_HINT
    )
    submit = SubmitField("Save alt text")


class MediaBulkForm(FlaskForm):
    images = SelectMultipleField("Images", coerce=int, validate_choice=False)
    trash = SubmitField("Move the chosen to the trash")
