"""Due work on home pages and worklists: every domain adds its kinds, each answered in SQL.

A kind (`DueKind`) is a query and a way to read its rows. The query is a SELECT of the kind's
rows for one user, or None when the kind is not that user's work; every query labels the columns
the lists need: `client_id` (or NULL), `counselor_id` and `level` (the episode's, or NULL) for the
worklist's filters, `overdue` (a boolean) for its severity filter, and `due_at` then `row_id` to
sort by, the most urgent first (`row_id` is the id of the row the index is on, so that an index on
the due column alone gives the order, ties included; a kind may put an `urgency` column first).
The home page asks each kind for its first few rows, and then the kinds with any for their
capped counts, all in one statement; the worklist pages one kind with LIMIT and
OFFSET. So a page runs a statement a kind and one more at most, and reads a bounded number of
rows, whatever the size of the clinic. The kinds' queries run on indexes that hold the
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

# Counts stop here ("1,000+" on a worklist): a bigger number says no more and would cost a scan
# of it all. The home page stops sooner ("100+"): it counts every kind of the user's at once, and
# its link to the worklist says more.
COUNT_CAP = 1000
HOME_COUNT_CAP = 100


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
    cap: int = COUNT_CAP

    @property
    def severity(self) -> str:
        return min((item.severity for item in self.items), key=SEVERITY_ORDER.__getitem__)

    @property
    def more(self) -> bool:
        return self.count > len(self.items)

    @property
    def count_label(self) -> str:
        return count_label(self.count, self.cap)


def count_label(count: int, cap: int = COUNT_CAP) -> str:
    """A count as shown: "1,000+" past the cap."""
    return f"{cap:,}+" if count > cap else f"{count:,}"


@dataclass(frozen=True)
class Filters:
    """The worklist's filters: the primary counselor's name (part of it), a level, a severity."""

    counselor: Any = None  # a SELECT of user ids, or None
    level: str | None = None
    severity: str | None = None  # OVERDUE, or DUE for what is not overdue yet

    def __bool__(self) -> bool:
        """Whether any filter is set (no filter: the kind's own query, as on the home page)."""
        return any(value is not None for value in (self.counselor, self.level, self.severity))

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


def _filtered(rows: sa.Subquery, filters: Filters, *columns) -> Select:
    query = sa.select(*columns) if columns else sa.select(rows)
    return query.where(*filters.apply(rows))


def _urgency(columns) -> list:
    order = [columns.urgency] if "urgency" in columns else []
    return [*order, columns.due_at, columns.row_id]


def first_statement(query: Select, *, limit: int, offset: int = 0, filters=None) -> Select:
    """A kind's rows, the most urgent first, a page of them. Unfiltered, the kind's own query
    is ordered and limited (a union by its columns' names); filtered, it is a subquery."""
    if not filters:
        if isinstance(query, sa.CompoundSelect):
            # The first rows of a union are among each part's first rows: each part ordered
            # and limited on its own index, so the union sorts a page, not every row of each.
            query = sa.CompoundSelect(
                query.keyword,
                *(
                    # In a subquery: SQLite takes no ORDER BY or LIMIT on a union's part.
                    sa.select(
                        part.order_by(*_urgency(part.selected_columns))
                        .limit(offset + limit)
                        .subquery()
                    )
                    for part in query.selects
                ),
            )
        return query.order_by(*_urgency(query.selected_columns)).limit(limit).offset(offset)
    rows = query.subquery()
    return _filtered(rows, filters).order_by(*_urgency(rows.c)).limit(limit).offset(offset)


def _ids(query: Select | sa.CompoundSelect) -> Select | sa.CompoundSelect:
    """The kind's query selecting only its rows' ids (each part of a union)."""
    if isinstance(query, sa.CompoundSelect):
        return sa.CompoundSelect(query.keyword, *(_ids(part) for part in query.selects))
    return query.with_only_columns(query.selected_columns.row_id)


def _capped(query: Select, filters=None, cap: int = COUNT_CAP) -> sa.Subquery:
    """The ids of a kind's rows, `cap` + 1 at most."""
    if not filters:
        return _ids(query).limit(cap + 1).subquery()
    rows = query.subquery()
    return _filtered(rows, filters, rows.c.row_id).limit(cap + 1).subquery()


def count_statement(query: Select, *, filters=None) -> Select:
    """How many rows a kind has, counted up to COUNT_CAP + 1 (reading only their ids)."""
    return sa.select(sa.func.count()).select_from(_capped(query, filters))


def counts_statement(queries: dict[str, Select], cap: int = COUNT_CAP) -> sa.CompoundSelect:
    """Several kinds' counts up to `cap` + 1, in one statement: (kind, count) rows."""
    return sa.union_all(
        *(
            sa.select(sa.literal(name).label("kind"), sa.func.count().label("count")).select_from(
                _capped(query, cap=cap)
            )
            for name, query in queries.items()
        )
    )


def _items(kind: DueKind, statement: Select, today: date, now: datetime) -> list[DueItem]:
    return [kind.item(row, today, now) for row in db.session.execute(statement)]


def first(
    kind: DueKind, user, today: date, now: datetime, *, limit: int, offset: int = 0, filters=None
) -> list[DueItem] | None:
    """The kind's most urgent rows for `user` (None: not their work), as items."""
    query = kind.query(user, today, now)
    if query is None:
        return None
    page = first_statement(query, limit=limit, offset=offset, filters=filters)
    return _items(kind, page, today, now)


def count(kind: DueKind, user, today: date, now: datetime, *, filters=None) -> int:
    """How many rows the kind has for `user`, counted up to COUNT_CAP + 1."""
    query = kind.query(user, today, now)
    if query is None:
        return 0
    return db.session.scalar(count_statement(query, filters=filters))


def summary(user, today: date, now: datetime, *, preview: int) -> list[DueGroup]:
    """Every kind with work for `user`: its first `preview` items (all of an `everything` kind)
    and its count, the most urgent kind first.

    A statement per kind of the user's work for its first items, and one more for the counts
    of the kinds with any: so a page runs as many statements however much is waiting."""
    shown: dict[str, tuple[DueKind, list[DueItem]]] = {}
    to_count: dict[str, Select] = {}
    for kind in kinds().values():
        query = kind.query(user, today, now)
        if query is None:
            continue
        limit = COUNT_CAP if kind.everything else preview
        items = _items(kind, first_statement(query, limit=limit), today, now)
        if items:
            shown[kind.name] = (kind, items)
            if not kind.everything:
                to_count[kind.name] = query
    totals = {name: len(items) for name, (_kind, items) in shown.items()}
    if to_count:
        totals.update(db.session.execute(counts_statement(to_count, HOME_COUNT_CAP)).all())
    groups = [
        DueGroup(kind, items, totals[name], HOME_COUNT_CAP) for name, (kind, items) in shown.items()
    ]
    return sorted(groups, key=lambda group: SEVERITY_ORDER[group.severity])


def due_items(user, today: date, now: datetime, *, preview: int = 50) -> list[DueItem]:
    """The items the home page shows for `user`, most urgent kind first."""
    return [item for group in summary(user, today, now, preview=preview) for item in group.items]
