"""`flask seed demo` and `flask seed scale`: believable, consistent data, never in production."""

from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinic.assessments import instruments, placement
from clinic.assessments.models import Assessment, InstrumentResult
from clinic.assessments.vocabulary import AssessmentKind, AssessmentStatus
from clinic.auth.models import Role, User, UserRole
from clinic.clients import access, queries
from clinic.clients.levels import Level
from clinic.clients.models import CareTeamMember, Client, Episode, fold_name
from clinic.clients.services import open_episode
from clinic.clients.stays import LevelOfCareStay
from clinic.clients.vocabulary import TeamRole
from clinic.core.clock import clinic_today, utcnow
from clinic.extensions import db
from clinic.plans import rules as plan_rules
from clinic.plans import services as plan_services
from clinic.plans.models import TreatmentPlan
from clinic.plans.vocabulary import PlanStatus
from clinic.seed import scale
from clinic.seed.demo import COUNSELOR_EMAIL, DEMO_PASSWORD, INTAKE_EMAIL
from tests.conftest import dispose, make_app


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def open_stays_per_episode() -> dict[int, int]:
    """Every episode's id with its number of open stays (zero included)."""
    rows = db.session.execute(
        sa.select(Episode.id, sa.func.count(LevelOfCareStay.id))
        .outerjoin(
            LevelOfCareStay,
            sa.and_(LevelOfCareStay.episode_id == Episode.id, LevelOfCareStay.ended_at.is_(None)),
        )
        .group_by(Episode.id)
    )
    return dict(rows.all())


def assert_episodes_consistent() -> None:
    """The rules every episode obeys: one open stay while open, none and a type once closed."""
    open_stays = open_stays_per_episode()
    for episode in db.session.scalars(sa.select(Episode)):
        if episode.is_open:
            assert open_stays[episode.id] == 1, episode.id
            assert episode.discharge_type is None
        else:
            assert open_stays[episode.id] == 0, episode.id
            assert episode.discharge_type is not None
            assert episode.discharged_on >= episode.admitted_on
    for stay in db.session.scalars(sa.select(LevelOfCareStay)):
        assert stay.ended_at is None or stay.ended_at >= stay.started_at
        assert stay.started_at <= utcnow()
    primaries = Counter(
        db.session.scalars(
            sa.select(CareTeamMember.episode_id).where(
                CareTeamMember.team_role == TeamRole.PRIMARY_COUNSELOR,
                CareTeamMember.removed_at.is_(None),
            )
        )
    )
    assert set(primaries.values()) <= {1}
    for client in db.session.scalars(sa.select(Client)):
        assert client.search_name == fold_name(client.legal_last_name, client.legal_first_name)
        assert client.search_name_reversed == fold_name(
            client.legal_first_name, client.legal_last_name
        )


def current_levels() -> Counter:
    return Counter(
        db.session.scalars(
            sa.select(LevelOfCareStay.level)
            .join(Episode, Episode.id == LevelOfCareStay.episode_id)
            .where(Episode.discharged_on.is_(None), LevelOfCareStay.ended_at.is_(None))
        )
    )


def open_episodes_without_primary() -> int:
    has_primary = sa.select(CareTeamMember.episode_id).where(
        CareTeamMember.team_role == TeamRole.PRIMARY_COUNSELOR,
        CareTeamMember.removed_at.is_(None),
    )
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Episode)
        .where(Episode.discharged_on.is_(None), Episode.id.not_in(has_primary))
    )


def counselors() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User).join(UserRole).where(UserRole.role == Role.COUNSELOR).order_by(User.id)
        )
    )


# --- Demo -------------------------------------------------------------------------------------


def test_seed_demo_builds_a_small_clinic_across_the_continuum(app):
    result = run(app, "seed", "demo")
    assert result.exit_code == 0, result.output
    assert "clients" in result.output

    team = counselors()
    assert len(team) == 4
    assert all(user.check_password(DEMO_PASSWORD) for user in team)
    assert 38 <= count(Client) <= 45
    levels = current_levels()
    assert set(levels) == set(Level)
    assert levels[Level.RES] > levels[Level.WM]
    assert_episodes_consistent()
    assert open_episodes_without_primary() == 2


