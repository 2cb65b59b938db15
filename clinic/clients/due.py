"""Due items from admissions and access: a missing primary counselor, emergency access to review."""

from datetime import date, timedelta

import sqlalchemy as sa
from flask import Flask, url_for

from clinic.clients import access
from clinic.clients.models import Client, EmergencyAccess, Episode, display_name
from clinic.clients.services import visible_clause
from clinic.core import audit
from clinic.core.due import NOTICE, OVERDUE, DueItem, register_due_sources
from clinic.core.permissions import can
from clinic.extensions import db


def primary_counselor_needed(user, today, _now) -> list[DueItem]:
    """Supervisors: open episodes with no primary counselor (overdue after a day)."""
    if not can(user, "work.supervise"):
        return []
    rows = db.session.execute(
        sa.select(
            Client.id,
            Client.preferred_name,
            Client.legal_first_name,
            Client.legal_last_name,
            Episode.admitted_on,
        )
        .join(Episode, Episode.client_id == Client.id)
        .where(Episode.discharged_on.is_(None), Episode.primary_counselor_id.is_(None))
        .order_by(Episode.admitted_on)
    ).all()
    return [
        DueItem(
            kind="primary_counselor",
            title="Assign a primary counselor",
            url=url_for("clients.care_team", client_id=client_id),
            severity=OVERDUE if (today - admitted_on).days >= 1 else NOTICE,
            client_name=display_name(preferred, first, last),
            due=admitted_on,
            client_id=client_id,
        )
        for client_id, preferred, first, last, admitted_on in rows
    ]


def _admitted(day: date, today: date) -> str:
    if day == today:
        return "Admitted today"
    if day == today - timedelta(days=1):
        return "Admitted yesterday"
    return f"Admitted {day.isoformat()}"


def awaiting_a_counselor(user, today, now) -> list[DueItem]:
    """Intake coordinators: the admissions of their intake window still waiting for a primary
    counselor (the supervisor assigns one; the coordinator sees to the client meanwhile)."""
    if not can(user, "work.intake"):
        return []
    rows = db.session.execute(
        sa.select(
            Client.id,
            Client.preferred_name,
            Client.legal_first_name,
            Client.legal_last_name,
            Episode.admitted_on,
        )
        .join(Episode, Episode.client_id == Client.id)
        .where(
            Episode.discharged_on.is_(None),
            Episode.primary_counselor_id.is_(None),
            Episode.created_at >= now - access.INTAKE_WINDOW,
            visible_clause(user),
        )
        .order_by(Episode.admitted_on.desc(), Client.id)
    ).all()
    return [
        DueItem(
            kind="awaiting_counselor",
            title=f"{_admitted(admitted_on, today)}, awaiting a primary counselor",
            url=url_for("clients.chart", client_id=client_id),
            severity=NOTICE,
            client_name=display_name(preferred, first, last),
            client_id=client_id,
        )
        for client_id, preferred, first, last, admitted_on in rows
    ]


def emergency_access_to_review(user, _today, _now) -> list[DueItem]:
    """Supervisors: emergency accesses not yet reviewed (one item for all of them)."""
    if not can(user, "emergency.review"):
        return []
    waiting = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(EmergencyAccess)
        .where(EmergencyAccess.reviewed_at.is_(None))
    )
    if not waiting:
        return []
    return [
        DueItem(
            kind="emergency_review",
            title=f"Review emergency access ({waiting})",
            url=url_for("reports.emergency_access"),
            severity=NOTICE,
        )
    ]


def possible_probing(user, _today, now) -> list[DueItem]:
    """Supervisors: someone's record requests were refused many times in a few minutes."""
    if not can(user, "emergency.review"):
        return []
    seen = audit.count_any_since(audit.PROBING, now - timedelta(days=7))
    if not seen:
        return []
    return [
        DueItem(
            kind="probing",
            title=f"Possible probing to look into ({seen})",
            url=url_for("reports.emergency_access", _anchor="probing"),
            severity=NOTICE,
        )
    ]


SOURCES = (
    primary_counselor_needed,
    awaiting_a_counselor,
    emergency_access_to_review,
    possible_probing,
)


def register(app: Flask) -> None:
    register_due_sources(app, *SOURCES)
