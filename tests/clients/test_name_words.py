"""The words a client is found by, the terms a search looks for, and the birth dates the
duplicate check compares: rules without a request."""

from datetime import date

import pytest

from clinic.clients.models import name_words, search_terms
from clinic.clients.services import birth_dates_near


@pytest.mark.parametrize(
    ("parts", "words"),
    [
        (("Zoë", "O'Connor-Nguyễn", None), {"zoe", "oconnor", "connor", "nguyen"}),
        # Typographic apostrophe and hyphen.
        (("Zoë", "O\u2019Connor\u2010Nguyễn", None), {"zoe", "oconnor", "connor", "nguyen"}),
        (
            ("Ana María", "de la Cruz Núñez", "Mari"),
            {"ana", "maria", "de", "la", "cruz", "nunez", "mari"},
        ),
        (("J.", "St. John", None), {"j", "st", "john"}),  # a lone initial is kept
        (("Rosa", "D'Angelo", None), {"rosa", "dangelo", "angelo"}),  # a one-letter piece is not
        (("  ", "--'", None), set()),
    ],
)
def test_every_word_of_every_name_is_a_word(parts, words):
    assert name_words(*parts) == words


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("Smith, Ana", ["ana", "smith"]),
        ("o'connor", ["oconnor"]),  # found through the whole word, with or without the apostrophe
        ("O\u2019CONNOR-nguyễn", ["nguyen", "oconnor"]),
        ("connor", ["connor"]),
        ("-", []),
        ("%_", []),
    ],
)
def test_search_terms_are_folded_like_the_words(text, terms):
    assert search_terms(text) == terms


def test_the_birth_dates_compared_are_a_day_either_side_and_the_swap():
    assert birth_dates_near(date(1990, 3, 4)) == {
        date(1990, 3, 4): None,
        date(1990, 3, 3): "one day off",
        date(1990, 3, 5): "one day off",
        date(1990, 4, 3): "day and month swapped",
    }


@pytest.mark.parametrize(
    "born",
    [date(1990, 3, 25), date(1990, 7, 7)],  # no 25th month; the same date swapped
)
def test_no_swap_when_it_is_no_other_date(born):
    assert set(birth_dates_near(born).values()) == {None, "one day off"}


def test_a_day_off_crosses_months_and_leap_days():
    assert set(birth_dates_near(date(1988, 2, 29))) == {
        date(1988, 2, 28),
        date(1988, 2, 29),
        date(1988, 3, 1),
    }
