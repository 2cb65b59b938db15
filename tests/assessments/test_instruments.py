"""The screening instruments score exactly as published (docs/clinical-rules.md §3)."""

import re
from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic.assessments.instruments import (
    AUDITC_POSITIVE_AT,
    FURTHER_EVALUATION,
    INSTRUMENTS,
    POSITIVE,
    SAFETY,
    Instrument,
    Score,
    band_for,
    score,
)

BANDED = ["COWS", "PHQ9", "GAD7", "DAST10", "AUDITC"]
CONTEXT = {"AUDITC": {"sex": "female"}}

COWS_ALLOWED = {
    1: (0, 1, 2, 4),
    2: (0, 1, 2, 3, 4),
    3: (0, 1, 3, 5),
    4: (0, 1, 2, 5),
    5: (0, 1, 2, 4),
    6: (0, 1, 2, 4),
    7: (0, 1, 2, 3, 5),
    8: (0, 1, 2, 4),
    9: (0, 1, 2, 4),
    10: (0, 1, 2, 4),
    11: (0, 3, 5),
}

COWS_LABELS = {
    1: "resting pulse",
    2: "sweating",
    3: "restlessness",
    4: "pupil size",
    5: "bone or joint aches",
    6: "runny nose or tearing",
    7: "gastrointestinal upset",
    8: "tremor",
    9: "yawning",
    10: "anxiety or irritability",
    11: "gooseflesh skin",
}


def answers_totalling(code: str, total: int) -> dict:
    """Valid answers for `code` whose points add up to `total` (found by search)."""
    items = INSTRUMENTS[code].items

    @cache
    def find(index: int, remaining: int) -> tuple | None:
        if index == len(items):
            return () if remaining == 0 else None
        for choice in items[index].choices:
            if choice.points <= remaining:
                rest = find(index + 1, remaining - choice.points)
                if rest is not None:
                    return (choice.value, *rest)
        return None

    values = find(0, total)
    assert values is not None, f"{code} cannot total {total}"
    return {item.key: value for item, value in zip(items, values, strict=True)}


def extreme_answers(code: str, pick) -> dict:
    return {
        item.key: pick(item.choices, key=lambda choice: choice.points).value
        for item in INSTRUMENTS[code].items
    }


def phq9(**values: int) -> dict[int, int]:
    answers = dict.fromkeys(range(1, 10), 0)
    answers.update({int(key.removeprefix("item")): value for key, value in values.items()})
    return answers


def test_registry_lists_the_seven_instruments_in_order():
    assert list(INSTRUMENTS) == ["COWS", "PHQ9", "GAD7", "DAST10", "AUDITC", "RULER", "CIWAAR"]
    assert all(code == instrument.code for code, instrument in INSTRUMENTS.items())
    assert [instrument.short_name for instrument in INSTRUMENTS.values()] == [
        "COWS",
        "PHQ-9",
        "GAD-7",
        "DAST-10",
        "AUDIT-C",
        "Readiness ruler",
        "CIWA-Ar",
    ]


@pytest.mark.parametrize(
    ("code", "count", "minimum", "maximum"),
    [
        ("COWS", 11, 0, 48),
        ("PHQ9", 9, 0, 27),
        ("GAD7", 7, 0, 21),
        ("DAST10", 10, 0, 10),
        ("AUDITC", 3, 0, 12),
    ],
)
def test_minimum_and_maximum_totals(code, count, minimum, maximum):
    instrument = INSTRUMENTS[code]
    context = CONTEXT.get(code, {})
    assert len(instrument.items) == count
    assert (instrument.min_total, instrument.max_total) == (minimum, maximum)
    assert score(code, extreme_answers(code, min), **context).total == minimum
    assert score(code, extreme_answers(code, max), **context).total == maximum


