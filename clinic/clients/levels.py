"""The levels of care the program offers (docs/clinical-rules.md §1). Pure data, no Flask.

Intensity runs WM > RES > PHP > IOP > OP > AC. Review intervals and bed capacity are defaults here;
the app's configuration may override them.
"""

from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    WM = "WM"
    RES = "RES"
    PHP = "PHP"
    IOP = "IOP"
    OP = "OP"
    AC = "AC"

    @property
    def info(self) -> "LevelInfo":
        return LEVELS[self]

    @property
    def label(self) -> str:
        return LEVELS[self].name

    @property
    def intensity(self) -> int:
        """Higher is more intensive: WM is 6, AC is 1."""
        return LEVELS[self].intensity


@dataclass(frozen=True)
class LevelInfo:
    code: Level
    name: str
    asam: str
    bed_based: bool
    typical_stay: str
    typical_max_days: int | None
    review_interval_days: int
    intensity: int


LEVELS: dict[Level, LevelInfo] = {
    info.code: info
    for info in (
        LevelInfo(
            Level.WM,
            "Medically monitored withdrawal management",
            "3.7-WM",
            True,
            "5-7 days",
            7,
            3,
            6,
        ),
        LevelInfo(Level.RES, "Residential treatment", "3.5", True, "30-90 days", 90, 7, 5),
        LevelInfo(Level.PHP, "Partial hospitalization", "2.5", False, "2-6 weeks", 42, 14, 4),
        LevelInfo(Level.IOP, "Intensive outpatient", "2.1", False, "6-12 weeks", 84, 14, 3),
        LevelInfo(Level.OP, "Outpatient", "1", False, "months", None, 30, 2),
        LevelInfo(
            Level.AC,
            "Aftercare / continuing care",
            "1 (remission monitoring)",
            False,
            "open-ended",
            None,
            90,
            1,
        ),
    )
}

# Most intensive first, the order the census and the reports list levels in.
BY_INTENSITY: list[Level] = sorted(Level, key=lambda level: -level.intensity)


def level_choices(blank: str | None = None) -> list[tuple[str, str]]:
    """(value, label) pairs for a select of levels, most intensive first; `blank` labels an
    empty first choice."""
    pairs = [(level.value, f"{level.value} · {level.label}") for level in BY_INTENSITY]
    return [("", blank), *pairs] if blank is not None else pairs
