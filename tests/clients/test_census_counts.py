"""The open episodes per level that the database keeps (level_census) always equal a count of the
open episodes, whatever happened to them: admission, a move, a correction, a discharge."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinic.clients.census_counts import bulk_load, open_by_level, recount
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


def census() -> dict[Level, tuple[int, float]]:
    """The kept counts and average days (rounded) of the levels with anyone at them."""
    now = utcnow()
    return {level: (n, round(days, 3)) for level, (n, days) in open_by_level(now).items() if n}


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


def test_a_recount_gives_what_the_triggers_kept(clients, clock):
    clients.admit(clients.make(), level=Level.OP, level_since=utcnow() - timedelta(days=10))
    clients.admit(clients.make(), level=Level.RES, level_since=utcnow() - timedelta(days=4))
    clients.discharge(clients.admit(clients.make(), level=Level.RES), on=clinic_today())
    before = census()
    recount()
    db.session.commit()
    assert census() == before == {Level.OP: (1, 10.0), Level.RES: (1, 4.0)}


def test_a_bulk_load_leaves_the_census_right_and_its_triggers_on(clients, clock):
    with bulk_load():
        first = clients.admit(clients.make(), level=Level.WM)
        clients.admit(clients.make(), level=Level.RES)
        move(first, Level.RES)
    db.session.commit()
    assert kept() == counted() == {Level.RES: 2}
    clients.admit(clients.make(), level=Level.OP)
    assert kept() == counted() == {Level.RES: 2, Level.OP: 1}


def test_a_failed_bulk_load_leaves_the_triggers_on(clients):
    with pytest.raises(RuntimeError), bulk_load():
        raise RuntimeError("the load failed")
    db.session.rollback()
    clients.admit(clients.make(), level=Level.OP)
    assert kept() == counted() == {Level.OP: 1}
