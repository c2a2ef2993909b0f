"""Forms of categories and tags."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from techpulse.admin.forms import SLUG_HINT
from techpulse.slugs import row_id


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
