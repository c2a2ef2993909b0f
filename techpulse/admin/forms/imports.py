"""The form that starts an import from the staff area."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, InputRequired, Length, Optional

from techpulse.services.importing.jobs import SOURCES


class ImportForm(FlaskForm):
    source = RadioField(
        "Moving from",
        choices=[SelectChoice(value, label) for value, label in SOURCES.items()],
        default="wordpress",
        validators=[InputRequired("Choose WordPress or Ghost.")],
    )
    export = FileField(
        "Export file",
        description="WordPress: Tools → Export → All content (an .xml file). "
        "Ghost: Settings → Labs → Export your content (a .json file).",
        render_kw={"accept": ".xml,.json,application/xml,text/xml,application/json"},
    )
    media = FileField(
        "Images (optional)",
        description="A zip of WordPress's wp-content/uploads folder, or of Ghost's "
        "content/images folder. Without it, images stay links to the old site.",
        render_kw={"accept": ".zip,application/zip"},
    )
    old_url = StringField(
        "Old site address (Ghost, optional)",
        validators=[Optional(), URL(require_tld=False, message="An address such as "
                                    "https://blog.example.com."), Length(max=500)],
        description="Links to the old site are rewritten; images not found keep linking there.",
    )  # fmt: skip
    submit = SubmitField("Upload and check")
