"""Due work on home pages and worklists: every domain adds its kinds, each answered in SQL.

A kind (`DueKind`) is a query and a way to read its rows. The query is a SELECT of the kind's
rows for one user, or None when the kind is not that user's work; every query labels the columns
the lists need: `client_id` (or NULL), `counselor_id` and `level` (the episode's, or NULL) for the
worklist's filters, `overdue` (a boolean) for its severity filter, and `due_at` then `row_id` to
sort by, the most urgent first (`row_id` is the id of the row the index is on, so that an index on
the due column alone gives the order, ties included; a kind may put an `urgency` column first).
The home page asks each kind for its first few rows and a capped count; the worklist pages one
kind with LIMIT and OFFSET. So a page runs two statements a kind at most, and reads a bounded
number of rows, whatever the size of the clinic. The kinds' queries run on indexes that hold the
due rows only (partial indexes on open episodes that still lack the thing due), so that a count
is over the work waiting, not over the clinic.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.sql import Select

from clinic.extensions import db

# ALERT: a safety matter to act on now, above anything merely late.
ALERT, OVERDUE, DUE, NOTICE = "alert", "overdue", "due", "notice"
SEVERITY_ORDER = {ALERT: 0, OVERDUE: 1, DUE: 2, NOTICE: 3}
SEVERITY_LABELS = {OVERDUE: "Overdue", DUE: "Not yet overdue"}

# Counts stop here ("1,000+"): a bigger number says no more and would cost a scan of it all.
COUNT_CAP = 1000


@dataclass(frozen=True)
class DueItem:
    kind: str
    title: str
    url: str
    severity: str = DUE
    client_name: str | None = None
    due: date | None = None
    client_id: int | None = None


@dataclass(frozen=True)
class DueKind:
    """One kind of due work.

    `query(user, today, now)` is the kind's rows for `user` (None: not their work); `item(row,
    today, now)` reads one row. `everything` kinds (safety flags) are shown in full on the home
    page: there are few, and each must be seen."""

    name: str
    heading: str
    query: Callable[[Any, date, datetime], Select | None]
    item: Callable[[Any, date, datetime], DueItem]
    everything: bool = False


@dataclass(frozen=True)
class DueGroup:
    """A kind's first rows for one user, and how many there are in all (capped)."""

    kind: DueKind
    items: list[DueItem]
    count: int

    @property
    def severity(self) -> str:
        return min((item.severity for item in self.items), key=SEVERITY_ORDER.__getitem__)

    @property
    def more(self) -> bool:
        return self.count > len(self.items)

    @property
    def count_label(self) -> str:
        return count_label(self.count)


def count_label(count: int) -> str:
    """A count as shown: "1,000+" past the cap."""
    return f"{COUNT_CAP:,}+" if count > COUNT_CAP else f"{count:,}"


@dataclass(frozen=True)
class Filters:
    """The worklist's filters: the primary counselor's name (part of it), a level, a severity."""

    counselor: Any = None  # a SELECT of user ids, or None
    level: str | None = None
    severity: str | None = None  # OVERDUE, or DUE for what is not overdue yet

    def apply(self, rows: sa.Subquery) -> list:
        clauses = []
        if self.counselor is not None:
            clauses.append(rows.c.counselor_id.in_(self.counselor))
        if self.level:
            clauses.append(rows.c.level == self.level)
        if self.severity == OVERDUE:
            clauses.append(rows.c.overdue.is_(True))
        elif self.severity == DUE:
            clauses.append(rows.c.overdue.is_(False))
        return clauses


_KINDS = "clinic.due_kinds"


def register_due_kinds(app: Flask, *kinds: DueKind) -> None:
    """Add a domain's kinds of due work to this app's home page and worklists."""
    registered = app.extensions.setdefault(_KINDS, {})
    for kind in kinds:
        if kind.name in registered:
            raise ValueError(f"due kind {kind.name!r} registered twice")
        registered[kind.name] = kind


def kinds() -> dict[str, DueKind]:
    return current_app.extensions.get(_KINDS, {})


def _filtered(rows: sa.Subquery, filters: Filters | None, *columns) -> Select:
    query = sa.select(*columns) if columns else sa.select(rows)
    return query.where(*filters.apply(rows)) if filters else query


def _urgency(rows: sa.Subquery) -> list:
    order = [rows.c.urgency] if "urgency" in rows.c else []
    return [*order, rows.c.due_at, rows.c.row_id]


def first_statement(query: Select, *, limit: int, offset: int = 0, filters=None) -> Select:
    """A kind's rows, the most urgent first, a page of them."""
    rows = query.subquery()
    return _filtered(rows, filters).order_by(*_urgency(rows)).limit(limit).offset(offset)


def count_statement(query: Select, *, filters=None) -> Select:
    """How many rows a kind has, counted up to COUNT_CAP + 1 (reading only their ids)."""
    rows = query.subquery()
    capped = _filtered(rows, filters, rows.c.row_id).limit(COUNT_CAP + 1).subquery()
    return sa.select(sa.func.count()).select_from(capped)


def first(
    kind: DueKind, user, today: date, now: datetime, *, limit: int, offset: int = 0, filters=None
) -> list[DueItem] | None:
    """The kind's most urgent rows for `user` (None: not their work), as items."""
    query = kind.query(user, today, now)
    if query is None:
        return None
    page = first_statement(query, limit=limit, offset=offset, filters=filters)
    return [kind.item(row, today, now) for row in db.session.execute(page)]


def count(kind: DueKind, user, today: date, now: datetime, *, filters=None) -> int:
    """How many rows the kind has for `user`, counted up to COUNT_CAP + 1."""
    query = kind.query(user, today, now)
    if query is None:
        return 0
    return db.session.scalar(count_statement(query, filters=filters))


def summary(user, today: date, now: datetime, *, preview: int) -> list[DueGroup]:
    """Every kind with work for `user`: its first `preview` items (all of an `everything` kind)
    and its count, the most urgent kind first."""
    groups = []
    for kind in kinds().values():
        shown = first(kind, user, today, now, limit=COUNT_CAP if kind.everything else preview)
        if not shown:
            continue
        # Counted even when all are shown, so that a page runs as many statements however
        # much is waiting (the tests compare a small clinic with a large one).
        total = len(shown) if kind.everything else count(kind, user, today, now)
        groups.append(DueGroup(kind, shown, total))
    return sorted(groups, key=lambda group: SEVERITY_ORDER[group.severity])


def due_items(user, today: date, now: datetime, *, preview: int = 50) -> list[DueItem]:
    """The items the home page shows for `user`, most urgent kind first."""
    return [item for group in summary(user, today, now, preview=preview) for item in group.items]
