"""Forms of the article editor: the article itself and the list filters."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from techpulse.admin.forms import FilterForm
from techpulse.clock import site_zone
from techpulse.models import Article, Category, Image, Status, User
from techpulse.services.editorial.article_input import Action, ArticleInput, BannerUpload, Extras
from techpulse.services.editorial.bulk import BulkAction
from techpulse.services.editorial.staff_articles import ArticleFilters
from techpulse.slugs import SLUG_INPUT_PATTERN, row_id

SEO_TITLE_MAX = 60
SEO_DESCRIPTION_MAX = 160
# Buttons in the order a pressed one is looked for; "save" is also the Enter-key default.
ACTION_BUTTONS = (
    ("publish", Action.PUBLISH),
    ("schedule", Action.SCHEDULE),
    ("unpublish", Action.UNPUBLISH),
    ("submit_review", Action.SUBMIT),
    ("save", Action.SAVE),
)


class ArticleForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        "Slug",
        validators=[Optional(), Length(max=200)],
        description="The end of the article's address, e.g. “my-first-story” or "
        "“नमस्ते-दुनिया”. Leave empty to make it from the title.",
        render_kw={"pattern": SLUG_INPUT_PATTERN},
    )
    excerpt = TextAreaField(
        "Excerpt",
        validators=[Length(max=500)],
        description="One or two sentences for cards and search results. "
        "Leave empty to use the start of the story.",
    )
    body = TextAreaField("Story (Markdown)", validators=[Length(max=200_000)])
    category = SelectField("Category", coerce=row_id, validate_choice=False)
    tags = StringField(
        "Tags", validators=[Length(max=500)], description="Separated by commas; new tags are made."
    )
    banner_file = FileField(
        "Upload a new banner image", description="JPEG, PNG, WebP, GIF or HEIC, up to 10 MB."
    )
    banner_alt = StringField(
        "Alt text of the new banner",
        validators=[Length(max=300)],
        description="Required with a new upload: what the picture shows, for screen readers.",
    )
    banner_id = SelectField(
        "…or use an image from the library", coerce=row_id, validate_choice=False
    )
    seo_title = StringField(
        "SEO title",
        validators=[Length(max=SEO_TITLE_MAX)],
        description=f"Up to {SEO_TITLE_MAX} characters for search results; empty uses the title.",
    )
    seo_description = TextAreaField(
        "SEO description",
        validators=[Length(max=SEO_DESCRIPTION_MAX)],
        description=f"Up to {SEO_DESCRIPTION_MAX} characters; empty uses the excerpt.",
    )
    featured = BooleanField("Feature on the home page")
    publish_at = DateTimeLocalField(
        "Publish at",
        validators=[Optional()],
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        tz=site_zone,
    )
    save = SubmitField("Save draft")
    submit_review = SubmitField("Submit for review")
    publish = SubmitField("Publish now")
    schedule = SubmitField("Schedule")
    unpublish = SubmitField("Unpublish")
    preview = SubmitField("Preview")
    # The revision the editor started from: a save on top of someone else's is a conflict.
    base_revision = HiddenField()
    story_image = FileField(
        "Image file for the story", description="JPEG, PNG, WebP or GIF; it joins the library."
    )
    story_image_alt = StringField(
        "Alt text of the image",
        validators=[Length(max=300)],
        description="Required: what the picture shows, for screen readers.",
    )
    story_image_caption = StringField("Caption (optional)", validators=[Length(max=300)])
    insert_image = SubmitField("Upload and insert into the story")
    # Byline (editors), link previews and search engines, the planned date: _byline.html,
    # _overrides.html.
    author = SelectField("Author", coerce=row_id, validate_choice=False)
    coauthors = StringField(
        "Co-authors, in byline order",
        validators=[Length(max=500)],
        description="Names or e-mail addresses of staff, separated by commas.",
    )
    social_title = StringField(
        "Title when shared",
        validators=[Length(max=120)],
        description="Facebook, LinkedIn, WhatsApp and X show this; empty uses the SEO title.",
    )
    social_description = TextAreaField(
        "Description when shared",
        validators=[Length(max=300)],
        description="Empty uses the SEO description or the excerpt.",
    )
    social_image_id = SelectField(
        "Image when shared", coerce=row_id, validate_choice=False,
        description="Empty uses the banner (or the site's card).",
    )  # fmt: skip
    canonical_url = StringField(
        "Canonical address",
        validators=[Length(max=500)],
        description="Only when the story first ran elsewhere: the full address of the original.",
    )
    noindex = BooleanField(
        "Hide from search engines",
        description="The page says noindex and is left out of the sitemap.",
    )
    target_at = DateTimeLocalField(
        "Planned for",
        validators=[Optional()],
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        tz=site_zone,
        description="When the desk means to run it; the calendar shows the draft that day.",
    )

    def set_choices(self, categories: list[Category], images: list[Image]) -> None:
        """Fill the category and banner selects."""
        self.category.choices = [SelectChoice(c.id, c.name) for c in categories]
        self.banner_id.choices = [SelectChoice(0, "No banner")] + [
            SelectChoice(image.id, f"{image.alt_text[:70]} ({image.width}×{image.height})")
            for image in images
        ]

    def set_people(self, staff: list[User]) -> None:
        """Fill the author select (editors choose who the story is by)."""
        self.author.choices = [SelectChoice(person.id, person.name) for person in staff]
        self.social_image_id.choices = [SelectChoice(0, "The banner")] + [
            choice for choice in self.banner_id.choices if choice.value
        ]

    def extras(self) -> Extras:
        """The byline, overrides and planned date; a byline field not sent keeps the byline."""
        coauthors = None
        if self.coauthors.raw_data:  # [] when the field was not on the page (authors)
            coauthors = tuple(name for name in (self.coauthors.data or "").split(","))
        return Extras(
            author_id=self.author.data or None,
            coauthors=coauthors,
            social_title=self.social_title.data or "",
            social_description=self.social_description.data or "",
            social_image_id=self.social_image_id.data or None,
            canonical_url=self.canonical_url.data or "",
            noindex=bool(self.noindex.data),
            target_at=self.target_at.data,
        )

    def action(self) -> Action:
        """The status action of the pressed button (Save when none is named)."""
        return next((action for name, action in ACTION_BUTTONS if self[name].data), Action.SAVE)

    def to_input(self) -> ArticleInput:
        """The typed values as the article editor service takes them."""
        upload = None
        if self.banner_file.data:
            upload = BannerUpload(
                data=self.banner_file.data.read(),
                filename=self.banner_file.data.filename or "",
                alt_text=self.banner_alt.data or "",
            )
        return ArticleInput(
            title=self.title.data or "",
            body_md=self.body.data or "",
            category_id=self.category.data or 0,
            slug=self.slug.data or "",
            excerpt=self.excerpt.data or "",
            tag_names=tuple((self.tags.data or "").split(",")),
            seo_title=self.seo_title.data or "",
            seo_description=self.seo_description.data or "",
            featured=self.featured.data,
            banner_id=self.banner_id.data or None,
            upload=upload,
            publish_at=self.publish_at.data,
            base_revision=_int_or_none(self.base_revision.data),
            extras=self.extras(),
        )


def article_values(article: Article, base_revision: int | None = None) -> dict[str, Any]:
    """The form's initial values for an existing article (its tags loaded)."""
    return {
        "base_revision": str(base_revision or ""),
        "title": article.title,
        "slug": article.slug,
        "excerpt": article.excerpt if article.excerpt_written else "",
        "body": article.body_md,
        "category": article.category_id,
        "tags": ", ".join(tag.name for tag in article.tags),
        "banner_id": article.banner_id or 0,
        "seo_title": article.seo_title,
        "seo_description": article.seo_description,
        "featured": article.featured,
        "publish_at": article.published_at if article.status in _DATED else None,
        "author": article.author_id,
        "coauthors": ", ".join(link.user.name for link in article.coauthor_links),
        "social_title": article.social_title,
        "social_description": article.social_description,
        "social_image_id": article.social_image_id or 0,
        "canonical_url": article.canonical_url,
        "noindex": article.noindex,
        "target_at": article.target_at,
    }