@pytest.mark.parametrize(
    ("code", "total", "band"),
    [
        ("COWS", 0, "no active withdrawal"),
        ("COWS", 4, "no active withdrawal"),
        ("COWS", 5, "mild"),
        ("COWS", 12, "mild"),
        ("COWS", 13, "moderate"),
        ("COWS", 24, "moderate"),
        ("COWS", 25, "moderately severe"),
        ("COWS", 36, "moderately severe"),
        ("COWS", 37, "severe"),
        ("COWS", 48, "severe"),
        ("PHQ9", 0, "minimal"),
        ("PHQ9", 4, "minimal"),
        ("PHQ9", 5, "mild"),
        ("PHQ9", 9, "mild"),
        ("PHQ9", 10, "moderate"),
        ("PHQ9", 14, "moderate"),
        ("PHQ9", 15, "moderately severe"),
        ("PHQ9", 19, "moderately severe"),
        ("PHQ9", 20, "severe"),
        ("PHQ9", 27, "severe"),
        ("GAD7", 0, "minimal"),
        ("GAD7", 4, "minimal"),
        ("GAD7", 5, "mild"),
        ("GAD7", 9, "mild"),
        ("GAD7", 10, "moderate"),
        ("GAD7", 14, "moderate"),
        ("GAD7", 15, "severe"),
        ("GAD7", 21, "severe"),
        ("DAST10", 0, "none"),
        ("DAST10", 1, "low"),
        ("DAST10", 2, "low"),
        ("DAST10", 3, "moderate"),
        ("DAST10", 5, "moderate"),
        ("DAST10", 6, "substantial"),
        ("DAST10", 8, "substantial"),
        ("DAST10", 9, "severe"),
        ("DAST10", 10, "severe"),
    ],
)
def test_band_edges(code, total, band):
    result = score(code, answers_totalling(code, total))
    assert (result.total, result.band) == (total, band)
    assert band_for(INSTRUMENTS[code], total) == band


def test_band_for_refuses_a_total_out_of_range():
    with pytest.raises(ValueError, match="PHQ-9 total 28"):
        band_for(INSTRUMENTS["PHQ9"], 28)


def test_cows_pulse_choices_describe_the_rate():
    pulse = INSTRUMENTS["COWS"].item(1)
    assert [(choice.value, choice.points) for choice in pulse.choices] == [
        (0, 0),
        (1, 1),
        (2, 2),
        (4, 4),
    ]
    assert pulse.choices[1].text == "81 to 100 beats a minute"


def test_dast10_item_3_is_scored_in_reverse():
    all_no = dict.fromkeys(range(1, 11), False)
    all_yes = dict.fromkeys(range(1, 11), True)
    assert score("DAST10", all_no) == Score(1, "low", frozenset())
    assert score("DAST10", {**all_no, 3: True}) == Score(0, "none", frozenset())
    assert score("DAST10", all_yes) == Score(9, "severe", frozenset())
    assert score("DAST10", {**all_yes, 3: False}) == Score(10, "severe", frozenset())
    item = INSTRUMENTS["DAST10"].item(3)
    assert (item.points_for(True), item.points_for(False)) == (0, 1)
    assert "stop" in item.prompt


def test_phq9_item_9_flags_safety_even_at_a_total_of_1():
    result = score("PHQ9", phq9(item9=1))
    assert result == Score(1, "minimal", frozenset({SAFETY}))


def test_phq9_without_item_9_has_no_safety_flag_whatever_the_total():
    answers = {**dict.fromkeys(range(1, 9), 3), 9: 0}
    assert score("PHQ9", answers) == Score(24, "severe", frozenset())


@pytest.mark.parametrize(
    ("total", "flags"),
    [
        (9, frozenset()),
        (10, frozenset({FURTHER_EVALUATION})),
        (21, frozenset({FURTHER_EVALUATION})),
    ],
)
def test_gad7_further_evaluation_from_10(total, flags):
    assert score("GAD7", answers_totalling("GAD7", total)).flags == flags


@pytest.mark.parametrize(
    ("sex", "total", "band"),
    [
        ("female", 2, "negative"),
        ("female", 3, "positive"),
        ("male", 3, "negative"),
        ("male", 4, "positive"),
        ("female", 12, "positive"),
        ("male", 0, "negative"),
    ],
)
def test_auditc_is_positive_by_the_threshold_for_the_sex(sex, total, band):
    result = score("AUDITC", answers_totalling("AUDITC", total), sex=sex)
    assert result.total == total
    assert result.band == band
    assert result.flags == (frozenset({POSITIVE}) if band == "positive" else frozenset())


def test_auditc_default_thresholds():
    assert AUDITC_POSITIVE_AT == {"male": 4, "female": 3}


