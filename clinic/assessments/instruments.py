"""The screening instruments (docs/clinical-rules.md §3), declared as data. Pure Python, no Flask.

Each instrument is a tuple of items; each item lists the answers it allows and the points each
answer adds. Scoring is one generic routine over that data. What differs between instruments is
declared next to them: the bands table, a context-dependent cut-off (AUDIT-C, by sex) and a few
flag rules (PHQ-9 item 9, GAD-7 total, AUDIT-C positive).

Every prompt and answer description is written in our own plain words; the published instruments
are cited in `Instrument.source` and are scored exactly as published.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SAFETY = "safety"
FURTHER_EVALUATION = "further evaluation"
POSITIVE = "positive"
NEGATIVE = "negative"

AUDITC_POSITIVE_AT: dict[str, int] = {"male": 4, "female": 3}


@dataclass(frozen=True)
class Choice:
    """One answer an item allows: the stored value, the points it adds and a plain description."""

    value: int | bool
    points: int | None
    text: str


@dataclass(frozen=True)
class Item:
    """One question. `key` is the 1-based item number, or a name for the readiness ruler.

    `label` is an optional short name used in messages, e.g. "restlessness" for COWS item 3.
    """

    key: int | str
    prompt: str
    choices: tuple[Choice, ...]
    label: str = ""

    @property
    def allowed(self) -> tuple[int | bool, ...]:
        """The values this item accepts, in the order they are offered."""
        return tuple(choice.value for choice in self.choices)

    @property
    def reference(self) -> str:
        """How messages name the item: "item 3 (restlessness)", "item confidence"."""
        return f"item {_key_with_label(self)}"

    def choice_for(self, value: object) -> Choice | None:
        """The choice whose value is `value`, compared strictly (True is not 1), or None."""
        for choice in self.choices:
            if type(value) is type(choice.value) and value == choice.value:
                return choice
        return None

    def points_for(self, value: int | bool) -> int | None:
        """The points `value` adds to the total (None for unscored items such as the ruler).

        Raises ValueError when the item does not allow `value`.
        """
        choice = self.choice_for(value)
        if choice is None:
            raise ValueError(self.refusal(value))
        return choice.points

    def refusal(self, value: object) -> str:
        """Why `value` is refused: "item 3 (restlessness) does not allow 2; allowed: 0, 1, 3, 5"."""
        allowed = ", ".join(str(allowed) for allowed in self.allowed)
        return f"{self.reference} does not allow {value!r}; allowed: {allowed}"


@dataclass(frozen=True)
class Band:
    """A named range of totals, both ends included."""

    low: int
    high: int
    label: str

    def __contains__(self, total: object) -> bool:
        return isinstance(total, int) and self.low <= total <= self.high


@dataclass(frozen=True)
class Cutoff:
    """A screen that is positive at or above a threshold picked by a context value.

    AUDIT-C: the threshold depends on `sex` and defaults to AUDITC_POSITIVE_AT; the context key
    `positive_at` overrides it. The thresholds mapping is read at scoring time, so configuration
    that changes AUDITC_POSITIVE_AT takes effect.
    """

    by: str
    thresholds: Mapping[str, int]
    override: str = "positive_at"
    positive: str = POSITIVE
    negative: str = NEGATIVE

    def __hash__(self) -> int:
        return hash((self.by, self.override, self.positive, self.negative))

    def threshold(self, name: str, max_total: int, context: Mapping[str, Any]) -> int:
        """The total at which the screen turns positive for this context."""
        value = context.get(self.by)
        if not isinstance(value, str) or value not in self.thresholds:
            known = " or ".join(repr(key) for key in sorted(self.thresholds))
            raise ValueError(f"{name} {self.by} must be {known}, not {value!r}")
        override = context.get(self.override)
        if override is None:
            return self.thresholds[value]
        if type(override) is not int or not 1 <= override <= max_total:
            raise ValueError(
                f"{name} {self.override} must be a whole number from 1 to {max_total}, "
                f"not {override!r}"
            )
        return override

    def bands(
        self, name: str, min_total: int, max_total: int, context: Mapping[str, Any]
    ) -> tuple[Band, Band]:
        """The two bands, negative then positive, for this context."""
        at = self.threshold(name, max_total, context)
        return (
            Band(min_total, at - 1, self.negative),
            Band(at, max_total, self.positive),
        )


@dataclass(frozen=True)
class ItemAbove:
    """Flag when one item's answer is above a value, whatever the total."""

    flag: str
    item: int
    above: int = 0

    def applies(self, total: int | None, band: str, answers: Mapping[Any, Any]) -> bool:
        return answers[self.item] > self.above


