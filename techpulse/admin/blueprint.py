"""The staff area's blueprint: one guard for every route under /admin."""

from __future__ import annotations

from flask import Blueprint

from techpulse import policy
from techpulse.admin.editor import enrolment, kept_text
from techpulse.auth import sessions, two_factor

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(kept_text.keep_text_of_expired_save)  # before the guard sends them to log in
bp.before_request(enrolment.keep_text_before_enrolment)  # before enrolment is demanded
bp.before_request(two_factor.require_enrolment)
bp.before_request(policy.enforce)
bp.after_request(sessions.no_store)
bp.add_app_template_global(kept_text.writer_token, "kept_text_writer")
