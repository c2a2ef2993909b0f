"""Staff security for admins: require two-factor login, reset a lost authenticator."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from techpulse.admin.blueprint import bp
from techpulse.admin.forms.security import RequireTwoFactorForm
from techpulse.auth.forms import RemoveTwoFactorForm
from techpulse.models import Role
from techpulse.policy import requires
from techpulse.services.access import accounts, step_up, two_factor
from techpulse.web.lookup import or_404


@bp.route("/security", methods=["GET", "POST"])
@requires(Role.ADMIN)
def security() -> str | Response:
    """Whether two-factor login is required, and who has it."""
    form = RequireTwoFactorForm(require=two_factor.required())
    if form.validate_on_submit():
        two_factor.set_required(bool(form.require.data))
        flash("Security settings saved.", "success")
        return redirect(url_for("admin.security"))
    people = [(user, two_factor.enabled(user)) for user in accounts.all_users()]
    return render_template(
        "admin/security/form.html", form=form, people=people, removal=RemoveTwoFactorForm()
    )


@bp.post("/security/<int:user_id>/remove-two-factor")
@requires(Role.ADMIN)
def security_remove_two_factor(user_id: int) -> Response:
    """Remove someone's two-factor login (lost phone) once the admin typed their password."""
    user = or_404(accounts.get_user(user_id))
    me = current_user._get_current_object()
    form = RemoveTwoFactorForm()
    if not two_factor.enabled(user):
        return redirect(url_for("admin.security"))
    if not form.validate_on_submit():
        flash("Type your password to remove a two-factor login; nothing was changed.", "error")
        return redirect(url_for("admin.security"))
    refused = step_up.confirm_removal(me, user, form.password.data, form.code.data or "")
    if refused:
        flash(refused, "error")
    else:
        two_factor.disable(user, by=me)
        flash(f"Two-factor login removed for {user.name}.", "success")
    return redirect(url_for("admin.security"))
