"""The trash: what was deleted in the last TRASH_DAYS days, to restore or delete for good."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from techpulse.admin.blueprint import bp
from techpulse.admin.forms.trash import TrashActionForm, TrashFilterForm
from techpulse.models import Role
from techpulse.policy import can_empty_trash, requires
from techpulse.services import trash


@bp.get("/trash")
@requires(Role.EDITOR)
def trash_list() -> str:
    """Stories, pages and images in the trash, most recent first."""
    trash.purge_expired()
    form = TrashFilterForm(formdata=request.args)
    items = trash.trashed(form.values()["q"] or "")
    return render_template(
        "admin/trash/list.html", items=items, form=form, actions=TrashActionForm()
    )


@bp.post("/trash")
@requires(Role.EDITOR)
def trash_act() -> Response:
    """Restore the chosen items, or (admins) delete them for good."""
    form = TrashActionForm()
    if not form.validate_on_submit():
        abort(400)
    if form.purge.data and not can_empty_trash(current_user):
        abort(403)
    done = skipped = 0
    for kind, ident in form.keys():
        item = trash.item_by_key(kind, ident)
        try:
            ok = item is not None and _apply(form, item)
        except trash.NotAllowed:
            ok = False
        done, skipped = (done + 1, skipped) if ok else (done, skipped + 1)
    verb = "Deleted for good" if form.purge.data else "Restored"
    flash(f"{verb}: {done}." + (f" Skipped {skipped} (not allowed or in use)." if skipped else ""),
          "success" if done else "error")  # fmt: skip
    return redirect(url_for("admin.trash_list"))


def _apply(form: TrashActionForm, item: trash.Item) -> bool:
    if form.purge.data:
        return trash.purge(item, current_user)
    trash.restore(item, current_user)
    return True