@pytest.mark.parametrize(
    ("sex", "positive_at", "total", "band"),
    [
        ("male", 3, 3, "positive"),
        ("male", 5, 4, "negative"),
        ("female", 5, 4, "negative"),
        ("female", 5, 5, "positive"),
    ],
)
def test_auditc_threshold_can_be_overridden(sex, positive_at, total, band):
    result = score("AUDITC", answers_totalling("AUDITC", total), sex=sex, positive_at=positive_at)
    assert result.band == band


@pytest.mark.parametrize(
    "context",
    [{}, {"sex": None}, {"sex": "M"}, {"sex": "Female"}, {"sex": "other"}, {"sex": 1}],
)
def test_auditc_needs_female_or_male(context):
    with pytest.raises(ValueError, match="AUDIT-C sex must be 'female' or 'male'"):
        score("AUDITC", {1: 1, 2: 1, 3: 1}, **context)


@pytest.mark.parametrize("positive_at", [0, 13, True, "4", 3.5])
def test_auditc_refuses_a_bad_threshold(positive_at):
    with pytest.raises(ValueError, match="positive_at"):
        score("AUDITC", {1: 1, 2: 1, 3: 1}, sex="male", positive_at=positive_at)


def test_unknown_context_is_ignored():
    answers = phq9(item1=2, item2=3)
    assert score("PHQ9", answers, sex="male", clinic="north") == score("PHQ9", answers)


@pytest.mark.parametrize(
    ("item", "value", "message"),
    [
        (3, 2, "COWS item 3 (restlessness) does not allow 2; allowed: 0, 1, 3, 5"),
        (11, 1, "COWS item 11 (gooseflesh skin) does not allow 1; allowed: 0, 3, 5"),
        (1, 3, "COWS item 1 (resting pulse) does not allow 3; allowed: 0, 1, 2, 4"),
        (7, 4, "COWS item 7 (gastrointestinal upset) does not allow 4; allowed: 0, 1, 2, 3, 5"),
        (2, 5, "COWS item 2 (sweating) does not allow 5"),
        (4, -1, "COWS item 4 (pupil size) does not allow -1"),
    ],
)
def test_cows_refuses_a_value_the_item_does_not_allow(item, value, message):
    answers = {**dict.fromkeys(range(1, 12), 0), item: value}
    with pytest.raises(ValueError, match=re.escape(message)):
        score("COWS", answers)


def test_a_missing_item_is_named():
    answers = phq9()
    del answers[3]
    with pytest.raises(ValueError, match="PHQ-9 item 3 is missing"):
        score("PHQ9", answers)


def test_every_missing_item_is_named():
    with pytest.raises(ValueError, match="PHQ-9 items 3, 5 and 9 are missing"):
        score("PHQ9", dict.fromkeys((1, 2, 4, 6, 7, 8), 0))


def test_an_extra_item_is_refused():
    with pytest.raises(ValueError, match="PHQ-9 has no item 10"):
        score("PHQ9", {**phq9(), 10: 0})


def test_a_key_of_the_wrong_type_is_extra_and_leaves_the_item_missing():
    answers = phq9()
    del answers[2]
    with pytest.raises(ValueError, match=r"PHQ-9 item 2 is missing; PHQ-9 has no item '2'"):
        score("PHQ9", {**answers, "2": 1})


