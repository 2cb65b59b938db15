"""Due items on home pages: one list, computed live, that every domain adds its kinds to.

A source is a function (user, today, now) -> list[DueItem] registered with `due_source`; it runs
a bounded number of queries, whatever the size of the caseload.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

# ALERT: a safety matter to act on now, above anything merely late.
ALERT, OVERDUE, DUE, NOTICE = "alert", "overdue", "due", "notice"
_SEVERITY_ORDER = {ALERT: 0, OVERDUE: 1, DUE: 2, NOTICE: 3}


@dataclass(frozen=True)
class DueItem:
    kind: str
    title: str
    url: str
    severity: str = DUE
    client_name: str | None = None
    due: date | None = None
    client_id: int | None = None


DueSource = Callable[..., list[DueItem]]
SOURCES: list[DueSource] = []


def due_source(source: DueSource) -> DueSource:
    SOURCES.append(source)
    return source


def due_items(user, today: date, now: datetime) -> list[DueItem]:
    """Everything due for `user`, most urgent first."""
    items = [item for source in SOURCES for item in source(user, today, now)]
    return sorted(
        items,
        key=lambda item: (_SEVERITY_ORDER[item.severity], item.due or today, item.title),
    )
