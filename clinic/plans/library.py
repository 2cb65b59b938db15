"""Suggestions for treatment plans, kept as data: a problem, a goal, objectives and
interventions for each assessment dimension and each instrument flag. No Flask.

They are starting points to edit into this client's plan. A goal or objective left word for
word as written here is flagged on the plan (docs/clinical-rules.md §4: stock phrases copied across
clients are a survey finding); `is_stock_text` tells.
"""

from dataclasses import dataclass

from clinic.assessments.instruments import FURTHER_EVALUATION, POSITIVE, SAFETY
from clinic.clients.vocabulary import OPIOIDS as OPIOID_SUBSTANCES
from clinic.clients.vocabulary import Substance
from clinic.plans.vocabulary import Modality


@dataclass(frozen=True)
class ObjectiveSuggestion:
    text: str
    measure: str
    weeks: int  # a target date this many weeks out, to be adjusted
    interventions: tuple[tuple[Modality, str], ...]  # (modality, frequency)


@dataclass(frozen=True)
class Suggestion:
    problem: str
    goal: str
    objectives: tuple[ObjectiveSuggestion, ...]


BY_DIMENSION: dict[int, Suggestion] = {
    2: Suggestion(
        problem="Medical conditions that complicate recovery.",
        goal="Get medical conditions assessed and treated.",
        objectives=(
            ObjectiveSuggestion(
                "Attend a primary care appointment.",
                "Appointment attended, per the provider's note",
                4,
                ((Modality.CASE_MANAGEMENT, "Weekly until attended"),),
            ),
        ),
    ),
    3: Suggestion(
        problem="Emotional or mental health symptoms that get in the way of recovery.",
        goal="Manage mood and anxiety without using.",
        objectives=(
            ObjectiveSuggestion(
                "Practise two coping skills for distress.",
                "Uses a skill on 4 of 7 days, by the client's log",
                3,
                ((Modality.CBT, "Weekly"), (Modality.MINDFULNESS, "Twice a week")),
            ),
            ObjectiveSuggestion(
                "Complete a mental health evaluation.",
                "Evaluation completed and results reviewed",
                2,
                ((Modality.CASE_MANAGEMENT, "Once"),),
            ),
        ),
    ),
    4: Suggestion(
        problem="Ambivalence about change.",
        goal="Decide what recovery means for me and commit to a first step.",
        objectives=(
            ObjectiveSuggestion(
                "Name personal reasons for change.",
                "Readiness ruler importance of 7 or more",
                2,
                ((Modality.MOTIVATIONAL, "Weekly"),),
            ),
        ),
    ),
    5: Suggestion(
        problem="High risk of return to use.",
        goal="Stay sober and know what to do when cravings come.",
        objectives=(
            ObjectiveSuggestion(
                "Write a relapse prevention plan naming triggers and responses.",
                "Written plan reviewed with the counselor",
                2,
                ((Modality.RELAPSE_PREVENTION, "Twice a week"), (Modality.GROUP, "Daily")),
            ),
            ObjectiveSuggestion(
                "Attend 12-step meetings and find a sponsor.",
                "Three meetings a week, by attendance sheet; sponsor named",
                4,
                ((Modality.TWELVE_STEP, "Weekly"),),
            ),
        ),
    ),
    6: Suggestion(
        problem="Living environment that does not support recovery.",
        goal="Have a safe, sober place to live after treatment.",
        objectives=(
            ObjectiveSuggestion(
                "Apply to sober living or arrange safe housing.",
                "Application submitted; housing confirmed before discharge",
                4,
                ((Modality.CASE_MANAGEMENT, "Weekly"), (Modality.FAMILY, "Every two weeks")),
            ),
        ),
    ),
}

# Dimension 1 (withdrawal) depends on what the client uses: opioids, alcohol and sedatives have
# their own withdrawal, monitoring and risks (docs/clinical-rules.md §2 and §3).
OPIOIDS = "opioids"
ALCOHOL = "alcohol"
SEDATIVES = "sedatives"
STIMULANTS = "stimulants"
OTHER_SUBSTANCES = "other"

SUBSTANCE_CLASS: dict[Substance, str] = {
    **dict.fromkeys(OPIOID_SUBSTANCES, OPIOIDS),
    Substance.ALCOHOL: ALCOHOL,
    Substance.BENZODIAZEPINES: SEDATIVES,
    Substance.COCAINE: STIMULANTS,
    Substance.METHAMPHETAMINE: STIMULANTS,
    Substance.CANNABIS: OTHER_SUBSTANCES,
    Substance.OTHER: OTHER_SUBSTANCES,
}
CLASS_WORDS = {
    OPIOIDS: "opioids",
    ALCOHOL: "alcohol",
    SEDATIVES: "sedatives",
    STIMULANTS: "stimulants",
    OTHER_SUBSTANCES: "other substances",
}

