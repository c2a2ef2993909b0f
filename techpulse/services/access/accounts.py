"""Staff accounts: passwords, login, roles, activation, and the sessions they end."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models import Role, User
from techpulse.services import audit
from techpulse.slugs import unique_slug
from techpulse.web.field_errors import FieldError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
SET_PASSWORD_MAX_AGE = 7 * 24 * 3600
COMMON_PASSWORDS = Path(__file__).resolve().parents[2] / "data" / "common-passwords.txt"


def _hash_method() -> str:
    """The configured PASSWORD_HASH_METHOD (scrypt unless the configuration says otherwise)."""
    return str(current_app.config.get("PASSWORD_HASH_METHOD") or "scrypt")


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    # Checked when the e-mail is unknown, so a miss costs as long as a wrong password.
    return generate_password_hash("not-a-real-password-just-for-timing", method)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of the most common passwords, lower-cased."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, email: str = "") -> str | None:
    """Why ``password`` is not acceptable for a new password, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    if password.lower() in common_passwords() or len(set(password)) < 4:
        return "This password is too common and easy to guess; choose another."
    if email and email.split("@")[0].lower() in password.lower() and len(email) > 3:
        return "Do not use your e-mail address in your password."
    return None


def normalise_email(email: str) -> str:
    """E-mail addresses are compared in lower case, without surrounding spaces."""
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    """The account with this e-mail address."""
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, else None (failures are audited)."""
    user = user_by_email(email)
    stored = user.password_hash if user and user.password_hash else None
    valid = check_password_hash(stored or _dummy_hash(_hash_method()), password)
    if user is None or not valid or not user.active:
        audit.record("login.failed", normalise_email(email)[:200])
        db.session.commit()
        return None
    user.last_login_at = utcnow()
    audit.record("login.succeeded", user.email, actor=user)
    db.session.commit()
    return user


def verify_password(user: User, password: str) -> bool:
    """Whether ``password`` is ``user``'s current password."""
    return bool(user.password_hash) and check_password_hash(user.password_hash, password)


def create_user(email: str, name: str, role: Role, password: str | None = None) -> User:
    """Create a staff account (committed); without a password it cannot log in yet."""
    email = normalise_email(email)
    if user_by_email(email) is not None:
        raise FieldError("email", "An account with this e-mail address already exists.")
    user = User(email=email, name=name.strip(), role=role.value, slug=unique_slug(User.slug, name))
    if password is not None:
        _set_hash(user, password)
    db.session.add(user)
    audit.record("user.created", email, f"role {role.value}")
    db.session.commit()
    return user


def _set_hash(user: User, password: str) -> None:
    problem = password_problem(password, user.email)
    if problem:
        raise FieldError("password", problem)
    user.password_hash = generate_password_hash(password, _hash_method())


def set_password(user: User, password: str) -> None:
    """Give ``user`` a new password and end every session they have (committed)."""
    _set_hash(user, password)
    user.session_version += 1
    audit.record("user.password_changed", user.email)
    db.session.commit()


def set_role(user: User, role: Role) -> None:
    """Change ``user``'s role, ending their sessions (committed)."""
    if user.role == role.value:
        return
    _guard_last_admin(user, leaving=role != Role.ADMIN)
    audit.record("user.role_changed", user.email, f"{user.role} → {role.value}")
    user.role = role.value
    user.session_version += 1
    db.session.commit()


def set_active(user: User, active: bool) -> None:
    """Deactivate (ending their sessions) or reactivate ``user`` (committed)."""
    if user.active == active:
        return
    if not active:
        _guard_last_admin(user, leaving=True)
    user.active = active
    user.session_version += 1
    audit.record("user.activated" if active else "user.deactivated", user.email)
    db.session.commit()


def _guard_last_admin(user: User, *, leaving: bool) -> None:
    if not leaving or user.role != Role.ADMIN.value:
        return
    admins = select(func.count()).where(User.role == Role.ADMIN.value, User.active.is_(True))
    if db.session.scalar(admins) <= 1:
        raise FieldError("role", "This is the last active admin; make someone else admin first.")


def password_link_token(user: User, salt: str) -> str:
    """A signed token naming the user and their session version: setting a password spends it."""
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)
    return serializer.dumps({"id": user.id, "v": user.session_version})


def user_for_password_link(token: str, salt: str, max_age: int) -> User | None:
    """The active user a still-valid, unspent password-link token (of this ``salt``) names."""
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)
    try:
        data = serializer.loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, data.get("id")) if isinstance(data, dict) else None
    if user is None or not user.active or user.session_version != data.get("v"):
        return None
    return user


def set_password_token(user: User) -> str:
    """A one-time token for the set-password link (spent when the password changes)."""
    return password_link_token(user, "set-password")


def user_for_set_password_token(token: str) -> User | None:
    """The user a still-valid set-password token belongs to."""
    return user_for_password_link(token, "set-password", SET_PASSWORD_MAX_AGE)


def user_for_session(identity: str) -> User | None:
    """The active user whose session identity ("id:version") is still current."""
    user_id, _, version = identity.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def has_admin() -> bool:
    """Whether any active admin account exists."""
    query = select(User.id).where(User.role == Role.ADMIN.value, User.active.is_(True))
    return db.session.scalar(query.limit(1)) is not None


def get_user(user_id: int) -> User | None:
    """The account with this id."""
    return db.session.get(User, user_id)


def all_users(q: str = "", role: str = "") -> list[User]:
    """Every staff account, admins first, then by name; searched by name or e-mail, by role."""
    ranks = {role.value: role.rank for role in Role}
    query = select(User)
    if words := q.strip():
        query = query.where(
            User.name.icontains(words, autoescape=True)
            | User.email.icontains(words, autoescape=True)
        )
    if role in ranks:
        query = query.where(User.role == role)
    users = db.session.scalars(query.order_by(User.name, User.id)).all()
    return sorted(users, key=lambda user: -ranks.get(user.role, 0))


def issue_set_password_token(user: User) -> str:
    """A new set-password token for ``user``; audited, since it lets its holder log in."""
    audit.record("user.password_link", user.email)
    db.session.commit()
    return set_password_token(user)


def update_profile(user: User, name: str, slug: str, bio: str) -> list[str]:
    """Change the public profile (name, author-page slug, bio); returns the changed fields."""
    taken = select(User.id).where(User.slug == slug, User.id != user.id)
    if db.session.scalar(taken.limit(1)) is not None:
        raise FieldError("slug", "Another person already has this author page address.")
    new = {"name": name.strip(), "slug": slug, "bio": bio.strip()}
    changed = [field for field, value in new.items() if getattr(user, field) != value]
    if changed:
        for field in changed:
            setattr(user, field, new[field])
        audit.record("user.profile_changed", user.email, ", ".join(changed))
        db.session.commit()
    return changed


def record_rate_limited_login(email: str, limit: str) -> None:
    """Log (and commit) that logins for ``email`` or from this address were throttled."""
    audit.record("login.rate_limited", email[:200], limit)
    db.session.commit()