_DATED = (Status.SCHEDULED, Status.PUBLISHED)


class ArticleFilterForm(FilterForm):
    q = SearchField("Title contains", validators=[Length(max=200)], default="")
    status = SelectField(
        "Status",
        choices=[SelectChoice("", "Any status")]
        + [SelectChoice(s.value, s.value.title()) for s in Status],
        default="",
    )
    category = SelectField("Category", coerce=str, default="")
    author = SelectField("Author", coerce=str, default="")

    def set_choices(self, categories: list[Category], authors: list[User]) -> None:
        """Fill the category and author selects."""
        self.category.choices = [SelectChoice("", "Any category")] + [
            SelectChoice(str(c.id), c.name) for c in categories
        ]
        self.author.choices = [SelectChoice("", "Anyone")] + [
            SelectChoice(str(a.id), a.name) for a in authors
        ]

    def to_filters(self) -> ArticleFilters:
        """The filters to apply; invalid ones are ignored."""
        values = self.values()
        return ArticleFilters(
            q=values["q"] or "",
            status=values["status"] or "",
            category_id=_int_or_none(values["category"]),
            author_id=_int_or_none(values["author"]),
        )


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def draft_values(fields: dict[str, str]) -> dict[str, Any]:
    """The form's values from a kept draft (an autosave, or text kept across a login)."""
    values: dict[str, Any] = {
        name: fields.get(name, "")
        for name in ("title", "slug", "excerpt", "body", "tags", "seo_title", "seo_description")
    }
    values["category"] = _int_or_none(fields.get("category"))
    values["banner_id"] = _int_or_none(fields.get("banner_id")) or 0
    values["featured"] = fields.get("featured") in ("y", "on", "true", "True")
    values["base_revision"] = fields.get("base_revision", "")
    return values


class ArticleBulkForm(FlaskForm):
    """The article list's bulk actions: the chosen rows, what to do, and its detail."""

    ids = SelectMultipleField("Stories", coerce=row_id, validate_choice=False)
    action = SelectField(
        "With the chosen stories",
        choices=[
            SelectChoice("", "Choose an action…"),
            SelectChoice(BulkAction.PUBLISH.value, "Publish now"),
            SelectChoice(BulkAction.UNPUBLISH.value, "Unpublish"),
            SelectChoice(BulkAction.MOVE.value, "Move to the category…"),
            SelectChoice(BulkAction.TAG.value, "Add the tag…"),
            SelectChoice(BulkAction.TRASH.value, "Move to the trash"),
            SelectChoice(BulkAction.RESTORE.value, "Restore from the trash"),
        ],
        validators=[DataRequired("Choose what to do with the chosen stories.")],
    )
    category = SelectField("Category", coerce=lambda value: _int_or_none(str(value)) or 0,
                           validate_choice=False)  # fmt: skip
    tag = StringField("Tag", validators=[Length(max=60)])
    apply = SubmitField("Apply")
