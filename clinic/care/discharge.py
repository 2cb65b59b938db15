"""Discharge: the request with its aftercare plan or its against-advice facts, and the supervisor's
decision, which closes the episode and ends its open stay. Every change is audited; callers commit.
"""

import sqlalchemy as sa
from flask import current_app

from clinic.assessments.models import Assessment
from clinic.assessments.vocabulary import AssessmentKind, AssessmentStatus
from clinic.auth.models import User
from clinic.care import transitions
from clinic.care.models import DischargeRequest, RequestStatus, TransitionRequest
from clinic.care.requests import TransitionError, decide_while_pending, decline_request
from clinic.clients.models import Episode
from clinic.clients.stays import StayEnd, open_stay
from clinic.clients.vocabulary import DischargeType
from clinic.core import audit
from clinic.core.clock import to_local, utcnow
from clinic.core.permissions import can
from clinic.core.text import clean_text
from clinic.extensions import db

DISCHARGE_REQUESTED = audit.define("discharge.requested", "Discharge requested")


DISCHARGE_APPROVED = audit.define("discharge.approved", "Discharge approved")


DISCHARGE_DECLINED = audit.define("discharge.declined", "Discharge declined")


def pending_discharge(episode_id: int) -> DischargeRequest | None:
    return db.session.scalar(
        sa.select(DischargeRequest).where(
            DischargeRequest.episode_id == episode_id,
            DischargeRequest.status == RequestStatus.PENDING,
        )
    )


def has_signed_discharge_assessment(episode_id: int) -> bool:
    return (
        db.session.scalar(
            sa.select(sa.func.count()).where(
                Assessment.episode_id == episode_id,
                Assessment.kind == AssessmentKind.DISCHARGE,
                Assessment.status == AssessmentStatus.SIGNED,
            )
        )
        > 0
    )


def _discharge_plan(row: DischargeRequest) -> transitions.DischargePlan:
    return transitions.DischargePlan(
        discharge_type=row.discharge_type,
        reason=row.reason or "",
        discharge_assessment_signed=has_signed_discharge_assessment(row.episode_id),
        living_situation=row.living_situation or "",
        continuing_care=row.continuing_care or "",
        meetings=row.meetings or "",
        moud_continues=row.moud_continues,
        moud_with=row.moud_with or "",
        left_at=row.left_at,
        follow_up=row.follow_up or "",
    )


def request_discharge(episode: Episode, details: dict, *, actor: User) -> DischargeRequest:
    """Ask to discharge: the type decides what the request must hold (transitions.py)."""
    if not can(actor, "transition.request", episode):
        raise TransitionError("Your role does not request discharges.")
    if not episode.is_open:
        raise TransitionError("The episode is closed already.")
    if details.get("discharge_type") != transitions.AGAINST_ADVICE:
        details = {**details, "left_at": None}  # only a departure against advice is dated
    left_at = details.get("left_at")
    if left_at is not None:
        if left_at > utcnow():
            raise TransitionError("The time the client left cannot be in the future.", "left_at")
        stay = open_stay(episode.id)
        if stay is not None and left_at < stay.started_at:
            raise TransitionError(
                "The client left before the current level began: correct the time.", "left_at"
            )
    row = DischargeRequest(
        client_id=episode.client_id,
        episode_id=episode.id,
        requested_by_id=actor.id,
        **{key: clean_text(value) for key, value in details.items()},
    )
    problems = transitions.discharge_problems(_discharge_plan(row))
    if problems:
        field, message = problems[0]
        raise TransitionError(message, field)
    if pending_discharge(episode.id) is not None:
        raise TransitionError("A discharge is already waiting for a decision.")
    db.session.add(row)
    db.session.flush()
    audit.record(
        DISCHARGE_REQUESTED,
        target=row,
        client_id=episode.client_id,
        detail={"type": row.discharge_type},
        user=actor,
    )
    return row


def approve_discharge(row: DischargeRequest, note: str | None, *, actor: User) -> None:
    """The episode closes and its open stay ends, in this transaction."""
    if not can(actor, "transition.decide", row):
        raise TransitionError("Discharges are approved by a supervisor.")
    problems = [
        *transitions.four_eyes_problems(row.requested_by_id, actor.id),
        *(message for _field, message in transitions.discharge_problems(_discharge_plan(row))),
    ]
    if problems:
        raise TransitionError(problems[0])
    now = utcnow()
    decide_while_pending(
        row,
        status=RequestStatus.APPROVED,
        decided_by_id=actor.id,
        decided_at=now,
        decision_note=clean_text(note),
    )
    episode = db.session.get(Episode, row.episode_id)
    ended = row.left_at or now
    zone = current_app.config["CLINIC_TIMEZONE"]
    episode.discharged_on = max(to_local(ended, zone).date(), episode.admitted_on)
    episode.discharge_type = DischargeType(row.discharge_type)
    episode.discharge_reason = row.reason
    db.session.flush()  # the episode closes first: only then may its stay end by discharge
    db.session.execute(
        sa.update(TransitionRequest)
        .where(
            TransitionRequest.episode_id == episode.id,
            TransitionRequest.status == RequestStatus.PENDING,
        )
        .values(
            status=RequestStatus.WITHDRAWN,
            decided_at=now,
            decision_note="Closed by the discharge.",
            version=TransitionRequest.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    stay = open_stay(episode.id)
    if stay is not None:
        stay.ended_at = max(ended, stay.started_at)
        stay.ended_by = StayEnd.DISCHARGE
    db.session.flush()
    audit.record(
        DISCHARGE_APPROVED,
        target=row,
        client_id=row.client_id,
        detail={"type": row.discharge_type, "episode": episode.id},
        user=actor,
    )


def decline_discharge(row: DischargeRequest, note: str | None, *, actor: User) -> None:
    """A supervisor declines, saying why: the episode stays open."""
    decline_request(
        row,
        note,
        actor=actor,
        refused="Discharges are declined by a supervisor.",
        ask_why="Say why the discharge is declined.",
    )
    audit.record(DISCHARGE_DECLINED, target=row, client_id=row.client_id, user=actor)
