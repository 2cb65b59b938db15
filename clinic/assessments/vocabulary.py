"""The assessment's fixed lists: kinds, statuses, override reasons, domain findings."""

from clinic.core.vocabulary import LabelledEnum


class AssessmentKind(LabelledEnum):
    INTAKE = "intake"
    REASSESSMENT = "reassessment"
    DISCHARGE = "discharge"


AssessmentKind.LABELS = {
    AssessmentKind.INTAKE: "Intake (biopsychosocial)",
    AssessmentKind.REASSESSMENT: "Reassessment",
    AssessmentKind.DISCHARGE: "Discharge",
}


class AssessmentStatus(LabelledEnum):
    DRAFT = "draft"
    SIGNED = "signed"


AssessmentStatus.LABELS = {AssessmentStatus.DRAFT: "Draft", AssessmentStatus.SIGNED: "Signed"}


class OverrideReason(LabelledEnum):
    """Why the chosen level differs from the recommendation (docs/clinical-rules.md §2)."""

    CLIENT_PREFERENCE = "client_preference"
    NOT_AVAILABLE = "not_available"
    PAYER = "payer"
    CLINICAL_JUDGMENT = "clinical_judgment"
    LEGAL_MANDATE = "legal_mandate"
    OTHER = "other"


OverrideReason.LABELS = {
    OverrideReason.CLIENT_PREFERENCE: "Client preference",
    OverrideReason.NOT_AVAILABLE: "Level not available / waitlist",
    OverrideReason.PAYER: "Payer authorized a different level",
    OverrideReason.CLINICAL_JUDGMENT: "Clinical judgment",
    OverrideReason.LEGAL_MANDATE: "Legal mandate",
    OverrideReason.OTHER: "Other (explain)",
}

# The domain findings of docs/access-and-workflows.md §3: (column name, label, what to write there).
FINDINGS = (
    (
        "substance_history",
        "Substance use history",
        "Substances, age of first use, pattern, last use, overdoses, prior treatment.",
    ),
    ("medical", "Medical", "Conditions, medications, pregnancy, infections, pain, allergies."),
    ("mental_health", "Mental health", "Diagnoses, symptoms, medications, risk, prior care."),
    ("trauma", "Trauma", "What the client chose to share, and how it affects care now."),
    (
        "family_social",
        "Family and social",
        "Who is in the client's life, support and conflict, children.",
    ),
    ("housing", "Housing", "Where the client lives now and will live after treatment."),
    ("employment", "Employment and education", "Work, school, income, skills."),
    ("legal", "Legal", "Charges, probation or parole, court dates, mandates."),
    (
        "recovery_environment",
        "Recovery environment",
        "Use at home, sober supports, meetings, sponsor.",
    ),
    ("strengths", "Strengths", "In the client's own words where possible."),
    (
        "preferences",
        "Preferences",
        "What the client wants from treatment; culture, language, faith.",
    ),
)
