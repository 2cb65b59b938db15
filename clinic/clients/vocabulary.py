"""Coded answers used on client and admission records, with the words staff see. No Flask."""

from clinic.core.vocabulary import LabelledEnum


class SexAtBirth(LabelledEnum):
    FEMALE = "female"
    MALE = "male"
    INTERSEX = "intersex"
    UNKNOWN = "unknown"


SexAtBirth.LABELS = {
    SexAtBirth.FEMALE: "Female",
    SexAtBirth.MALE: "Male",
    SexAtBirth.INTERSEX: "Intersex",
    SexAtBirth.UNKNOWN: "Unknown or declined",
}


class ReferralSource(LabelledEnum):
    SELF = "self"
    FAMILY = "family"
    PHYSICIAN = "physician"
    HOSPITAL = "hospital"
    TREATMENT_PROGRAM = "treatment_program"
    COURT = "court"
    EMPLOYER = "employer"
    COMMUNITY = "community"
    OTHER = "other"


ReferralSource.LABELS = {
    ReferralSource.SELF: "Self",
    ReferralSource.FAMILY: "Family or friend",
    ReferralSource.PHYSICIAN: "Physician or clinic",
    ReferralSource.HOSPITAL: "Hospital or emergency department",
    ReferralSource.TREATMENT_PROGRAM: "Another treatment program",
    ReferralSource.COURT: "Court, probation or parole",
    ReferralSource.EMPLOYER: "Employer or EAP",
    ReferralSource.COMMUNITY: "Community organisation",
    ReferralSource.OTHER: "Other",
}


class Substance(LabelledEnum):
    HEROIN = "heroin"
    FENTANYL = "fentanyl"
    RX_OPIOIDS = "rx_opioids"
    METHADONE = "methadone"
    BUPRENORPHINE = "buprenorphine"
    ALCOHOL = "alcohol"
    COCAINE = "cocaine"
    METHAMPHETAMINE = "methamphetamine"
    CANNABIS = "cannabis"
    BENZODIAZEPINES = "benzodiazepines"
    OTHER = "other"


# Substances whose withdrawal is monitored with the COWS (opioids) or the CIWA-Ar (alcohol).
OPIOIDS = frozenset(
    {
        Substance.HEROIN,
        Substance.FENTANYL,
        Substance.RX_OPIOIDS,
        Substance.METHADONE,
        Substance.BUPRENORPHINE,
    }
)

Substance.LABELS = {
    Substance.HEROIN: "Heroin",
    Substance.FENTANYL: "Fentanyl (illicit)",
    Substance.RX_OPIOIDS: "Prescription opioids (non-prescribed use)",
    Substance.METHADONE: "Methadone (non-prescribed)",
    Substance.BUPRENORPHINE: "Buprenorphine (non-prescribed)",
    Substance.ALCOHOL: "Alcohol",
    Substance.COCAINE: "Cocaine or crack",
    Substance.METHAMPHETAMINE: "Methamphetamine",
    Substance.CANNABIS: "Cannabis",
    Substance.BENZODIAZEPINES: "Benzodiazepines",
    Substance.OTHER: "Other",
}


class Route(LabelledEnum):
    ORAL = "oral"
    SMOKING = "smoking"
    INTRANASAL = "intranasal"
    INJECTION = "injection"
    OTHER = "other"


Route.LABELS = {
    Route.ORAL: "Oral",
    Route.SMOKING: "Smoking",
    Route.INTRANASAL: "Intranasal (snorting)",
    Route.INJECTION: "Injection",
    Route.OTHER: "Other",
}


class UseFrequency(LabelledEnum):
    NONE_30_DAYS = "none_30_days"
    MONTHLY = "monthly"
    WEEKLY = "weekly"
    SEVERAL_WEEKLY = "several_weekly"
    DAILY = "daily"


UseFrequency.LABELS = {
    UseFrequency.NONE_30_DAYS: "No use in the past 30 days",
    UseFrequency.MONTHLY: "1-3 times in the past month",
    UseFrequency.WEEKLY: "1-2 times a week",
    UseFrequency.SEVERAL_WEEKLY: "3-6 times a week",
    UseFrequency.DAILY: "Daily",
}


class DischargeType(LabelledEnum):
    COMPLETED = "completed"
    TRANSFERRED = "transferred"
    AGAINST_ADVICE = "against_advice"
    ADMINISTRATIVE = "administrative"
    DECEASED = "deceased"
    OTHER = "other"


DischargeType.LABELS = {
    DischargeType.COMPLETED: "Completed treatment",
    DischargeType.TRANSFERRED: "Transferred",
    DischargeType.AGAINST_ADVICE: "Left against advice",
    DischargeType.ADMINISTRATIVE: "Administrative",
    DischargeType.DECEASED: "Deceased",
    DischargeType.OTHER: "Other",
}


class TeamRole(LabelledEnum):
    PRIMARY_COUNSELOR = "primary_counselor"
    THERAPIST = "therapist"
    MEDICAL = "medical"
    PEER_SUPPORT = "peer_support"


TeamRole.LABELS = {
    TeamRole.PRIMARY_COUNSELOR: "Primary counselor",
    TeamRole.THERAPIST: "Therapist",
    TeamRole.MEDICAL: "Medical",
    TeamRole.PEER_SUPPORT: "Peer support",
}


class Relationship(LabelledEnum):
    PARENT = "parent"
    SPOUSE = "spouse"
    CHILD = "child"
    SIBLING = "sibling"
    RELATIVE = "relative"
    FRIEND = "friend"
    SPONSOR = "sponsor"
    EMPLOYER = "employer"
    PROBATION = "probation"
    OTHER = "other"


Relationship.LABELS = {
    Relationship.PARENT: "Parent",
    Relationship.SPOUSE: "Spouse or partner",
    Relationship.CHILD: "Child",
    Relationship.SIBLING: "Sibling",
    Relationship.RELATIVE: "Other relative",
    Relationship.FRIEND: "Friend",
    Relationship.SPONSOR: "Sponsor",
    Relationship.EMPLOYER: "Employer",
    Relationship.PROBATION: "Probation or parole officer",
    Relationship.OTHER: "Other",
}
