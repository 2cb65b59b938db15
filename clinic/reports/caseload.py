"""The caseload report: open episodes per primary counselor and level, with totals per level on
top; the page shows one page of counselors, the export streams them all. No Flask."""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from clinic.clients.levels import BY_INTENSITY, Level
from clinic.core.csv_export import neutralise

UNASSIGNED = "No primary counselor"
NO_EPISODES = (0,) * len(BY_INTENSITY)


@dataclass(frozen=True)
class CaseloadRow:
    counselor_id: int | None
    counselor: str
    counts: tuple[int, ...]  # one per level, in BY_INTENSITY order

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class CaseloadTotals:
    """The open episodes per level (BY_INTENSITY order): all of them, and those with no primary
    counselor."""

    level_totals: tuple[int, ...]
    unassigned: CaseloadRow

    @property
    def total(self) -> int:
        return sum(self.level_totals)

    @classmethod
    def build(cls, grouped: Iterable) -> "CaseloadTotals":
        """From (level, open episodes, of which with no primary counselor) rows, one per level
        that has any."""
        by_level = {Level(level): (every, unassigned) for level, every, unassigned in grouped}
        counts = [by_level.get(level, (0, 0)) for level in BY_INTENSITY]
        return cls(
            tuple(every for every, _ in counts),
            CaseloadRow(None, UNASSIGNED, tuple(unassigned for _, unassigned in counts)),
        )


def page_rows(counselors: Iterable, caseloads: dict[int, tuple[int, ...]]) -> list[CaseloadRow]:
    """The rows of one page: (id, name) of its counselors, with their counts per level."""
    return [
        CaseloadRow(counselor_id, name, caseloads.get(counselor_id, NO_EPISODES))
        for counselor_id, name in counselors
    ]


CSV_HEADER = ["Counselor", *[level.value for level in BY_INTENSITY], "Total"]


# The export is sent in pieces of about this many characters.
CSV_CHUNK = 16_384


def csv_lines(grouped: Iterable) -> Iterator[str]:
    """The export, a piece at a time: the header, one line per (counselor id, name, count per
    level...) row as it is read (no primary counselor: id None, last), then the totals, summed
    on the way. Holds one piece in memory, however many counselors there are."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    totals = [0] * len(BY_INTENSITY)
    for counselor_id, name, *counts in grouped:
        row = CaseloadRow(counselor_id, name or UNASSIGNED, tuple(counts))
        totals = [total + count for total, count in zip(totals, row.counts, strict=True)]
        writer.writerow([neutralise(cell) for cell in (row.counselor, *row.counts, row.total)])
        if buffer.tell() >= CSV_CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    writer.writerow(["Total", *totals, sum(totals)])
    yield buffer.getvalue()
