"""The reads behind the admin pages: the staff list, an account's recent events, the audit log."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import defer, joinedload

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
) -> list:
    """The conditions on audit events: by a user whose email (or the email typed at a failed
    sign-in) holds `user_email`, of `action`, on or after `date_from` and on or before `date_to`
    in the clinic's `timezone` (each filter only when given). See `audit_page`."""
    conditions = []
    if user_email:
        pattern = f"%{user_email.strip().lower()}%"
        conditions.append(
            sa.or_(
                AuditEvent.user_id.in_(sa.select(User.id).where(User.email.like(pattern))),
                AuditEvent.actor_email.like(pattern),
            )
        )
    if action:
        conditions.append(AuditEvent.action == action)
    if date_from:
        conditions.append(AuditEvent.at >= local_day_bounds(date_from, timezone)[0])
    if date_to:
        conditions.append(AuditEvent.at < local_day_bounds(date_to, timezone)[1])
    return conditions


def no_events() -> list:
    """The audit log's conditions when its filters are invalid: nothing."""
    return [sa.false()]


# A detail longer than this (as JSON text) is not read for the log's table: its size and the
# number of client ids it names are, in SQL; the event's own page shows all of it.
DETAIL_READ_UP_TO = 4000


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent  # without its detail (deferred: never loaded for the table)
    detail: dict[str, Any] | None  # None when there is none, or when it is too long to read
    detail_size: int  # characters of JSON
    client_count: int | None  # how many client ids it names (read in SQL)


@dataclass(frozen=True)
class AuditPage:
    """One page of the log, newest first, and the ids that open its neighbours (None: none)."""

    rows: list[AuditRow]
    newer_than: int | None  # the newer page: events after this id
    older_than: int | None  # the older page: events before this id


def audit_page(
    conditions: list, *, before: int | None, after: int | None, per_page: int
) -> AuditPage:
    """The events matching `conditions`, newest first, by keyset on the id: those just before
    the id `before` (older), or just after `after` (newer), or the newest. Two queries, each
    a range of the primary key with a LIMIT, and no count of the whole log."""
    text = sa.cast(AuditEvent.detail, sa.Text)
    size = sa.func.coalesce(sa.func.length(text), 0)
    short = sa.case((size <= DETAIL_READ_UP_TO, AuditEvent.detail))
    query = (
        sa.select(AuditEvent, short.label("detail"), size.label("size"), _client_count())
        .options(defer(AuditEvent.detail), joinedload(AuditEvent.user))
        .where(*conditions)
    )
    reading_newer = after is not None
    if reading_newer:
        query = query.where(AuditEvent.id > after).order_by(AuditEvent.id)
    else:
        if before is not None:
            query = query.where(AuditEvent.id < before)
        query = query.order_by(AuditEvent.id.desc())
    found = db.session.execute(query.limit(per_page + 1)).all()
    beyond = len(found) > per_page  # more events on the side read
    found = found[:per_page]
    if reading_newer:
        found.reverse()
    rows = [AuditRow(event, detail, size, count) for event, detail, size, count in found]
    if rows:
        newest, oldest = rows[0].event.id, rows[-1].event.id
    elif reading_newer:  # past the newest: the older side starts at the id asked for
        newest = oldest = after + 1
    else:
        newest = oldest = before - 1 if before is not None else None
    # The other side: one probe of the primary key.
    if newest is None:
        other = sa.false()
    else:
        other = AuditEvent.id < oldest if reading_newer else AuditEvent.id > newest
    other_side = db.session.scalar(
        sa.select(sa.select(AuditEvent.id).where(other, *conditions).exists())
    )
    newer, older = (beyond, other_side) if reading_newer else (other_side, beyond)
    return AuditPage(
        rows,
        newer_than=newest if newer else None,
        older_than=oldest if older else None,
    )


def _client_count():
    """How many client ids the detail names (a list under "client_ids"), or None."""
    if db.engine.dialect.name == "sqlite":
        count = sa.func.json_array_length(AuditEvent.detail, "$.client_ids")
    else:
        ids = AuditEvent.detail["client_ids"]
        count = sa.case((sa.func.json_typeof(ids) == "array", sa.func.json_array_length(ids)))
    return count.label("client_count")