@pytest.mark.parametrize(
    ("code", "answers", "message"),
    [
        ("PHQ9", phq9(item2=True), "PHQ-9 item 2 does not allow True; allowed: 0, 1, 2, 3"),
        ("PHQ9", phq9(item5="3"), "PHQ-9 item 5 does not allow '3'"),
        ("PHQ9", phq9(item6=1.0), "PHQ-9 item 6 does not allow 1.0"),
        ("PHQ9", phq9(item1=4), "PHQ-9 item 1 does not allow 4"),
        ("GAD7", {**dict.fromkeys(range(1, 8), 0), 7: False}, "GAD-7 item 7 does not allow"),
        (
            "DAST10",
            {**dict.fromkeys(range(1, 11), False), 4: 1},
            "DAST-10 item 4 does not allow 1; allowed: True, False",
        ),
        (
            "DAST10",
            {**dict.fromkeys(range(1, 11), False), 8: "yes"},
            "DAST-10 item 8 does not allow 'yes'",
        ),
        ("AUDITC", {1: 1, 2: 5, 3: 0}, "AUDIT-C item 2 does not allow 5"),
        ("COWS", {**dict.fromkeys(range(1, 12), 0), 9: True}, "COWS item 9 (yawning)"),
    ],
)
def test_a_value_of_the_wrong_type_or_range_is_refused(code, answers, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        score(code, answers, sex="female")


def test_every_problem_is_reported_at_once():
    answers = {**phq9(item1=7), 11: 0}
    del answers[4]
    with pytest.raises(ValueError, match="item 4 is missing") as raised:
        score("PHQ9", answers)
    assert "item 1 does not allow 7" in str(raised.value)
    assert "no item 11" in str(raised.value)


@pytest.mark.parametrize("answers", [None, [0] * 9, "000000000"])
def test_answers_must_be_a_mapping(answers):
    with pytest.raises(ValueError, match="PHQ-9 answers must be a mapping"):
        score("PHQ9", answers)


@pytest.mark.parametrize("code", ["PHQ-9", "phq9", "AUDIT", ""])
def test_an_unknown_instrument_is_refused(code):
    with pytest.raises(ValueError, match="known instruments: COWS, PHQ9, GAD7, DAST10, AUDITC"):
        score(code, {})


def test_ruler_stores_no_total_and_no_band():
    assert score("RULER", {"importance": 7, "confidence": 0}) == Score(None, "", frozenset())
    assert score("RULER", {"importance": 10, "confidence": 10}).total is None


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"importance": 11, "confidence": 5}, "item importance does not allow 11"),
        ({"importance": 5, "confidence": -1}, "item confidence does not allow -1"),
        ({"importance": 5}, "Readiness ruler item confidence is missing"),
        ({"importance": True, "confidence": 5}, "item importance does not allow True"),
        ({"importance": 5, "confidence": 5, "commitment": 5}, "no item 'commitment'"),
        ({1: 5, 2: 5}, "items importance and confidence are missing"),
    ],
)
def test_ruler_refuses_bad_answers(answers, message):
    with pytest.raises(ValueError, match=message):
        score("RULER", answers)


def test_ruler_has_no_bands_and_no_totals():
    ruler = INSTRUMENTS["RULER"]
    assert ruler.bands == ()
    assert (ruler.min_total, ruler.max_total) == (None, None)
    assert [item.key for item in ruler.items] == ["importance", "confidence"]
    for item in ruler.items:
        assert item.allowed == tuple(range(11))
        assert all(choice.points is None for choice in item.choices)


def test_cows_allowed_values_are_exactly_as_published():
    cows = INSTRUMENTS["COWS"]
    assert {item.key: item.allowed for item in cows.items} == COWS_ALLOWED
    assert {item.key: item.label for item in cows.items} == COWS_LABELS
    for item in cows.items:
        assert all(choice.points == choice.value for choice in item.choices)


@pytest.mark.parametrize("code", ["PHQ9", "GAD7"])
def test_frequency_choices(code):
    for item in INSTRUMENTS[code].items:
        assert [(choice.value, choice.points, choice.text) for choice in item.choices] == [
            (0, 0, "Not at all"),
            (1, 1, "Several days"),
            (2, 2, "More than half the days"),
            (3, 3, "Nearly every day"),
        ]


def test_phq9_item_9_asks_about_self_harm():
    prompt = INSTRUMENTS["PHQ9"].item(9).prompt.lower()
    assert "dead" in prompt
    assert "hurting yourself" in prompt


def test_auditc_items_offer_0_to_4():
    for item in INSTRUMENTS["AUDITC"].items:
        assert item.allowed == (0, 1, 2, 3, 4)
    assert INSTRUMENTS["AUDITC"].needs == ("sex",)


def test_dast10_items_are_yes_or_no():
    for item in INSTRUMENTS["DAST10"].items:
        assert item.allowed == (True, False)
        assert all(type(value) is bool for value in item.allowed)


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("PHQ9", ["last 2 weeks"]),
        ("GAD7", ["last 2 weeks"]),
        ("DAST10", ["past 12 months", "not counting alcohol or tobacco"]),
        ("AUDITC", ["past year"]),
    ],
)
def test_instructions_give_the_timeframe(code, words):
    for word in words:
        assert word in INSTRUMENTS[code].instructions


