"""Moving between levels of care: requests, medical clearance, a supervisor's decision, bed
capacity and the live census. Every change is audited; callers commit.

An approval is one conditional UPDATE of the request (pending -> approved) and one INSERT of the
next stay, in one transaction: of two approvals of one request, racing or replayed, exactly one
changes a row; the database ends the previous stay itself (migration 0006).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_login import current_user

from clinic.assessments.models import Assessment
from clinic.assessments.vocabulary import AssessmentKind, AssessmentStatus
from clinic.care import transitions
from clinic.care.levels import BY_INTENSITY, Level
from clinic.care.models import (
    BedCapacity,
    DischargeRequest,
    LevelCorrection,
    LevelOfCareStay,
    RequestStatus,
    StayEnd,
    StayReason,
    TransitionRequest,
)
from clinic.clients.models import Episode
from clinic.clients.vocabulary import DischargeType
from clinic.core import audit
from clinic.core.clock import to_local, utcnow
from clinic.core.errors import RuleError
from clinic.core.templating import clinic_today
from clinic.extensions import db

TRANSITION_REQUESTED = audit.define("transition.requested", "Level-of-care move requested")
TRANSITION_CLEARED = audit.define("transition.cleared", "Medical clearance recorded")
TRANSITION_APPROVED = audit.define("transition.approved", "Level-of-care move approved")
TRANSITION_DECLINED = audit.define("transition.declined", "Level-of-care move declined")
TRANSITION_WITHDRAWN = audit.define("transition.withdrawn", "Level-of-care move withdrawn")
BEDS_SET = audit.define("beds.set", "Bed capacity set")

STAY_REASON = {
    transitions.Move.STEP_DOWN: StayReason.STEP_DOWN,
    transitions.Move.STEP_UP: StayReason.STEP_UP,
    transitions.Move.LATERAL: StayReason.LATERAL,
}


class TransitionError(RuleError):
    """A move the rules refuse."""


NO_OPEN_STAY = "The episode has no open stay on record: the level history needs a correction."


def open_stay(episode_id: int) -> LevelOfCareStay | None:
    return db.session.scalar(
        sa.select(LevelOfCareStay).where(
            LevelOfCareStay.episode_id == episode_id, LevelOfCareStay.ended_at.is_(None)
        )
    )


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


def capacity(level: Level) -> int | None:
    if not level.info.bed_based:
        return None
    return db.session.scalar(sa.select(BedCapacity.beds).where(BedCapacity.level == level))


def beds_used(level: Level) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Episode)
        .where(Episode.discharged_on.is_(None), Episode.current_level == level)
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
) -> TransitionRequest:
    """A counselor, medical user or supervisor asks to move the client."""
    if not transitions.may_request(current_user.roles):
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
        override_reason=(override_reason or "").strip() or None,
        requested_by_id=current_user.id,
    )
    problems = transitions.request_problems(_situation(draft, assessment, current_user.id))
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
    )
    return draft


def _decide_while_pending(row, *also, **values) -> None:
    """Apply `values` to a move or discharge request only while it is pending (and `also`
    holds): one statement, so of two decisions at once exactly one lands and the other is told."""
    model = type(row)
    done = db.session.execute(
        sa.update(model)
        .where(model.id == row.id, model.status == RequestStatus.PENDING, *also)
        .values(version=model.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        raise TransitionError("This request was decided a moment ago: reload the page.")
    db.session.expire(row)


def clear(request_row: TransitionRequest, note: str | None) -> None:
    """A medical user clears the client to leave withdrawal management."""
    if not transitions.may_clear(current_user.roles):
        raise TransitionError("Medical clearance is recorded by medical staff.")
    if not transitions.needs_medical_clearance(request_row.from_level, request_row.to_level):
        raise TransitionError("This move needs no medical clearance.")
    if request_row.cleared_at is not None:
        raise TransitionError("Medical clearance is already recorded.")
    _decide_while_pending(
        request_row,
        TransitionRequest.cleared_at.is_(None),
        cleared_by_id=current_user.id,
        cleared_at=utcnow(),
        clearance_note=(note or "").strip() or None,
    )
    audit.record(TRANSITION_CLEARED, target=request_row, client_id=request_row.client_id)


def approve(request_row: TransitionRequest, note: str | None) -> LevelOfCareStay:
    """A supervisor approves: the request is decided and the next stay opens (ending the open
    one) in this transaction."""
    if not transitions.may_approve(current_user.roles):
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
        _situation(request_row, assessment, request_row.requested_by_id), current_user.id
    )
    if problems:
        raise TransitionError(" ".join(problems))
    stay = open_stay(request_row.episode_id)
    if stay is None or stay.id != request_row.from_stay_id:
        raise TransitionError("The client has moved since this request was made.")
    now = utcnow()
    _decide_while_pending(
        request_row,
        status=RequestStatus.APPROVED,
        decided_by_id=current_user.id,
        decided_at=now,
        decision_note=(note or "").strip() or None,
    )
    move = transitions.move_between(Level(request_row.from_level), Level(request_row.to_level))
    following = LevelOfCareStay(
        episode_id=request_row.episode_id,
        level=request_row.to_level,
        started_at=max(now, stay.started_at),
        reason=STAY_REASON[move],
        requested_by_id=request_row.requested_by_id,
        approved_by_id=current_user.id,
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
    )
    return following


def decline(request_row: TransitionRequest, note: str) -> None:
    if not transitions.may_approve(current_user.roles):
        raise TransitionError("Moves are declined by a supervisor.")
    note = (note or "").strip()
    if not note:
        raise TransitionError("Say why the move is declined.", "note")
    _decide_while_pending(
        request_row,
        status=RequestStatus.DECLINED,
        decided_by_id=current_user.id,
        decided_at=utcnow(),
        decision_note=note,
    )
    audit.record(TRANSITION_DECLINED, target=request_row, client_id=request_row.client_id)


def withdraw(request_row: TransitionRequest) -> None:
    if request_row.requested_by_id != current_user.id:
        raise TransitionError("Only the person who asked withdraws a request.")
    _decide_while_pending(request_row, status=RequestStatus.WITHDRAWN, decided_at=utcnow())
    audit.record(TRANSITION_WITHDRAWN, target=request_row, client_id=request_row.client_id)


# --- Beds and census --------------------------------------------------------------------------


def set_capacity(level: Level, beds: int) -> None:
    if not level.info.bed_based:
        raise TransitionError(f"{level.label} has no beds.", "level")
    row = db.session.get(BedCapacity, level)
    before = row.beds if row else None
    if row is None:
        row = BedCapacity(level=level, beds=beds)
        db.session.add(row)
    row.beds, row.updated_by_id, row.updated_at = beds, current_user.id, utcnow()
    audit.record(BEDS_SET, detail={"level": level.value, "beds": beds, "before": before})


@dataclass(frozen=True)
class CensusRow:
    level: Level
    clients: int
    beds: int | None
    average_days: float | None

    @property
    def free(self) -> int | None:
        return None if self.beds is None else max(self.beds - self.clients, 0)


@dataclass(frozen=True)
class Census:
    rows: list[CensusRow]
    admitted_today: int
    admitted_this_week: int
    discharged_today: int
    discharged_this_week: int

    @property
    def total(self) -> int:
        return sum(row.clients for row in self.rows)


def census(today: date | None = None) -> Census:
    """The census now, counted in SQL from the episodes' current levels: three queries."""
    today = today or clinic_today()
    week_start = today - timedelta(days=today.weekday())
    by_level = {
        Level(level): (count, days)
        for level, count, days in db.session.execute(
            sa.select(
                Episode.current_level,
                sa.func.count(),
                sa.func.avg(_days_since(Episode.level_since, utcnow())),
            )
            .where(Episode.discharged_on.is_(None), Episode.current_level.is_not(None))
            .group_by(Episode.current_level)
        )
    }
    beds = dict(db.session.execute(sa.select(BedCapacity.level, BedCapacity.beds)).all())
    flows = db.session.execute(
        sa.select(
            sa.func.count().filter(Episode.admitted_on == today),
            sa.func.count().filter(Episode.admitted_on >= week_start),
            sa.func.count().filter(Episode.discharged_on == today),
            sa.func.count().filter(Episode.discharged_on >= week_start),
        ).where(sa.or_(Episode.admitted_on >= week_start, Episode.discharged_on >= week_start))
    ).one()
    rows = [
        CensusRow(
            level,
            by_level.get(level, (0, None))[0],
            beds.get(level) if level.info.bed_based else None,
            float(by_level[level][1]) if level in by_level else None,
        )
        for level in BY_INTENSITY
    ]
    return Census(rows, *flows)


