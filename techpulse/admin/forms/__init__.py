"""Forms of the staff area, one module per resource (``forms/media.py`` for ``admin/media.py``)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import SubmitField

SLUG_HINT = "Part of the address: lower-case letters (any script), digits and hyphens."


def strip(value: str | None) -> str | None:
    """A field filter: surrounding white space removed."""
    return value.strip() if isinstance(value, str) else value


class ConfirmDeleteForm(FlaskForm):
    """The confirm button of every delete page (its CSRF token makes the POST safe)."""

    submit = SubmitField("Delete")


class FilterForm(FlaskForm):
    """A GET form filtering a staff list; a value that does not validate filters nothing."""

    class Meta:
        csrf = False  # a GET search form changes nothing

    def values(self) -> dict[str, Any]:
        """Each field's value, or its default when what was sent is not valid."""
        self.validate()
        return {
            name: field.default if field.errors else field.data
            for name, field in self._fields.items()
        }