WITHDRAWAL_OBJECTIVES: dict[str, tuple[ObjectiveSuggestion, ...]] = {
    OPIOIDS: (
        ObjectiveSuggestion(
            "Complete medically monitored withdrawal from opioids.",
            "COWS under 5 on two readings 8 hours apart",
            1,
            ((Modality.MEDICAL, "Every 8 hours"), (Modality.MOUD, "Daily")),
        ),
        ObjectiveSuggestion(
            "Learn overdose risks and carry naloxone.",
            "States three overdose risks; naloxone kit in hand at discharge",
            2,
            ((Modality.INDIVIDUAL, "Once"),),
        ),
    ),
    ALCOHOL: (
        ObjectiveSuggestion(
            "Complete medically monitored withdrawal from alcohol.",
            "CIWA-Ar under 10 on two readings 8 hours apart",
            1,
            ((Modality.MEDICAL, "Every 8 hours"),),
        ),
        ObjectiveSuggestion(
            "Learn the dangers of stopping alcohol alone and what medication can help.",
            "Names two danger signs of withdrawal; has discussed medication for alcohol use "
            "disorder with the prescriber",
            2,
            ((Modality.MEDICAL, "Once"), (Modality.INDIVIDUAL, "Once")),
        ),
    ),
    SEDATIVES: (
        ObjectiveSuggestion(
            "Taper off sedatives safely under medical supervision.",
            "Taper schedule followed, with no seizure, by the medical record",
            2,
            ((Modality.MEDICAL, "Daily"),),
        ),
    ),
    STIMULANTS: (
        ObjectiveSuggestion(
            "Get through the crash after stopping stimulants: sleep, eat and stay safe.",
            "Sleeps 6 hours or more on 5 of 7 nights; PHQ-9 repeated after a week",
            1,
            ((Modality.MEDICAL, "Daily"), (Modality.INDIVIDUAL, "Twice a week")),
        ),
    ),
    OTHER_SUBSTANCES: (
        ObjectiveSuggestion(
            "Get through withdrawal symptoms with medical support.",
            "Symptoms reviewed daily and resolved, by the medical record",
            1,
            ((Modality.MEDICAL, "Daily"),),
        ),
    ),
}
_CLASS_ORDER = (OPIOIDS, ALCOHOL, SEDATIVES, STIMULANTS, OTHER_SUBSTANCES)


def withdrawal_suggestion(substances: list[Substance]) -> Suggestion:
    """The dimension 1 suggestion for the episode's substances (most dangerous first); with none
    recorded, the general one."""
    found = {SUBSTANCE_CLASS[substance] for substance in substances}
    classes = [each for each in _CLASS_ORDER if each in found] or [OTHER_SUBSTANCES]
    words = " and ".join(CLASS_WORDS[each] for each in classes)
    overdose = " and of overdose on return to use" if OPIOIDS in classes else ""
    return Suggestion(
        problem=f"Risk of withdrawal from {words}{overdose}.",
        goal="Complete withdrawal safely and stay alive.",
        objectives=tuple(
            objective for each in classes for objective in WITHDRAWAL_OBJECTIVES[each]
        ),
    )


BY_FLAG: dict[str, Suggestion] = {
    SAFETY: Suggestion(
        problem="Thoughts of self-harm reported on screening.",
        goal="Stay safe and know who to call.",
        objectives=(
            ObjectiveSuggestion(
                "Complete a written safety plan.",
                "Safety plan written and a copy kept by the client",
                1,
                ((Modality.INDIVIDUAL, "Twice a week"),),
            ),
        ),
    ),
    FURTHER_EVALUATION: Suggestion(
        problem="Anxiety symptoms at a level that needs further evaluation.",
        goal="Understand and reduce anxiety.",
        objectives=(
            ObjectiveSuggestion(
                "Complete an anxiety evaluation.",
                "GAD-7 repeated and evaluation reviewed",
                3,
                ((Modality.CBT, "Weekly"),),
            ),
        ),
    ),
    POSITIVE: Suggestion(
        problem="Risky alcohol use alongside other substance use.",
        goal="Stop drinking as part of recovery.",
        objectives=(
            ObjectiveSuggestion(
                "Track alcohol use and cravings.",
                "Daily log reviewed weekly; AUDIT-C repeated",
                4,
                ((Modality.RELAPSE_PREVENTION, "Weekly"),),
            ),
        ),
    ),
}


def _normalise(text: str | None) -> str:
    """Case, spacing and closing punctuation do not make a stock phrase this client's."""
    return " ".join((text or "").lower().split()).rstrip(" .!;,")


_SUGGESTIONS = (
    *BY_DIMENSION.values(),
    *BY_FLAG.values(),
    Suggestion("", "Complete withdrawal safely and stay alive.", ()),
)
STOCK_GOALS = frozenset(_normalise(suggestion.goal) for suggestion in _SUGGESTIONS)
STOCK_OBJECTIVES = frozenset(
    _normalise(objective.text)
    for objectives in (
        *(suggestion.objectives for suggestion in _SUGGESTIONS),
        *WITHDRAWAL_OBJECTIVES.values(),
    )
    for objective in objectives
)


def is_stock_text(text: str | None, kind: str) -> bool:
    """True when a goal ("goal") or objective ("objective") reads as a suggestion does."""
    stock = STOCK_GOALS if kind == "goal" else STOCK_OBJECTIVES
    return _normalise(text) in stock
