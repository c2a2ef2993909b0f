"""The form of static pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from techpulse.admin.forms import SLUG_HINT, FilterForm

PUBLISHED, DRAFT = "published", "draft"


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
    body = TextAreaField("Body (Markdown)", validators=[Length(max=200_000)])
    status = RadioField(
        "Status",
        choices=[
            SelectChoice(PUBLISHED, "Published — everyone can read it"),
            SelectChoice(
                DRAFT, "Draft — only staff can see it; left out of the footer, menu and sitemap"
            ),
        ],
        default=PUBLISHED,
    )
    in_footer = BooleanField(
        "Link from the site footer", description="Readers find it under “Explore” on every page."
    )
    preview = SubmitField("Preview")
    submit = SubmitField("Save page")
    # The revision the editor started from: a save on top of someone else's is a conflict.
    base_revision = HiddenField()


def page_draft_values(fields: dict[str, str]) -> dict[str, object]:
    """The page form's values from kept text (an autosave, or text kept across a login)."""
    values: dict[str, object] = {
        name: fields.get(name, "")
        for name in ("title", "slug", "seo_description", "body", "base_revision")
    }
    values["status"] = DRAFT if fields.get("status") == DRAFT else PUBLISHED
    values["in_footer"] = fields.get("in_footer") in ("y", "on", "true", "True")
    return values


class PageFilterForm(FilterForm):
    q = SearchField("Title contains", validators=[Length(max=200)], default="")
    status = SelectField(
        "Status",
        choices=[
            SelectChoice("", "Any status"),
            SelectChoice(PUBLISHED, "Published"),
            SelectChoice(DRAFT, "Draft"),
        ],
        default="",
    )