@dataclass(frozen=True)
class TotalAtLeast:
    """Flag when the total reaches a value."""

    flag: str
    at_least: int

    def applies(self, total: int | None, band: str, answers: Mapping[Any, Any]) -> bool:
        return total is not None and total >= self.at_least


@dataclass(frozen=True)
class BandIs:
    """Flag when the total falls in the named band."""

    flag: str
    band: str

    def applies(self, total: int | None, band: str, answers: Mapping[Any, Any]) -> bool:
        return band == self.band


FlagRule = ItemAbove | TotalAtLeast | BandIs


@dataclass(frozen=True)
class Instrument:
    """A screening instrument: its items, how totals are banded and which flags it raises.

    `bands` is empty for the readiness ruler (no total) and for AUDIT-C, whose two bands,
    "negative" and "positive", depend on the context (see `cutoff` and `bands_for`).
    """

    code: str
    name: str
    short_name: str
    source: str
    instructions: str
    items: tuple[Item, ...]
    bands: tuple[Band, ...]
    min_total: int | None
    max_total: int | None
    needs: tuple[str, ...] = ()
    cutoff: Cutoff | None = None
    flag_rules: tuple[FlagRule, ...] = ()
    # The policy action (clinic/policy.py) for giving it: medical observations such as the COWS
    # are given by medical staff, screening questionnaires by counselors.
    permission: str = "instrument.screen"

    def item(self, key: int | str) -> Item:
        """The item with this key; KeyError when there is none."""
        for item in self.items:
            if type(item.key) is type(key) and item.key == key:
                return item
        raise KeyError(f"{self.short_name} has no item {key!r}")

    def bands_for(self, **context: Any) -> tuple[Band, ...]:
        """The bands that apply for this context (AUDIT-C's depend on sex)."""
        if self.cutoff is None:
            return self.bands
        assert self.min_total is not None
        assert self.max_total is not None
        return self.cutoff.bands(self.short_name, self.min_total, self.max_total, context)


@dataclass(frozen=True)
class Score:
    """The result of scoring: total (None for the ruler), band ("" when unbanded) and flags."""

    total: int | None
    band: str
    flags: frozenset[str]


def _key_with_label(item: Item) -> str:
    return f"{item.key} ({item.label})" if item.label else str(item.key)


def _frequency_item(key: int, prompt: str) -> Item:
    return Item(
        key,
        prompt,
        (
            Choice(0, 0, "Not at all"),
            Choice(1, 1, "Several days"),
            Choice(2, 2, "More than half the days"),
            Choice(3, 3, "Nearly every day"),
        ),
    )


def _yes_no_item(key: int, prompt: str, *, no_scores: bool = False) -> Item:
    return Item(
        key,
        prompt,
        (
            Choice(True, 0 if no_scores else 1, "Yes"),
            Choice(False, 1 if no_scores else 0, "No"),
        ),
    )


def _cows_item(key: int, label: str, prompt: str, *choices: tuple[int, str]) -> Item:
    return Item(
        key, prompt, tuple(Choice(value, value, text) for value, text in choices), label=label
    )


def _ruler_item(key: str, prompt: str, low: str, high: str) -> Item:
    texts = {0: low, 10: high}
    return Item(
        key,
        prompt,
        tuple(Choice(value, None, texts.get(value, f"{value} out of 10")) for value in range(11)),
    )


