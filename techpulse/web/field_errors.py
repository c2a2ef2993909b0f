"""The one way to say "this input is wrong": services raise FieldError, views show it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask_wtf import FlaskForm


class FieldError(ValueError):
    """A rejected input: ``field`` names the form field, ``message`` is safe to show."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def show_on_form(form: FlaskForm, error: FieldError, fallback: str = "") -> None:
    """Put ``error`` on its form field (or on ``fallback`` when the form has no such field)."""
    name = error.field if error.field in form else fallback
    field = form[name] if name in form else next(iter(form))
    field.errors = [*field.errors, error.message]


@contextmanager
def errors_on(form: FlaskForm, fallback: str = "") -> Iterator[None]:
    """Run a service write; a FieldError it raises is shown on ``form`` instead.

    ``with errors_on(form): save(…); flash(…); return redirect(…)`` — when the save is
    refused, the view carries on after the block and renders the form with the message.
    """
    try:
        yield
    except FieldError as error:
        show_on_form(form, error, fallback)
