"""Beds and the live census: bed capacity set by administrators, beds in use, and the census counted
in SQL from the episodes' current levels.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from clinic.auth.models import User
from clinic.care.models import BedCapacity
from clinic.care.requests import TransitionError
from clinic.clients.census_counts import open_by_level
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
    """The census now: the open episodes per level as the database keeps them (six rows, see
    clients/census_counts.py), and the admissions and discharges as range counts on the date
    indexes, never the history of every episode."""
    today = today or clinic_today()
    by_level = open_by_level(utcnow())
    beds = dict(db.session.execute(sa.select(BedCapacity.level, BedCapacity.beds)).all())
    flows = db.session.execute(census_flows(today)).one()
    rows = [
        CensusRow(
            level,
            by_level.get(level, (0, None))[0],
            beds.get(level) if level.info.bed_based else None,
            by_level.get(level, (0, None))[1],
        )
        for level in BY_INTENSITY
    ]
    return Census(rows, *flows)


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