COWS = Instrument(
    code="COWS",
    name="Clinical Opiate Withdrawal Scale",
    short_name="COWS",
    source="Wesson & Ling, 2003",
    instructions=(
        "Observe the client and rate each sign as it is now, counting only what withdrawal "
        "explains (not room temperature, exercise, a cold or pain the client already had)."
    ),
    items=(
        _cows_item(
            1,
            "resting pulse",
            "Pulse after the client has sat or lain still for a minute",
            (0, "80 beats a minute or fewer"),
            (1, "81 to 100 beats a minute"),
            (2, "101 to 120 beats a minute"),
            (4, "More than 120 beats a minute"),
        ),
        _cows_item(
            2,
            "sweating",
            "Sweating or chills in the last half hour, not explained by heat or activity",
            (0, "No chills or flushing reported"),
            (1, "Says they have had chills or flushing"),
            (2, "Face looks flushed or a little damp"),
            (3, "Drops of sweat on the forehead or face"),
            (4, "Sweat running down the face"),
        ),
        _cows_item(
            3,
            "restlessness",
            "Restlessness while you assess them",
            (0, "Sits still without trouble"),
            (1, "Says it is hard to sit still, but manages"),
            (3, "Keeps shifting or moving arms and legs"),
            (5, "Cannot stay seated more than a few seconds"),
        ),
        _cows_item(
            4,
            "pupil size",
            "Size of the pupils",
            (0, "Small (pinpoint) or normal for the lighting"),
            (1, "Maybe a little larger than normal"),
            (2, "Clearly enlarged"),
            (5, "So wide that only a thin ring of colour shows"),
        ),
        _cows_item(
            5,
            "bone or joint aches",
            "Aching in bones or joints, counting only what is new since withdrawal began",
            (0, "None"),
            (1, "Some general discomfort"),
            (2, "Says the aching in joints or muscles is bad"),
            (4, "Rubs joints or muscles and cannot keep still for the discomfort"),
        ),
        _cows_item(
            6,
            "runny nose or tearing",
            "Runny nose or watery eyes, not explained by a cold or allergies",
            (0, "None"),
            (1, "Stuffy nose or eyes wetter than usual"),
            (2, "Nose running or eyes watering"),
            (4, "Nose runs all the time or tears run down the cheeks"),
        ),
        _cows_item(
            7,
            "gastrointestinal upset",
            "Stomach or bowel upset in the last half hour",
            (0, "None"),
            (1, "Stomach cramps"),
            (2, "Feeling sick or loose stools"),
            (3, "Throwing up or diarrhoea"),
            (5, "Throwing up or diarrhoea several times"),
        ),
        _cows_item(
            8,
            "tremor",
            "Shaking of the hands when held out in front",
            (0, "None"),
            (1, "Shaking can be felt but not seen"),
            (2, "Slight shaking that can be seen"),
            (4, "Heavy shaking or twitching muscles"),
        ),
        _cows_item(
            9,
            "yawning",
            "Yawning while you assess them",
            (0, "None"),
            (1, "Yawns once or twice"),
            (2, "Yawns three times or more"),
            (4, "Yawns several times a minute"),
        ),
        _cows_item(
            10,
            "anxiety or irritability",
            "Anxiety or irritability",
            (0, "None"),
            (1, "Says they are getting more irritable or anxious"),
            (2, "Plainly irritable or anxious"),
            (4, "So irritable or anxious that the assessment is hard to complete"),
        ),
        _cows_item(
            11,
            "gooseflesh skin",
            "Goose bumps on the skin",
            (0, "Skin is smooth"),
            (3, "Goose bumps can be felt, or hairs stand up on the arms"),
            (5, "Goose bumps plainly visible"),
        ),
    ),
    bands=(
        Band(0, 4, "no active withdrawal"),
        Band(5, 12, "mild"),
        Band(13, 24, "moderate"),
        Band(25, 36, "moderately severe"),
        Band(37, 48, "severe"),
    ),
    min_total=0,
    max_total=48,
    permission="instrument.cows",
)

PHQ9 = Instrument(
    code="PHQ9",
    name="Patient Health Questionnaire-9",
    short_name="PHQ-9",
    source="Kroenke, Spitzer & Williams, 2001",
    instructions=(
        "Ask how often, over the last 2 weeks, the client has been bothered by each of these. "
        "Any answer above 'Not at all' on item 9 needs a clinician's attention the same day."
    ),
    items=(
        _frequency_item(1, "Little interest or enjoyment in doing things"),
        _frequency_item(2, "Feeling low, depressed or without hope"),
        _frequency_item(3, "Trouble getting to sleep or staying asleep, or sleeping too much"),
        _frequency_item(4, "Feeling tired or short of energy"),
        _frequency_item(5, "Eating too little or eating too much"),
        _frequency_item(
            6, "Feeling bad about yourself, like a failure, or that you have let people down"
        ),
        _frequency_item(7, "Trouble keeping your mind on things, such as reading or TV"),
        _frequency_item(
            8,
            "Moving or talking so slowly that others could notice, or being so restless "
            "that you move around far more than usual",
        ),
        _frequency_item(
            9, "Thinking you would be better off dead, or thinking of hurting yourself"
        ),
    ),
    bands=(
        Band(0, 4, "minimal"),
        Band(5, 9, "mild"),
        Band(10, 14, "moderate"),
        Band(15, 19, "moderately severe"),
        Band(20, 27, "severe"),
    ),
    min_total=0,
    max_total=27,
    flag_rules=(ItemAbove(SAFETY, item=9, above=0),),
)

