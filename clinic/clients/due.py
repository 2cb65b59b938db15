"""Due work from admissions and access: a missing primary counselor, emergency access to review,
possible probing. Also the shape every domain's episode-based kinds share (`episode_rows`)."""

from datetime import date, timedelta

import sqlalchemy as sa
from flask import Flask, url_for

from clinic.clients import access
from clinic.clients.models import Client, EmergencyAccess, Episode, display_name
from clinic.clients.services import visible_clause
from clinic.core import audit
from clinic.core.due import NOTICE, OVERDUE, DueItem, DueKind, register_due_kinds
from clinic.core.permissions import can

CLIENT_NAME = (Client.preferred_name, Client.legal_first_name, Client.legal_last_name)


def episode_rows(*columns, overdue, due_at, row_id=Episode.id) -> sa.Select:
    """A due query over open episodes and their clients, labelled as `clinic.core.due` reads
    it; the caller adds its WHERE clauses (and its own joins). `row_id` breaks ties between
    equal `due_at`s: the id of the table whose index gives the order."""
    return sa.select(
        Client.id.label("client_id"),
        Episode.primary_counselor_id.label("counselor_id"),
        Episode.current_level.label("level"),
        sa.cast(overdue, sa.Boolean).label("overdue"),
        due_at.label("due_at"),
        row_id.label("row_id"),
        *CLIENT_NAME,
        *columns,
    ).join(Episode, sa.and_(Episode.client_id == Client.id, Episode.discharged_on.is_(None)))


def client_rows(*columns, due_at, row_id, overdue=False) -> sa.Select:
    """A due query of rows about a client but no episode of theirs in particular (the
    worklist's counselor and level filters leave them out); the caller joins `Client`."""
    return sa.select(
        Client.id.label("client_id"),
        sa.null().label("counselor_id"),
        sa.null().label("level"),
        sa.literal(overdue).label("overdue"),
        due_at.label("due_at"),
        row_id.label("row_id"),
        *CLIENT_NAME,
        *columns,
    )


def client_name(row) -> str:
    return display_name(row.preferred_name, row.legal_first_name, row.legal_last_name)


def primary_counselor_query(user, today, _now):
    """Supervisors: open episodes with no primary counselor (overdue after a day)."""
    if not can(user, "work.supervise"):
        return None
    return episode_rows(
        overdue=Episode.admitted_on <= today - timedelta(days=1), due_at=Episode.admitted_on
    ).where(Episode.primary_counselor_id.is_(None))


def primary_counselor_item(row, _today, _now) -> DueItem:
    return DueItem(
        kind="primary_counselor",
        title="Assign a primary counselor",
        url=url_for("clients.care_team", client_id=row.client_id),
        severity=OVERDUE if row.overdue else NOTICE,
        client_name=client_name(row),
        due=row.due_at,
        client_id=row.client_id,
    )


def _admitted(day: date, today: date) -> str:
    if day == today:
        return "Admitted today"
    if day == today - timedelta(days=1):
        return "Admitted yesterday"
    return f"Admitted {day.isoformat()}"


def awaiting_query(user, _today, now):
    """Intake coordinators: the admissions of their intake window still waiting for a primary
    counselor (the supervisor assigns one; the coordinator sees to the client meanwhile)."""
    if not can(user, "work.intake"):
        return None
    return episode_rows(Episode.admitted_on, overdue=sa.false(), due_at=Episode.created_at).where(
        Episode.primary_counselor_id.is_(None),
        Episode.created_at >= now - access.INTAKE_WINDOW,
        visible_clause(user),
    )


def awaiting_item(row, today, _now) -> DueItem:
    return DueItem(
        kind="awaiting_counselor",
        title=f"{_admitted(row.admitted_on, today)}, awaiting a primary counselor",
        url=url_for("clients.chart", client_id=row.client_id),
        severity=NOTICE,
        client_name=client_name(row),
        client_id=row.client_id,
    )


def emergency_review_query(user, _today, _now):
    """Supervisors: emergency accesses not yet reviewed, the oldest first."""
    if not can(user, "emergency.review"):
        return None
    return (
        client_rows(due_at=EmergencyAccess.granted_at, row_id=EmergencyAccess.id)
        .select_from(EmergencyAccess)
        .join(Client, Client.id == EmergencyAccess.client_id)
        .where(EmergencyAccess.reviewed_at.is_(None))
    )


def emergency_review_item(row, _today, _now) -> DueItem:
    return DueItem(
        kind="emergency_review",
        title="Review emergency access",
        url=url_for("reports.emergency_access"),
        severity=NOTICE,
        client_name=client_name(row),
        client_id=row.client_id,
    )


def probing_query(user, _today, now):
    """Supervisors: someone's record requests were refused many times in a few minutes."""
    if not can(user, "emergency.review"):
        return None
    events = audit.AuditEvent
    return sa.select(
        sa.null().label("client_id"),
        sa.null().label("counselor_id"),
        sa.null().label("level"),
        sa.literal(False).label("overdue"),
        events.at.label("due_at"),
        events.id.label("row_id"),
    ).where(events.action == audit.PROBING, events.at >= now - timedelta(days=7))


def probing_item(row, _today, _now) -> DueItem:
    return DueItem(
        kind="probing",
        title="Possible probing to look into",
        url=url_for("reports.emergency_access", _anchor="probing"),
        severity=NOTICE,
    )


KINDS = (
    DueKind(
        "primary_counselor",
        "Primary counselors to assign",
        primary_counselor_query,
        primary_counselor_item,
    ),
    DueKind("awaiting_counselor", "Awaiting a primary counselor", awaiting_query, awaiting_item),
    DueKind(
        "emergency_review",
        "Emergency access to review",
        emergency_review_query,
        emergency_review_item,
    ),
    DueKind("probing", "Possible probing", probing_query, probing_item),
)


def register(app: Flask) -> None:
    register_due_kinds(app, *KINDS)
