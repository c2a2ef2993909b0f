"""Forms for the media library, categories, tags and static pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from techpulse.slugs import row_id

ALT_HINT = "What the picture shows, for readers who cannot see it (read aloud by screen readers)."
SLUG_HINT = "Part of the address: lower-case letters, digits and hyphens."


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


class CategoryForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=80)])
    slug = StringField("Slug", validators=[DataRequired(), Length(max=100)], description=SLUG_HINT)
    position = IntegerField(
        "Position",
        default=0,
        validators=[InputRequired("Enter a whole number."), NumberRange(min=0, max=9999)],
        description="Order in the site navigation; lower numbers come first.",
    )
    description = TextAreaField("Description", validators=[Length(max=2000)])
    submit = SubmitField("Save category")


class DeleteCategoryForm(FlaskForm):
    move_to = SelectField("Move its articles to", coerce=row_id, default=0)
    submit = SubmitField("Delete category")


class TagForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=60)])
    slug = StringField("Slug", validators=[DataRequired(), Length(max=80)], description=SLUG_HINT)
    submit = SubmitField("Save tag")


class PageForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        "Slug",
        validators=[Length(max=100)],
        description=f"{SLUG_HINT} Leave empty to make it from the title.",
    )
    seo_description = TextAreaField(
        "SEO description",
        validators=[Length(max=300)],
        description="Shown by search engines and in link previews; about 150 characters.",
    )
    body_md = TextAreaField("Body (Markdown)", validators=[Length(max=200_000)])
    in_footer = BooleanField(
        "Link from the site footer", description="Readers find it under “Explore” on every page."
    )
    preview = SubmitField("Preview")
    submit = SubmitField("Save page")
