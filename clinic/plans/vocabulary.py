"""Treatment plans' fixed lists: statuses, objective progress, modalities, acknowledgement."""

from clinic.core.vocabulary import LabelledEnum


class PlanStatus(LabelledEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    SUPERSEDED = "superseded"


PlanStatus.LABELS = {
    PlanStatus.DRAFT: "Draft",
    PlanStatus.ACTIVE: "Active",
    PlanStatus.SUPERSEDED: "Superseded",
}


class Progress(LabelledEnum):
    """Where an objective stands: new in this version, or as its last review found it."""

    OPEN = "open"
    MET = "met"
    PROGRESSING = "progressing"
    NOT_PROGRESSING = "not_progressing"
    REVISED = "revised"
    DISCONTINUED = "discontinued"


Progress.LABELS = {
    Progress.OPEN: "Open",
    Progress.MET: "Met",
    Progress.PROGRESSING: "Progressing",
    Progress.NOT_PROGRESSING: "Not progressing",
    Progress.REVISED: "Revised",
    Progress.DISCONTINUED: "Discontinued",
}
# What a review may find; met and discontinued objectives are not carried into the next version.
REVIEW_FINDINGS = (
    Progress.MET,
    Progress.PROGRESSING,
    Progress.NOT_PROGRESSING,
    Progress.REVISED,
    Progress.DISCONTINUED,
)
CLOSED = frozenset({Progress.MET, Progress.DISCONTINUED})


class Modality(LabelledEnum):
    """How an intervention is delivered (docs/clinical-rules.md §4)."""

    INDIVIDUAL = "individual"
    GROUP = "group"
    FAMILY = "family"
    COUPLES = "couples"
    TWELVE_STEP = "twelve_step"
    RELAPSE_PREVENTION = "relapse_prevention"
    MOUD = "moud"
    CBT = "cbt"
    MOTIVATIONAL = "motivational"
    TRAUMA = "trauma"
    CASE_MANAGEMENT = "case_management"
    VOCATIONAL = "vocational"
    EQUINE = "equine"
    MINDFULNESS = "mindfulness"
    SPIRITUAL = "spiritual"
    MEDICAL = "medical"


Modality.LABELS = {
    Modality.INDIVIDUAL: "Individual counseling",
    Modality.GROUP: "Group therapy",
    Modality.FAMILY: "Family therapy",
    Modality.COUPLES: "Couples therapy",
    Modality.TWELVE_STEP: "12-step facilitation",
    Modality.RELAPSE_PREVENTION: "Relapse prevention",
    Modality.MOUD: "Medication for opioid use disorder",
    Modality.CBT: "Cognitive behavioral therapy",
    Modality.MOTIVATIONAL: "Motivational interviewing",
    Modality.TRAUMA: "Trauma therapy",
    Modality.CASE_MANAGEMENT: "Case management",
    Modality.VOCATIONAL: "Vocational support",
    Modality.EQUINE: "Equine therapy",
    Modality.MINDFULNESS: "Yoga / mindfulness",
    Modality.SPIRITUAL: "Spiritual care",
    Modality.MEDICAL: "Medical care and monitoring",
}
# What medical staff add to a plan.
MEDICAL_MODALITIES = (Modality.MOUD, Modality.MEDICAL)


class AcknowledgedHow(LabelledEnum):
    IN_PERSON = "in_person"
    VIDEO = "video"
    PHONE = "phone"
    DECLINED = "declined"


AcknowledgedHow.LABELS = {
    AcknowledgedHow.IN_PERSON: "In person, signed",
    AcknowledgedHow.VIDEO: "By video",
    AcknowledgedHow.PHONE: "By phone",
    AcknowledgedHow.DECLINED: "Reviewed with the client, who declined to sign",
}
