"""What a release of information may send, and the packet's content as it is sent.

Each item is one category of the consent's (the gate checks the category); its text is taken
from the record when the packet is made and kept with it (`ReleasePacket.content`), so that a
reprint sends the same packet. The packet always identifies the client by name, date of birth and
record number (a recipient cannot use a record without it); no contact details are sent unless a
later item asks for them.
"""

from dataclasses import asdict, dataclass, field

import sqlalchemy as sa

from clinic.assessments.models import Assessment
from clinic.assessments.placement import DIMENSIONS
from clinic.assessments.vocabulary import AssessmentStatus
from clinic.care.models import DischargeRequest, RequestStatus
from clinic.clients.levels import Level
from clinic.clients.models import Client, Episode
from clinic.clients.stays import LevelOfCareStay
from clinic.clients.vocabulary import DischargeType
from clinic.consents.vocabulary import Category
from clinic.core.clock import local_date
from clinic.core.vocabulary import LabelledEnum
from clinic.extensions import db
from clinic.plans import services as plans
from clinic.plans.models import TreatmentPlan
from clinic.plans.vocabulary import PlanStatus


class Item(LabelledEnum):
    PLAN = "plan"
    ASSESSMENT = "assessment"
    LEVELS = "levels"
    DISCHARGE = "discharge"


Item.LABELS = {
    Item.PLAN: "The active treatment plan",
    Item.ASSESSMENT: "The latest signed assessment's summary",
    Item.LEVELS: "Level-of-care history and attendance",
    Item.DISCHARGE: "Discharge summary and aftercare plan",
}

CATEGORY = {
    Item.PLAN: Category.PLAN,
    Item.ASSESSMENT: Category.ASSESSMENTS,
    Item.LEVELS: Category.ATTENDANCE,
    Item.DISCHARGE: Category.DISCHARGE,
}


@dataclass
class Section:
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)


def _day(value) -> str:
    return value.isoformat() if value is not None else ""


def _active_plan(client_id: int) -> TreatmentPlan | None:
    plan_id = db.session.scalar(
        sa.select(TreatmentPlan.id)
        .where(TreatmentPlan.client_id == client_id, TreatmentPlan.status == PlanStatus.ACTIVE)
        .order_by(TreatmentPlan.id.desc())
        .limit(1)
    )
    return plans.load_tree(plan_id) if plan_id else None


def _plan_section(client_id: int) -> Section | None:
    plan = _active_plan(client_id)
    if plan is None:
        return None
    since = _day(local_date(plan.cosigned_at)) if plan.cosigned_at else "its co-signature"
    rows = [("Version", f"{plan.number}, in force since {since}")]
    for number, problem in enumerate(plan.problems, 1):
        rows.append((f"Problem {number}", problem.statement))
        for goal in problem.goals:
            rows.append(("Goal", goal.text))
            if goal.client_words:
                rows.append(("In the client's words", goal.client_words))
            for objective in goal.objectives:
                target = f" (by {_day(objective.target_date)})" if objective.target_date else ""
                rows.append(("Objective", f"{objective.text}{target}: {objective.status.label}"))
    if plan.discharge_criteria:
        rows.append(("Discharge criteria", plan.discharge_criteria))
    return Section(Item.PLAN.label, rows)


def _assessment_section(client_id: int) -> Section | None:
    assessment = db.session.scalar(
        sa.select(Assessment)
        .where(Assessment.client_id == client_id, Assessment.status == AssessmentStatus.SIGNED)
        .order_by(Assessment.signed_at.desc(), Assessment.id.desc())
        .limit(1)
    )
    if assessment is None:
        return None
    rows = [
        ("Assessment", f"{assessment.kind.label}, signed {_day(local_date(assessment.signed_at))}")
    ]
    for number, name in DIMENSIONS.items():
        rating = getattr(assessment, f"d{number}_rating")
        rows.append((f"Dimension {number}: {name}", "" if rating is None else f"{rating} of 4"))
    if assessment.recommended_level:
        rows.append(("Recommended level of care", assessment.recommended_level.label))
    if assessment.chosen_level:
        rows.append(("Level of care chosen", assessment.chosen_level.label))
    return Section(Item.ASSESSMENT.label, rows)


def _levels_section(client_id: int) -> Section | None:
    found = db.session.execute(
        sa.select(Episode.id, Episode.admitted_on, Episode.discharged_on, LevelOfCareStay)
        .join(LevelOfCareStay, LevelOfCareStay.episode_id == Episode.id)
        .where(Episode.client_id == client_id)
        .order_by(Episode.admitted_on, LevelOfCareStay.started_at, LevelOfCareStay.id)
    ).all()
    if not found:
        return None
    rows, seen = [], set()
    for episode_id, admitted, discharged, stay in found:
        if episode_id not in seen:
            seen.add(episode_id)
            ended = f", discharged {_day(discharged)}" if discharged else ", in treatment"
            rows.append(("Admission", f"Admitted {_day(admitted)}{ended}"))
        until = _day(local_date(stay.ended_at)) if stay.ended_at else "now"
        rows.append((Level(stay.level).label, f"{_day(local_date(stay.started_at))} to {until}"))
    return Section(Item.LEVELS.label, rows)


def _discharge_section(client_id: int) -> Section | None:
    found = db.session.execute(
        sa.select(DischargeRequest, Episode.discharged_on)
        .join(Episode, Episode.id == DischargeRequest.episode_id)
        .where(
            DischargeRequest.client_id == client_id,
            DischargeRequest.status == RequestStatus.APPROVED,
        )
        .order_by(Episode.discharged_on.desc(), DischargeRequest.id.desc())
        .limit(1)
    ).first()
    if found is None:
        return None
    discharge, discharged_on = found
    rows = [
        ("Discharged", _day(discharged_on)),
        ("Discharge type", DischargeType(discharge.discharge_type).label),
        ("Reason", discharge.reason),
        ("Living situation", discharge.living_situation),
        ("Continuing care", discharge.continuing_care),
        ("12-step and peer support", discharge.meetings),
        (
            "Medication for opioid use disorder",
            None
            if discharge.moud_continues is None
            else (f"Continues with {discharge.moud_with or 'a prescriber'}")
            if discharge.moud_continues
            else "Not continuing",
        ),
        ("Follow-up", discharge.follow_up),
    ]
    return Section(Item.DISCHARGE.label, [(label, text) for label, text in rows if text])


BUILDERS = {
    Item.PLAN: _plan_section,
    Item.ASSESSMENT: _assessment_section,
    Item.LEVELS: _levels_section,
    Item.DISCHARGE: _discharge_section,
}


def identification(client: Client) -> Section:
    return Section(
        "Client",
        [
            ("Name", client.legal_name),
            ("Date of birth", _day(client.date_of_birth)),
            ("Record number", client.mrn),
        ],
    )


def content(client: Client, items: list[Item]) -> tuple[list[dict], list[Item]]:
    """The packet's sections for `items` (the client's identification first), and the items the
    record has nothing for (a release cannot send them)."""
    sections, empty = [asdict(identification(client))], []
    for item in items:
        section = BUILDERS[item](client.id)
        if section is None:
            empty.append(item)
        else:
            sections.append(asdict(section))
    return sections, empty


def describe(items: list[Item]) -> str:
    """What was sent, in the accounting's words."""
    return "; ".join(item.label for item in items)
