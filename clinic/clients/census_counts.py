"""Open episodes per level of care, kept by the database (migration 20261202_0120): triggers on
episodes add and take away each episode's share as it is admitted, moves, or is discharged, so
that the census and the caseload totals read six rows, not every open episode."""

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from clinic.clients.levels import Level
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