def _days_since(column, now: datetime):
    """Days from `column` to `now`, as SQL on either database."""
    if db.engine.dialect.name == "sqlite":
        stamp = now.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
        return sa.func.julianday(stamp) - sa.func.julianday(column)
    return sa.extract("epoch", sa.literal(now) - column) / 86400


# --- Discharge --------------------------------------------------------------------------------

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


def request_discharge(episode: Episode, details: dict) -> DischargeRequest:
    """Ask to discharge: the type decides what the request must hold (transitions.py)."""
    if not transitions.may_request(current_user.roles):
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
        requested_by_id=current_user.id,
        **{key: _clean(value) for key, value in details.items()},
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
    )
    return row


def approve_discharge(row: DischargeRequest, note: str | None) -> None:
    """The episode closes and its open stay ends, in this transaction."""
    if not transitions.may_approve(current_user.roles):
        raise TransitionError("Discharges are approved by a supervisor.")
    if row.requested_by_id == current_user.id:
        raise TransitionError(
            "A request is approved by another supervisor than the one who made it."
        )
    problems = transitions.discharge_problems(_discharge_plan(row))
    if problems:
        raise TransitionError(problems[0][1])
    now = utcnow()
    _decide_while_pending(
        row,
        status=RequestStatus.APPROVED,
        decided_by_id=current_user.id,
        decided_at=now,
        decision_note=(note or "").strip() or None,
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
    )


