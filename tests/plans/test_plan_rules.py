"""The plan rules without a database: signing checks, stock phrases, review dates, carry-over,
and the comparison of versions."""

from datetime import date
from types import SimpleNamespace as Item

import pytest

from clinic.plans import library, rules
from clinic.plans.vocabulary import Modality, Progress

TODAY = date(2026, 3, 2)


def intervention(**changes):
    return Item(
        **{"modality": Modality.GROUP, "frequency": "Daily", "responsible_id": 7, **changes}
    )


def objective(**changes):
    values = {
        "text": "Attend three meetings a week",
        "measure": "attendance sheet",
        "target_date": date(2026, 4, 1),
        "status": Progress.OPEN,
        "interventions": [intervention()],
    }
    return Item(**{**values, **changes})


def goal(**changes):
    values = {
        "text": "Stay sober",
        "client_words": "I want my kids back",
        "objectives": [objective()],
    }
    return Item(**{**values, **changes})


def problem(dimension=5, **changes):
    values = {
        "dimension": dimension,
        "instrument_flag": None,
        "statement": "Relapse risk",
        "goals": [goal()],
        "source": f"dimension {dimension}",
    }
    return Item(**{**values, **changes})


def plan(problems=None, deferrals=(), **changes):
    values = {
        "problems": [problem()] if problems is None else problems,
        "deferrals": list(deferrals),
        "strengths": "Works hard",
        "preferences": "Mornings",
        "discharge_criteria": "Three months sober",
    }
    return Item(**{**values, **changes})


RATINGS = {1: 1, 2: 0, 3: 0, 4: 1, 5: 3, 6: 1}


def messages(found):
    return [f"{finding.where}: {finding.message}" for finding in found]


def test_a_complete_plan_may_be_signed():
    assert rules.signing_problems(plan(), RATINGS, TODAY) == []


def test_every_dimension_rated_2_or_more_is_addressed_or_deferred():
    ratings = {**RATINGS, 3: 2, 6: 4}
    found = messages(rules.signing_problems(plan(), ratings, TODAY))
    assert (
        "plan: Dimension 3 is rated 2: address it with a problem or defer it with a reason."
        in found
    )
    assert any(line.startswith("plan: Dimension 6 is rated 4") for line in found)
    deferred = plan(
        problems=[problem(), problem(dimension=6)],
        deferrals=[Item(dimension=3, reason="Psychiatry referral first")],
    )
    assert rules.signing_problems(deferred, ratings, TODAY) == []
    blank_reason = plan(
        problems=[problem(), problem(dimension=6)], deferrals=[Item(dimension=3, reason="  ")]
    )
    assert len(rules.signing_problems(blank_reason, ratings, TODAY)) == 1


def test_goals_need_the_clients_words():
    found = messages(
        rules.signing_problems(plan([problem(goals=[goal(client_words=" ")])]), RATINGS, TODAY)
    )
    assert found == ["problem 1 · goal 1: Write the goal in the client's own words."]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"measure": ""}, "Say how the objective is measured."),
        ({"target_date": None}, "Give a target date."),
        ({"target_date": TODAY}, "The target date must be after today."),
        ({"interventions": []}, "Add at least one intervention."),
    ],
)
def test_objectives_are_measurable_with_a_future_target(changes, message):
    tree = plan([problem(goals=[goal(objectives=[objective(**changes)])])])
    found = messages(rules.signing_problems(tree, RATINGS, TODAY))
    assert found == [f"problem 1 · goal 1 · objective 1: {message}"]


def test_interventions_need_modality_frequency_and_staff():
    tree = plan(
        [
            problem(
                goals=[
                    goal(
                        objectives=[
                            objective(
                                interventions=[
                                    intervention(modality=None, frequency="", responsible_id=None)
                                ]
                            )
                        ]
                    )
                ]
            )
        ]
    )
    assert messages(rules.signing_problems(tree, RATINGS, TODAY)) == [
        "problem 1 · goal 1 · objective 1 · intervention 1: "
        "Give a modality, a frequency and a responsible staff member."
    ]


