"""The plan's nested forms posted back as the rendered page holds them: saving unchanged changes
nothing (every goal, objective and intervention keeps its id, status, origin and author)."""

import sqlalchemy as sa

from clinic.assessments.vocabulary import AssessmentKind
from clinic.clients.levels import Level
from clinic.extensions import db
from clinic.plans import services
from clinic.plans.models import PlanGoal, PlanIntervention, PlanObjective, TreatmentPlan
from clinic.plans.vocabulary import Modality, Progress
from tests.factories import signed_assessment
from tests.forms import rendered_form
from tests.plans.test_plan_views import activate, reload


def _rows(plan_id: int) -> dict:
    """Every item of the plan version as stored: what an unchanged save must leave alone."""
    plan = services.load_tree(plan_id)
    goals = [goal for problem in plan.problems for goal in problem.goals]
    objectives = [objective for goal in goals for objective in goal.objectives]
    return {
        "goals": sorted((g.id, g.position, g.text, g.client_words) for g in goals),
        "objectives": sorted(
            (o.id, o.status, o.carried_from_id, o.text, o.measure, o.target_date)
            for o in objectives
        ),
        "interventions": sorted(
            (i.id, i.modality, i.frequency, i.responsible_id, i.added_by_id)
            for o in objectives
            for i in o.interventions
        ),
    }


def _reviewed_draft(client, login, setting):
    """An active plan reviewed into its next version (objectives carried over, one still
    progressing), with a medication intervention added to it by medical staff."""
    plan = activate(client, login, setting)
    objectives = [o for p in plan.problems for g in p.goals for o in g.objectives]
    findings = {o.id: (Progress.PROGRESSING, "Getting there.") for o in objectives}
    following = services.review(plan, findings, None, actor=setting.counselor)
    db.session.commit()
    following = services.load_tree(following.id)
    objective = following.problems[0].goals[0].objectives[0]
    services.add_medical_intervention(
        following, objective, Modality.MOUD, "Daily", actor=setting.medical
    )
    db.session.commit()
    return reload(following)


def test_saving_a_problem_unchanged_keeps_every_item_as_it_is(client, login, setting):
    draft = _reviewed_draft(client, login, setting)
    before = _rows(draft.id)
    assert any(carried for _id, _status, carried, *_ in before["objectives"])
    assert setting.medical.id in {added for *_, added in before["interventions"]}
    problem = draft.problems[0]
    first_goal = problem.goals[0].id
    url = f"/clients/{setting.client.id}/plans/{draft.id}/problems/{problem.id}"

    page = client.get(url).get_data(as_text=True)
    sent = rendered_form(page, "problem-form", save="1")
    assert sent.get("goals-0-id") == str(first_goal)  # the ids travel with the form
    response = client.post(url, data=sent)

    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert _rows(draft.id) == before


def test_the_editor_renders_the_hidden_ids_not_their_names(client, login, setting):
    draft = _reviewed_draft(client, login, setting)
    problem = draft.problems[0]
    first_goal = problem.goals[0].id
    page = client.get(
        f"/clients/{setting.client.id}/plans/{draft.id}/problems/{problem.id}"
    ).get_data(as_text=True)
    assert "goals-0-objectives-0\n" not in page  # no id printed as text
    assert f'name="goals-0-id" type="hidden" value="{first_goal}"' in page


def test_the_review_form_posted_back_as_rendered_records_every_objective(client, login, setting):
    plan = activate(client, login, setting)
    url = f"/clients/{setting.client.id}/plans/{plan.id}/review"
    sent = rendered_form(client.get(url).get_data(as_text=True), "review-form")
    for name in [name for name in sent if name.endswith("-status")]:
        sent[name] = "progressing"  # what the counselor chooses for each objective
    response = client.post(url, data=sent)
    assert response.status_code == 302, response.get_data(as_text=True)
    counted = db.session.scalar(sa.select(sa.func.count()).select_from(PlanObjective))
    assert counted > 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PlanGoal)) > 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PlanIntervention)) > 0


def test_strengths_and_preferences_from_the_assessment_start_the_plan(
    client, login, users, clients, clock
):
    counselor = users.make(roles=("counselor",))
    record = clients.make("Sol", "Strong")
    episode = clients.admit(record, level=Level.IOP, counselor=counselor)
    signed_assessment(
        episode,
        counselor,
        Level.IOP,
        kind=AssessmentKind.INTAKE,
        ratings={5: 2},
        strengths="My daughter, and I cook for the whole house.",
        preferences="Evening groups; a male counselor.",
    )
    login(counselor)
    response = client.post(f"/clients/{record.id}/plans/new")
    assert response.status_code == 302
    plan = db.session.scalar(sa.select(TreatmentPlan).where(TreatmentPlan.episode_id == episode.id))
    assert plan.strengths == "My daughter, and I cook for the whole house."
    assert plan.preferences == "Evening groups; a male counselor."
