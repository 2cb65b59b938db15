"""The audit log: one append-only table, written by `record` in the same transaction as the change.

A read (a GET) writes its events just after its own transaction, which takes no lock, in a short
one of their own that does (`clinic.core.transaction.keep`); a page whose events cannot be
written is not served.

HIPAA audit controls (45 CFR 164.312(b)) and 42 CFR Part 2 want to know who read or changed which
record, when and from where. Events carry identifiers and outcomes, never clinical narrative.
"""

import re
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from clinic.core.clock import utcnow
from clinic.core.db import UTCDateTime
from clinic.extensions import db

# Every action the log may hold, with the words the audit viewer shows for it. Domains add theirs
# with `define`, so that a misspelt action fails loudly instead of hiding from a filter.
ACTIONS: dict[str, str] = {}


def define(action: str, description: str) -> str:
    """Declare an audit action and return its code."""
    ACTIONS[action] = description
    return action


ACCESS_DENIED = define("access.denied", "Access denied")
PROBING = define("access.probing", "Possible probing: many refused record requests")


class AuditEvent(db.Model):
    """One thing that happened, by whom, to what; never updated or deleted."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # The email typed at a failed sign-in, where no account (or not this one) can be named.
    actor_email: Mapped[str | None] = mapped_column(sa.String(254))
    action: Mapped[str] = mapped_column(sa.String(64))
    object_type: Mapped[str | None] = mapped_column(sa.String(64))
    object_id: Mapped[str | None] = mapped_column(sa.String(64))
    client_id: Mapped[int | None] = mapped_column(index=True)
    outcome: Mapped[str] = mapped_column(sa.String(16), default="success")
    ip: Mapped[str | None] = mapped_column(sa.String(64))
    request_id: Mapped[str | None] = mapped_column(sa.String(64))
    detail: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    user = relationship("User", lazy="raise")

    __table_args__ = (
        sa.CheckConstraint("outcome IN ('success', 'failure', 'denied')", name="outcome"),
        # One action's events by id (the audit log's filter pages by id), and by time (the
        # latest of one action: `recent`, `count_any_since`, possible probing on supervisors'
        # home pages), each a range of an index, never every event since a day.
        sa.Index("ix_audit_events_action_id", "action", "id"),
        sa.Index("ix_audit_events_action_at", "action", "at"),
    )


def acting_user() -> Any:
    """The signed-in user of the request, when there is one (the recorder's default actor)."""
    if has_request_context() and current_user.is_authenticated:
        return current_user
    return None


def record(
    action: str,
    *,
    target: Any = None,
    client_id: int | None = None,
    outcome: str = "success",
    detail: dict[str, Any] | None = None,
    user: Any = None,
    actor_email: str | None = None,
) -> AuditEvent:
    """Add an audit event to the session; the caller's commit (`attempt`, `keep`) writes it."""
    if action not in ACTIONS:
        raise ValueError(f"undeclared audit action {action!r}")
    if user is None:
        user = acting_user()
    event_row = AuditEvent(
        at=utcnow(),
        user_id=getattr(user, "id", None),
        actor_email=actor_email,
        action=action,
        object_type=type(target).__name__ if target is not None else None,
        object_id=str(target.id) if target is not None else None,
        client_id=client_id,
        outcome=outcome,
        detail=detail or None,
    )
    if has_request_context():
        event_row.ip = request.remote_addr
        event_row.request_id = g.get("request_id")
    db.session.add(event_row)
    return event_row


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _context, _instances) -> None:
    """The database refuses it too (triggers in the migration); this names the culprit sooner."""
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise RuntimeError("audit events are append-only")


def object_label(object_type: str | None) -> str:
    """A record's kind in words ("TransitionRequest" -> "Transition request")."""
    if not object_type:
        return ""
    words = re.findall(r"[A-Z][a-z]*|[a-z]+|\d+", object_type)
    return " ".join([words[0], *(word.lower() for word in words[1:])]) if words else object_type


def summarize_detail(detail: dict[str, Any] | None) -> str:
    """A short line for the log's table: lists are counted, not spelt out (the whole detail is
    on the event's own page)."""
    if not detail:
        return ""
    parts = []
    for key, value in detail.items():
        label = key.replace("_", " ")
        if isinstance(value, list | tuple):
            parts.append(f"{label}: {len(value)}")
        elif isinstance(value, dict):
            parts.append(f"{label}: {len(value)} fields")
        elif value is not None and value != "":
            text = str(value)
            parts.append(f"{label}: {text if len(text) <= 60 else text[:57] + '...'}")
    return "; ".join(parts)


def count_since(user_id: int, action: str, since: datetime) -> int:
    """How many events of `action` the user caused since `since`."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.user_id == user_id, AuditEvent.action == action, AuditEvent.at >= since)
    )


def recent(action: str, since: datetime, limit: int = 50) -> list[AuditEvent]:
    """The latest events of `action` since `since`, newest first, with who caused them."""
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.action == action, AuditEvent.at >= since)
            .options(sa.orm.joinedload(AuditEvent.user))
            .order_by(AuditEvent.at.desc())
            .limit(limit)
        )
    )


def count_any_since(action: str, since: datetime) -> int:
    """How many events of `action` anyone caused since `since`."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == action, AuditEvent.at >= since)
    )
