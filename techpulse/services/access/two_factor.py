"""Two-factor login with TOTP (RFC 6238) and one-time recovery codes; QR codes made here."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from markupsafe import Markup
from sqlalchemy import delete, func, select

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models import RecoveryCode, SiteSettings, TwoFactor, User
from techpulse.services import audit

STEP = 30  # seconds per code
DRIFT = 1  # steps accepted either side of now, for a phone clock that is slightly off
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i look-alikes


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def record_for(user: User) -> TwoFactor | None:
    """The user's TOTP row (enrolled or pending)."""
    return db.session.get(TwoFactor, user.id)


def enabled(user: User) -> bool:
    """Whether ``user`` has confirmed two-factor login."""
    row = record_for(user)
    return row is not None and row.confirmed_at is not None


def required() -> bool:
    """Whether an admin requires two-factor login for every staff member."""
    settings = db.session.get(SiteSettings, 1)
    return bool(settings and settings.require_two_factor)


def set_required(value: bool) -> None:
    """Require (or stop requiring) two-factor login for all staff (committed)."""
    settings = db.session.get(SiteSettings, 1)
    if settings is None:
        from techpulse.services.site import default_settings

        settings = default_settings()
        db.session.add(settings)
    if settings.require_two_factor != value:
        settings.require_two_factor = value
        audit.record("two_factor.required" if value else "two_factor.optional", "site settings")
    db.session.commit()


def begin_enrolment(user: User) -> TwoFactor:
    """A fresh pending secret for ``user`` (committed); replaces an unconfirmed one."""
    row = record_for(user)
    if row is not None and row.confirmed_at is not None:
        return row
    if row is None:
        row = TwoFactor(user_id=user.id)
        db.session.add(row)
    import pyotp  # here and below: loaded by staff logins only, never for a public page

    row.secret, row.last_step = pyotp.random_base32(), 0
    db.session.commit()
    return row


def provisioning_uri(user: User, row: TwoFactor, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    import pyotp

    return pyotp.TOTP(row.secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_svg(uri: str) -> Markup:
    """The QR code for ``uri`` as inline SVG, drawn on our server."""
    import segno

    svg = segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#111", light="#fff")
    return Markup(svg)  # segno's own markup, no user text is interpolated


def _accept_code(row: TwoFactor, code: str) -> bool:
    """Check a TOTP code; each time step is accepted once, never an older one (no replay)."""
    if not (code.isdigit() and len(code) == 6):
        return False
    import pyotp

    totp = pyotp.TOTP(row.secret)
    now_step = int(utcnow().timestamp()) // STEP
    for step in range(now_step - DRIFT, now_step + DRIFT + 1):
        if step > row.last_step and hmac.compare_digest(totp.at(step * STEP), code):
            row.last_step = step
            return True
    return False


def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Confirm with a first code; returns the new recovery codes (committed), else None."""
    row = record_for(user)
    if row is None or row.confirmed_at is not None or not _accept_code(row, _normalise(code)):
        db.session.rollback()
        return None
    row.confirmed_at = utcnow()
    codes = _replace_recovery_codes(user)
    audit.record("two_factor.enabled", user.email, actor=user)
    db.session.commit()
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(code)) for code in codes)
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def new_recovery_codes(user: User) -> list[str]:
    """Replace the recovery codes with 10 new ones (committed)."""
    codes = _replace_recovery_codes(user)
    audit.record("two_factor.recovery_codes_renewed", user.email, actor=user)
    db.session.commit()
    return codes


def recovery_codes_left(user: User) -> int:
    """How many unused recovery codes ``user`` has."""
    query = select(func.count()).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used.is_(False)
    )
    return db.session.scalar(query) or 0


def verify(user: User, code: str) -> bool:
    """Check a login code: a fresh TOTP code, or an unused recovery code (committed)."""
    row = record_for(user)
    if row is None or row.confirmed_at is None:
        return False
    code = _normalise(code)
    if _accept_code(row, code):
        db.session.commit()
        return True
    query = select(RecoveryCode).where(
        RecoveryCode.user_id == user.id,
        RecoveryCode.code_hash == _hash(code),
        RecoveryCode.used.is_(False),
    )
    recovery = db.session.scalar(query)
    if recovery is None:
        return False
    recovery.used = True
    db.session.flush()
    left = recovery_codes_left(user)
    audit.record("two_factor.recovery_code_used", user.email, f"{left} left", actor=user)
    db.session.commit()
    return True


def disable(user: User, by: User | None = None) -> None:
    """Remove two-factor login from ``user`` (committed); ``by`` an admin, or themselves."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(TwoFactor).where(TwoFactor.user_id == user.id))
    audit.record("two_factor.disabled", user.email, "" if by is None else f"by {by.email}")
    db.session.commit()
