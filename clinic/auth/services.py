"""Signing in and out, session lifetimes, and password changes: the rules behind the auth views."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, request, session
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm

from clinic.auth import held
from clinic.auth.models import (
    LoginFailure,
    Role,
    User,
    UserRole,
    check_decoy_password,
    normalize_email,
)
from clinic.auth.throttle import ThrottlePolicy, locked_until
from clinic.core import audit, transaction
from clinic.core.clock import utcnow
from clinic.core.transaction import add_error
from clinic.extensions import db

LOGIN = audit.define("auth.login", "Signed in")
LOGIN_FAILED = audit.define("auth.login_failed", "Sign-in failed")
LOGIN_THROTTLED = audit.define("auth.login_throttled", "Sign-in refused: too many failures")
LOGOUT = audit.define("auth.logout", "Signed out")
ACCOUNT_DISABLED = audit.define(
    "auth.account_disabled", "Account disabled after too many failed sign-ins"
)
SESSION_EXPIRED = audit.define("auth.session_expired", "Session expired")
PASSWORD_CHANGED = audit.define("auth.password_changed", "Own password changed")
PASSWORD_CHECK_FAILED = audit.define(
    "auth.password_check_failed", "Wrong current password when changing password"
)


@dataclass(frozen=True)
class SignInResult:
    user: User | None = None
    locked_until: datetime | None = None
    # False when the attempt was refused unchecked because the email was already locked out.
    checked: bool = True


def throttle_policy() -> ThrottlePolicy:
    config = current_app.config
    return ThrottlePolicy(
        max_failures=config["LOGIN_MAX_FAILURES"],
        window=config["LOGIN_FAILURE_WINDOW"],
        base_delay=config["LOGIN_LOCKOUT_BASE"],
        max_delay=config["LOGIN_LOCKOUT_MAX"],
    )


def _recent_failures(email: str, now: datetime, policy: ThrottlePolicy) -> list[datetime]:
    return list(
        db.session.scalars(
            sa.select(LoginFailure.at).where(
                LoginFailure.email == email, LoginFailure.at > now - policy.memory
            )
        )
    )


def check_sign_in(email: str, password: str) -> SignInResult:
    """Check a sign-in attempt; a failure is recorded (the caller keeps it) and counts.

    Unknown emails, wrong passwords and deactivated accounts look the same from outside, and
    all of them count towards the lock-out of the email typed. A success changes nothing yet:
    `start_session` does.
    """
    email = normalize_email(email)
    now = utcnow()
    policy = throttle_policy()
    until = locked_until(_recent_failures(email, now, policy), now, policy)
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if until is not None:
        audit.record(LOGIN_THROTTLED, user=user, actor_email=email, outcome="denied")
        return SignInResult(locked_until=until, checked=False)

    if user is None:
        check_decoy_password(password)
        verified = False
    else:
        verified = user.check_password(password) and user.active
    if not verified:
        db.session.add(LoginFailure(email=email, at=now))
        detail = {"reason": "inactive"} if user is not None and not user.active else None
        audit.record(LOGIN_FAILED, user=user, actor_email=email, outcome="failure", detail=detail)
        if user is not None and user.active:
            _disable_after_too_many_failures(user)
        until = locked_until(_recent_failures(email, now, policy), now, policy)
        return SignInResult(locked_until=until)
    return SignInResult(user=user)


def _disable_after_too_many_failures(user: User) -> None:
    """An account that failed to sign in this many times in a row (a success clears the count)
    is under attack: it is disabled until an administrator re-enables it. The sign-in page says
    nothing different, so the attacker learns nothing."""
    db.session.flush()
    failures = db.session.scalar(
        sa.select(sa.func.count()).select_from(LoginFailure).where(LoginFailure.email == user.email)
    )
    if failures >= current_app.config["LOGIN_DISABLE_AFTER"]:
        user.active = False
        user.end_sessions()
        audit.record(
            ACCOUNT_DISABLED,
            target=user,
            user=user,
            outcome="denied",
            detail={"failures": failures},
        )


def start_session(user: User) -> None:
    """Sign in `user`, whose password `check_sign_in` accepted: their failures are forgotten,
    the sign-in is recorded and a fresh session begins."""
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.email == user.email))
    user.last_login_at = utcnow()
    user.last_login_ip = request.remote_addr
    begin_session(user)
    held.note_waiting(user)
    audit.record(LOGIN, user=user)


def begin_session(user: User) -> None:
    """Start a fresh session for `user`, dropping anything the old one held."""
    session.clear()
    login_user(user, remember=False)
    stamp = utcnow().timestamp()
    session["login_at"] = stamp
    session["last_seen"] = stamp


def sign_out(user: User) -> None:
    """End this session and every other session of the user."""
    audit.record(LOGOUT, user=user)
    user.end_sessions()
    logout_user()
    session.clear()


def session_has_expired() -> bool:
    """True when the signed-in session is past its idle or absolute limit; else mark activity."""
    now = utcnow().timestamp()
    login_at = session.get("login_at")
    last_seen = session.get("last_seen")
    config = current_app.config
    expired = (
        login_at is None
        or last_seen is None
        or now - last_seen > config["SESSION_IDLE_TIMEOUT"].total_seconds()
        or now - login_at > config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds()
    )
    if not expired:
        session["last_seen"] = now
    return expired


def expire_session(user: User) -> None:
    """End a session that has outlived its limits (the guard asks `session_has_expired`)."""
    audit.record(SESSION_EXPIRED, user=user)
    logout_user()
    session.clear()


def check_current_password(user: User, password: str) -> SignInResult:
    """Re-check a signed-in user's password (to change it), throttled like signing in: a stolen
    session must not become a way to guess the password."""
    now = utcnow()
    policy = throttle_policy()
    until = locked_until(_recent_failures(user.email, now, policy), now, policy)
    if until is not None:
        audit.record(LOGIN_THROTTLED, user=user, actor_email=user.email, outcome="denied")
        return SignInResult(locked_until=until, checked=False)
    if user.check_password(password):
        return SignInResult(user=user)
    db.session.add(LoginFailure(email=user.email, at=now))
    audit.record(PASSWORD_CHECK_FAILED, user=user, outcome="failure")
    until = locked_until(_recent_failures(user.email, now, policy), now, policy)
    return SignInResult(locked_until=until)


def change_own_password(user: User, new_password: str) -> None:
    """Set the user's password, end their other sessions and keep this one."""
    user.set_password(new_password)
    user.must_change_password = False
    user.end_sessions()
    audit.record(PASSWORD_CHANGED, target=user, user=user)
    begin_session(user)