def test_seed_demo_gives_the_demo_counselor_a_caseload_and_an_aftercare_client(app):
    assert run(app, "seed", "demo").exit_code == 0
    counselor = db.session.scalar(sa.select(User).where(User.email == COUNSELOR_EMAIL))

    caseload = queries.caseload(counselor.id)
    assert len(caseload) >= 6
    # A client discharged in the last 30 days stays visible for aftercare follow-up.
    recently_discharged = db.session.scalars(
        sa.select(Episode.client_id)
        .join(CareTeamMember, CareTeamMember.episode_id == Episode.id)
        .where(
            CareTeamMember.user_id == counselor.id,
            Episode.discharged_on >= clinic_today() - access.AFTERCARE_FOLLOW_UP,
        )
    ).all()
    assert recently_discharged
    visible = access.visible_clients(counselor, clinic_today(), utcnow())
    assert db.session.scalar(
        sa.select(sa.func.count()).where(Client.id.in_(recently_discharged), visible)
    ) == len(recently_discharged)


def test_seed_demo_admits_withdrawal_management_in_the_last_days(app):
    assert run(app, "seed", "demo").exit_code == 0
    today = clinic_today()
    admitted = db.session.scalars(
        sa.select(Episode.admitted_on)
        .join(LevelOfCareStay, LevelOfCareStay.episode_id == Episode.id)
        .where(LevelOfCareStay.ended_at.is_(None), LevelOfCareStay.level == Level.WM)
    ).all()
    assert admitted
    assert all(0 <= (today - day).days <= 6 for day in admitted)
    # Clients not yet admitted wait for intake.
    assert db.session.scalar(
        sa.select(sa.func.count()).select_from(Client).where(~Client.episodes.any())
    ) in range(1, 3)


def test_seed_demo_enters_admissions_when_they_happened(app, client):
    """Only the last few days' admissions are in the intake window: the intake coordinator sees
    those and the people not in treatment, and has a worklist (docs/access-and-workflows.md §2)."""
    assert run(app, "seed", "demo").exit_code == 0
    now = utcnow()
    arrivals = db.session.execute(
        sa.select(Episode.created_at, sa.func.min(LevelOfCareStay.started_at))
        .join(LevelOfCareStay, LevelOfCareStay.episode_id == Episode.id)
        .group_by(Episode.id, Episode.created_at)
    ).all()
    for entered, arrived in arrivals:
        assert arrived <= entered <= min(now, arrived + timedelta(hours=1))
    intake = db.session.scalar(sa.select(User).where(User.email == INTAKE_EMAIL))
    seen = db.session.scalars(
        sa.select(Client.id).where(access.visible_clients(intake, clinic_today(), now))
    ).all()
    episodes = {client_id: open_episode(client_id) for client_id in seen}
    in_treatment = [episode for episode in episodes.values() if episode is not None]
    assert len(seen) - len(in_treatment) == 5  # three discharged, two screened
    assert 2 <= len(in_treatment) <= 8  # of the 38 in treatment
    assert all(episode.created_at >= now - access.INTAKE_WINDOW for episode in in_treatment)

    login = {"email": INTAKE_EMAIL, "password": DEMO_PASSWORD}
    assert client.post("/login", data=login).status_code == 302
    html = client.get("/").get_data(as_text=True)
    due = html.split('id="due-items"', 1)[1].split("</ul>", 1)[0]
    assert "Admitted today, awaiting a primary counselor</a>: Tyler Brandt" in due
    assert "Admitted yesterday, awaiting a primary counselor</a>: Marcus Two Bulls" in due
    assert "Intake screening to give: PHQ-9, GAD-7, DAST-10, AUDIT-C</a>: Tyler Brandt" in due
    assert "Draft the intake assessment</a>: Tyler Brandt" in due


