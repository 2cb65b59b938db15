"""Due items on home pages: one list, computed live, that every domain adds its kinds to.

A source is a function (user, today, now) -> list[DueItem]; a domain's `init_app` hands its
sources to `register_due_sources`. Each runs a bounded number of queries, whatever the size of the
caseload, and asks the permission engine whose work it is.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from flask import Flask, current_app

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
_SOURCES = "clinic.due_sources"


def register_due_sources(app: Flask, *sources: DueSource) -> None:
    """Add a domain's due sources to the home page of this app."""
    app.extensions.setdefault(_SOURCES, []).extend(sources)


def due_items(user, today: date, now: datetime) -> list[DueItem]:
    """Everything due for `user`, most urgent first."""
    sources = current_app.extensions.get(_SOURCES, ())
    items = [item for source in sources for item in source(user, today, now)]
    return sorted(
        items,
        key=lambda item: (_SEVERITY_ORDER[item.severity], item.due or today, item.title),
    )