def _with_role(role: Role):
    """Active accounts holding `role`."""
    return sa.and_(
        User.active.is_(True),
        User.id.in_(sa.select(UserRole.user_id).where(UserRole.role == role)),
    )


def staff_with_role(role: Role) -> list[User]:
    """Active staff holding `role`, by name (care-team choices, say)."""
    return list(
        db.session.scalars(sa.select(User).where(_with_role(role)).order_by(User.full_name))
    )


def staff_names_with_role(role: Role) -> list[tuple[int, str]]:
    """(id, full name) of active staff holding `role`, by name, for filters: columns only, no
    ORM objects."""
    return list(
        db.session.execute(
            sa.select(User.id, User.full_name).where(_with_role(role)).order_by(User.full_name)
        )
    )


def full_names(user_ids) -> dict[int, str]:
    """Staff names by id for the ids given (None and repeats ignored): one query, or none."""
    wanted = {user_id for user_id in user_ids if user_id}
    if not wanted:
        return {}
    rows = db.session.execute(sa.select(User.id, User.full_name).where(User.id.in_(wanted)))
    return dict(rows.all())


def verify_signer(form: FlaskForm, actor: User, field: str = "password") -> bool:
    """A signature's step of its own: the signer types their password again. A wrong one is
    explained beside `field` and kept (it counts towards the sign-in throttle and is audited),
    and the caller goes no further; the signature itself is then an ordinary `attempt`."""
    check = check_current_password(actor, form[field].data or "")
    if check.user is not None:
        return True
    words = ["That is not your password."] if check.checked else []
    if check.locked_until is not None:
        words.append("Too many wrong passwords: wait a while before trying again.")
    transaction.keep()
    add_error(form, " ".join(words) or "That is not your password.", field)
    return False


def staff_named(text: str) -> sa.Select:
    """The ids of staff whose full name contains `text` (any case): a filter typed as a name,
    never a list of every account."""
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.select(User.id).where(sa.func.lower(User.full_name).like(f"%{escaped}%", escape="\\"))
