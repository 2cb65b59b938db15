"""Due work from levels of care: moves waiting for a decision or for medical clearance,
discharges waiting for a decision, and clients past the typical stay of their level. Each a
query over the rows waiting (see `clinic.core.due`)."""

from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, current_app, url_for

from clinic.care.models import DischargeRequest, RequestStatus, TransitionRequest
from clinic.clients import access
from clinic.clients.due import client_name, episode_rows
from clinic.clients.levels import LEVELS, Level
from clinic.clients.models import Episode
from clinic.core.clock import to_local
from clinic.core.due import DUE, NOTICE, DueItem, DueKind, register_due_kinds
from clinic.core.permissions import can


def _local_day(moment):
    return to_local(moment, current_app.config["CLINIC_TIMEZONE"]).date()


def _medical_sees(user, today, now):
    """Clients the user sees among those whose open episode is at withdrawal management (a
    move out of it waits for clearance there)."""
    return sa.and_(
        Episode.current_level == Level.WM,
        access.visible_in_withdrawal_management(user, today, now),
    )


def pending_moves_query(user, today, now):
    """Supervisors: every move waiting for a decision. Medical staff: moves out of withdrawal
    management waiting for their clearance, for clients they see."""
    supervisor = can(user, "work.supervise")
    if not supervisor and not can(user, "work.medical"):
        return None
    waiting_clearance = sa.and_(
        TransitionRequest.from_level == Level.WM,
        TransitionRequest.to_level != Level.WM,
        TransitionRequest.cleared_at.is_(None),
    )
    return (
        episode_rows(
            TransitionRequest.from_level,
            TransitionRequest.to_level,
            sa.literal(not supervisor).label("for_clearance"),
            overdue=sa.false(),
            due_at=TransitionRequest.requested_at,
            row_id=TransitionRequest.id,
        )
        .join(TransitionRequest, TransitionRequest.episode_id == Episode.id)
        .where(
            TransitionRequest.status == RequestStatus.PENDING,
            sa.true()
            if supervisor
            else sa.and_(waiting_clearance, _medical_sees(user, today, now)),
        )
    )


def pending_moves_item(row, _today, _now) -> DueItem:
    current, target = Level(row.from_level), Level(row.to_level)
    return DueItem(
        kind="move",
        title=f"Medical clearance to leave {current.value}"
        if row.for_clearance
        else f"Move to decide: {current.value} → {target.value}",
        url=url_for("care.moves", client_id=row.client_id),
        severity=DUE,
        client_name=client_name(row),
        due=_local_day(row.due_at),
        client_id=row.client_id,
    )


def past_typical_stay_query(user, _today, now):
    """The primary counselor's clients who have been at their level longer than is typical
    (the longest at their level first)."""
    if not can(user, "work.counsel"):
        return None
    limits = [
        (Episode.current_level == level, now - timedelta(days=info.typical_max_days))
        for level, info in LEVELS.items()
        if info.typical_max_days is not None
    ]
    return episode_rows(overdue=sa.false(), due_at=Episode.level_since).where(
        Episode.primary_counselor_id == user.id,
        Episode.level_since < sa.case(*limits, else_=None),
    )


def past_typical_stay_item(row, _today, _now) -> DueItem:
    level = Level(row.level)
    limit = timedelta(days=level.info.typical_max_days)
    return DueItem(
        kind="long_stay",
        title=f"Past the typical stay at {level.value} ({level.info.typical_stay})",
        url=url_for("care.moves", client_id=row.client_id),
        severity=NOTICE,
        client_name=client_name(row),
        due=_local_day(row.due_at + limit),
        client_id=row.client_id,
    )


def pending_discharges_query(user, _today, _now):
    """Supervisors: discharges waiting for a decision."""
    if not can(user, "work.supervise"):
        return None
    return (
        episode_rows(
            overdue=sa.false(), due_at=DischargeRequest.requested_at, row_id=DischargeRequest.id
        )
        .join(DischargeRequest, DischargeRequest.episode_id == Episode.id)
        .where(DischargeRequest.status == RequestStatus.PENDING)
    )


def pending_discharges_item(row, _today, _now) -> DueItem:
    return DueItem(
        kind="discharge",
        title="Discharge to decide",
        url=url_for("care.discharge", client_id=row.client_id),
        severity=DUE,
        client_name=client_name(row),
        due=_local_day(row.due_at),
        client_id=row.client_id,
    )


KINDS = (
    DueKind("move", "Moves to decide or clear", pending_moves_query, pending_moves_item),
    DueKind("discharge", "Discharges to decide", pending_discharges_query, pending_discharges_item),
    DueKind("long_stay", "Past the typical stay", past_typical_stay_query, past_typical_stay_item),
)


def register(app: Flask) -> None:
    register_due_kinds(app, *KINDS)