GAD7 = Instrument(
    code="GAD7",
    name="Generalized Anxiety Disorder-7",
    short_name="GAD-7",
    source="Spitzer, Kroenke, Williams & Lowe, 2006",
    instructions=(
        "Ask how often, over the last 2 weeks, the client has been bothered by each of these."
    ),
    items=(
        _frequency_item(1, "Feeling nervous, anxious or on edge"),
        _frequency_item(2, "Not being able to stop worrying or keep it under control"),
        _frequency_item(3, "Worrying too much about lots of different things"),
        _frequency_item(4, "Finding it hard to relax"),
        _frequency_item(5, "Being so restless that sitting still is hard"),
        _frequency_item(6, "Getting annoyed or irritated easily"),
        _frequency_item(7, "Feeling scared that something terrible might happen"),
    ),
    bands=(
        Band(0, 4, "minimal"),
        Band(5, 9, "mild"),
        Band(10, 14, "moderate"),
        Band(15, 21, "severe"),
    ),
    min_total=0,
    max_total=21,
    flag_rules=(TotalAtLeast(FURTHER_EVALUATION, at_least=10),),
)

DAST10 = Instrument(
    code="DAST10",
    name="Drug Abuse Screening Test-10",
    short_name="DAST-10",
    source="Skinner, 1982",
    instructions=(
        "Ask about drug use in the past 12 months, not counting alcohol or tobacco. "
        "Drugs include prescribed medicines taken other than as directed."
    ),
    items=(
        _yes_no_item(1, "Have you used drugs other than for medical reasons?"),
        _yes_no_item(2, "Do you use more than one drug at the same time?"),
        _yes_no_item(
            3, "Are you always able to stop using drugs when you want to?", no_scores=True
        ),
        _yes_no_item(4, "Have you had blackouts or flashbacks because of drug use?"),
        _yes_no_item(5, "Do you ever feel bad or guilty about using drugs?"),
        _yes_no_item(6, "Does your partner or a parent ever complain about your drug use?"),
        _yes_no_item(7, "Have you neglected your family because of drug use?"),
        _yes_no_item(8, "Have you done something illegal to get drugs?"),
        _yes_no_item(9, "Have you felt sick with withdrawal when you stopped taking drugs?"),
        _yes_no_item(
            10,
            "Have you had health problems from drug use, such as memory loss, hepatitis, "
            "seizures or bleeding?",
        ),
    ),
    bands=(
        Band(0, 0, "none"),
        Band(1, 2, "low"),
        Band(3, 5, "moderate"),
        Band(6, 8, "substantial"),
        Band(9, 10, "severe"),
    ),
    min_total=0,
    max_total=10,
)

AUDITC = Instrument(
    code="AUDITC",
    name="Alcohol Use Disorders Identification Test - Consumption",
    short_name="AUDIT-C",
    source="Bush, Kivlahan, McDonell, Fihn & Bradley, 1998",
    instructions=(
        "Ask about drinking in the past year. One drink is a standard drink: "
        "a regular beer, a glass of wine or a single measure of spirits."
    ),
    items=(
        Item(
            1,
            "How often do you have a drink that contains alcohol?",
            (
                Choice(0, 0, "Never"),
                Choice(1, 1, "Once a month or less"),
                Choice(2, 2, "2 to 4 times a month"),
                Choice(3, 3, "2 or 3 times a week"),
                Choice(4, 4, "4 or more times a week"),
            ),
        ),
        Item(
            2,
            "On a typical day when you drink, how many drinks do you have?",
            (
                Choice(0, 0, "1 or 2"),
                Choice(1, 1, "3 or 4"),
                Choice(2, 2, "5 or 6"),
                Choice(3, 3, "7 to 9"),
                Choice(4, 4, "10 or more"),
            ),
        ),
        Item(
            3,
            "How often do you have 6 or more drinks on one occasion?",
            (
                Choice(0, 0, "Never"),
                Choice(1, 1, "Less than once a month"),
                Choice(2, 2, "Every month"),
                Choice(3, 3, "Every week"),
                Choice(4, 4, "Every day or nearly every day"),
            ),
        ),
    ),
    bands=(),
    min_total=0,
    max_total=12,
    needs=("sex",),
    cutoff=Cutoff(by="sex", thresholds=AUDITC_POSITIVE_AT),
    flag_rules=(BandIs(POSITIVE, band=POSITIVE),),
)

