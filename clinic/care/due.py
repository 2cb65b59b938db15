"""Due items from levels of care: moves waiting for a decision or for medical clearance, and
clients past the typical stay of their level. One query each."""

from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, current_app, url_for

from clinic.care.models import DischargeRequest, RequestStatus, TransitionRequest
from clinic.clients.levels import Level
from clinic.clients.models import Client, Episode, display_name
from clinic.clients.services import visible_clause
from clinic.core.clock import to_local
from clinic.core.due import DUE, NOTICE, DueItem, register_due_sources
from clinic.core.permissions import can
from clinic.extensions import db

CLIENT_NAME = (Client.id, Client.preferred_name, Client.legal_first_name, Client.legal_last_name)


def pending_moves(user, _today, _now) -> list[DueItem]:
    """Supervisors: every move waiting for a decision. Medical staff: moves out of withdrawal
    management waiting for their clearance, for clients they see."""
    supervisor = can(user, "work.supervise")
    medical = can(user, "work.medical")
    if not supervisor and not medical:
        return []
    waiting_clearance = sa.and_(
        TransitionRequest.from_level == Level.WM,
        TransitionRequest.to_level != Level.WM,
        TransitionRequest.cleared_at.is_(None),
    )
    rows = db.session.execute(
        sa.select(
            *CLIENT_NAME,
            TransitionRequest.from_level,
            TransitionRequest.to_level,
            TransitionRequest.requested_at,
            waiting_clearance.label("needs_clearance"),
        )
        .join(TransitionRequest, TransitionRequest.client_id == Client.id)
        .join(Episode, Episode.id == TransitionRequest.episode_id)
        .where(
            TransitionRequest.status == RequestStatus.PENDING,
            Episode.discharged_on.is_(None),
            sa.true() if supervisor else sa.and_(waiting_clearance, visible_clause(user)),
        )
        .order_by(TransitionRequest.requested_at)
    ).all()
    zone = current_app.config["CLINIC_TIMEZONE"]
    return [
        DueItem(
            kind="move",
            title=(
                f"Medical clearance to leave {Level(current).value}"
                if medical and not supervisor
                else f"Move to decide: {Level(current).value} → {Level(target).value}"
            ),
            url=url_for("care.moves", client_id=client_id),
            severity=DUE,
            client_name=display_name(preferred, first, last),
            due=to_local(requested_at, zone).date(),
            client_id=client_id,
        )
        for client_id, preferred, first, last, current, target, requested_at, _ in rows
    ]


def past_typical_stay(user, today, now) -> list[DueItem]:
    """The primary counselor's clients who have been at their level longer than is typical."""
    if not can(user, "work.counsel"):
        return []
    rows = db.session.execute(
        sa.select(*CLIENT_NAME, Episode.current_level, Episode.level_since)
        .join(Episode, sa.and_(Episode.client_id == Client.id, Episode.discharged_on.is_(None)))
        .where(Episode.primary_counselor_id == user.id, Episode.level_since.is_not(None))
        .order_by(Episode.level_since)
    ).all()
    zone = current_app.config["CLINIC_TIMEZONE"]
    items = []
    for client_id, preferred, first, last, current, since in rows:
        level = Level(current)
        limit = level.info.typical_max_days
        if limit is None or now - since <= timedelta(days=limit):
            continue
        items.append(
            DueItem(
                kind="long_stay",
                title=f"Past the typical stay at {level.value} ({level.info.typical_stay})",
                url=url_for("care.moves", client_id=client_id),
                severity=NOTICE,
                client_name=display_name(preferred, first, last),
                due=to_local(since + timedelta(days=limit), zone).date(),
                client_id=client_id,
            )
        )
    return items


def pending_discharges(user, _today, _now) -> list[DueItem]:
    """Supervisors: discharges waiting for a decision."""
    if not can(user, "work.supervise"):
        return []
    rows = db.session.execute(
        sa.select(*CLIENT_NAME, DischargeRequest.requested_at)
        .join(DischargeRequest, DischargeRequest.client_id == Client.id)
        .where(DischargeRequest.status == RequestStatus.PENDING)
        .order_by(DischargeRequest.requested_at)
    ).all()
    zone = current_app.config["CLINIC_TIMEZONE"]
    return [
        DueItem(
            kind="discharge",
            title="Discharge to decide",
            url=url_for("care.discharge", client_id=client_id),
            severity=DUE,
            client_name=display_name(preferred, first, last),
            due=to_local(requested_at, zone).date(),
            client_id=client_id,
        )
        for client_id, preferred, first, last, requested_at in rows
    ]


SOURCES = (pending_moves, past_typical_stay, pending_discharges)


def register(app: Flask) -> None:
    register_due_sources(app, *SOURCES)
