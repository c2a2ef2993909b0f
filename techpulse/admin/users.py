"""Staff accounts in the staff area: list, create, edit profile, role, activation, links."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from techpulse.admin.blueprint import bp
from techpulse.admin.forms.users import (
    ActiveForm,
    NewUserForm,
    ProfileForm,
    RoleForm,
    UserFilterForm,
)
from techpulse.models import Role, User
from techpulse.policy import requires
from techpulse.services.access import accounts
from techpulse.web.field_errors import FieldError, errors_on
from techpulse.web.lookup import or_404

# Where a freshly made set-password link waits to be shown exactly once.
LINK_KEY = "set_password_link"


def _remember_link(user: User, token: str) -> Response:
    """Keep the link for one display on the next page (redirect-after-POST)."""
    url = url_for("auth.set_password", token=token, _external=True)
    session[LINK_KEY] = {"user_id": user.id, "url": url}
    return redirect(url_for("admin.users_link", user_id=user.id))


@bp.get("/users")
@requires(Role.ADMIN)
def users() -> str:
    """Every staff account with role, status and last login; searched and filtered."""
    form = UserFilterForm(formdata=request.args)
    values = form.values()
    found = accounts.all_users(values["q"] or "", values["role"] or "")
    return render_template("admin/users/list.html", users=found, form=form)


@bp.route("/users/new", methods=["GET", "POST"])
@requires(Role.ADMIN)
def users_new() -> str | Response:
    """Create an account with an initial password or a one-time set-password link."""
    form = NewUserForm()
    if form.validate_on_submit():
        password = form.password.data if form.how.data == "password" else None
        role = Role(form.role.data)
        with errors_on(form, fallback="email"):
            user = accounts.create_user(form.email.data, form.name.data, role, password)
            flash(f"Account created for {user.name}.", "success")
            if password is None:
                return _remember_link(user, accounts.issue_set_password_token(user))
            return redirect(url_for("admin.users_edit", user_id=user.id))
    return render_template("admin/users/new.html", form=form)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@requires(Role.ADMIN)
def users_edit(user_id: int) -> str | Response:
    """Edit a person's public profile; the page also holds role, activation and link actions."""
    user = or_404(accounts.get_user(user_id))
    form = ProfileForm(obj=user)
    if form.validate_on_submit():
        with errors_on(form, fallback="slug"):
            changed = accounts.update_profile(user, form.name.data, form.slug.data, form.bio.data)
            flash("Profile saved." if changed else "Nothing changed.", "success")
            return redirect(url_for("admin.users_edit", user_id=user.id))
    role_form = RoleForm(role=user.role)
    return render_template("admin/users/edit.html", user=user, form=form, role_form=role_form)


@bp.post("/users/<int:user_id>/role")
@requires(Role.ADMIN)
def users_role(user_id: int) -> Response:
    """Change a person's role; their sessions end so the new role applies at once."""
    user = or_404(accounts.get_user(user_id))
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        accounts.set_role(user, Role(form.role.data))
    except FieldError as error:
        flash(error.message, "error")
    else:
        flash(f"{user.name} is now {user.role}; they must log in again.", "success")
    return redirect(url_for("admin.users_edit", user_id=user.id))


@bp.post("/users/<int:user_id>/active")
@requires(Role.ADMIN)
def users_active(user_id: int) -> Response:
    """Deactivate (ending their sessions) or reactivate an account."""
    user = or_404(accounts.get_user(user_id))
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    active = form.active.data == "1"
    try:
        accounts.set_active(user, active)
    except FieldError as error:
        flash(error.message, "error")
    else:
        flash(f"{user.name} is {'active' if active else 'deactivated'}.", "success")
    return redirect(url_for("admin.users_edit", user_id=user.id))


@bp.route("/users/<int:user_id>/link", methods=["GET", "POST"])
@requires(Role.ADMIN)
def users_link(user_id: int) -> str | Response:
    """POST makes a new set-password link; GET shows the latest one, once."""
    user = or_404(accounts.get_user(user_id))
    if request.method == "POST":
        return _remember_link(user, accounts.issue_set_password_token(user))
    pending = session.pop(LINK_KEY, None)
    url = pending["url"] if pending and pending.get("user_id") == user.id else None
    return render_template("admin/users/link.html", user=user, url=url)