RULER = Instrument(
    code="RULER",
    name="Readiness ruler",
    short_name="Readiness ruler",
    source="Readiness ruler as used in motivational interviewing (Miller & Rollnick)",
    instructions=(
        "Ask the client to place themselves on each 0 to 10 scale. There is no total or cut-off; "
        "the answers are stored and charted over time."
    ),
    items=(
        _ruler_item(
            "importance",
            "How important is it to you right now to make this change?",
            "Not important at all",
            "The most important thing",
        ),
        _ruler_item(
            "confidence",
            "How confident are you that you could make this change?",
            "Not confident at all",
            "Completely confident",
        ),
    ),
    bands=(),
    min_total=None,
    max_total=None,
)


def _ciwa_item(key: int, label: str, prompt: str, top: int, *anchors: tuple[int, str]) -> Item:
    """A CIWA-Ar item scored 0 to `top`; the published anchor points carry words, the points
    between them are the rater's judgment between two anchors."""
    words = dict(anchors)
    return Item(
        key,
        prompt,
        tuple(
            Choice(value, value, words.get(value, f"{value}: between the descriptions around it"))
            for value in range(top + 1)
        ),
        label=label,
    )


# Bands of the CIWA-Ar total: published thresholds vary, so these are defaults
# (docs/clinical-rules.md §3; CIWA_BANDS in config.py overrides them).
CIWA_BANDS = (Band(0, 9, "mild"), Band(10, 18, "moderate"), Band(19, 67, "severe"))

CIWAAR = Instrument(
    code="CIWAAR",
    name="Clinical Institute Withdrawal Assessment for Alcohol, revised",
    short_name="CIWA-Ar",
    source="Sullivan et al., 1989",
    instructions=(
        "Ask and observe, and rate each item as it is now. Items 1 to 9 run from 0 to 7, the "
        "last (orientation) from 0 to 4."
    ),
    items=(
        _ciwa_item(
            1,
            "nausea and vomiting",
            "Does the client feel sick to their stomach, or have they vomited?",
            7,
            (0, "No nausea, no vomiting"),
            (1, "Mild nausea, no vomiting"),
            (4, "Comes and goes, with dry heaves"),
            (7, "Constant nausea, frequent dry heaves and vomiting"),
        ),
        _ciwa_item(
            2,
            "tremor",
            "Tremor with arms stretched out and fingers spread",
            7,
            (0, "No tremor"),
            (1, "Not visible, but can be felt fingertip to fingertip"),
            (4, "Moderate, with arms stretched out"),
            (7, "Severe, even with arms not stretched out"),
        ),
        _ciwa_item(
            3,
            "paroxysmal sweats",
            "Sweating you can see",
            7,
            (0, "No sweat visible"),
            (1, "Barely noticeable; palms moist"),
            (4, "Beads of sweat on the forehead"),
            (7, "Drenching sweats"),
        ),
        _ciwa_item(
            4,
            "anxiety",
            "Does the client feel nervous? Observe too.",
            7,
            (0, "At ease"),
            (1, "Mildly anxious"),
            (4, "Moderately anxious or guarded"),
            (7, "As in acute panic"),
        ),
        _ciwa_item(
            5,
            "agitation",
            "Movement you can see",
            7,
            (0, "Normal activity"),
            (1, "Somewhat more than normal"),
            (4, "Moderately fidgety and restless"),
            (7, "Paces or thrashes about most of the time"),
        ),
        _ciwa_item(
            6,
            "tactile disturbances",
            "Itching, pins and needles, burning, numbness, or bugs crawling on or under the skin?",
            7,
            (0, "None"),
            (1, "Very mild"),
            (4, "Moderately severe hallucinations"),
            (7, "Continuous hallucinations"),
        ),
        _ciwa_item(
            7,
            "auditory disturbances",
            "Sounds harsher than usual, frightening, or sounds that are not there?",
            7,
            (0, "Not present"),
            (1, "Very mild harshness or ability to frighten"),
            (4, "Moderately severe hallucinations"),
            (7, "Continuous hallucinations"),
        ),
        _ciwa_item(
            8,
            "visual disturbances",
            "Light too bright or of a different colour, hurting the eyes, or things not there?",
            7,
            (0, "Not present"),
            (1, "Very mild sensitivity"),
            (4, "Moderately severe hallucinations"),
            (7, "Continuous hallucinations"),
        ),
        _ciwa_item(
            9,
            "headache",
            "Headache or fullness in the head (not dizziness or light-headedness)",
            7,
            (0, "Not present"),
            (1, "Very mild"),
            (4, "Moderately severe"),
            (7, "Extremely severe"),
        ),
        _ciwa_item(
            10,
            "orientation",
            "What day is this? Where are you? Who am I?",
            4,
            (0, "Oriented; can add up numbers in series"),
            (1, "Cannot add up in series or is unsure of the date"),
            (2, "Date wrong by no more than 2 days"),
            (3, "Date wrong by more than 2 days"),
            (4, "Disoriented for place or person"),
        ),
    ),
    bands=CIWA_BANDS,
    min_total=0,
    max_total=67,
    permission="instrument.ciwa",
)

