"""The caseload table: open episodes per primary counselor and level, with totals. No Flask."""

from collections import defaultdict
from dataclasses import dataclass, field

from clinic.care.levels import BY_INTENSITY, Level

UNASSIGNED = "No primary counselor"


@dataclass
class CaseloadRow:
    counselor_id: int | None
    counselor: str
    counts: dict[Level, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class CaseloadTable:
    rows: list[CaseloadRow]
    level_totals: dict[Level, int]

    @property
    def total(self) -> int:
        return sum(self.level_totals.values())

    @classmethod
    def build(cls, grouped) -> "CaseloadTable":
        """From (counselor id, counselor name, level, count) rows; unassigned episodes last."""
        rows: dict[int | None, CaseloadRow] = {}
        totals: dict[Level, int] = defaultdict(int)
        for counselor_id, name, level, count in grouped:
            row = rows.setdefault(counselor_id, CaseloadRow(counselor_id, name or UNASSIGNED))
            row.counts[Level(level)] += count
            totals[Level(level)] += count
        ordered = sorted(rows.values(), key=lambda row: (row.counselor_id is None, row.counselor))
        return cls(ordered, totals)

    def csv_rows(self) -> list[list]:
        body = [
            [row.counselor, *[row.counts[level] for level in BY_INTENSITY], row.total]
            for row in self.rows
        ]
        return [*body, ["Total", *[self.level_totals[level] for level in BY_INTENSITY], self.total]]
