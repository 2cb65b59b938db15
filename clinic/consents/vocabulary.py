"""The coded lists of 42 CFR Part 2 consents and disclosures (CLINICAL.md 5, 5a). No Flask."""

from clinic.core.vocabulary import LabelledEnum


class ConsentKind(LabelledEnum):
    DISCLOSURE = "disclosure"
    TPO = "tpo"
    FAMILY = "family"
    COUNSELING_NOTES = "counseling_notes"


ConsentKind.LABELS = {
    ConsentKind.DISCLOSURE: "Disclosure to one recipient",
    ConsentKind.TPO: "Treatment, payment and health care operations (TPO)",
    ConsentKind.FAMILY: "Family involvement",
    ConsentKind.COUNSELING_NOTES: "SUD counseling notes",
}


class Category(LabelledEnum):
    DEMOGRAPHICS = "demographics"
    ATTENDANCE = "attendance"
    ASSESSMENTS = "assessments"
    PLAN = "plan"
    PROGRESS_NOTES = "progress_notes"
    MEDICATIONS = "medications"
    DRUG_SCREENS = "drug_screens"
    DISCHARGE = "discharge"
    DIAGNOSIS = "diagnosis"
    COUNSELING_NOTES = "counseling_notes"


Category.LABELS = {
    Category.DEMOGRAPHICS: "Demographics and contact details",
    Category.ATTENDANCE: "Attendance and level of care",
    Category.ASSESSMENTS: "Assessments and screening scores",
    Category.PLAN: "Treatment plan",
    Category.PROGRESS_NOTES: "Progress notes (not counseling notes)",
    Category.MEDICATIONS: "Medications and MOUD",
    Category.DRUG_SCREENS: "Drug screen results",
    Category.DISCHARGE: "Discharge summary and aftercare plan",
    Category.DIAGNOSIS: "Diagnosis",
    Category.COUNSELING_NOTES: "SUD counseling notes",
}

# What "all my records" (a TPO consent only) stands for: everything but the counseling notes,
# which only a consent of their own covers.
RECORD_CATEGORIES = tuple(
    category for category in Category if category != Category.COUNSELING_NOTES
)


class Purpose(LabelledEnum):
    PATIENT_REQUEST = "patient_request"
    TREATMENT = "treatment"
    PAYMENT = "payment"
    OPERATIONS = "operations"
    TPO = "tpo"
    CARE_COORDINATION = "care_coordination"
    FAMILY_INVOLVEMENT = "family_involvement"
    OTHER = "other"


Purpose.LABELS = {
    Purpose.PATIENT_REQUEST: "At the request of the patient",
    Purpose.TREATMENT: "Treatment",
    Purpose.PAYMENT: "Payment",
    Purpose.OPERATIONS: "Health care operations",
    Purpose.TPO: "Treatment, payment and health care operations",
    Purpose.CARE_COORDINATION: "Care coordination with the recipient",
    Purpose.FAMILY_INVOLVEMENT: "Family involvement in treatment",
    Purpose.OTHER: "Other",
}

# The purposes a disclosure is made for (a consent's "TPO" stands for three of them).
DISCLOSURE_PURPOSES = tuple(purpose for purpose in Purpose if purpose != Purpose.TPO)


class RecipientKind(LabelledEnum):
    PROVIDER = "provider"
    CONTACT = "contact"
    NAMED = "named"
    TPO_CLASS = "tpo_class"


RecipientKind.LABELS = {
    RecipientKind.PROVIDER: "A provider from the directory",
    RecipientKind.CONTACT: "A family member or other contact of the client",
    RecipientKind.NAMED: "A named person or organization",
    RecipientKind.TPO_CLASS: "The TPO class",
}

TPO_CLASS_TEXT = (
    "My treating providers, health plans, third-party payers, and people helping to operate "
    "this program"
)


class ExpiryKind(LabelledEnum):
    DATE = "date"
    END_OF_TREATMENT = "end_of_treatment"
    ONE_YEAR = "one_year"
    NONE = "none"


ExpiryKind.LABELS = {
    ExpiryKind.DATE: "On a date",
    ExpiryKind.END_OF_TREATMENT: "At the end of treatment (this episode's discharge)",
    ExpiryKind.ONE_YEAR: "One year after signing",
    ExpiryKind.NONE: "No expiry (TPO only)",
}


class Signer(LabelledEnum):
    CLIENT = "client"
    REPRESENTATIVE = "representative"


Signer.LABELS = {
    Signer.CLIENT: "The client",
    Signer.REPRESENTATIVE: "An authorized representative",
}


class SignatureMethod(LabelledEnum):
    ON_SCREEN = "on_screen"
    PAPER = "paper"


SignatureMethod.LABELS = {
    SignatureMethod.ON_SCREEN: "Signed on screen",
    SignatureMethod.PAPER: "Signed on paper",
}


class RevocationMethod(LabelledEnum):
    WRITING = "writing"
    ORAL = "oral"


RevocationMethod.LABELS = {
    RevocationMethod.WRITING: "In writing",
    RevocationMethod.ORAL: "Orally, to a staff member",
}


class ConsentStatus(LabelledEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


ConsentStatus.LABELS = {
    ConsentStatus.ACTIVE: "Active",
    ConsentStatus.EXPIRED: "Expired",
    ConsentStatus.REVOKED: "Revoked",
}

REVOCATION_STATEMENT = (
    "You may revoke this consent at any time, in writing or by telling a member of staff, "
    "except to the extent that the program has already acted on it. Revoking it stops future "
    "disclosures; disclosures already made stay listed in your accounting of disclosures."
)
TPO_REDISCLOSURE_STATEMENT = (
    "A recipient that is a HIPAA covered entity or business associate may further disclose these "
    "records as the HIPAA rules permit, except for uses and disclosures for civil, criminal, "
    "administrative or legislative proceedings against you."
)
