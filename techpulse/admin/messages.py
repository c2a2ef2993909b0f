"""The staff inbox of contact messages (editors and admins)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from techpulse.admin.blueprint import bp
from techpulse.admin.forms import ConfirmDeleteForm
from techpulse.admin.forms.messages import MessageFilterForm, NoteForm, StatusForm
from techpulse.clock import site_time, utcnow
from techpulse.models import ContactMessage, MessageStatus, Role
from techpulse.policy import requires
from techpulse.services.contact import inbox
from techpulse.web.lookup import or_404
from techpulse.web.pagination import ensure_page_exists, requested_page


@bp.app_template_global("unread_messages")
def unread_messages() -> int:
    """Count of new contact messages, for the admin navigation badge."""
    return inbox.unread_count()


def _filters() -> tuple[MessageFilterForm, str, str]:
    form = MessageFilterForm(formdata=request.args)
    values = form.values()
    return form, values["status"], values["q"]


@bp.get("/messages")
@requires(Role.EDITOR)
def messages() -> str:
    """The inbox: filter by status, search, page through."""
    form, status, search = _filters()
    listing = ensure_page_exists(inbox.list_messages(status, search, requested_page()))
    return render_template(
        "admin/messages/list.html", listing=listing, form=form, status=status, search=search
    )


@bp.get("/messages/export")
@requires(Role.EDITOR)
def messages_export() -> Response:
    """The filtered list as a CSV file, safe to open in a spreadsheet."""
    _, status, search = _filters()
    filename = f"messages-{site_time(utcnow()):%Y%m%d-%H%M}.csv"
    return Response(
        inbox.export_csv(status, search),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _render_message(message: ContactMessage, note_form: NoteForm) -> str:
    return render_template(
        "admin/messages/view.html", message=message, status_form=StatusForm(status=message.status),
        note_form=note_form, mailto=inbox.mailto_link(message),
    )  # fmt: skip


@bp.get("/messages/<int:message_id>")
@requires(Role.EDITOR)
def messages_view(message_id: int) -> str:
    """One message, shown as plain text; opening a new one marks it read."""
    return _render_message(or_404(inbox.open_message(message_id)), NoteForm())


@bp.post("/messages/<int:message_id>/status")
@requires(Role.EDITOR)
def messages_status(message_id: int) -> Response:
    """Move a message to another status."""
    message = or_404(inbox.message_by_id(message_id))
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    status = MessageStatus(form.status.data)
    inbox.set_status(message, status)
    flash(f"Message {message.reference} marked {status.value}.", "success")
    if status == MessageStatus.NEW:  # opening it again would mark it read at once
        return redirect(url_for("admin.messages"))
    return redirect(url_for("admin.messages_view", message_id=message_id))


@bp.post("/messages/<int:message_id>/note")
@requires(Role.EDITOR)
def messages_note(message_id: int) -> str | Response | tuple[str, int]:
    """Add an internal note to a message."""
    message = or_404(inbox.message_by_id(message_id))
    form = NoteForm()
    if form.validate_on_submit():
        inbox.add_note(message, current_user, form.note.data)
        flash("Note added.", "success")
        return redirect(url_for("admin.messages_view", message_id=message_id))
    return _render_message(message, form), 400


@bp.route("/messages/<int:message_id>/delete", methods=["GET", "POST"])
@requires(Role.ADMIN)
def messages_delete(message_id: int) -> str | Response:
    """Confirm, then delete a message for good (admins only)."""
    message = or_404(inbox.message_by_id(message_id))
    form = ConfirmDeleteForm()
    if form.validate_on_submit():
        reference = message.reference
        inbox.delete_message(message)
        flash(f"Message {reference} deleted.", "success")
        return redirect(url_for("admin.messages"))
    return render_template("admin/messages/delete.html", message=message, form=form)