@pytest.mark.parametrize("instrument", INSTRUMENTS.values(), ids=list(INSTRUMENTS))
def test_every_item_has_a_prompt_and_distinct_described_choices(instrument: Instrument):
    assert instrument.name
    assert instrument.source
    assert instrument.instructions
    keys = [item.key for item in instrument.items]
    assert len(set(keys)) == len(keys)
    for item in instrument.items:
        assert item.prompt.strip()
        assert all(choice.text.strip() for choice in item.choices)
        assert len(set(item.allowed)) == len(item.allowed)
        assert instrument.item(item.key) is item


def test_item_lookup_refuses_unknown_keys():
    with pytest.raises(KeyError):
        INSTRUMENTS["PHQ9"].item(10)
    with pytest.raises(KeyError):
        INSTRUMENTS["PHQ9"].item("1")


def test_points_for_refuses_values_not_allowed():
    with pytest.raises(ValueError, match="allowed: 0, 3, 5"):
        INSTRUMENTS["COWS"].item(11).points_for(1)


@pytest.mark.parametrize("code", BANDED)
@pytest.mark.parametrize("sex", ["female", "male"])
def test_bands_cover_the_range_without_gap_or_overlap(code, sex):
    instrument = INSTRUMENTS[code]
    bands = instrument.bands_for(sex=sex)
    assert bands
    assert min(band.low for band in bands) == instrument.min_total
    assert max(band.high for band in bands) == instrument.max_total
    for total in range(instrument.min_total, instrument.max_total + 1):
        assert sum(band.low <= total <= band.high for band in bands) == 1, total


@pytest.mark.parametrize("sex", ["female", "male"])
def test_auditc_bands_follow_the_threshold(sex):
    at = AUDITC_POSITIVE_AT[sex]
    for total in range(13):
        expected = "positive" if total >= at else "negative"
        assert band_for(INSTRUMENTS["AUDITC"], total, sex=sex) == expected


EXPECTED_FLAGS = {
    "COWS": set(),
    "PHQ9": {SAFETY},
    "GAD7": {FURTHER_EVALUATION},
    "DAST10": set(),
    "AUDITC": {POSITIVE},
}


@st.composite
def administrations(draw):
    code = draw(st.sampled_from(BANDED))
    answers = {item.key: draw(st.sampled_from(item.allowed)) for item in INSTRUMENTS[code].items}
    sex = draw(st.sampled_from(["female", "male"]))
    return code, answers, sex


@given(administrations())
def test_random_valid_answers_score_within_range_and_one_band(administration):
    code, answers, sex = administration
    instrument = INSTRUMENTS[code]
    result = score(code, answers, sex=sex)
    assert instrument.min_total <= result.total <= instrument.max_total
    containing = [band for band in instrument.bands_for(sex=sex) if result.total in band]
    assert [band.label for band in containing] == [result.band]
    assert result.flags <= EXPECTED_FLAGS[code]
    expected_total = sum(instrument.item(key).points_for(value) for key, value in answers.items())
    assert result.total == expected_total


@given(st.data())
def test_phq9_safety_flag_follows_item_9_alone(data):
    answers = {key: data.draw(st.integers(0, 3)) for key in range(1, 10)}
    assert (SAFETY in score("PHQ9", answers).flags) == (answers[9] > 0)


def test_the_ciwa_ar_scores_ten_items_as_published():
    ciwa = INSTRUMENTS["CIWAAR"]
    assert [item.key for item in ciwa.items] == list(range(1, 11))
    assert [max(choice.points for choice in item.choices) for item in ciwa.items] == [7] * 9 + [4]
    assert (ciwa.min_total, ciwa.max_total) == (0, 67)
    answers = dict.fromkeys(range(1, 10), 7) | {10: 4}
    assert score("CIWAAR", answers).total == 67
    assert score("CIWAAR", answers).band == "severe"
    assert score("CIWAAR", dict.fromkeys(range(1, 11), 1)).band == "moderate"  # 10
    assert score("CIWAAR", dict.fromkeys(range(1, 10), 1) | {10: 0}).band == "mild"  # 9
    assert score("CIWAAR", dict.fromkeys(range(1, 10), 2) | {10: 1}).band == "severe"  # 19
    with pytest.raises(ValueError, match="10"):
        score("CIWAAR", dict.fromkeys(range(1, 10), 0) | {10: 5})
