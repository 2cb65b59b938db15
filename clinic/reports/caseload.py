"""The caseload table: open episodes per primary counselor and level, with totals. No Flask."""

from dataclasses import dataclass

from clinic.clients.levels import BY_INTENSITY

UNASSIGNED = "No primary counselor"


@dataclass(frozen=True)
class CaseloadRow:
    counselor_id: int | None
    counselor: str
    counts: tuple[int, ...]  # one per level, in BY_INTENSITY order

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class CaseloadTable:
    rows: list[CaseloadRow]
    level_totals: tuple[int, ...]  # in BY_INTENSITY order

    @property
    def total(self) -> int:
        return sum(self.level_totals)

    @classmethod
    def build(cls, grouped) -> "CaseloadTable":
        """From (counselor id, counselor name, count per level in BY_INTENSITY order...) rows,
        one per counselor; the row without a counselor comes last."""
        rows = sorted(
            (
                CaseloadRow(counselor_id, name or UNASSIGNED, tuple(counts))
                for counselor_id, name, *counts in grouped
            ),
            key=lambda row: (row.counselor_id is None, row.counselor),
        )
        totals = tuple(sum(column) for column in zip(*(row.counts for row in rows), strict=True))
        return cls(rows, totals or (0,) * len(BY_INTENSITY))

    def csv_rows(self) -> list[list]:
        body = [[row.counselor, *row.counts, row.total] for row in self.rows]
        return [*body, ["Total", *self.level_totals, self.total]]
