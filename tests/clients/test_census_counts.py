"""The open episodes per level that the database keeps (level_census) always equal a count of the
open episodes, whatever happened to them: admission, a move, a correction, a discharge."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinic.clients.census_counts import open_by_level
from clinic.clients.levels import Level
from clinic.clients.models import Episode
from clinic.clients.stays import LevelOfCareStay, StayReason
from clinic.core.clock import clinic_today, utcnow
from clinic.extensions import db


def counted() -> dict[Level, int]:
    rows = db.session.execute(
        sa.select(Episode.current_level, sa.func.count())
        .where(Episode.discharged_on.is_(None), Episode.current_level.is_not(None))
        .group_by(Episode.current_level)
    )
    return {Level(level): count for level, count in rows}


def kept() -> dict[Level, int]:
    return {level: count for level, (count, _days) in open_by_level(utcnow()).items() if count}


def move(episode: Episode, level: Level) -> None:
    db.session.add(
        LevelOfCareStay(
            episode_id=episode.id, level=level, started_at=utcnow(), reason=StayReason.STEP_DOWN
        )
    )
    db.session.commit()


def test_the_kept_counts_follow_admissions_moves_and_discharges(clients, clock):
    first = clients.admit(clients.make(), level=Level.WM)
    second = clients.admit(clients.make(), level=Level.RES)
    clients.admit(clients.make(), level=Level.RES)
    assert kept() == counted() == {Level.WM: 1, Level.RES: 2}
    clock.advance(days=3)
    move(first, Level.RES)
    assert kept() == counted() == {Level.RES: 3}
    move(second, Level.IOP)
    clients.discharge(second, on=clinic_today())
    assert kept() == counted() == {Level.RES: 2}


def test_the_average_days_at_a_level_is_kept_too(clients, clock):
    clients.admit(clients.make(), level=Level.OP, level_since=utcnow() - timedelta(days=10))
    clients.admit(clients.make(), level=Level.OP, level_since=utcnow() - timedelta(days=20))
    count, days = open_by_level(utcnow())[Level.OP]
    assert count == 2
    assert days == pytest.approx(15, abs=0.01)
    clock.advance(days=1)
    assert open_by_level(utcnow())[Level.OP][1] == pytest.approx(16, abs=0.01)
