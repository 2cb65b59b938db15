"""The care services defend themselves: each asks the policy about the actor it is given, and
refuses with the same words as ever whoever calls it (a view, the seed, a script)."""

import pytest
import sqlalchemy as sa

from clinic.care import census, discharge, moves
from clinic.care.models import BedCapacity, TransitionRequest
from clinic.care.requests import TransitionError
from clinic.clients.levels import Level
from clinic.core.audit import AuditEvent
from clinic.extensions import db
from tests.care.test_discharge import request_form
from tests.factories import pending_move


@pytest.fixture
def move(ward) -> TransitionRequest:
    return pending_move(ward.episode, Level.PHP, by=ward.counselor, assessment=ward.assessment)


def test_a_move_is_requested_and_audited_in_the_name_of_the_actor_given(ward, move):
    assert move.requested_by_id == ward.counselor.id
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "transition.requested")
    ).one()
    assert event.user_id == ward.counselor.id


@pytest.mark.parametrize(
    ("who", "act", "message"),
    [
        (
            "supervisor",
            lambda ward, move, actor: moves.clear(move, None, actor=actor),
            "Medical clearance is recorded by medical staff.",
        ),
        (
            "medical",
            lambda ward, move, actor: moves.approve(move, None, actor=actor),
            "Moves are approved by a supervisor.",
        ),
        (
            "counselor",
            lambda ward, move, actor: moves.decline(move, "No.", actor=actor),
            "Moves are declined by a supervisor.",
        ),
        (
            "supervisor",
            lambda ward, move, actor: moves.withdraw(move, actor=actor),
            "Only the person who asked withdraws a request.",
        ),
        (
            "counselor",
            lambda ward, move, actor: moves.correct_level(
                ward.episode, Level.PHP, "x", actor=actor
            ),
            "Only a supervisor corrects the level on record.",
        ),
        (
            "intake",
            lambda ward, move, actor: moves.request_move(
                ward.episode, Level.PHP, "x", ward.assessment.id, None, actor=actor
            ),
            "Your role does not request moves between levels.",
        ),
        (
            "intake",
            lambda ward, move, actor: discharge.request_discharge(
                ward.episode, request_form(), actor=actor
            ),
            "Your role does not request discharges.",
        ),
    ],
)
def test_each_service_refuses_an_actor_the_policy_refuses(users, ward, move, who, act, message):
    actor = getattr(ward, who, None) or users.make(roles=(who,))
    with pytest.raises(TransitionError, match=f"^{message}$"):
        act(ward, move, actor)
    db.session.rollback()


def test_bed_capacity_names_the_administrator_given(users, ward):
    admin = users.make(roles=("admin",))
    census.set_capacity(Level.RES, 12, actor=admin)
    db.session.commit()
    assert census.capacity(Level.RES) == 12
    assert db.session.get(BedCapacity, Level.RES).updated_by_id == admin.id
