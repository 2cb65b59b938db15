"""The level recommendation from the six dimension ratings (docs/clinical-rules.md §2)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic.assessments.placement import (
    COWS_FLOORS,
    DIMENSIONS,
    MEDICAL_REVIEW,
    MINIMUM_LEVEL,
    RATINGS,
    REFER_OUT,
    Recommendation,
    recommend,
)
from clinic.clients.levels import Level

ZEROS = dict.fromkeys(range(1, 7), 0)

DEFAULT_TABLE = [
    (1, 0, "AC"),
    (1, 1, "OP"),
    (1, 2, "IOP"),
    (1, 3, "WM"),
    (1, 4, "WM"),
    (2, 0, "AC"),
    (2, 1, "OP"),
    (2, 2, "IOP"),
    (2, 3, "PHP"),
    (2, 4, "PHP"),
    (3, 0, "AC"),
    (3, 1, "OP"),
    (3, 2, "IOP"),
    (3, 3, "PHP"),
    (3, 4, "PHP"),
    (4, 0, "AC"),
    (4, 1, "OP"),
    (4, 2, "IOP"),
    (4, 3, "RES"),
    (4, 4, "RES"),
    (5, 0, "AC"),
    (5, 1, "OP"),
    (5, 2, "IOP"),
    (5, 3, "RES"),
    (5, 4, "RES"),
    (6, 0, "AC"),
    (6, 1, "OP"),
    (6, 2, "IOP"),
    (6, 3, "RES"),
    (6, 4, "RES"),
]


def rated(**ratings: int) -> dict[int, int]:
    """All six dimensions at 0 except those given as d1=..., d6=..."""
    return {**ZEROS, **{int(key.removeprefix("d")): value for key, value in ratings.items()}}


def test_dimension_names_and_ratings():
    assert DIMENSIONS == {
        1: "Acute intoxication and/or withdrawal potential",
        2: "Biomedical conditions and complications",
        3: "Emotional, behavioral or cognitive conditions and complications",
        4: "Readiness to change",
        5: "Relapse, continued use or continued problem potential",
        6: "Recovery/living environment",
    }
    assert RATINGS == {0: "none", 1: "mild", 2: "moderate", 3: "severe", 4: "extreme"}


def test_default_table_is_exactly_the_clinical_table():
    assert {
        (dimension, rating, str(level))
        for dimension, row in MINIMUM_LEVEL.items()
        for rating, level in row.items()
    } == set(DEFAULT_TABLE)


@pytest.mark.parametrize(("dimension", "rating", "expected"), DEFAULT_TABLE)
def test_single_elevated_dimension_sets_the_minimum(dimension, rating, expected):
    result = recommend({**ZEROS, dimension: rating})
    assert result.level == expected
    assert isinstance(result.level, Level)
    if rating:
        assert result.drivers == (dimension,)
    else:
        assert result.drivers == (1, 2, 3, 4, 5, 6)


def test_all_zeros_is_aftercare_driven_by_every_dimension():
    assert recommend(ZEROS) == Recommendation(
        level=Level.AC, drivers=(1, 2, 3, 4, 5, 6), flags=(), ratings=ZEROS
    )


def test_the_most_intensive_minimum_wins_and_is_never_averaged():
    result = recommend(rated(d3=3, d5=3))
    assert result.level == "RES"
    assert result.drivers == (5,)
    assert recommend(rated(d1=3, d4=3, d2=3)).level == "WM"
    assert recommend(rated(d1=1, d2=1, d3=1, d4=1, d5=1, d6=2)).level == "IOP"


def test_ties_give_several_drivers():
    assert recommend(rated(d2=3, d3=4)).drivers == (2, 3)
    assert recommend(rated(d4=3, d5=4, d6=3, d1=2)).drivers == (4, 5, 6)
    assert recommend(rated(d1=2, d3=2, d6=2, d4=1)).drivers == (1, 3, 6)


@pytest.mark.parametrize("dimension", [1, 2, 3])
def test_extreme_on_dimensions_1_to_3_refers_out(dimension):
    result = recommend({**ZEROS, dimension: 4})
    assert result.flags == (REFER_OUT,)


@pytest.mark.parametrize("dimension", [4, 5, 6])
def test_extreme_on_dimensions_4_to_6_does_not_refer_out(dimension):
    result = recommend({**ZEROS, dimension: 4})
    assert result.flags == ()
    assert result.level == "RES"


def test_refer_out_is_listed_once():
    assert recommend(rated(d1=4, d2=4, d3=4)).flags == (REFER_OUT,)


@pytest.mark.parametrize("rating", [0, 1, 2, 3])
def test_no_refer_out_below_4(rating):
    assert recommend(rated(d1=rating, d2=rating, d3=rating)).flags == ()


def test_cows_floors_are_the_defaults():
    assert [tuple(floor) for floor in COWS_FLOORS] == [
        (5, 2, None),
        (13, 3, None),
        (25, 3, MEDICAL_REVIEW),
    ]


@pytest.mark.parametrize(
    ("cows_total", "d1", "level", "flags"),
    [
        (None, 0, "AC", ()),
        (0, 0, "AC", ()),
        (4, 0, "AC", ()),
        (5, 2, "IOP", ()),
        (12, 2, "IOP", ()),
        (13, 3, "WM", ()),
        (24, 3, "WM", ()),
        (25, 3, "WM", (MEDICAL_REVIEW,)),
        (36, 3, "WM", (MEDICAL_REVIEW,)),
        (48, 3, "WM", (MEDICAL_REVIEW,)),
    ],
)
def test_cows_total_is_a_floor_on_dimension_1(cows_total, d1, level, flags):
    result = recommend(ZEROS, cows_total=cows_total)
    assert result.ratings == {**ZEROS, 1: d1}
    assert result.level == level
    assert result.flags == flags
    if d1:
        assert result.drivers == (1,)


def test_cows_floor_below_the_rating_leaves_it():
    result = recommend(rated(d1=3), cows_total=7)
    assert result.ratings[1] == 3
    assert result.level == "WM"
    assert recommend(rated(d1=2), cows_total=5).ratings[1] == 2


def test_cows_floor_never_refers_out():
    assert REFER_OUT not in recommend(ZEROS, cows_total=48).flags


def test_flags_keep_a_stable_order():
    assert recommend(rated(d1=4), cows_total=30).flags == (REFER_OUT, MEDICAL_REVIEW)


def test_ratings_are_reported_after_the_floor_and_the_input_is_untouched():
    ratings = rated(d1=1, d5=2)
    result = recommend(ratings, cows_total=14)
    assert result.ratings == {1: 3, 2: 0, 3: 0, 4: 0, 5: 2, 6: 0}
    assert ratings[1] == 1


def test_a_floor_that_only_ties_still_drives():
    result = recommend(rated(d5=2), cows_total=6)
    assert result.level == "IOP"
    assert result.drivers == (1, 5)


@pytest.mark.parametrize(
    ("ratings", "message"),
    [
        ({1: 0, 2: 0, 4: 0, 5: 0, 6: 0}, "Dimension 3 is not rated"),
        ({1: 0, 2: 0, 5: 0, 6: 0}, "Dimensions 3 and 4 are not rated"),
        ({}, "Dimensions 1, 2, 3, 4, 5 and 6 are not rated"),
        ({**ZEROS, 7: 0}, "There is no dimension 7"),
        ({**ZEROS, 0: 1}, "There is no dimension 0"),
        ({**ZEROS, "1": 1}, "There is no dimension '1'"),
        ({**ZEROS, 2: 5}, "Dimension 2 rating 5 is not a whole number from 0 to 4"),
        ({**ZEROS, 4: -1}, "Dimension 4 rating -1"),
        ({**ZEROS, 6: True}, "Dimension 6 rating True"),
        ({**ZEROS, 1: "2"}, "Dimension 1 rating '2'"),
        ({**ZEROS, 3: 2.0}, "Dimension 3 rating 2.0"),
        ({**ZEROS, 3: None}, "Dimension 3 rating None"),
    ],
)
def test_invalid_ratings_are_refused(ratings, message):
    with pytest.raises(ValueError, match=message):
        recommend(ratings)


def test_every_problem_is_named_at_once():
    ratings = {1: 0, 2: 9, 3: 0, 4: 0, 5: 0, 7: 1}
    with pytest.raises(ValueError, match="Dimension 6 is not rated") as raised:
        recommend(ratings)
    assert "no dimension 7" in str(raised.value)
    assert "Dimension 2 rating 9" in str(raised.value)


def test_ratings_must_be_a_mapping():
    with pytest.raises(ValueError, match="mapping"):
        recommend([0, 0, 0, 0, 0, 0])


@pytest.mark.parametrize("cows_total", [49, -1, True, 12.0, "13"])
def test_invalid_cows_totals_are_refused(cows_total):
    with pytest.raises(ValueError, match="COWS total must be a whole number from 0 to 48"):
        recommend(ZEROS, cows_total=cows_total)


def test_a_custom_table_changes_the_result():
    table = {dimension: dict(row) for dimension, row in MINIMUM_LEVEL.items()}
    table[3][3] = Level.RES
    table[6][2] = "OP"
    assert recommend(rated(d3=3)).level == "PHP"
    assert recommend(rated(d3=3), table=table).level == "RES"
    assert recommend(rated(d6=2), table=table).level == "OP"
    assert recommend(rated(d3=3, d4=3), table=table).drivers == (3, 4)


ratings_strategy = st.fixed_dictionaries(
    {dimension: st.integers(0, 4) for dimension in range(1, 7)}
)
cows_strategy = st.none() | st.integers(0, 48)


@given(ratings_strategy, cows_strategy)
def test_the_recommendation_is_the_most_intensive_minimum(ratings, cows_total):
    result = recommend(ratings, cows_total=cows_total)
    minimums = {
        dimension: MINIMUM_LEVEL[dimension][rating] for dimension, rating in result.ratings.items()
    }
    assert result.level.intensity == max(minimum.intensity for minimum in minimums.values())
    for dimension, rating in ratings.items():
        assert result.level.intensity >= MINIMUM_LEVEL[dimension][rating].intensity
        assert result.ratings[dimension] >= rating
    assert result.drivers
    assert result.drivers == tuple(sorted(result.drivers))
    assert result.drivers == tuple(
        dimension for dimension, minimum in minimums.items() if minimum == result.level
    )
    assert len(set(result.flags)) == len(result.flags)
    assert (REFER_OUT in result.flags) == any(ratings[dimension] == 4 for dimension in (1, 2, 3))
