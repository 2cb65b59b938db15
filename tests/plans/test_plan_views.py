"""Treatment plans through the Flask test client: built from the assessment, edited, checked,
signed with a password, acknowledged, co-signed, reviewed into a new version; conflicts,
refusals and who may do what."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinic.auth.models import LoginFailure
from clinic.core.audit import AuditEvent
from clinic.core.clock import clinic_today
from clinic.extensions import db
from clinic.plans import library, services
from clinic.plans.models import PlanObjective, PlanReview, TreatmentPlan
from clinic.plans.vocabulary import PlanStatus, Progress
from tests.access import ROLES, assert_answers
from tests.factories import DEFAULT_PASSWORD


def start(client, setting) -> TreatmentPlan:
    response = client.post(f"/clients/{setting.client.id}/plans/new")
    assert response.status_code == 302, response.get_data(as_text=True)
    plan_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    return services.load_tree(plan_id)


def problem_post(plan, problem, version=None, **changes) -> dict:
    """The problem form as the browser would send it back, with `changes` applied."""
    form = {"version": str(version or plan.version), "statement": problem.statement}
    for g, goal in enumerate(problem.goals):
        prefix = f"goals-{g}"
        form |= {
            f"{prefix}-id": str(goal.id),
            f"{prefix}-text": goal.text,
            f"{prefix}-client_words": goal.client_words or "",
        }
        for o, objective in enumerate(goal.objectives):
            inner = f"{prefix}-objectives-{o}"
            form |= {
                f"{inner}-id": str(objective.id),
                f"{inner}-text": objective.text,
                f"{inner}-measure": objective.measure or "",
                f"{inner}-target_date": objective.target_date.isoformat()
                if objective.target_date
                else "",
            }
            for i, intervention in enumerate(objective.interventions):
                innermost = f"{inner}-interventions-{i}"
                form |= {
                    f"{innermost}-id": str(intervention.id),
                    f"{innermost}-modality": intervention.modality.value
                    if intervention.modality
                    else "",
                    f"{innermost}-frequency": intervention.frequency or "",
                    f"{innermost}-responsible_id": str(intervention.responsible_id or ""),
                }
    return form | changes


def complete(plan) -> None:
    """Fill in what the suggestions leave to the counselor: the client's words and the plan's
    details, each goal and objective reworded for this client."""
    for problem in plan.problems:
        for goal in problem.goals:
            goal.client_words = "I want to be there for my son."
            goal.text = f"{goal.text} (for Pat)"
            for objective in goal.objectives:
                objective.text = f"{objective.text} (Pat)"
    plan.strengths = "Funny, loyal, a good cook."
    plan.preferences = "Morning groups."
    plan.discharge_criteria = "Housing secured; 30 days sober."
    db.session.commit()


def sign(client, plan, password=DEFAULT_PASSWORD):
    return client.post(
        f"/clients/{plan.client_id}/plans/{plan.id}/sign",
        data={"version": str(plan.version), "password": password},
    )


def page_of(client, plan) -> str:
    return client.get(f"/clients/{plan.client_id}/plans/{plan.id}").get_data(as_text=True)


def reload(plan) -> TreatmentPlan:
    db.session.expire_all()
    return services.load_tree(plan.id)


# --- Starting and editing ---------------------------------------------------------------------


def test_the_plan_starts_from_the_signed_assessment_with_suggestions(client, login, setting):
    login(setting.counselor)
    plan = start(client, setting)
    sources = [(problem.dimension, problem.instrument_flag) for problem in plan.problems]
    assert sources == [(3, None), (5, None), (6, None), (None, "further evaluation")]
    assert plan.assessment_id == setting.assessment.id
    assert plan.problems[1].statement == library.BY_DIMENSION[5].problem
    objectives = [o for p in plan.problems for g in p.goals for o in g.objectives]
    assert all(objective.target_date > clinic_today() for objective in objectives)
    interventions = [i for o in objectives for i in o.interventions]
    assert {i.responsible_id for i in interventions} == {setting.counselor.id}
    html = page_of(client, plan)
    assert "Write the goal in the client&#39;s own words." in html
    assert 'id="stock-warnings"' in html


def test_no_plan_without_a_signed_assessment(client, login, users, clients):
    counselor = users.make()
    record = clients.make()
    clients.admit(record, counselor=counselor)
    login(counselor)
    response = client.post(f"/clients/{record.id}/plans/new", follow_redirects=True)
    assert "Sign the assessment first" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TreatmentPlan)) == 0


def test_a_problem_is_edited_in_place_and_entries_added_before_saving(client, login, setting):
    login(setting.counselor)
    plan = start(client, setting)
    problem = plan.problems[1]  # dimension 5, two objectives
    second_objective = problem.goals[0].objectives[1].id
    url = f"/clients/{setting.client.id}/plans/{plan.id}/problems/{problem.id}"
    typed = problem_post(plan, problem, **{"goals-0-client_words": "Stay clean for my son"})
    added = client.post(url, data=typed | {"add": "goals-0-objectives"})
    assert added.status_code == 200
    html = added.get_data(as_text=True)
    assert "Stay clean for my son" in html  # what was typed is kept
    assert 'name="goals-0-objectives-2-text"' in html  # a third, blank objective
    assert reload(plan).problems[1].goals[0].client_words is None  # nothing saved yet

    saved = client.post(
        url,
        data=typed
        | {
            "goals-0-objectives-2-text": "Call my sponsor every evening",
            "goals-0-objectives-2-measure": "Call log",
            "goals-0-objectives-2-target_date": (clinic_today() + timedelta(days=20)).isoformat(),
            "goals-0-objectives-0-remove": "y",
        },
    )
    assert saved.status_code == 302
    goal = reload(plan).problems[1].goals[0]
    assert goal.client_words == "Stay clean for my son"
    assert [objective.text for objective in goal.objectives] == [
        library.BY_DIMENSION[5].objectives[1].text,
        "Call my sponsor every evening",
    ]
    kept = goal.objectives[0]
    assert kept.id == second_objective  # updated in place, not recreated


def test_an_item_id_from_another_problem_is_refused(client, login, setting):
    login(setting.counselor)
    plan = start(client, setting)
    first, second = plan.problems[0], plan.problems[1]
    form = problem_post(plan, first, **{"goals-0-id": str(second.goals[0].id)})
    page = client.post(
        f"/clients/{setting.client.id}/plans/{plan.id}/problems/{first.id}", data=form
    )
    assert page.status_code == 200
    assert "not part of this problem" in page.get_data(as_text=True)
    assert reload(plan).problems[1].goals[0].problem_id == second.id


def test_a_bad_date_is_shown_beside_it_and_keeps_the_rest(client, login, setting):
    login(setting.counselor)
    plan = start(client, setting)
    problem = plan.problems[0]
    form = problem_post(
        plan,
        problem,
        **{"goals-0-objectives-0-target_date": "next week", "goals-0-client_words": "My words"},
    )
    page = client.post(
        f"/clients/{setting.client.id}/plans/{plan.id}/problems/{problem.id}", data=form
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="goals-0-objectives-0-target_date-errors"' in html
    assert "My words" in html


# --- Signing ----------------------------------------------------------------------------------


def test_an_incomplete_plan_is_not_signed(client, login, setting):
    login(setting.counselor)
    plan = start(client, setting)
    page = sign(client, plan)
    assert page.status_code == 200
    assert "cannot be signed yet" in page.get_data(as_text=True)
    assert reload(plan).author_signed_at is None


def test_signing_needs_the_password_again_and_failures_count(client, login, setting):
    login(setting.counselor)
    plan = start(client, setting)
    complete(plan)
    page = sign(client, reload(plan), password="not my password at all")
    assert 'id="password-errors"' in page.get_data(as_text=True)
    assert reload(plan).author_signed_at is None
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(LoginFailure.email == setting.counselor.email)
        )
        == 1
    )


def test_the_whole_cycle_to_an_active_plan(client, login, setting):
    login(setting.counselor)
    plan = start(client, setting)
    complete(plan)
    assert sign(client, reload(plan)).status_code == 302
    plan = reload(plan)
    assert plan.author_signed_by_id == setting.counselor.id
    assert plan.stock_texts == 0
    assert plan.status == PlanStatus.DRAFT

    url = f"/clients/{setting.client.id}/plans/{plan.id}"
    response = client.post(
        f"{url}/acknowledgement",
        data={
            "version": str(plan.version),
            "on": clinic_today().isoformat(),
            "how": "in_person",
            "comment": "I'll try the <b>morning</b> groups.",
        },
    )
    assert response.status_code == 302
    # A counselor does not co-sign.
    assert (
        client.post(f"{url}/cosign", data={"version": str(reload(plan).version)}).status_code == 403
    )

    client.post("/logout")
    login(setting.supervisor)
    html = page_of(client, plan)
    assert "I&#39;ll try the &lt;b&gt;morning&lt;/b&gt; groups." in html
    cosigned = client.post(f"{url}/cosign", data={"version": str(reload(plan).version)})
    assert cosigned.status_code == 302
    plan = reload(plan)
    assert plan.status == PlanStatus.ACTIVE
    assert plan.cosigned_by_id == setting.supervisor.id
    actions = set(
        db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.client_id == setting.client.id)
        )
    )
    assert {"plan.started", "plan.signed", "plan.acknowledged", "plan.cosigned"} <= actions

    printed = client.get(f"{url}/print")
    assert printed.status_code == 200
    text = printed.get_data(as_text=True)
    assert "Clinical supervisor" in text
    assert "Sam Supervisor" in text


def test_a_post_to_a_signed_plan_is_refused_and_changes_nothing(client, login, setting):
    login(setting.counselor)
    plan = start(client, setting)
    complete(plan)
    sign(client, reload(plan))
    plan = reload(plan)
    before = services.load_tree(plan.id)
    lines = __import__("clinic.plans.rules", fromlist=["plan_lines"]).plan_lines(before, {})
    problem = plan.problems[0]
    response = client.post(
        f"/clients/{setting.client.id}/plans/{plan.id}/problems/{problem.id}",
        data=problem_post(plan, problem, **{"statement": "Changed after signing"}),
    )
    assert response.status_code == 409
    details = client.post(
        f"/clients/{setting.client.id}/plans/{plan.id}/details",
        data={
            "version": str(plan.version),
            "strengths": "Changed",
            "preferences": "",
            "discharge_criteria": "",
        },
    )
    assert details.status_code == 409
    from clinic.plans.rules import plan_lines

    assert plan_lines(reload(plan), {}) == lines


def test_two_people_editing_one_draft_get_a_conflict_and_nothing_is_lost(
    app, client, login, setting
):
    login(setting.counselor)
    plan = start(client, setting)
    problem = plan.problems[0]
    url = f"/clients/{setting.client.id}/plans/{plan.id}/problems/{problem.id}"
    mine = problem_post(plan, problem, **{"goals-0-client_words": "Mine: <script>x</script>"})
    theirs = problem_post(plan, problem, **{"goals-0-client_words": "Theirs"})
    other = app.test_client()
    other.post("/login", data={"email": setting.supervisor.email, "password": DEFAULT_PASSWORD})
    assert other.post(url, data=theirs).status_code == 302
    page = client.post(url, data=mine)
    assert page.status_code == 409
    html = page.get_data(as_text=True)
    assert 'id="conflict"' in html
    assert "Theirs" in html  # what the plan holds now
    assert "Mine: &lt;script&gt;x&lt;/script&gt;" in html  # and what I typed, escaped
    assert reload(plan).problems[0].goals[0].client_words == "Theirs"
    # Saving again on purpose, against the version now shown, applies mine.
    version = re.search(
        r'name="version" type="hidden" value="(\d+)"|value="(\d+)" name="version"', html
    )
    assert version
    again = client.post(url, data=mine | {"version": str(reload(plan).version)})
    assert again.status_code == 302
    assert reload(plan).problems[0].goals[0].client_words == "Mine: <script>x</script>"


# --- Reviews ----------------------------------------------------------------------------------


def activate(client, login, setting) -> TreatmentPlan:
    login(setting.counselor)
    plan = start(client, setting)
    complete(plan)
    sign(client, reload(plan))
    plan = reload(plan)
    client.post(
        f"/clients/{setting.client.id}/plans/{plan.id}/acknowledgement",
        data={"version": str(plan.version), "on": clinic_today().isoformat(), "how": "phone"},
    )
    client.post("/logout")
    login(setting.supervisor)
    client.post(
        f"/clients/{setting.client.id}/plans/{plan.id}/cosign",
        data={"version": str(reload(plan).version)},
    )
    client.post("/logout")
    login(setting.counselor)
    plan = reload(plan)
    assert plan.status == PlanStatus.ACTIVE
    return plan


def test_a_review_starts_a_new_version_carrying_open_objectives(client, login, setting):
    plan = activate(client, login, setting)
    objectives = [o for p in plan.problems for g in p.goals for o in g.objectives]
    statuses = [Progress.MET, Progress.PROGRESSING] + [Progress.NOT_PROGRESSING] * (
        len(objectives) - 2
    )
    form = {"version": str(plan.version), "note": "Good fortnight."}
    for index, (objective, status) in enumerate(zip(objectives, statuses, strict=True)):
        form |= {
            f"findings-{index}-objective_id": str(objective.id),
            f"findings-{index}-status": status.value,
            f"findings-{index}-note": "seen",
        }
    response = client.post(f"/clients/{setting.client.id}/plans/{plan.id}/review", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    following = db.session.scalar(
        sa.select(TreatmentPlan).where(TreatmentPlan.previous_id == plan.id)
    )
    following = services.load_tree(following.id)
    assert following.number == 2
    assert following.status == PlanStatus.DRAFT
    carried = [o for p in following.problems for g in p.goals for o in g.objectives]
    assert len(carried) == len(objectives) - 1
    assert objectives[0].id not in {o.carried_from_id for o in carried}  # met: closed
    assert carried[0].status == Progress.PROGRESSING
    assert reload(plan).status == PlanStatus.ACTIVE  # until the new version is co-signed
    review = db.session.scalars(sa.select(PlanReview)).one()
    assert len(db.session.scalars(sa.select(PlanReview)).all()) == 1
    assert review.next_plan_id == following.id
    compare = client.get(f"/clients/{setting.client.id}/plans/{following.id}/compare")
    assert compare.status_code == 200
    assert "diff-removed" in compare.get_data(as_text=True)


def test_a_review_needs_every_objective(client, login, setting):
    plan = activate(client, login, setting)
    objective = plan.problems[0].goals[0].objectives[0]
    form = {
        "version": str(plan.version),
        "findings-0-objective_id": str(objective.id),
        "findings-0-status": "met",
    }
    page = client.post(f"/clients/{setting.client.id}/plans/{plan.id}/review", data=form)
    assert page.status_code == 200
    assert "every objective" in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PlanReview)) == 0


def test_cosigning_the_next_version_supersedes_the_active_one(client, login, setting):
    plan = activate(client, login, setting)
    with client.application.test_request_context():
        objectives = [o for p in plan.problems for g in p.goals for o in g.objectives]
        following = services.review(
            plan,
            {o.id: (Progress.PROGRESSING, None) for o in objectives},
            None,
            actor=setting.counselor,
        )
        db.session.commit()
    following = services.load_tree(following.id)
    complete(following)
    following = reload(following)
    following.author_signed_at = following.cosigned_at = None
    db.session.commit()
    assert sign(client, reload(following)).status_code == 302
    client.post(
        f"/clients/{setting.client.id}/plans/{following.id}/acknowledgement",
        data={
            "version": str(reload(following).version),
            "on": clinic_today().isoformat(),
            "how": "video",
        },
    )
    client.post("/logout")
    login(setting.supervisor)
    client.post(
        f"/clients/{setting.client.id}/plans/{following.id}/cosign",
        data={"version": str(reload(following).version)},
    )
    assert reload(following).status == PlanStatus.ACTIVE
    assert reload(plan).status == PlanStatus.SUPERSEDED


# --- Medical staff, roles, queries -------------------------------------------------------------


def test_medical_staff_add_a_medical_intervention(client, login, setting):
    login(setting.counselor)
    plan = start(client, setting)
    client.post("/logout")
    login(setting.medical)
    plan = reload(plan)
    objective = plan.problems[1].goals[0].objectives[0]
    response = client.post(
        f"/clients/{setting.client.id}/plans/{plan.id}/medical",
        data={
            "version": str(reload(plan).version),
            "objective_id": str(objective.id),
            "modality": "moud",
            "frequency": "Daily buprenorphine",
        },
    )
    assert response.status_code == 302
    added = reload(plan).problems[1].goals[0].objectives[0].interventions[-1]
    assert (added.modality.value, added.responsible_id) == ("moud", setting.medical.id)
    # They do not edit the rest of the plan.
    plan = reload(plan)
    problem = plan.problems[0]
    refused = client.post(
        f"/clients/{setting.client.id}/plans/{plan.id}/problems/{problem.id}",
        data=problem_post(plan, problem),
    )
    assert refused.status_code == 403


PLAN_ROUTES = [
    ("GET", "/clients/{c}/plans/", {"intake": 403, "other_counselor": 404, "admin": 403, "*": 200}),
    (
        "GET",
        "/clients/{c}/plans/{p}",
        {"intake": 403, "other_counselor": 404, "admin": 403, "*": 200},
    ),
    (
        "GET",
        "/clients/{c}/plans/{p}/print",
        {"intake": 403, "other_counselor": 404, "admin": 403, "*": 200},
    ),
    (
        "POST",
        "/clients/{c}/plans/new",
        {"counselor": 302, "supervisor": 302, "other_counselor": 404, "*": 403},
    ),
    (
        "POST",
        "/clients/{c}/plans/{p}/details",
        {"counselor": 200, "supervisor": 200, "other_counselor": 404, "*": 403},
    ),
    (
        "POST",
        "/clients/{c}/plans/{p}/cosign",
        {"supervisor": 200, "other_counselor": 404, "*": 403},
    ),
    ("POST", "/clients/{c}/plans/{p}/medical", {"medical": 200, "other_counselor": 404, "*": 403}),
    (
        "GET",
        "/clients/{c}/plans/999999",
        {"intake": 403, "other_counselor": 404, "admin": 403, "*": 404},
    ),
]


@pytest.mark.parametrize("role", ROLES)
def test_plan_routes_answer_each_role_as_the_table_says(client, login, staff, setting, role):
    login(setting.counselor)
    plan = start(client, setting)
    client.post("/logout")
    people = {
        "counselor": setting.counselor,
        "medical": setting.medical,
        "supervisor": setting.supervisor,
    }
    login(people.get(role) or staff[role])
    assert_answers(client, role, PLAN_ROUTES, c=setting.client.id, p=plan.id)


def test_the_plan_page_runs_the_same_queries_whatever_the_number_of_objectives(
    client, login, setting, count_queries
):
    login(setting.counselor)
    plan = start(client, setting)
    url = f"/clients/{setting.client.id}/plans/{plan.id}"
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    goal = reload(plan).problems[0].goals[0]
    for number in range(30):
        goal.objectives.append(PlanObjective(position=10 + number, text=f"Objective {number}"))
    db.session.commit()
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many.count == few.count


def review_form(plan, statuses, **extra) -> dict:
    objectives = [o for p in plan.problems for g in p.goals for o in g.objectives]
    form = {"version": str(plan.version)}
    for index, (objective, status) in enumerate(zip(objectives, statuses, strict=False)):
        form |= {
            f"findings-{index}-objective_id": str(objective.id),
            f"findings-{index}-status": status.value,
        }
    return form | extra


def test_a_review_refuses_objectives_not_in_the_plan(client, login, setting):
    plan = activate(client, login, setting)
    count = sum(len(g.objectives) for p in plan.problems for g in p.goals)
    url = f"/clients/{setting.client.id}/plans/{plan.id}/review"
    complete_form = review_form(plan, [Progress.MET] * count)
    for bogus in ("999999", "1" * 30):
        form = complete_form | {
            f"findings-{count}-objective_id": bogus,
            f"findings-{count}-status": "met",
        }
        page = client.post(url, data=form)
        assert page.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PlanReview)) == 0


def test_a_resolved_need_is_recorded_in_the_next_version_not_left_missing(client, login, setting):
    plan = activate(client, login, setting)
    # Everything under dimension 5 met; the rest carries on.
    statuses = [
        Progress.MET if problem.dimension == 5 else Progress.PROGRESSING
        for problem in plan.problems
        for goal in problem.goals
        for _objective in goal.objectives
    ]
    assert (
        client.post(
            f"/clients/{setting.client.id}/plans/{plan.id}/review", data=review_form(plan, statuses)
        ).status_code
        == 302
    )
    following = services.load_tree(
        db.session.scalar(sa.select(TreatmentPlan.id).where(TreatmentPlan.previous_id == plan.id))
    )
    assert 5 not in {problem.dimension for problem in following.problems}
    assert [d.dimension for d in following.deferrals] == [5]
    assert "Resolved at the review" in following.deferrals[0].reason
    home = client.get("/").get_data(as_text=True)
    assert "Update and sign the reviewed plan" in home


def test_a_closed_episode_s_plan_no_longer_changes(client, login, setting, clients):
    plan = activate(client, login, setting)
    clients.discharge(setting.episode)
    statuses = [Progress.MET] * 20
    page = client.post(
        f"/clients/{setting.client.id}/plans/{plan.id}/review", data=review_form(plan, statuses)
    )
    assert page.status_code == 200
    assert "episode is closed" in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PlanReview)) == 0


def test_someone_responsible_but_off_the_team_is_kept(client, login, setting):
    login(setting.counselor)
    plan = start(client, setting)
    intervention = plan.problems[0].goals[0].objectives[0].interventions[0]
    intervention.responsible_id = setting.supervisor.id  # not on the care team
    db.session.commit()
    plan = reload(plan)
    problem = plan.problems[0]
    url = f"/clients/{setting.client.id}/plans/{plan.id}/problems/{problem.id}"
    unchanged = problem_post(plan, problem)
    html = client.get(url).get_data(as_text=True)
    assert "Sam Supervisor (not on the care team)" in html
    assert client.post(url, data=unchanged).status_code == 302
    kept = reload(plan).problems[0].goals[0].objectives[0].interventions[0]
    assert kept.responsible_id == setting.supervisor.id
