"""Site settings in the staff area: names, the About blurb, contact and social links."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from techpulse.admin.blueprint import bp
from techpulse.admin.forms.settings import SETTINGS_FIELDS, SettingsForm
from techpulse.models import Role
from techpulse.policy import requires
from techpulse.services import site


@bp.route("/settings", methods=["GET", "POST"])
@requires(Role.ADMIN)
def settings() -> str | Response:
    """Edit the site-wide settings shown in the header, sidebar and footer."""
    form = SettingsForm(obj=site.site_settings())
    if form.validate_on_submit():
        values: dict[str, object] = {name: form[name].data or "" for name in SETTINGS_FIELDS}
        if form.recent_posts.data is not None:  # left empty: keep the current number
            values["recent_posts"] = form.recent_posts.data
        changed = site.save_settings(values)
        flash("Settings saved." if changed else "Nothing changed.", "success")
        return redirect(url_for("admin.settings"))
    return render_template("admin/settings/form.html", form=form, fields=SETTINGS_FIELDS)
