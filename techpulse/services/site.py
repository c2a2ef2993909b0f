"""Site settings: the one row of names, blurb and links every page shows."""

from __future__ import annotations

from collections.abc import Mapping

from flask import g

from techpulse.extensions import db
from techpulse.models import SiteSettings
from techpulse.services import audit

_COLUMNS = tuple(SiteSettings.__table__.columns)


def site_settings() -> SiteSettings:
    """The site settings (a copy of the row, to read), loaded once per request.

    Defaults if none was saved yet. An anonymous request may be handed a copy its page-cache
    generation shares (``serving/fragments.share_common_reads``).
    """
    if "site_settings" not in g:
        g.site_settings = load_settings()
    return g.site_settings


def load_settings() -> SiteSettings:
    """The settings row, read now, as a copy no session owns."""
    row = db.session.get(SiteSettings, 1)
    if row is None:
        return default_settings()
    # Unattached to any session, so requests can share it and no commit can expire it.
    return SiteSettings(**{column.key: getattr(row, column.key) for column in _COLUMNS})


def default_settings() -> SiteSettings:
    """Unsaved settings holding every column's default (before an admin saves any)."""
    settings = SiteSettings(id=1)
    for column in _COLUMNS:
        if column.default is not None and getattr(settings, column.key) is None:
            setattr(settings, column.key, column.default.arg)
    return settings


def save_settings(values: Mapping[str, object]) -> list[str]:
    """Save the settings row (creating it on first save); returns the changed field names."""
    settings = db.session.get(SiteSettings, 1)
    if settings is None:
        settings = default_settings()
        db.session.add(settings)
    editable = {column.key for column in _COLUMNS} - {"id"}
    changed = []
    for field, value in values.items():
        if field in editable and getattr(settings, field) != value:
            setattr(settings, field, value)
            changed.append(field)
    if changed:
        audit.record("settings.changed", "site settings", ", ".join(changed))
    db.session.commit()
    g.pop("site_settings", None)
    return changed
