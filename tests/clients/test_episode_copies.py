"""The episode's current level, level start and primary counselor are kept by database triggers
(migration 0003) from the stay history and the care team, on SQLite and PostgreSQL alike."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinic.clients.levels import Level
from clinic.clients.models import CareTeamMember, Episode
from clinic.clients.stays import LevelOfCareStay, StayEnd, StayReason
from clinic.clients.vocabulary import TeamRole
from clinic.core.clock import utcnow
from clinic.extensions import db


def stored(episode_id: int):
    """The copies as the database holds them, bypassing the session's identity map."""
    return db.session.execute(
        sa.select(Episode.current_level, Episode.level_since, Episode.primary_counselor_id).where(
            Episode.id == episode_id
        )
    ).one()


def open_stay(episode: Episode) -> LevelOfCareStay:
    return db.session.scalars(
        sa.select(LevelOfCareStay).where(
            LevelOfCareStay.episode_id == episode.id, LevelOfCareStay.ended_at.is_(None)
        )
    ).one()


def move(episode: Episode, level: Level, at) -> LevelOfCareStay:
    """Open the next stay, which ends the open one (the database does), as a transition does."""
    stay = LevelOfCareStay(
        episode_id=episode.id, level=level, started_at=at, reason=StayReason.STEP_DOWN
    )
    db.session.add(stay)
    db.session.flush()
    return stay


def test_admission_sets_the_level_and_since_when(clients):
    episode = clients.admit(clients.make(), level=Level.WM)
    stay = open_stay(episode)
    assert stored(episode.id)[:2] == (Level.WM, stay.started_at)
    # The loaded object reads the copies again after the flush that wrote the stay.
    assert (episode.current_level, episode.level_since) == (Level.WM, stay.started_at)


def test_a_transition_moves_the_level_and_its_start(clients):
    episode = clients.admit(clients.make(), level=Level.WM)
    later = utcnow() + timedelta(days=3)
    move(episode, Level.RES, later)
    assert episode.current_level == Level.RES
    assert episode.level_since == later
    assert stored(episode.id)[:2] == (Level.RES, later)


def test_a_closed_episode_keeps_its_last_level(clients):
    episode = clients.admit(clients.make(), level=Level.IOP)
    stay = open_stay(episode)
    episode.discharged_on, episode.discharge_type = episode.admitted_on, "completed"
    db.session.flush()
    stay.ended_at, stay.ended_by = stay.started_at + timedelta(days=10), StayEnd.DISCHARGE
    db.session.commit()
    assert stored(episode.id)[:2] == (Level.IOP, stay.started_at)


def test_the_stay_before_ends_when_the_next_begins(clients):
    episode = clients.admit(clients.make(), level=Level.WM)
    first = open_stay(episode)
    later = utcnow() + timedelta(days=4)
    move(episode, Level.RES, later)
    db.session.commit()
    assert (first.ended_at, first.ended_by) == (later, StayEnd.TRANSITION)
    assert open_stay(episode).level == Level.RES


@pytest.mark.parametrize(
    "change",
    [
        {"level": Level.PHP},  # history is not rewritten
        {"ended_at": "now", "ended_by": None},  # an ending says how
        {"ended_at": "now", "ended_by": StayEnd.DISCHARGE},  # the episode is still open
    ],
)
def test_the_database_keeps_the_level_history_append_only(clients, change):
    episode = clients.admit(clients.make(), level=Level.WM)
    stay = open_stay(episode)
    values = {
        key: (utcnow() + timedelta(hours=1) if value == "now" else value)
        for key, value in change.items()
    }
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(
            sa.update(LevelOfCareStay).where(LevelOfCareStay.id == stay.id).values(**values)
        )
    db.session.rollback()


def test_stays_are_never_deleted(clients):
    episode = clients.admit(clients.make(), level=Level.WM)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(
            sa.delete(LevelOfCareStay).where(LevelOfCareStay.episode_id == episode.id)
        )
    db.session.rollback()


def test_primary_counselor_follows_the_care_team(clients, users):
    first, second, therapist = users.make(), users.make(), users.make()
    episode = clients.admit(clients.make(), counselor=first)
    assert stored(episode.id)[2] == first.id
    assert episode.primary_counselor_id == first.id

    db.session.add(
        CareTeamMember(episode_id=episode.id, user_id=therapist.id, team_role=TeamRole.THERAPIST)
    )
    db.session.flush()
    assert stored(episode.id)[2] == first.id  # other roles leave it alone

    current = db.session.scalars(
        sa.select(CareTeamMember).where(
            CareTeamMember.episode_id == episode.id, CareTeamMember.user_id == first.id
        )
    ).one()
    current.removed_at = utcnow()
    db.session.flush()
    assert stored(episode.id)[2] is None
    assert episode.primary_counselor_id is None

    db.session.add(
        CareTeamMember(
            episode_id=episode.id, user_id=second.id, team_role=TeamRole.PRIMARY_COUNSELOR
        )
    )
    db.session.commit()
    assert stored(episode.id)[2] == second.id
    assert episode.primary_counselor_id == second.id


def test_copies_of_one_episode_leave_the_others_alone(clients, users):
    counselor = users.make()
    mine = clients.admit(clients.make(), level=Level.OP, counselor=counselor)
    other = clients.admit(clients.make(), level=Level.PHP)
    move(mine, Level.AC, utcnow() + timedelta(days=1))
    assert stored(other.id) == (Level.PHP, open_stay(other).started_at, None)
