"""The staff area's blueprint: one guard for every route under /admin."""

from __future__ import annotations

from flask import Blueprint

from techpulse import policy
from techpulse.auth import sessions

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(policy.enforce)
bp.after_request(sessions.no_store)
