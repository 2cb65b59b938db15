"""The rules of moving between levels of care (docs/clinical-rules.md §1,
docs/access-and-workflows.md §4), with no Flask and no database: which moves there are, what
each needs before a supervisor may approve it, and the four-eyes rule moves and discharges share.
Who may request, clear and decide is the policy's (clinic/policy.py: transition.request,
transition.clear, transition.decide)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from clinic.clients.levels import Level

ASSESSMENT_WITHIN = timedelta(days=7)


class Move(StrEnum):
    STEP_DOWN = "step_down"
    STEP_UP = "step_up"
    LATERAL = "lateral"

    @property
    def label(self) -> str:
        return {"step_down": "Step-down", "step_up": "Step-up", "lateral": "Lateral move"}[self]


def move_between(current: Level, target: Level) -> Move:
    """A step-down goes to a less intensive level, a step-up to a more intensive one; a move
    within the same level (another unit or program) is lateral."""
    if target.intensity < current.intensity:
        return Move.STEP_DOWN
    if target.intensity > current.intensity:
        return Move.STEP_UP
    return Move.LATERAL


def four_eyes_problems(requested_by: int, approver: int) -> list[str]:
    """A request (a move, a discharge) is approved by another supervisor than the one who made
    it."""
    if approver == requested_by:
        return ["A request is approved by another supervisor than the one who made it."]
    return []


def needs_medical_clearance(current: Level, target: Level) -> bool:
    """Leaving withdrawal management needs a medical user's clearance."""
    return current == Level.WM and target != Level.WM


def needs_bed(current: Level, target: Level) -> bool:
    """Moving into a bed-based level takes one of its beds (a lateral move keeps its own)."""
    return target.info.bed_based and target != current


@dataclass(frozen=True)
class Situation:
    """What approval depends on, gathered by the caller."""

    current: Level
    target: Level
    justification: str
    assessment_signed_at: datetime | None  # the assessment the request rests on
    recommended: Level | None  # what that assessment recommended
    override_reason: str | None
    cleared: bool  # medical clearance recorded
    beds: int | None  # capacity of the target level (None: not bed-based or not set)
    beds_used: int  # open stays at the target level now
    requested_by: int
    now: datetime
    assessment_within: timedelta = ASSESSMENT_WITHIN


def request_problems(situation: Situation) -> list[tuple[str | None, str]]:
    """What stops the request from being made: (form field, message) pairs."""
    found: list[tuple[str | None, str]] = []
    if situation.target == situation.current:
        found.append(
            (
                "to_level",
                f"The client is at {situation.current.value} already: choose another level.",
            )
        )
    if not situation.justification.strip():
        found.append(("justification", "Say why the client should move."))
    signed_at = situation.assessment_signed_at
    if signed_at is None or situation.now - signed_at > situation.assessment_within:
        days = situation.assessment_within.days
        found.append(
            ("assessment_id", f"Base the request on an assessment signed in the last {days} days.")
        )
    elif (
        situation.recommended is not None
        and situation.recommended != situation.target
        and not (situation.override_reason or "").strip()
    ):
        found.append(
            (
                "override_reason",
                f"The assessment recommends {situation.recommended.value}: give the reason for "
                f"{situation.target.value} instead.",
            )
        )
    return found


def approval_problems(situation: Situation, approver: int) -> list[str]:
    """What stops a supervisor from approving now (the request itself, with its assessment,
    was checked when it was made)."""
    found = four_eyes_problems(situation.requested_by, approver)
    if needs_medical_clearance(situation.current, situation.target) and not situation.cleared:
        found.append("Leaving withdrawal management needs medical clearance first.")
    full = situation.beds is not None and situation.beds_used >= situation.beds
    if needs_bed(situation.current, situation.target) and full:
        found.append(
            f"{situation.target.label} is full ({situation.beds_used} of {situation.beds} "
            "beds): put the client on its waitlist, or wait for a bed."
        )
    return found


# --- Discharge --------------------------------------------------------------------------------

PLANNED = frozenset({"completed", "transferred"})  # DischargeType values
AGAINST_ADVICE = "against_advice"


@dataclass(frozen=True)
class DischargePlan:
    """A discharge request's content, as the rules see it."""

    discharge_type: str
    reason: str
    discharge_assessment_signed: bool  # the episode has a signed discharge assessment
    living_situation: str = ""
    continuing_care: str = ""
    meetings: str = ""
    moud_continues: bool | None = None
    moud_with: str = ""
    left_at: datetime | None = None
    follow_up: str = ""


def discharge_problems(plan: DischargePlan) -> list[tuple[str | None, str]]:
    """What a discharge request lacks, by form field. A planned discharge (completed, transferred)
    needs the discharge assessment and the aftercare plan; leaving against advice, when the
    client left and the attempt to follow up."""
    found: list[tuple[str | None, str]] = []
    if not plan.reason.strip():
        found.append(("reason", "Give the reason for the discharge."))
    if plan.discharge_type in PLANNED:
        if not plan.discharge_assessment_signed:
            found.append((None, "A planned discharge needs a signed discharge assessment."))
        for field, label in (
            ("living_situation", "where the client will live"),
            ("continuing_care", "the continuing-care level"),
            ("meetings", "the meetings the client will attend"),
        ):
            if not getattr(plan, field).strip():
                found.append((field, f"Write {label}."))
        if plan.moud_continues is None:
            found.append(
                ("moud_continues", "Say whether medication for opioid use disorder continues.")
            )
        elif plan.moud_continues and not plan.moud_with.strip():
            found.append(("moud_with", "Say who continues the medication."))
    if plan.discharge_type == AGAINST_ADVICE:
        if plan.left_at is None:
            found.append(("left_at", "Record when the client left."))
        if not plan.follow_up.strip():
            found.append(("follow_up", "Record the attempt to follow up."))
    return found
