"""The level-of-care recommendation from the six dimension ratings (docs/clinical-rules.md §2).

Pure Python, no Flask. Decision support only: a clinician accepts the recommendation or chooses
another level with a reason. The recommendation never averages: each dimension's rating maps to a
minimum level, and the most intensive of those minimums wins. A COWS total at the assessment
raises the withdrawal rating (dimension 1) to a floor. The tables are defaults that configuration
may replace.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from clinic.clients.levels import Level

DIMENSIONS: dict[int, str] = {
    1: "Acute intoxication and/or withdrawal potential",
    2: "Biomedical conditions and complications",
    3: "Emotional, behavioral or cognitive conditions and complications",
    4: "Readiness to change",
    5: "Relapse, continued use or continued problem potential",
    6: "Recovery/living environment",
}

RATINGS: dict[int, str] = {0: "none", 1: "mild", 2: "moderate", 3: "severe", 4: "extreme"}

REFER_OUT = "needs hospital-level care (ASAM 4), refer out"
MEDICAL_REVIEW = "medical review"

_WITHDRAWAL = {0: Level.AC, 1: Level.OP, 2: Level.IOP, 3: Level.WM, 4: Level.WM}
_BIOMEDICAL_EMOTIONAL = {0: Level.AC, 1: Level.OP, 2: Level.IOP, 3: Level.PHP, 4: Level.PHP}
_READINESS_RELAPSE_ENVIRONMENT = {
    0: Level.AC,
    1: Level.OP,
    2: Level.IOP,
    3: Level.RES,
    4: Level.RES,
}

MINIMUM_LEVEL: dict[int, dict[int, Level]] = {
    1: dict(_WITHDRAWAL),
    2: dict(_BIOMEDICAL_EMOTIONAL),
    3: dict(_BIOMEDICAL_EMOTIONAL),
    4: dict(_READINESS_RELAPSE_ENVIRONMENT),
    5: dict(_READINESS_RELAPSE_ENVIRONMENT),
    6: dict(_READINESS_RELAPSE_ENVIRONMENT),
}

RATING_FLAGS: dict[int, dict[int, str]] = {
    1: {4: REFER_OUT},
    2: {4: REFER_OUT},
    3: {4: REFER_OUT},
}


class CowsFloor(NamedTuple):
    """From `min_total` up, dimension 1 is rated at least `rating`, adding `flag` if set."""

    min_total: int
    rating: int
    flag: str | None


COWS_FLOORS: tuple[CowsFloor, ...] = (
    CowsFloor(5, 2, None),
    CowsFloor(13, 3, None),
    CowsFloor(25, 3, MEDICAL_REVIEW),
)

COWS_MAX_TOTAL = 48

# The CIWA-Ar sets the same kind of floor for alcohol withdrawal (docs/clinical-rules.md §3):
# moderate (10-18) at least 2, severe (19 or more) at least 3 and a medical review.
CIWA_FLOORS: tuple[CowsFloor, ...] = (
    CowsFloor(10, 2, None),
    CowsFloor(19, 3, MEDICAL_REVIEW),
)
CIWA_MAX_TOTAL = 67


@dataclass(frozen=True)
class Recommendation:
    """The recommended level, the dimensions that drive it and any flags.

    `ratings` are the ratings the recommendation used, after the COWS floor on dimension 1.
    """

    level: Level
    drivers: tuple[int, ...]
    flags: tuple[str, ...]
    ratings: dict[int, int]


def _listing(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]


def _check_ratings(ratings: Mapping[int, int]) -> None:
    if not isinstance(ratings, Mapping):
        raise ValueError("Ratings must be a mapping of dimension (1-6) to rating (0-4)")
    problems: list[str] = []
    missing = [str(dimension) for dimension in DIMENSIONS if dimension not in ratings]
    if missing:
        noun = "Dimension" if len(missing) == 1 else "Dimensions"
        verb = "is" if len(missing) == 1 else "are"
        problems.append(f"{noun} {_listing(missing)} {verb} not rated")
    extra = [repr(key) for key in ratings if type(key) is not int or key not in DIMENSIONS]
    if extra:
        noun = "dimension" if len(extra) == 1 else "dimensions"
        problems.append(f"There is no {noun} {_listing(extra)}; dimensions are 1 to 6")
    problems.extend(
        f"Dimension {key} rating {value!r} is not a whole number from 0 to 4"
        for key, value in ratings.items()
        if type(key) is int
        and key in DIMENSIONS
        and (type(value) is not int or value not in RATINGS)
    )
    if problems:
        raise ValueError("; ".join(problems))


def _floor(
    total: int | None, floors: tuple[CowsFloor, ...], maximum: int, name: str
) -> CowsFloor | None:
    if total is None:
        return None
    if type(total) is not int or not 0 <= total <= maximum:
        raise ValueError(f"{name} total must be a whole number from 0 to {maximum}, not {total!r}")
    reached = [floor for floor in floors if total >= floor.min_total]
    return max(reached, key=lambda floor: floor.min_total, default=None)


def cows_floor(cows_total: int | None) -> CowsFloor | None:
    """The floor a COWS total puts on dimension 1, or None (no total, or below 5).

    Raises ValueError unless the total is a whole number from 0 to 48.
    """
    return _floor(cows_total, COWS_FLOORS, COWS_MAX_TOTAL, "COWS")


def ciwa_floor(ciwa_total: int | None) -> CowsFloor | None:
    """The floor a CIWA-Ar total puts on dimension 1, or None (no total, or below 10).

    Raises ValueError unless the total is a whole number from 0 to 67.
    """
    return _floor(ciwa_total, CIWA_FLOORS, CIWA_MAX_TOTAL, "CIWA-Ar")


def recommend(
    ratings: Mapping[int, int],
    cows_total: int | None = None,
    table: Mapping[int, Mapping[int, Level | str]] = MINIMUM_LEVEL,
    rating_flags: Mapping[int, Mapping[int, str]] = RATING_FLAGS,
    ciwa_total: int | None = None,
) -> Recommendation:
    """Recommend a level from the six dimension ratings (0-4 each).

    Each rating maps through `table` to a minimum level; the most intensive minimum is the
    recommendation, and every dimension whose minimum is that level is a driver. A COWS total
    raises dimension 1 to its floor (25 or more also asks for a medical review). A rating listed
    in `rating_flags` (by default 4 on dimensions 1-3) adds its flag. Raises ValueError for
    ratings that are missing, extra or outside 0-4, and for a COWS total outside 0-48.
    """
    _check_ratings(ratings)
    floors = [found for found in (cows_floor(cows_total), ciwa_floor(ciwa_total)) if found]
    used = {dimension: ratings[dimension] for dimension in DIMENSIONS}
    for floor in floors:
        used[1] = max(used[1], floor.rating)
    minimums = {dimension: Level(table[dimension][rating]) for dimension, rating in used.items()}
    level = max(minimums.values(), key=lambda minimum: minimum.intensity)
    drivers = tuple(dimension for dimension, minimum in minimums.items() if minimum == level)
    flags = [
        rating_flags[dimension][rating]
        for dimension, rating in used.items()
        if rating in rating_flags.get(dimension, {})
    ]
    flags.extend(floor.flag for floor in floors if floor.flag and floor.flag not in flags)
    return Recommendation(
        level=level,
        drivers=drivers,
        flags=tuple(dict.fromkeys(flags)),
        ratings=used,
    )