def test_strengths_preferences_and_criteria_are_required():
    found = messages(
        rules.signing_problems(plan(strengths="", discharge_criteria=None), RATINGS, TODAY)
    )
    assert found == [
        "plan: Write the client's strengths, as discussed with the client.",
        "plan: Write discharge or transfer criteria, as discussed with the client.",
    ]


def test_an_empty_plan_or_branch_is_refused():
    assert "plan: A plan needs at least one problem." in messages(
        rules.signing_problems(plan([]), {}, TODAY)
    )
    empty = plan([problem(goals=[goal(objectives=[])])])
    assert messages(rules.signing_problems(empty, RATINGS, TODAY)) == [
        "problem 1 · goal 1: Add at least one objective."
    ]


def test_library_text_left_unedited_is_a_warning_not_a_refusal():
    suggestion = library.BY_DIMENSION[5]
    tree = plan(
        [
            problem(
                goals=[
                    goal(
                        text=suggestion.goal,
                        objectives=[objective(text=f"  {suggestion.objectives[0].text} ")],
                    )
                ]
            )
        ]
    )
    assert messages(rules.stock_texts(tree)) == [
        "problem 1 · goal 1: This goal is the library's text, unedited.",
        "problem 1 · goal 1 · objective 1: This objective is the library's text, unedited.",
    ]
    assert rules.signing_problems(tree, RATINGS, TODAY) == []
    edited = plan([problem(goals=[goal(text=suggestion.goal + ", for my daughter")])])
    assert rules.stock_texts(edited) == []


@pytest.mark.parametrize(
    ("anchored", "level_changed", "interval", "due"),
    [
        (date(2026, 3, 1), None, 7, date(2026, 3, 8)),  # residential: a week on
        (date(2026, 3, 1), None, 3, date(2026, 3, 4)),  # withdrawal management
        (date(2026, 3, 1), None, 14, date(2026, 3, 15)),  # partial hospitalization, IOP
        (date(2026, 3, 1), None, 30, date(2026, 3, 31)),  # outpatient
        (date(2026, 3, 1), None, 90, date(2026, 5, 30)),  # aftercare
        (date(2026, 3, 1), date(2026, 3, 5), 14, date(2026, 3, 5)),  # the level changed since
        (date(2026, 3, 1), date(2026, 3, 1), 14, date(2026, 3, 1)),  # later the same day
    ],
)
def test_the_review_is_due_by_the_levels_interval_or_at_a_level_change(
    anchored, level_changed, interval, due
):
    assert rules.review_due(anchored, level_changed, interval) == due


@pytest.mark.parametrize(
    ("status", "carried"),
    [
        (Progress.MET, False),
        (Progress.DISCONTINUED, False),
        (Progress.PROGRESSING, True),
        (Progress.NOT_PROGRESSING, True),
        (Progress.REVISED, True),
    ],
)
def test_a_review_carries_open_objectives_over(status, carried):
    assert rules.carried_over(status) is carried


def test_comparing_two_versions_shows_what_changed():
    older = plan()
    newer = plan(
        [problem(goals=[goal(client_words="I want my kids back and a job")])],
        strengths="Works hard; funny",
    )
    changes = rules.compare(
        rules.plan_lines(older, {7: "Casey"}), rules.plan_lines(newer, {7: "Casey"})
    )
    removed = [change.text for change in changes if change.kind == "removed"]
    added = [change.text for change in changes if change.kind == "added"]
    assert removed == [
        "Strengths: Works hard",
        "problem 1 · goal 1: Stay sober | in the client's words: I want my kids back",
    ]
    assert added == [
        "Strengths: Works hard; funny",
        "problem 1 · goal 1: Stay sober | in the client's words: I want my kids back and a job",
    ]
    assert any("Casey" in change.text and change.kind == "same" for change in changes)
