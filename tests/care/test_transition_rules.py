"""The transition rules table: moves, who may request, approve and clear (the policy's rules),
and what each move needs before approval."""

from datetime import UTC, datetime, timedelta

import pytest

from clinic.care import transitions
from clinic.care.transitions import Move, Situation
from clinic.clients.levels import Level
from clinic.policy import RULES

NOW = datetime(2026, 3, 2, 14, tzinfo=UTC)


@pytest.mark.parametrize(
    ("current", "target", "move"),
    [
        (Level.WM, Level.RES, Move.STEP_DOWN),
        (Level.RES, Level.PHP, Move.STEP_DOWN),
        (Level.IOP, Level.OP, Move.STEP_DOWN),
        (Level.OP, Level.AC, Move.STEP_DOWN),
        (Level.RES, Level.OP, Move.STEP_DOWN),  # skipping levels is still a step-down
        (Level.OP, Level.IOP, Move.STEP_UP),
        (Level.AC, Level.WM, Move.STEP_UP),
        (Level.PHP, Level.RES, Move.STEP_UP),
        (Level.RES, Level.RES, Move.LATERAL),
        (Level.IOP, Level.IOP, Move.LATERAL),
    ],
)
def test_moves_follow_the_intensity_order(current, target, move):
    assert transitions.move_between(current, target) == move


@pytest.mark.parametrize(
    ("role", "requests", "approves", "clears"),
    [
        ("intake", False, False, False),
        ("counselor", True, False, False),
        ("medical", True, False, True),
        ("supervisor", True, True, False),
        ("admin", False, False, False),
    ],
)
def test_who_may_request_approve_and_clear(role, requests, approves, clears):
    # The roles part of each rule (the rules also keep to the clients the user sees).
    assert (role in RULES["transition.request"].roles) is requests
    assert (role in RULES["transition.decide"].roles) is approves
    assert (role in RULES["level.correct"].roles) is approves
    assert (role in RULES["transition.clear"].roles) is clears


@pytest.mark.parametrize(
    ("current", "target", "clearance", "bed"),
    [
        (Level.WM, Level.RES, True, True),
        (Level.WM, Level.OP, True, False),
        (Level.WM, Level.WM, False, False),
        (Level.RES, Level.WM, False, True),
        (Level.RES, Level.RES, False, False),  # a lateral move keeps its bed
        (Level.PHP, Level.RES, False, True),
        (Level.RES, Level.PHP, False, False),
        (Level.OP, Level.AC, False, False),
    ],
)
def test_what_each_move_needs(current, target, clearance, bed):
    assert transitions.needs_medical_clearance(current, target) is clearance
    assert transitions.needs_bed(current, target) is bed


def situation(**changes) -> Situation:
    values = {
        "current": Level.RES,
        "target": Level.PHP,
        "justification": "Stable for three weeks; housing secured.",
        "assessment_signed_at": NOW - timedelta(days=2),
        "recommended": Level.PHP,
        "override_reason": None,
        "cleared": False,
        "beds": None,
        "beds_used": 0,
        "requested_by": 1,
        "now": NOW,
    }
    return Situation(**{**values, **changes})


def test_a_well_founded_request_has_no_problem():
    assert transitions.request_problems(situation()) == []
    assert transitions.approval_problems(situation(), approver=2) == []


def test_a_request_needs_a_justification():
    assert transitions.request_problems(situation(justification="  ")) == [
        ("justification", "Say why the client should move.")
    ]


@pytest.mark.parametrize("age", [timedelta(days=7, seconds=1), timedelta(days=30)])
def test_a_request_needs_an_assessment_from_the_last_seven_days(age):
    found = transitions.request_problems(situation(assessment_signed_at=NOW - age))
    assert found == [
        ("assessment_id", "Base the request on an assessment signed in the last 7 days.")
    ]
    assert transitions.request_problems(situation(assessment_signed_at=None))
    assert (
        transitions.request_problems(situation(assessment_signed_at=NOW - timedelta(days=7))) == []
    )


def test_the_seven_days_are_configurable():
    older = situation(
        assessment_signed_at=NOW - timedelta(days=9), assessment_within=timedelta(days=10)
    )
    assert transitions.request_problems(older) == []


def test_another_level_than_the_assessment_recommends_needs_a_reason():
    found = transitions.request_problems(situation(recommended=Level.RES))
    assert found == [
        (
            "override_reason",
            "The assessment recommends RES: give the reason for PHP instead.",
        )
    ]
    assert (
        transitions.request_problems(situation(recommended=Level.RES, override_reason="Payer"))
        == []
    )


def test_the_requester_does_not_approve_their_own_request():
    assert transitions.approval_problems(situation(), approver=1) == [
        "A request is approved by another supervisor than the one who made it."
    ]


def test_four_eyes_is_one_rule_for_moves_and_discharges():
    assert transitions.four_eyes_problems(requested_by=1, approver=1) == [
        "A request is approved by another supervisor than the one who made it."
    ]
    assert transitions.four_eyes_problems(requested_by=1, approver=2) == []


def test_leaving_withdrawal_management_needs_medical_clearance():
    leaving = situation(current=Level.WM, target=Level.RES, recommended=Level.RES, beds=None)
    assert transitions.approval_problems(leaving, approver=2) == [
        "Leaving withdrawal management needs medical clearance first."
    ]
    assert (
        transitions.approval_problems(
            situation(current=Level.WM, target=Level.RES, recommended=Level.RES, cleared=True),
            approver=2,
        )
        == []
    )


def test_a_full_level_refuses_the_move():
    full = situation(
        current=Level.PHP, target=Level.RES, recommended=Level.RES, beds=12, beds_used=12
    )
    assert transitions.approval_problems(full, approver=2) == [
        "Residential treatment is full (12 of 12 beds): put the client on its waitlist, "
        "or wait for a bed."
    ]
    room = situation(
        current=Level.PHP, target=Level.RES, recommended=Level.RES, beds=12, beds_used=11
    )
    assert transitions.approval_problems(room, approver=2) == []
    lateral = situation(
        current=Level.RES, target=Level.RES, recommended=Level.RES, beds=12, beds_used=12
    )
    assert transitions.approval_problems(lateral, approver=2) == []
