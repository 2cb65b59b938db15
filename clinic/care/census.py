"""Beds and the live census: bed capacity set by administrators, beds in use, and the census counted
in SQL from the episodes' current levels.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from clinic.auth.models import User
from clinic.care.models import BedCapacity
from clinic.care.requests import TransitionError
from clinic.clients.levels import BY_INTENSITY, Level
from clinic.clients.models import Episode
from clinic.core import audit
from clinic.core.clock import clinic_today, utcnow
from clinic.extensions import db

BEDS_SET = audit.define("beds.set", "Bed capacity set")


def capacity(level: Level) -> int | None:
    if not level.info.bed_based:
        return None
    return db.session.scalar(sa.select(BedCapacity.beds).where(BedCapacity.level == level))


def full_levels() -> dict[Level, tuple[int, int]]:
    """Bed-based levels with no free bed now: level -> (beds used, beds). One query."""
    used = (
        sa.select(sa.func.count())
        .select_from(Episode)
        .where(Episode.discharged_on.is_(None), Episode.current_level == BedCapacity.level)
        .correlate(BedCapacity)
        .scalar_subquery()
    )
    rows = db.session.execute(sa.select(BedCapacity.level, used, BedCapacity.beds)).all()
    return {Level(level): (taken, beds) for level, taken, beds in rows if taken >= beds}


def beds_used(level: Level) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Episode)
        .where(Episode.discharged_on.is_(None), Episode.current_level == level)
    )


def set_capacity(level: Level, beds: int, *, actor: User) -> None:
    """An administrator sets how many beds a bed-based level has."""
    if not level.info.bed_based:
        raise TransitionError(f"{level.label} has no beds.", "level")
    row = db.session.get(BedCapacity, level)
    before = row.beds if row else None
    if row is None:
        row = BedCapacity(level=level, beds=beds)
        db.session.add(row)
    row.beds, row.updated_by_id, row.updated_at = beds, actor.id, utcnow()
    audit.record(
        BEDS_SET, detail={"level": level.value, "beds": beds, "before": before}, user=actor
    )


@dataclass(frozen=True)
class CensusRow:
    level: Level
    clients: int
    beds: int | None
    average_days: float | None

    @property
    def free(self) -> int | None:
        return None if self.beds is None else max(self.beds - self.clients, 0)


@dataclass(frozen=True)
class Census:
    rows: list[CensusRow]
    admitted_today: int
    admitted_this_week: int
    discharged_today: int
    discharged_this_week: int

    @property
    def total(self) -> int:
        return sum(row.clients for row in self.rows)


def census(today: date | None = None) -> Census:
    """The census now, counted in SQL from the episodes' current levels: three queries, each
    reading an index (the open episodes', and the admission and discharge dates'), never the
    history of every episode."""
    today = today or clinic_today()
    by_level = {
        Level(level): (count, days)
        for level, count, days in db.session.execute(census_by_level(utcnow()))
    }
    beds = dict(db.session.execute(sa.select(BedCapacity.level, BedCapacity.beds)).all())
    flows = db.session.execute(census_flows(today)).one()
    rows = [
        CensusRow(
            level,
            by_level.get(level, (0, None))[0],
            beds.get(level) if level.info.bed_based else None,
            float(by_level[level][1]) if level in by_level else None,
        )
        for level in BY_INTENSITY
    ]
    return Census(rows, *flows)


def census_by_level(now: datetime) -> sa.Select:
    """Open episodes per current level, with the average days at it: one pass over the covering
    index of open episodes (current_level, level_since)."""
    return (
        sa.select(
            Episode.current_level,
            sa.func.count(),
            sa.func.avg(_days_since(Episode.level_since, now)),
        )
        .where(Episode.discharged_on.is_(None), Episode.current_level.is_not(None))
        .group_by(Episode.current_level)
    )


def census_flows(today: date) -> sa.Select:
    """Admissions and discharges today and this week (from Monday): four range counts on the
    admission and discharge date indexes, in one statement."""
    week_start = today - timedelta(days=today.weekday())
    return sa.select(
        _episodes_where(Episode.admitted_on == today),
        _episodes_where(Episode.admitted_on >= week_start),
        _episodes_where(Episode.discharged_on == today),
        _episodes_where(Episode.discharged_on >= week_start),
    )


def _episodes_where(condition):
    return sa.select(sa.func.count()).select_from(Episode).where(condition).scalar_subquery()


def _days_since(column, now: datetime):
    """Days from `column` to `now`, as SQL on either database."""
    if db.engine.dialect.name == "sqlite":
        stamp = now.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
        return sa.func.julianday(stamp) - sa.func.julianday(column)
    # date_part is double precision (EXTRACT is numeric, several times slower over every row).
    return sa.func.date_part("epoch", sa.literal(now) - column) / 86400
