"""Forms of the trash: search it; pick items to restore or delete for good."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SearchField, SelectMultipleField, SubmitField
from wtforms.validators import Length

from techpulse.admin.forms import FilterForm


class TrashFilterForm(FilterForm):
    q = SearchField("Title contains", validators=[Length(max=200)], default="")


class TrashActionForm(FlaskForm):
    # "article:12", "page:3", "image:7": checkboxes of the list, or one item's own button.
    items = SelectMultipleField("Items", validate_choice=False)
    restore = SubmitField("Restore")
    purge = SubmitField("Delete for good")

    def keys(self) -> list[tuple[str, int]]:
        """The (kind, id) pairs chosen; malformed ones are left out."""
        pairs = []
        for value in self.items.data or []:
            kind, _, ident = str(value).partition(":")
            if ident.isdigit():
                pairs.append((kind, int(ident)))
        return pairs
