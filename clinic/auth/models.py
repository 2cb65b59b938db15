"""Staff accounts, their roles, and the failed sign-ins that throttle them."""

import unicodedata
from datetime import datetime
from enum import StrEnum
from functools import cache

import sqlalchemy as sa
from flask import current_app
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from clinic.core.clock import utcnow
from clinic.core.db import UTCDateTime, enum_column_type
from clinic.extensions import db


class Role(StrEnum):
    INTAKE = "intake"
    COUNSELOR = "counselor"
    MEDICAL = "medical"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.INTAKE: "Intake coordinator",
    Role.COUNSELOR: "Counselor",
    Role.MEDICAL: "Medical staff",
    Role.SUPERVISOR: "Clinical supervisor",
    Role.ADMIN: "Administrator",
}

# werkzeug's scrypt, memory-hard; each hash names its own method and cost, so a change of cost
# (config PASSWORD_HASH_METHOD) applies to new passwords without breaking old ones.
DEFAULT_PASSWORD_METHOD = "scrypt:32768:8:1"  # noqa: S105 (a hash method, not a password)


def _password_method() -> str:
    return current_app.config.get("PASSWORD_HASH_METHOD", DEFAULT_PASSWORD_METHOD)


def normalize_email(email: str) -> str:
    """The one spelling of an email the portal stores and compares: Unicode NFKC (full-width
    and compatibility letters become the plain ones), trimmed, lower case."""
    return unicodedata.normalize("NFKC", email or "").strip().lower()


class User(UserMixin, db.Model):
    """A member of staff with their own sign-in."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Bumped to end every session of this user: logout, password change, role change, deactivation.
    session_version: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_ip: Mapped[str | None] = mapped_column(sa.String(64))
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Optimistic lock: an edit made from a stale form is detected, not silently applied.
    version: Mapped[int] = mapped_column(default=1)

    role_rows: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @validates("email")
    def _normalize_email(self, _key: str, value: str) -> str:
        return normalize_email(value)

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(row.role for row in self.role_rows)

    def set_roles(self, roles: set[Role]) -> bool:
        """Give the user exactly these roles; returns True when anything changed."""
        if set(roles) == set(self.roles):
            return False
        self.role_rows = [row for row in self.role_rows if row.role in roles] + [
            UserRole(role=role) for role in sorted(set(roles) - self.roles)
        ]
        return True

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, _password_method())
        self.password_changed_at = utcnow()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def end_sessions(self) -> None:
        """Invalidate every session this user has, on every device."""
        self.session_version = (self.session_version or 0) + 1

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        # The session version travels in the cookie; a cookie from an ended session no longer
        # matches and is refused by the user loader.
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


@cache
def _timing_decoy_hash(method: str) -> str:
    return generate_password_hash("timing decoy, never a real password", method)


def check_decoy_password(password: str) -> None:
    """Spend the time a real check would, for an email that has no account."""
    check_password_hash(_timing_decoy_hash(_password_method()), password)


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    role: Mapped[Role] = mapped_column(enum_column_type(Role, "role"), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")


class LoginFailure(db.Model):
    """A failed sign-in for an email (known or not), the input to throttling."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.Index("ix_login_failures_email_at", "email", "at"),)


class HeldForm(db.Model):
    """What a user typed into a form that arrived after their session ended (or with a stale
    token): kept for them alone, for a short while, offered back on the page for them to review
    and send again, never applied by itself, and deleted once offered or expired."""

    __tablename__ = "held_forms"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    page: Mapped[str] = mapped_column(sa.String(500))  # where it is offered back
    action: Mapped[str] = mapped_column(sa.String(500))  # where it was posted
    entries: Mapped[list] = mapped_column(sa.JSON)  # [[name, value], ...], no password or token
    held_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (sa.Index("ix_held_forms_user_id_page", "user_id", "page"),)