def test_seed_demo_screens_and_assesses_consistently(app):
    assert run(app, "seed", "demo").exit_code == 0
    signed = db.session.scalars(
        sa.select(Assessment).where(Assessment.status == AssessmentStatus.SIGNED)
    ).all()
    assert len(signed) >= 30
    first_levels = {
        stay.episode_id: stay.level
        for stay in db.session.scalars(
            sa.select(LevelOfCareStay).order_by(LevelOfCareStay.started_at.desc())
        )
    }
    for assessment in signed:
        # The stored recommendation is the rule's, and the client was placed where it pointed.
        again = placement.recommend(assessment.ratings)
        assert assessment.recommended_level == again.level
        if assessment.kind == AssessmentKind.INTAKE:
            assert assessment.chosen_level == first_levels[assessment.episode_id]
        else:
            assert assessment.override_reason is not None  # the demo's reassessment
    for result in db.session.scalars(sa.select(InstrumentResult)):
        context = {"sex": result.sex} if result.code == "AUDITC" else {}
        scored = instruments.score(result.code, result.answers_by_item, **context)
        assert (result.total, result.band, sorted(scored.flags)) == (
            scored.total,
            scored.band,
            result.flags,
        )
    waiting = db.session.scalars(
        sa.select(InstrumentResult).where(
            InstrumentResult.safety_flag.is_(True), InstrumentResult.acknowledged_at.is_(None)
        )
    ).all()
    assert len(waiting) == 1
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(InstrumentResult)
            .where(InstrumentResult.code == "COWS")
        )
        > 20
    )


def test_seed_demo_plans_meet_the_signing_rules(app):
    assert run(app, "seed", "demo").exit_code == 0
    plans = db.session.scalars(sa.select(TreatmentPlan)).all()
    statuses = Counter(plan.status for plan in plans)
    assert statuses[PlanStatus.ACTIVE] >= 25
    assert statuses[PlanStatus.DRAFT] == 2
    for plan in plans:
        if plan.author_signed_at is None:
            continue
        tree = plan_services.load_tree(plan.id)
        ratings = db.session.get(Assessment, plan.assessment_id).ratings
        assert plan_rules.signing_problems(tree, ratings, plan.author_signed_at.date()) == []
        assert plan_rules.stock_texts(tree) == []


# --- Scale ------------------------------------------------------------------------------------


def test_seed_scale_creates_consistent_synthetic_data(app):
    result = run(app, "seed", "scale", "--clients", "200")
    assert result.exit_code == 0, result.output
    assert "200 clients" in result.output

    assert count(Client) == 200
    assert len(set(db.session.scalars(sa.select(Client.mrn)))) == 200
    assert_episodes_consistent()
    assert set(current_levels()) == set(Level)
    discharged = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Episode.client_id))).where(
            Episode.discharged_on.is_not(None),
            Episode.client_id.not_in(
                sa.select(Episode.client_id).where(Episode.discharged_on.is_(None))
            ),
        )
    )
    assert 10 <= discharged <= 40  # about one in ten


def test_seed_scale_accounts_share_one_password_and_caseloads_are_even(app):
    assert run(app, "seed", "scale", "--clients", "200").exit_code == 0
    team = counselors()
    assert len(team) == 200 // scale.CLIENTS_PER_COUNSELOR
    assert len({user.password_hash for user in db.session.scalars(sa.select(User))}) == 1
    supervisor = db.session.scalar(sa.select(User).where(User.email == scale.SUPERVISOR_EMAIL))
    assert supervisor.roles == {Role.SUPERVISOR}
    assert supervisor.check_password(scale.SCALE_PASSWORD)
    first = db.session.scalar(sa.select(User).where(User.email == scale.FIRST_COUNSELOR_EMAIL))
    assert first == team[0]
    assert 25 <= len(queries.caseload(first.id)) <= 45


def test_seed_scale_is_refused_when_clients_exist(app, clients):
    clients.make()
    result = run(app, "seed", "scale", "--clients", "10")
    assert result.exit_code != 0
    assert "already has clients" in result.output
    assert count(Client) == 1
    assert count(User) == 0


@pytest.mark.parametrize("command", [["demo"], ["scale", "--clients", "10"]])
def test_seeding_is_refused_in_production(app, database_url, command):
    production = make_app(database_url, CLINIC_ENV="production", SECRET_KEY="s" * 40)
    # The command runs in the innermost app context: the production app's, not the test app's.
    with production.app_context():
        result = run(production, "seed", *command)
        assert result.exit_code != 0
        assert "never loaded in production" in result.output
        assert count(User) == 0
        assert count(Client) == 0
    dispose(production)
