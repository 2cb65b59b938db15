"""Managing staff accounts: creating, editing, deactivating, resetting passwords.

Used by the admin pages and the `users` command alike. Every change is audited in the caller's
transaction; the caller commits.
"""

import unicodedata
from collections.abc import Iterable

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app

from clinic.auth.models import LoginFailure, Role, User, normalize_email
from clinic.auth.passwords import password_problems
from clinic.core import audit
from clinic.core.errors import RuleError
from clinic.extensions import db

USER_CREATED = audit.define("user.created", "Staff account created")
USER_UPDATED = audit.define("user.updated", "Staff account changed")
USER_DEACTIVATED = audit.define("user.deactivated", "Staff account deactivated")
USER_REACTIVATED = audit.define("user.reactivated", "Staff account reactivated")
USER_PASSWORD_RESET = audit.define("user.password_reset", "Password reset by an administrator")


class AccountError(RuleError):
    """A change to an account that the rules refuse."""


# Letters of other scripts that look like Latin ones (after Unicode's confusables list, the
# few that make a convincing staff email).
_LOOK_ALIKES = str.maketrans(
    {
        "\u0430": "a",  # cyrillic small letter a
        "\u0435": "e",  # cyrillic small letter ie
        "\u043e": "o",  # cyrillic small letter o
        "\u0440": "p",  # cyrillic small letter er
        "\u0441": "c",  # cyrillic small letter es
        "\u0443": "y",  # cyrillic small letter u
        "\u0445": "x",  # cyrillic small letter ha
        "\u0456": "i",  # cyrillic small letter byelorussian-ukrainian i
        "\u0458": "j",  # cyrillic small letter je
        "\u0455": "s",  # cyrillic small letter dze
        "\u04bb": "h",  # cyrillic small letter shha
        "\u0501": "d",  # cyrillic small letter komi de
        "\u051b": "q",  # cyrillic small letter qa
        "\u051d": "w",  # cyrillic small letter we
        "\u03bf": "o",  # greek small letter omicron
        "\u03b1": "a",  # greek small letter alpha
        "\u03bd": "v",  # greek small letter nu
        "\u03c1": "p",  # greek small letter rho
        "\u03c4": "t",  # greek small letter tau
        "\u03b9": "i",  # greek small letter iota
        "\u03ba": "k",  # greek small letter kappa
        "\u0475": "v",  # cyrillic small letter izhitsa
        "\u0261": "g",  # latin small letter script g
        "\u2113": "l",  # script small l
        "0": "o",  # digit
        "1": "l",  # digit
    }
)


def _scripts(text: str) -> set[str]:
    """The scripts of the letters in `text` (LATIN, CYRILLIC, GREEK...)."""
    return {unicodedata.name(char, "UNKNOWN").split()[0] for char in text if char.isalpha()}


def email_skeleton(email: str) -> str:
    """What an email looks like to a reader: look-alike letters folded together."""
    return normalize_email(email).translate(_LOOK_ALIKES)


def check_email(email: str, *, exclude: User | None = None) -> str:
    """Return the normalised email, or raise AccountError when it is invalid, taken, mixes
    scripts, or looks like an existing account's email (a phishing look-alike)."""
    email = normalize_email(email)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise AccountError(str(error), "email") from None
    if any(len(_scripts(part)) > 1 for part in email.split("@")):
        raise AccountError(
            "This email mixes letters of different alphabets; type it in one.", "email"
        )
    query = sa.select(User.id).where(User.email == email)
    if exclude is not None:
        query = query.where(User.id != exclude.id)
    if db.session.scalar(query) is not None:
        raise AccountError("Another account already uses this email.", "email")
    skeleton = email_skeleton(email)
    others = sa.select(User.email)
    if exclude is not None:
        others = others.where(User.id != exclude.id)
    if any(email_skeleton(other) == skeleton for other in db.session.scalars(others)):
        raise AccountError("This email looks like another account's; check every letter.", "email")
    return email


def check_name(full_name: str) -> str:
    """Return the trimmed name, or raise AccountError when none was given."""
    full_name = (full_name or "").strip()
    if not full_name:
        raise AccountError("Enter the person's full name.", "full_name")
    return full_name


def organisation_names() -> tuple[str, ...]:
    """The clinic's own names, which a password may not be built on."""
    return (current_app.config.get("CLINIC_NAME") or "",)


def check_password(password: str, email: str) -> None:
    """Raise AccountError, saying why, when the policy refuses `password`."""
    problems = password_problems(password, email, organisation_names())
    if problems:
        raise AccountError(" ".join(problems), "password")


def create_user(
    email: str,
    full_name: str,
    roles: Iterable[Role],
    password: str,
    *,
    actor: User | None,
    must_change_password: bool = True,
    via: str = "admin",
) -> User:
    """Create an account after checking email, name, roles and password. `actor` is the
    administrator, or None from the command line and the demo seed."""
    email = check_email(email)
    full_name = check_name(full_name)
    roles = set(roles)
    if not roles:
        raise AccountError("Choose at least one role.", "roles")
    check_password(password, email)
    user = User(email=email, full_name=full_name, must_change_password=must_change_password)
    user.set_password(password)
    user.set_roles(roles)
    db.session.add(user)
    db.session.flush()
    audit.record(
        USER_CREATED,
        target=user,
        detail={"roles": sorted(roles), "via": via},
        user=actor,
    )
    return user


def update_user(
    user: User, *, actor: User, email: str, full_name: str, roles: Iterable[Role]
) -> list[str]:
    """Change an account's email, name and roles; returns the names of what changed."""
    roles = set(roles)
    if not roles:
        raise AccountError("Choose at least one role.", "roles")
    if user.id == actor.id and Role.ADMIN in user.roles and Role.ADMIN not in roles:
        raise AccountError("You cannot remove your own administrator role.", "roles")
    email = check_email(email, exclude=user)
    full_name = check_name(full_name)

    changed = []
    if email != user.email:
        user.email = email
        changed.append("email")
    if full_name != user.full_name:
        user.full_name = full_name
        changed.append("full_name")
    before = set(user.roles)
    if user.set_roles(roles):
        changed.append("roles")
        # New roles take effect at the next sign-in; lost ones must not linger in a session.
        user.end_sessions()
    if changed:
        detail = {"changed": changed}
        if "roles" in changed:
            detail["roles_added"] = sorted(roles - before)
            detail["roles_removed"] = sorted(before - roles)
        audit.record(USER_UPDATED, target=user, detail=detail, user=actor)
    return changed


def set_active(user: User, active: bool, *, actor: User) -> None:
    """Deactivate (ending every session) or reactivate an account."""
    if user.id == actor.id and not active:
        raise AccountError("You cannot deactivate your own account.")
    if user.active == active:
        return
    user.active = active
    if not active:
        user.end_sessions()
    else:  # a fresh start: the failures that disabled it no longer count
        db.session.execute(sa.delete(LoginFailure).where(LoginFailure.email == user.email))
    audit.record(USER_REACTIVATED if active else USER_DEACTIVATED, target=user, user=actor)


def reset_password(user: User, password: str, *, actor: User) -> None:
    """Set a temporary password the user must change at next sign-in; ends their sessions."""
    check_password(password, user.email)
    user.set_password(password)
    user.must_change_password = True
    user.end_sessions()
    audit.record(USER_PASSWORD_RESET, target=user, user=actor)
