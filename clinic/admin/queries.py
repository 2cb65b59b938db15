"""The reads behind the admin pages: the staff list, an account's recent events, the audit log."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from clinic.auth.models import User, UserRole
from clinic.core.audit import AuditEvent
from clinic.core.clock import local_day_bounds
from clinic.extensions import db


def staff_list(text: str | None = None, role: str | None = None, status: str | None = None):
    """Accounts by name: those whose name or email holds `text`, holding `role`, and "active"
    or "inactive" by `status` (each filter only when given)."""
    query = sa.select(User).order_by(User.full_name, User.id)
    if text:
        pattern = f"%{text.strip().lower()}%"
        query = query.where(
            sa.or_(sa.func.lower(User.full_name).like(pattern), User.email.like(pattern))
        )
    if role:
        query = query.where(User.id.in_(sa.select(UserRole.user_id).where(UserRole.role == role)))
    if status:
        query = query.where(User.active == (status == "active"))
    return query


def recent_events_of(user: User, limit: int = 10) -> list[AuditEvent]:
    """The latest audit events done by `user` or done to their account, newest first."""
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(
                sa.or_(
                    AuditEvent.user_id == user.id,
                    sa.and_(AuditEvent.object_type == "User", AuditEvent.object_id == str(user.id)),
                )
            )
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
            .options(joinedload(AuditEvent.user))
        )
    )


def audit_log(
    *,
    user_email: str | None,
    action: str | None,
    date_from: date | None,
    date_to: date | None,
    timezone: str,
):
    """Audit events, newest first: by a user whose email (or the email typed at a failed
    sign-in) holds `user_email`, of `action`, on or after `date_from` and on or before
    `date_to` in the clinic's `timezone` (each filter only when given)."""
    query = sa.select(AuditEvent).options(joinedload(AuditEvent.user))
    if user_email:
        pattern = f"%{user_email.strip().lower()}%"
        query = query.where(
            sa.or_(
                AuditEvent.user_id.in_(sa.select(User.id).where(User.email.like(pattern))),
                AuditEvent.actor_email.like(pattern),
            )
        )
    if action:
        query = query.where(AuditEvent.action == action)
    if date_from:
        query = query.where(AuditEvent.at >= local_day_bounds(date_from, timezone)[0])
    if date_to:
        query = query.where(AuditEvent.at < local_day_bounds(date_to, timezone)[1])
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def no_events():
    """The audit log's query when its filters are invalid: nothing."""
    return (
        sa.select(AuditEvent)
        .options(joinedload(AuditEvent.user))
        .where(sa.false())
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
