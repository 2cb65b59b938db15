"""Moving between levels of care: requests, medical clearance, a supervisor's decision, and a
supervisor's correction of the level on record. Every change is audited; callers commit.

An approval is one conditional UPDATE of the request (pending -> approved) and one INSERT of the
next stay, in one transaction: of two approvals of one request, racing or replayed, exactly one
changes a row; the database ends the previous stay itself (migration 0006).
"""

import sqlalchemy as sa
from flask import current_app

from clinic.assessments.models import Assessment
from clinic.assessments.vocabulary import AssessmentStatus
from clinic.auth.models import User
from clinic.care import transitions
from clinic.care.census import beds_used, capacity
from clinic.care.discharge import pending_discharge
from clinic.care.models import BedCapacity, RequestStatus, TransitionRequest
from clinic.care.requests import (
    NO_OPEN_STAY,
    TransitionError,
    decide_while_pending,
    decline_request,
)
from clinic.clients.levels import Level
from clinic.clients.models import Episode
from clinic.clients.stays import LevelCorrection, LevelOfCareStay, StayReason, open_stay
from clinic.core import audit
from clinic.core.clock import utcnow
from clinic.core.permissions import can
from clinic.core.text import clean_text
from clinic.extensions import db

TRANSITION_REQUESTED = audit.define("transition.requested", "Level-of-care move requested")


TRANSITION_CLEARED = audit.define("transition.cleared", "Medical clearance recorded")


TRANSITION_APPROVED = audit.define("transition.approved", "Level-of-care move approved")


TRANSITION_DECLINED = audit.define("transition.declined", "Level-of-care move declined")


TRANSITION_WITHDRAWN = audit.define("transition.withdrawn", "Level-of-care move withdrawn")


LEVEL_CORRECTED = audit.define("level.corrected", "Level of care corrected")


STAY_REASON = {
    transitions.Move.STEP_DOWN: StayReason.STEP_DOWN,
    transitions.Move.STEP_UP: StayReason.STEP_UP,
    transitions.Move.LATERAL: StayReason.LATERAL,
}


def pending_request(episode_id: int) -> TransitionRequest | None:
    return db.session.scalar(
        sa.select(TransitionRequest).where(
            TransitionRequest.episode_id == episode_id,
            TransitionRequest.status == RequestStatus.PENDING,
        )
    )


def recent_assessments(episode_id: int) -> list[Assessment]:
    """Signed assessments a request may rest on (within the configured days), newest first."""
    since = utcnow() - current_app.config["TRANSITION_ASSESSMENT_WITHIN"]
    return list(
        db.session.scalars(
            sa.select(Assessment)
            .where(
                Assessment.episode_id == episode_id,
                Assessment.status == AssessmentStatus.SIGNED,
                Assessment.signed_at >= since,
            )
            .order_by(Assessment.signed_at.desc())
        )
    )


def _situation(request_like, assessment: Assessment | None, by: int) -> transitions.Situation:
    target = Level(request_like.to_level)
    return transitions.Situation(
        current=Level(request_like.from_level),
        target=target,
        justification=request_like.justification or "",
        assessment_signed_at=assessment.signed_at if assessment else None,
        recommended=assessment.recommended_level if assessment else None,
        override_reason=request_like.override_reason,
        cleared=getattr(request_like, "cleared_at", None) is not None,
        beds=capacity(target),
        beds_used=beds_used(target),
        requested_by=by,
        now=utcnow(),
        assessment_within=current_app.config["TRANSITION_ASSESSMENT_WITHIN"],
    )


def request_move(
    episode: Episode,
    to_level: Level,
    justification: str,
    assessment_id: int | None,
    override_reason: str | None,
    *,
    actor: User,
) -> TransitionRequest:
    """A counselor, medical user or supervisor asks to move the client."""
    if not can(actor, "transition.request", episode):
        raise TransitionError("Your role does not request moves between levels.")
    if not episode.is_open:
        raise TransitionError("The episode is closed.")
    stay = open_stay(episode.id)
    if stay is None:
        raise TransitionError(NO_OPEN_STAY)
    if pending_discharge(episode.id) is not None:
        raise TransitionError("A discharge is waiting for a decision: no move meanwhile.")
    assessment = db.session.get(Assessment, assessment_id) if assessment_id else None
    if assessment is not None and (
        assessment.episode_id != episode.id or assessment.status != AssessmentStatus.SIGNED
    ):
        raise TransitionError("Choose a signed assessment of this episode.", "assessment_id")
    draft = TransitionRequest(
        client_id=episode.client_id,
        episode_id=episode.id,
        from_stay_id=stay.id,
        from_level=stay.level,
        to_level=to_level,
        justification=(justification or "").strip(),
        assessment_id=assessment.id if assessment else None,
        override_reason=clean_text(override_reason),
        requested_by_id=actor.id,
    )
    problems = transitions.request_problems(_situation(draft, assessment, actor.id))
    if problems:
        field, message = problems[0]
        raise TransitionError(message, field)
    if pending_request(episode.id) is not None:
        raise TransitionError("A move is already waiting for a decision: decide or withdraw it.")
    db.session.add(draft)
    db.session.flush()
    move = transitions.move_between(stay.level, to_level)
    audit.record(
        TRANSITION_REQUESTED,
        target=draft,
        client_id=episode.client_id,
        detail={"from": stay.level.value, "to": to_level.value, "move": move.value},
        user=actor,
    )
    return draft