INSTRUMENTS: dict[str, Instrument] = {
    instrument.code: instrument for instrument in (COWS, PHQ9, GAD7, DAST10, AUDITC, RULER, CIWAAR)
}


def _listing(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]


def _check_context(instrument: Instrument, context: Mapping[str, Any]) -> None:
    if instrument.cutoff is not None and instrument.max_total is not None:
        instrument.cutoff.threshold(instrument.short_name, instrument.max_total, context)
    missing = [need for need in instrument.needs if context.get(need) is None]
    if missing:
        raise ValueError(f"{instrument.short_name} needs {_listing(missing)} to be scored")


def _check_answers(instrument: Instrument, answers: Mapping[Any, Any]) -> dict[Any, Choice]:
    if not isinstance(answers, Mapping):
        raise ValueError(f"{instrument.short_name} answers must be a mapping of item to answer")
    problems: list[str] = []
    chosen: dict[Any, Choice] = {}
    missing: list[Item] = []
    for item in instrument.items:
        present = [key for key in answers if type(key) is type(item.key) and key == item.key]
        if not present:
            missing.append(item)
            continue
        value = answers[present[0]]
        choice = item.choice_for(value)
        if choice is None:
            problems.append(f"{instrument.short_name} {item.refusal(value)}")
        else:
            chosen[item.key] = choice
    if missing:
        keys = [_key_with_label(item) for item in missing]
        if len(keys) == 1:
            problems.insert(0, f"{instrument.short_name} item {keys[0]} is missing")
        else:
            problems.insert(0, f"{instrument.short_name} items {_listing(keys)} are missing")
    extra = [
        repr(key)
        for key in answers
        if not any(type(key) is type(item.key) and key == item.key for item in instrument.items)
    ]
    if extra:
        noun = "item" if len(extra) == 1 else "items"
        problems.append(f"{instrument.short_name} has no {noun} {_listing(extra)}")
    if problems:
        raise ValueError("; ".join(problems))
    return chosen


def band_for(instrument: Instrument, total: int, **context: Any) -> str:
    """The label of the band `total` falls in; "" for an instrument without bands (the ruler).

    AUDIT-C's bands ("negative", "positive") come from its sex-dependent cut-off, so it needs
    `sex` in the context, or `positive_at` to override the threshold.
    Raises ValueError when the total is outside the instrument's range.
    """
    bands = instrument.bands_for(**context)
    if not bands:
        return ""
    for band in bands:
        if total in band:
            return band.label
    raise ValueError(
        f"{instrument.short_name} total {total!r} is outside "
        f"{instrument.min_total} to {instrument.max_total}"
    )


def score(code: str, answers: Mapping[Any, Any], **context: Any) -> Score:
    """Score one administration of the instrument `code`.

    `answers` maps each 1-based item number to its value (True/False for DAST-10, whole numbers
    otherwise); the readiness ruler uses the keys "importance" and "confidence". AUDIT-C needs
    `sex` ("female" or "male") and accepts `positive_at` to override the threshold; other context
    keys are ignored. Raises ValueError, naming the item, for anything missing, extra or not
    allowed.
    """
    instrument = INSTRUMENTS.get(code)
    if instrument is None:
        raise ValueError(
            f"Unknown instrument {code!r}; known instruments: {', '.join(INSTRUMENTS)}"
        )
    _check_context(instrument, context)
    chosen = _check_answers(instrument, answers)
    points = [choice.points for choice in chosen.values()]
    total = None if any(value is None for value in points) else sum(points)
    band = "" if total is None else band_for(instrument, total, **context)
    values = {key: choice.value for key, choice in chosen.items()}
    flags = frozenset(
        rule.flag for rule in instrument.flag_rules if rule.applies(total, band, values)
    )
    return Score(total=total, band=band, flags=flags)