def decline_discharge(row: DischargeRequest, note: str) -> None:
    if not transitions.may_approve(current_user.roles):
        raise TransitionError("Discharges are declined by a supervisor.")
    note = (note or "").strip()
    if not note:
        raise TransitionError("Say why the discharge is declined.", "note")
    _decide_while_pending(
        row,
        status=RequestStatus.DECLINED,
        decided_by_id=current_user.id,
        decided_at=utcnow(),
        decision_note=note,
    )
    audit.record(DISCHARGE_DECLINED, target=row, client_id=row.client_id)


def _clean(value):
    return (value.strip() or None) if isinstance(value, str) else value


# --- Corrections ------------------------------------------------------------------------------

LEVEL_CORRECTED = audit.define("level.corrected", "Level of care corrected")


def correct_level(episode: Episode, level: Level, reason: str) -> LevelOfCareStay:
    """A supervisor corrects the level on record: a new entry, from now, with the reason."""
    if not transitions.may_approve(current_user.roles):
        raise TransitionError("Only a supervisor corrects the level on record.")
    if not episode.is_open:
        raise TransitionError("The episode is closed.")
    reason = (reason or "").strip()
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
        requested_by_id=current_user.id,
        approved_by_id=current_user.id,
    )
    db.session.add(corrected)
    db.session.flush()
    db.session.add(
        LevelCorrection(
            stay_id=corrected.id, reason=reason, corrected_by_id=current_user.id, corrected_at=now
        )
    )
    audit.record(
        LEVEL_CORRECTED,
        target=corrected,
        client_id=episode.client_id,
        detail={"from": stay.level.value if stay else None, "to": level.value},
    )
    return corrected