def clear(request_row: TransitionRequest, note: str | None, *, actor: User) -> None:
    """A medical user clears the client to leave withdrawal management."""
    if not can(actor, "transition.clear", request_row):
        raise TransitionError("Medical clearance is recorded by medical staff.")
    if not transitions.needs_medical_clearance(request_row.from_level, request_row.to_level):
        raise TransitionError("This move needs no medical clearance.")
    if request_row.cleared_at is not None:
        raise TransitionError("Medical clearance is already recorded.")
    decide_while_pending(
        request_row,
        TransitionRequest.cleared_at.is_(None),
        cleared_by_id=actor.id,
        cleared_at=utcnow(),
        clearance_note=clean_text(note),
    )
    audit.record(
        TRANSITION_CLEARED, target=request_row, client_id=request_row.client_id, user=actor
    )


def approve(request_row: TransitionRequest, note: str | None, *, actor: User) -> LevelOfCareStay:
    """A supervisor approves: the request is decided and the next stay opens (ending the open
    one) in this transaction."""
    if not can(actor, "transition.decide", request_row):
        raise TransitionError("Moves are approved by a supervisor.")
    if request_row.status != RequestStatus.PENDING:
        raise TransitionError("This request is no longer waiting for a decision.")
    # Two approvals into the last bed must not both pass: lock the level's capacity row first
    # (PostgreSQL; SQLite's write transaction already runs one request at a time).
    db.session.execute(
        sa.select(BedCapacity.level)
        .where(BedCapacity.level == request_row.to_level)
        .with_for_update()
    )
    assessment = db.session.get(Assessment, request_row.assessment_id)
    problems = transitions.approval_problems(
        _situation(request_row, assessment, request_row.requested_by_id), actor.id
    )
    if problems:
        raise TransitionError(" ".join(problems))
    stay = open_stay(request_row.episode_id)
    if stay is None or stay.id != request_row.from_stay_id:
        raise TransitionError("The client has moved since this request was made.")
    now = utcnow()
    decide_while_pending(
        request_row,
        status=RequestStatus.APPROVED,
        decided_by_id=actor.id,
        decided_at=now,
        decision_note=clean_text(note),
    )
    move = transitions.move_between(Level(request_row.from_level), Level(request_row.to_level))
    following = LevelOfCareStay(
        episode_id=request_row.episode_id,
        level=request_row.to_level,
        started_at=max(now, stay.started_at),
        reason=STAY_REASON[move],
        requested_by_id=request_row.requested_by_id,
        approved_by_id=actor.id,
    )
    db.session.add(following)
    db.session.flush()
    db.session.execute(
        sa.update(TransitionRequest)
        .where(TransitionRequest.id == request_row.id)
        .values(new_stay_id=following.id)
        .execution_options(synchronize_session=False)
    )
    audit.record(
        TRANSITION_APPROVED,
        target=request_row,
        client_id=request_row.client_id,
        detail={"from": stay.level.value, "to": following.level.value, "move": move.value},
        user=actor,
    )
    return following


def decline(request_row: TransitionRequest, note: str | None, *, actor: User) -> None:
    """A supervisor declines, saying why: the client stays where they are."""
    decline_request(
        request_row,
        note,
        actor=actor,
        refused="Moves are declined by a supervisor.",
        ask_why="Say why the move is declined.",
    )
    audit.record(
        TRANSITION_DECLINED, target=request_row, client_id=request_row.client_id, user=actor
    )


def withdraw(request_row: TransitionRequest, *, actor: User) -> None:
    """The person who asked takes the request back."""
    if not can(actor, "transition.withdraw", request_row):
        raise TransitionError("Only the person who asked withdraws a request.")
    decide_while_pending(request_row, status=RequestStatus.WITHDRAWN, decided_at=utcnow())
    audit.record(
        TRANSITION_WITHDRAWN, target=request_row, client_id=request_row.client_id, user=actor
    )


def correct_level(
    episode: Episode, level: Level, reason: str | None, *, actor: User
) -> LevelOfCareStay:
    """A supervisor corrects the level on record: a new entry, from now, with the reason."""
    if not can(actor, "level.correct", episode):
        raise TransitionError("Only a supervisor corrects the level on record.")
    if not episode.is_open:
        raise TransitionError("The episode is closed.")
    reason = clean_text(reason)
    if not reason:
        raise TransitionError("Say why the level on record is wrong.", "reason")
    stay = open_stay(episode.id)  # None when the record lost it: the correction restores it
    if stay is not None and stay.level == level:
        raise TransitionError("That is the level on record already.", "level")
    now = utcnow()
    corrected = LevelOfCareStay(
        episode_id=episode.id,
        level=level,
        started_at=max(now, stay.started_at) if stay else now,
        reason=STAY_REASON[transitions.move_between(stay.level if stay else level, level)],
        requested_by_id=actor.id,
        approved_by_id=actor.id,
    )
    db.session.add(corrected)
    db.session.flush()
    db.session.add(
        LevelCorrection(
            stay_id=corrected.id, reason=reason, corrected_by_id=actor.id, corrected_at=now
        )
    )
    audit.record(
        LEVEL_CORRECTED,
        target=corrected,
        client_id=episode.client_id,
        detail={"from": stay.level.value if stay else None, "to": level.value},
        user=actor,
    )
    return corrected
