"""Plan suggestions fit the client: withdrawal follows the episode's substances, and medical
interventions default to the team's medical member."""

from clinic.assessments.vocabulary import AssessmentKind
from clinic.clients.levels import Level
from clinic.clients.vocabulary import Substance, TeamRole
from clinic.plans import library
from clinic.plans.vocabulary import MEDICAL_MODALITIES
from tests.factories import signed_assessment, started_plan


def _plan(users, clients, substances):
    counselor = users.make(roles=("counselor",))
    nurse = users.make(roles=("medical",))
    client = clients.make()
    episode = clients.admit(
        client,
        level=Level.WM,
        counselor=counselor,
        team=[(nurse, TeamRole.MEDICAL)],
        substances=substances,
    )
    signed_assessment(episode, counselor, Level.WM, kind=AssessmentKind.INTAKE, ratings={1: 3})
    return started_plan(episode, counselor), counselor, nurse


def _texts(plan) -> str:
    problem = next(problem for problem in plan.problems if problem.dimension == 1)
    objectives = [objective for goal in problem.goals for objective in goal.objectives]
    return " ".join([problem.statement, *(f"{o.text} {o.measure}" for o in objectives)]), objectives


def test_an_alcohol_only_client_is_not_offered_opioid_withdrawal(users, clients, clock):
    plan, *_ = _plan(users, clients, (Substance.ALCOHOL,))
    text, objectives = _texts(plan)
    assert "alcohol" in text
    assert "CIWA-Ar" in text
    for word in ("opioid", "COWS", "naloxone"):
        assert word not in text
    assert all(i.modality.value != "moud" for o in objectives for i in o.interventions)


def test_an_opioid_client_is_offered_opioid_withdrawal_with_moud_and_naloxone(
    users, clients, clock
):
    plan, *_ = _plan(users, clients, (Substance.FENTANYL,))
    text, _objectives = _texts(plan)
    assert "opioids" in text
    assert "COWS" in text
    assert "naloxone" in text


def test_a_client_using_both_gets_both_withdrawals(users, clients, clock):
    plan, *_ = _plan(users, clients, (Substance.HEROIN, Substance.ALCOHOL))
    text, _objectives = _texts(plan)
    assert "opioids and alcohol" in text
    assert "COWS" in text
    assert "CIWA-Ar" in text


def test_medical_interventions_default_to_the_teams_medical_member(users, clients, clock):
    plan, counselor, nurse = _plan(users, clients, (Substance.HEROIN,))
    interventions = [
        intervention
        for problem in plan.problems
        for goal in problem.goals
        for objective in goal.objectives
        for intervention in objective.interventions
    ]
    medical = [i for i in interventions if i.modality in MEDICAL_MODALITIES]
    assert medical
    assert {i.responsible_id for i in medical} == {nurse.id}
    assert {i.responsible_id for i in interventions if i not in medical} == {counselor.id}


def test_withdrawal_texts_are_stock_texts_until_edited():
    suggestion = library.withdrawal_suggestion([Substance.ALCOHOL])
    assert library.is_stock_text(suggestion.goal, "goal")
    assert library.is_stock_text(suggestion.objectives[0].text, "objective")
