"""The directory's coded lists, with the words staff see. No Flask."""

from clinic.core.vocabulary import LabelledEnum


class ProviderKind(LabelledEnum):
    SOBER_LIVING = "sober_living"
    OUTPATIENT = "outpatient"
    INTENSIVE_OUTPATIENT = "intensive_outpatient"
    OPIOID_TREATMENT = "opioid_treatment"
    MENTAL_HEALTH = "mental_health"
    PRIMARY_CARE = "primary_care"
    VOCATIONAL = "vocational"
    HOUSING = "housing"
    LEGAL_AID = "legal_aid"
    TWELVE_STEP = "twelve_step"
    ALUMNI = "alumni"
    OTHER = "other"


ProviderKind.LABELS = {
    ProviderKind.SOBER_LIVING: "Sober living",
    ProviderKind.OUTPATIENT: "Outpatient",
    ProviderKind.INTENSIVE_OUTPATIENT: "Intensive outpatient",
    ProviderKind.OPIOID_TREATMENT: "Opioid treatment program / MOUD prescriber",
    ProviderKind.MENTAL_HEALTH: "Mental health",
    ProviderKind.PRIMARY_CARE: "Primary care",
    ProviderKind.VOCATIONAL: "Vocational rehabilitation",
    ProviderKind.HOUSING: "Housing",
    ProviderKind.LEGAL_AID: "Legal aid",
    ProviderKind.TWELVE_STEP: "12-step meeting",
    ProviderKind.ALUMNI: "Alumni group",
    ProviderKind.OTHER: "Other",
}

# Peer groups: a referral to one shares no record (a suggestion given to the client).
PEER_GROUPS = frozenset({ProviderKind.TWELVE_STEP, ProviderKind.ALUMNI})


class Payer(LabelledEnum):
    MEDICAID = "medicaid"
    MEDICARE = "medicare"
    PRIVATE = "private"
    TRICARE_VA = "tricare_va"
    IHS = "ihs"
    STATE_FUNDED = "state_funded"
    SLIDING_SCALE = "sliding_scale"
    SELF_PAY = "self_pay"
    FREE = "free"


Payer.LABELS = {
    Payer.MEDICAID: "Medicaid",
    Payer.MEDICARE: "Medicare",
    Payer.PRIVATE: "Private insurance",
    Payer.TRICARE_VA: "TRICARE or VA",
    Payer.IHS: "Indian Health Service",
    Payer.STATE_FUNDED: "State or block-grant funding",
    Payer.SLIDING_SCALE: "Sliding scale",
    Payer.SELF_PAY: "Self-pay",
    Payer.FREE: "No cost",
}
