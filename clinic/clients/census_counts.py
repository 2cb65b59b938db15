"""Open episodes per level of care, kept by the database (migration 20261202_0120): triggers on
episodes add and take away each episode's share as it is admitted, moves, or is discharged, so
that the census and the caseload totals read six rows, not every open episode."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from clinic.clients.levels import Level
from clinic.clients.models import Episode
from clinic.extensions import db


class LevelCensus(db.Model):
    """One level: its open episodes, those with a `level_since`, and the sum of their
    `level_since` in seconds since 1970 UTC (for the average days at the level)."""

    __tablename__ = "level_census"

    level: Mapped[str] = mapped_column(sa.String(3), primary_key=True)
    open_episodes: Mapped[int]
    dated_episodes: Mapped[int]
    level_since_seconds: Mapped[int] = mapped_column(sa.BigInteger)


def open_by_level(now: datetime) -> dict[Level, tuple[int, float | None]]:
    """(open episodes, average days at the level) per level, as of `now`."""
    rows = db.session.execute(
        sa.select(
            LevelCensus.level,
            LevelCensus.open_episodes,
            LevelCensus.dated_episodes,
            LevelCensus.level_since_seconds,
        )
    )
    moment = now.astimezone(UTC).timestamp()
    return {
        Level(level): (
            count,
            (moment * dated - seconds) / dated / 86400 if dated else None,
        )
        for level, count, dated, seconds in rows
    }


def _seconds(dialect: str):
    since = Episode.level_since
    if dialect == "postgresql":
        return sa.cast(sa.extract("epoch", since), sa.BigInteger)
    return sa.cast(sa.func.strftime("%s", since), sa.Integer)


def recount() -> None:
    """Count every level again from the episodes, as the migration's backfill does: after a bulk
    load that held the triggers off (`bulk_load`)."""
    dialect = db.session.get_bind().dialect.name
    open_now = sa.and_(Episode.discharged_on.is_(None), Episode.current_level.is_not(None))
    counted = (
        sa.select(
            Episode.current_level,
            sa.func.count(),
            sa.func.count(Episode.level_since),
            sa.func.coalesce(sa.func.sum(_seconds(dialect)), 0),
        )
        .where(open_now)
        .group_by(Episode.current_level)
    )
    db.session.execute(sa.delete(LevelCensus))
    db.session.execute(
        sa.insert(LevelCensus).from_select(
            ["level", "open_episodes", "dated_episodes", "level_since_seconds"], counted
        )
    )


# The row trigger of migration 20261202_0120 on PostgreSQL.
POSTGRESQL_TRIGGER = "episodes_level_census"


@contextmanager
def bulk_load() -> Iterator[None]:
    """Around a load of many episodes and stays in one transaction (`flask seed scale`): on
    PostgreSQL the census trigger is held off and the levels counted once at the end, because
    every episode written updates one of the same six rows, and within one transaction
    PostgreSQL keeps every version of a row it updated, each update walking the versions before
    it. The ALTER is transactional: a load that fails leaves the trigger as it was. SQLite
    updates a row in place, and its triggers stay on."""
    if db.session.get_bind().dialect.name != "postgresql":
        yield
        return
    db.session.execute(sa.text(f"ALTER TABLE episodes DISABLE TRIGGER {POSTGRESQL_TRIGGER}"))
    yield
    # Deferred constraint checks waiting on episodes would refuse the ALTER: run them now.
    db.session.execute(sa.text("SET CONSTRAINTS ALL IMMEDIATE"))
    db.session.execute(sa.text(f"ALTER TABLE episodes ENABLE TRIGGER {POSTGRESQL_TRIGGER}"))
    recount()
