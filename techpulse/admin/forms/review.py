"""Forms of the review loop: a comment (or a reply), and sending a story back."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField, TextAreaField
from wtforms.validators import Length

from techpulse.services.editorial.review import MAX_COMMENT


class CommentForm(FlaskForm):
    comment = TextAreaField(
        "Comment",
        validators=[Length(max=MAX_COMMENT)],
        description="Only staff see comments; they stay with the story.",
    )
    parent_id = HiddenField()
    submit = SubmitField("Add comment")

    def parent(self) -> int | None:
        """The comment this one replies to, if any."""
        value = self.parent_id.data or ""
        return int(value) if value.isdigit() else None


class SendBackForm(FlaskForm):
    reason = TextAreaField(
        "What needs to change",
        validators=[Length(max=MAX_COMMENT)],
        description="The author reads this at the top of the story; it becomes a draft again.",
    )
    submit = SubmitField("Send back to the author")
