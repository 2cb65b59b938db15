"""The Assessments tab through the Flask test client: who may do what, instruments scored and
stored, safety flags, assessments from draft to signed, and what a bad post leaves behind."""

import re

import pytest
import sqlalchemy as sa

from clinic.assessments.models import Assessment, AssessmentAddendum, InstrumentResult
from clinic.assessments.vocabulary import AssessmentKind, AssessmentStatus
from clinic.clients.levels import Level
from clinic.clients.vocabulary import TeamRole
from clinic.core.audit import AuditEvent
from clinic.extensions import db
from tests.access import ROLES, assert_answers
from tests.assessments.helpers import assessment_post, at, instrument_post, lowest

# (method, url, {role: status}); {c} the client, {r} a PHQ-9 result, {a} a draft intake
# assessment, {s} a signed reassessment. The client is in residential care, with the medical
# user on the care team.
TABLE = [
    ("GET", "/clients/{c}/assessments/", {"other_counselor": 404, "admin": 403, "*": 200}),
    # The intake screening (INTAKE_INSTRUMENTS) is the intake coordinator's too while the
    # admission is in their intake window (this one was entered today); the readiness ruler
    # and the COWS are not.
    *(
        (
            "GET",
            f"/clients/{{c}}/assessments/instruments/{code}/new",
            {"intake": 200, "counselor": 200, "supervisor": 200, "other_counselor": 404, "*": 403},
        )
        for code in ("PHQ9", "GAD7", "DAST10", "AUDITC")
    ),
    (
        "GET",
        "/clients/{c}/assessments/instruments/RULER/new",
        {"counselor": 200, "supervisor": 200, "other_counselor": 404, "*": 403},
    ),
    (
        "GET",
        "/clients/{c}/assessments/instruments/COWS/new",
        {"medical": 200, "other_counselor": 404, "*": 403},
    ),
    ("GET", "/clients/{c}/assessments/instruments/NOPE/new", {"*": 404}),
    (
        "GET",
        "/clients/{c}/assessments/instruments/{r}",
        {"other_counselor": 404, "admin": 403, "*": 200},
    ),
    (
        "POST",
        "/clients/{c}/assessments/instruments/{r}/acknowledge",
        {"counselor": 200, "medical": 200, "supervisor": 200, "other_counselor": 404, "*": 403},
    ),
    (
        "POST",
        "/clients/{c}/assessments/new",
        {"intake": 302, "counselor": 302, "supervisor": 302, "other_counselor": 404, "*": 403},
    ),
    # A draft: read-only for medical staff, editable by the others (an empty post is refused
    # with messages, 200).
    ("GET", "/clients/{c}/assessments/{a}", {"other_counselor": 404, "admin": 403, "*": 200}),
    (
        "POST",
        "/clients/{c}/assessments/{a}",
        {"intake": 200, "counselor": 200, "supervisor": 200, "other_counselor": 404, "*": 403},
    ),
    ("GET", "/clients/{c}/assessments/{s}", {"other_counselor": 404, "admin": 403, "*": 200}),
    ("POST", "/clients/{c}/assessments/{s}", {"other_counselor": 404, "admin": 403, "*": 409}),
    (
        "POST",
        "/clients/{c}/assessments/{s}/addenda",
        {"counselor": 200, "supervisor": 200, "other_counselor": 404, "*": 403},
    ),
    (
        "GET",
        "/assessments/recommendation?d1=0&d2=0&d3=0&d4=0&d5=0&d6=0",
        {"intake": 200, "counselor": 200, "other_counselor": 200, "supervisor": 200, "*": 403},
    ),
]


@pytest.fixture
def ward(staff, clients, clock):
    """A residential client with a counselor and a medical member on the team, a PHQ-9
    result, a draft intake assessment and a signed reassessment."""
    client = clients.make()
    episode = clients.admit(
        client,
        level=Level.RES,
        counselor=staff["counselor"],
        team=[(staff["medical"], TeamRole.MEDICAL)],
    )
    result = InstrumentResult(
        client_id=client.id,
        episode_id=episode.id,
        code="PHQ9",
        answers={str(key): 0 for key in range(1, 10)},
        total=0,
        band="minimal",
        flags=[],
        administered_at=at(9),
        administered_by_id=staff["counselor"].id,
    )
    draft = Assessment(
        client_id=client.id,
        episode_id=episode.id,
        kind=AssessmentKind.INTAKE,
        created_by_id=staff["counselor"].id,
    )
    signed = Assessment(
        client_id=client.id,
        episode_id=episode.id,
        kind=AssessmentKind.REASSESSMENT,
        created_by_id=staff["counselor"].id,
        **{f"d{number}_rating": 1 for number in range(1, 7)},
        **{f"d{number}_rationale": "seen" for number in range(1, 7)},
        recommended_level=Level.OP,
        chosen_level=Level.OP,
        status=AssessmentStatus.SIGNED,
        signed_at=at(10),
        signed_by_id=staff["counselor"].id,
    )
    db.session.add_all([result, draft, signed])
    db.session.commit()
    return staff, client, episode, result, draft, signed


@pytest.mark.parametrize("role", ROLES)
def test_assessment_routes_answer_each_role_as_the_table_says(client, login, ward, role):
    staff, record, _episode, result, draft, signed = ward
    login(staff[role])
    assert_answers(client, role, TABLE, c=record.id, r=result.id, a=draft.id, s=signed.id)


def test_records_of_another_client_are_404_under_this_one(client, login, ward, clients):
    staff, _record, _episode, result, draft, _signed = ward
    other = clients.make()
    clients.admit(other, counselor=staff["counselor"])
    login(staff["counselor"])
    assert client.get(f"/clients/{other.id}/assessments/instruments/{result.id}").status_code == 404
    assert client.get(f"/clients/{other.id}/assessments/{draft.id}").status_code == 404


def test_medical_staff_see_and_screen_clients_in_withdrawal_management(
    client, login, users, clients, clock
):
    nurse = users.make(roles=("medical",))
    patient = clients.make()
    clients.admit(patient, level=Level.WM)
    login(nurse)
    page = client.get(f"/clients/{patient.id}/assessments/")
    assert page.status_code == 200
    assert "Give COWS" in page.get_data(as_text=True)
    assert "Give PHQ-9" not in page.get_data(as_text=True)


# --- Instruments ------------------------------------------------------------------------------


def test_a_phq9_is_scored_stored_and_audited(client, login, ward, clock):
    staff, record, episode, *_ = ward
    login(staff["counselor"])
    answers = {**lowest("PHQ9"), 1: 3, 2: 3, 3: 2, 4: 2}
    response = client.post(
        f"/clients/{record.id}/assessments/instruments/PHQ9/new",
        data=instrument_post("PHQ9", answers, at(13, 30)),
    )
    assert response.status_code == 302
    stored = db.session.scalars(
        sa.select(InstrumentResult).order_by(InstrumentResult.id.desc())
    ).first()
    assert (stored.code, stored.total, stored.band, stored.flags) == ("PHQ9", 10, "moderate", [])
    assert stored.episode_id == episode.id
    assert stored.administered_by_id == staff["counselor"].id
    assert stored.administered_at == at(13, 30)
    assert stored.answers_by_item == answers
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "instrument.administered")
    ).one()
    assert event.client_id == record.id
    assert event.detail["total"] == 10


def test_a_missing_answer_is_shown_beside_its_item_and_keeps_the_others(client, login, ward, clock):
    staff, record, *_ = ward
    login(staff["counselor"])
    answers = {**lowest("GAD7"), 1: 2, 5: 3}
    del answers[4]
    before = db.session.scalar(sa.select(sa.func.count()).select_from(InstrumentResult))
    page = client.post(
        f"/clients/{record.id}/assessments/instruments/GAD7/new",
        data=instrument_post("GAD7", answers, at(13)),
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="item_4-errors"' in html
    assert re.search(
        r'<input[^>]*checked[^>]*name="item_1"[^>]*value="2"|<input[^>]*name="item_1"[^>]*value="2"[^>]*checked',
        html,
    )
    assert re.search(
        r'name="item_5"[^>]*value="3"[^>]*checked|checked[^>]*name="item_5"[^>]*value="3"', html
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InstrumentResult)) == before


def test_cows_refuses_a_value_the_item_does_not_allow(client, login, users, clients, clock):
    nurse = users.make(roles=("medical",))
    patient = clients.make()
    clients.admit(patient, level=Level.WM)
    login(nurse)
    form = instrument_post("COWS", {**lowest("COWS"), 3: 4}, at(13))  # restlessness: 0, 1, 3, 5
    page = client.post(f"/clients/{patient.id}/assessments/instruments/COWS/new", data=form)
    assert page.status_code == 200
    assert 'id="item_3-errors"' in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InstrumentResult)) == 0


def test_a_time_in_the_future_is_refused_beside_the_field(client, login, ward, clock):
    staff, record, *_ = ward
    login(staff["counselor"])
    page = client.post(
        f"/clients/{record.id}/assessments/instruments/PHQ9/new",
        data=instrument_post("PHQ9", lowest("PHQ9"), at(15)),
    )
    assert page.status_code == 200
    assert "in the future" in page.get_data(as_text=True)


def test_no_instrument_without_an_open_episode(client, login_as, clients):
    record = clients.make()
    login_as("supervisor")
    page = client.post(
        f"/clients/{record.id}/assessments/instruments/PHQ9/new",
        data=instrument_post("PHQ9", lowest("PHQ9"), at(13)),
    )
    assert page.status_code == 200
    assert "no open episode" in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InstrumentResult)) == 0


def test_the_readiness_ruler_and_the_trend_charts(client, login, ward, clock):
    staff, record, *_ = ward
    login(staff["counselor"])
    for hour, importance in ((10, 4), (12, 7)):
        client.post(
            f"/clients/{record.id}/assessments/instruments/RULER/new",
            data=instrument_post("RULER", {"importance": importance, "confidence": 5}, at(hour)),
        )
    html = client.get(f"/clients/{record.id}/assessments/").get_data(as_text=True)
    assert "Readiness ruler" in html
    assert html.count('data-series="Importance"') == 1
    ruler = re.search(r'data-series="Importance"', html)
    assert ruler is not None
    assert "importance 7, confidence 5" in html


# --- Safety flags -----------------------------------------------------------------------------


def test_phq9_item_9_raises_an_alert_until_acknowledged(client, login, ward, clock):
    staff, record, *_ = ward
    login(staff["counselor"])
    client.post(
        f"/clients/{record.id}/assessments/instruments/PHQ9/new",
        data=instrument_post("PHQ9", {**lowest("PHQ9"), 9: 1}, at(13)),
    )
    flagged = db.session.scalars(
        sa.select(InstrumentResult).where(InstrumentResult.safety_flag.is_(True))
    ).one()
    assert flagged.total == 1
    assert "safety" in flagged.flags

    tab = client.get(f"/clients/{record.id}/assessments/").get_data(as_text=True)
    assert "Safety flag: thoughts of self-harm" in tab
    overview = client.get(f"/clients/{record.id}").get_data(as_text=True)
    assert "Safety flag: thoughts of self-harm" in overview
    home = client.get("/").get_data(as_text=True)
    assert "Safety flag to acknowledge" in home

    supervisor = staff["supervisor"]
    client.post("/logout")
    login(supervisor)
    assert "Safety flag to acknowledge" in client.get("/").get_data(as_text=True)
    refused = client.post(
        f"/clients/{record.id}/assessments/instruments/{flagged.id}/acknowledge",
        data={"note": "  "},
    )
    assert refused.status_code == 200
    assert 'id="note-errors"' in refused.get_data(as_text=True)

    done = client.post(
        f"/clients/{record.id}/assessments/instruments/{flagged.id}/acknowledge",
        data={"note": "Safety plan reviewed with the client; on-call told."},
    )
    assert done.status_code == 302
    db.session.refresh(flagged)
    assert flagged.acknowledged_by_id == supervisor.id
    assert "Safety flag to acknowledge" not in client.get("/").get_data(as_text=True)
    assert "Safety flag: thoughts of self-harm" not in client.get(
        f"/clients/{record.id}/assessments/"
    ).get_data(as_text=True)
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "safety.acknowledged", AuditEvent.client_id == record.id)
        )
        == 1
    )
    again = client.post(
        f"/clients/{record.id}/assessments/instruments/{flagged.id}/acknowledge",
        data={"note": "twice"},
    )
    assert again.status_code == 200
    assert "no safety flag waiting" in again.get_data(as_text=True)


def test_a_counselor_off_the_team_does_not_get_the_alert(client, login, ward, clock):
    staff, record, *_ = ward
    login(staff["counselor"])
    client.post(
        f"/clients/{record.id}/assessments/instruments/PHQ9/new",
        data=instrument_post("PHQ9", {**lowest("PHQ9"), 9: 2}, at(13)),
    )
    client.post("/logout")
    login(staff["other_counselor"])
    assert "Safety flag" not in client.get("/").get_data(as_text=True)


# --- Assessments ------------------------------------------------------------------------------


def start(client, record, kind="intake"):
    response = client.post(f"/clients/{record.id}/assessments/new", data={"kind": kind})
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.get(Assessment, int(response.headers["Location"].rstrip("/").split("/")[-1]))


def test_an_assessment_from_draft_to_signed(client, login, ward, clock):
    staff, record, *_ = ward
    login(staff["counselor"])
    db.session.execute(sa.delete(Assessment).where(Assessment.kind == AssessmentKind.INTAKE))
    db.session.commit()
    assessment = start(client, record)
    url = f"/clients/{record.id}/assessments/{assessment.id}"

    saved = client.post(url, data=assessment_post(assessment.version, {1: 1, 2: 0, 3: 2}))
    assert saved.status_code == 302
    db.session.refresh(assessment)
    assert assessment.status == AssessmentStatus.DRAFT
    assert assessment.recommended_level is None  # not every dimension rated yet

    ratings = {1: 1, 2: 0, 3: 3, 4: 2, 5: 3, 6: 1}
    page = client.post(
        url,
        data=assessment_post(
            assessment.version, ratings, action="sign", substance_history="Heroin, daily"
        ),
    )
    assert page.status_code == 200  # no level chosen: not signed
    html = page.get_data(as_text=True)
    assert 'id="chosen_level-errors"' in html
    assert "Heroin, daily" in html
    db.session.refresh(assessment)
    assert assessment.status == AssessmentStatus.DRAFT
    assert assessment.recommended_level == Level.RES
    assert assessment.recommendation_drivers == [5]

    signed = client.post(
        url, data=assessment_post(assessment.version, ratings, action="sign", chosen_level="RES")
    )
    assert signed.status_code == 302
    db.session.refresh(assessment)
    assert assessment.status == AssessmentStatus.SIGNED
    assert assessment.signed_by_id == staff["counselor"].id
    view = client.get(url).get_data(as_text=True)
    assert 'id="chosen-level">RES' in view
    assert 'name="d1_rating"' not in view


def test_a_level_other_than_the_recommendation_needs_a_reason(client, login, ward, clock):
    staff, record, _episode, _result, draft, _signed = ward
    login(staff["counselor"])
    url = f"/clients/{record.id}/assessments/{draft.id}"
    ratings = dict.fromkeys(range(1, 7), 1)  # OP
    page = client.post(
        url, data=assessment_post(draft.version, ratings, action="sign", chosen_level="IOP")
    )
    assert 'id="override_reason-errors"' in page.get_data(as_text=True)
    db.session.refresh(draft)
    page = client.post(
        url,
        data=assessment_post(
            draft.version, ratings, action="sign", chosen_level="IOP", override_reason="other"
        ),
    )
    assert 'id="override_note-errors"' in page.get_data(as_text=True)
    db.session.refresh(draft)
    done = client.post(
        url,
        data=assessment_post(
            draft.version, ratings, action="sign", chosen_level="IOP", override_reason="payer"
        ),
    )
    assert done.status_code == 302
    db.session.refresh(draft)
    assert (draft.recommended_level, draft.chosen_level, draft.override_reason.value) == (
        Level.OP,
        Level.IOP,
        "payer",
    )


def test_a_post_to_a_signed_assessment_is_refused_and_changes_nothing(client, login, ward):
    staff, record, _episode, _result, _draft, signed = ward
    login(staff["counselor"])
    before = (signed.version, signed.ratings, signed.chosen_level)
    page = client.post(
        f"/clients/{record.id}/assessments/{signed.id}",
        data=assessment_post(signed.version, dict.fromkeys(range(1, 7), 4), chosen_level="WM"),
    )
    assert page.status_code == 409
    assert "signed and can no longer change" in page.get_data(as_text=True)
    db.session.expire_all()
    again = db.session.get(Assessment, signed.id)
    assert (again.version, again.ratings, again.chosen_level) == before


def test_the_database_itself_refuses_to_change_a_signed_assessment(ward):
    *_, signed = ward
    with pytest.raises(sa.exc.DBAPIError, match="read-only"):
        db.session.execute(
            sa.update(Assessment).where(Assessment.id == signed.id).values(d1_rating=4)
        )
    db.session.rollback()


def test_corrections_to_a_signed_assessment_are_addenda(client, login, ward, clock):
    staff, record, *_, signed = ward
    login(staff["supervisor"])
    url = f"/clients/{record.id}/assessments/{signed.id}/addenda"
    assert 'id="text-errors"' in client.post(url, data={"text": ""}).get_data(as_text=True)
    assert client.post(url, data={"text": "Dimension 6: housing now stable."}).status_code == 302
    addendum = db.session.scalars(sa.select(AssessmentAddendum)).one()
    assert addendum.written_by_id == staff["supervisor"].id
    html = client.get(f"/clients/{record.id}/assessments/{signed.id}").get_data(as_text=True)
    assert "Dimension 6: housing now stable." in html


def test_intake_coordinators_draft_the_intake_assessment_but_do_not_sign(
    client, login, ward, clock
):
    staff, record, _episode, _result, draft, _signed = ward
    login(staff["intake"])
    url = f"/clients/{record.id}/assessments/{draft.id}"
    assert client.post(url, data=assessment_post(draft.version, {1: 2})).status_code == 302
    db.session.refresh(draft)
    assert draft.d1_rating == 2
    ratings = dict.fromkeys(range(1, 7), 1)
    refused = client.post(
        url, data=assessment_post(draft.version, ratings, action="sign", chosen_level="OP")
    )
    assert refused.status_code == 403
    db.session.refresh(draft)
    assert draft.status == AssessmentStatus.DRAFT
    assert (
        client.post(
            f"/clients/{record.id}/assessments/new", data={"kind": "reassessment"}
        ).status_code
        == 302
    )  # refused with a message: only the intake kind is offered
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Assessment)
            .where(
                Assessment.kind == AssessmentKind.REASSESSMENT,
                Assessment.status == AssessmentStatus.DRAFT,
            )
        )
        == 0
    )


def test_a_second_intake_assessment_is_neither_offered_nor_accepted(client, login, ward):
    staff, record, *_ = ward
    login(staff["counselor"])
    tab = client.get(f"/clients/{record.id}/assessments/").get_data(as_text=True)
    offered = re.findall(r'<option[^>]*value="(\w+)"', tab[tab.index('id="start-assessment"') :])
    assert offered == ["reassessment", "discharge"]
    response = client.post(f"/clients/{record.id}/assessments/new", data={"kind": "intake"})
    assert response.status_code == 302
    intakes = sa.select(sa.func.count()).where(Assessment.kind == AssessmentKind.INTAKE)
    assert db.session.scalar(intakes) == 1


def test_a_discharge_assessment_can_be_started_after_the_episode_closed(
    client, login, ward, clock, clients
):
    staff, record, episode, *_ = ward
    clients.discharge(episode)
    login(staff["counselor"])
    tab = client.get(f"/clients/{record.id}/assessments/").get_data(as_text=True)
    offered = re.findall(r'<option[^>]*value="(\w+)"', tab[tab.index('id="start-assessment"') :])
    assert offered == ["discharge"]
    assessment = start(client, record, "discharge")
    assert (assessment.kind, assessment.episode_id) == (AssessmentKind.DISCHARGE, episode.id)


def test_intake_coordinators_do_not_read_assessments_of_past_episodes(client, login, ward, clients):
    staff, record, episode, *_ = ward
    clients.discharge(episode)
    login(staff["intake"])
    assert client.get(f"/clients/{record.id}").status_code == 200  # to readmit
    assert client.get(f"/clients/{record.id}/assessments/").status_code == 403


def test_a_bad_rating_is_shown_beside_it_and_keeps_everything_typed(client, login, ward):
    staff, record, _episode, _result, draft, _signed = ward
    login(staff["counselor"])
    form = assessment_post(draft.version, {1: 2, 2: 1}, housing="Lives with <b>sister</b>")
    form["d3_rating"] = "7"
    page = client.post(f"/clients/{record.id}/assessments/{draft.id}", data=form)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="d3_rating-errors"' in html
    assert "Lives with &lt;b&gt;sister&lt;/b&gt;" in html
    assert re.search(r'<option selected value="2">|<option value="2" selected>', html)
    db.session.refresh(draft)
    assert draft.d1_rating is None


def test_two_people_saving_one_draft_get_a_conflict_not_a_lost_edit(client, login, ward):
    staff, record, _episode, _result, draft, _signed = ward
    login(staff["counselor"])
    url = f"/clients/{record.id}/assessments/{draft.id}"
    first_version = draft.version
    assert client.post(url, data=assessment_post(first_version, {1: 3})).status_code == 302
    page = client.post(url, data=assessment_post(first_version, {1: 1}))
    assert page.status_code == 200
    assert 'id="conflict"' in page.get_data(as_text=True)
    db.session.refresh(draft)
    assert draft.d1_rating == 3


def test_only_this_episodes_results_can_be_linked(client, login, ward, clients, clock):
    staff, record, _episode, result, draft, _signed = ward
    other = clients.make()
    other_episode = clients.admit(other, counselor=staff["counselor"])
    foreign = InstrumentResult(
        client_id=other.id,
        episode_id=other_episode.id,
        code="COWS",
        answers={str(key): 5 for key in range(1, 12)},
        total=40,
        band="severe",
        flags=[],
        administered_at=at(9),
        administered_by_id=staff["counselor"].id,
    )
    db.session.add(foreign)
    db.session.commit()
    login(staff["counselor"])
    form = assessment_post(draft.version, dict.fromkeys(range(1, 7), 0))
    form["linked"] = [str(result.id), str(foreign.id)]
    page = client.post(f"/clients/{record.id}/assessments/{draft.id}", data=form)
    assert page.status_code == 200  # the foreign id is not a choice
    assert 'id="linked-errors"' in page.get_data(
        as_text=True
    ) or "Not a valid choice" in page.get_data(as_text=True)
    db.session.refresh(draft)
    assert draft.cows_total is None


def test_a_linked_cows_sets_the_floor_under_dimension_1(client, login, ward, clock):
    staff, record, episode, _result, draft, _signed = ward
    cows = InstrumentResult(
        client_id=record.id,
        episode_id=episode.id,
        code="COWS",
        answers={},
        total=26,
        band="moderately severe",
        flags=[],
        administered_at=at(9),
        administered_by_id=staff["medical"].id,
    )
    db.session.add(cows)
    db.session.commit()
    login(staff["counselor"])
    form = assessment_post(draft.version, dict.fromkeys(range(1, 7), 0), linked=[str(cows.id)])
    assert client.post(f"/clients/{record.id}/assessments/{draft.id}", data=form).status_code == 302
    db.session.refresh(draft)
    assert (draft.cows_total, draft.recommended_level) == (26, Level.WM)
    assert draft.recommendation_flags == ["medical review"]


def test_the_live_recommendation_endpoint(client, login_as):
    login_as("counselor")
    answer = client.get("/assessments/recommendation?d1=1&d2=0&d3=3&d4=1&d5=3&d6=0").get_json()
    assert answer == {"level": "RES", "label": Level.RES.label, "drivers": [5], "flags": []}
    floored = client.get("/assessments/recommendation?d1=0&d2=0&d3=0&d4=0&d5=0&d6=0&cows=30")
    assert floored.get_json()["level"] == "WM"
    assert "medical review" in floored.get_json()["flags"]
    assert client.get("/assessments/recommendation?d1=9").get_json() == {"level": None}


def test_the_tab_runs_the_same_number_of_queries_with_more_results(
    client, login, ward, clock, count_queries
):
    staff, record, episode, *_ = ward
    login(staff["counselor"])

    def add(count):
        db.session.add_all(
            InstrumentResult(
                client_id=record.id,
                episode_id=episode.id,
                code=code,
                answers={},
                total=5,
                band="mild",
                flags=[],
                administered_at=at(8),
                administered_by_id=staff["medical"].id,
            )
            for _ in range(count)
            for code in ("COWS", "PHQ9", "GAD7")
        )
        db.session.commit()

    url = f"/clients/{record.id}/assessments/"
    add(2)
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    add(40)
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many.count == few.count


def test_of_two_acknowledgements_at_once_the_second_is_told_not_recorded(app, ward, clock):
    from clinic.assessments import services

    staff, _record, _episode, result, *_ = ward
    session = db.session()
    session.expire_on_commit = False  # keep the copy the second clinician read
    try:
        result.flags, result.safety_flag = ["safety"], True
        db.session.commit()
        assert result.needs_acknowledgement
        # The first clinician's acknowledgement lands, behind the second one's copy.
        db.session.execute(
            sa.update(InstrumentResult)
            .where(InstrumentResult.id == result.id)
            .values(
                acknowledged_at=at(13),
                acknowledged_by_id=staff["counselor"].id,
                acknowledgement="first",
            )
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        with pytest.raises(services.AssessmentError, match="a moment ago"):
            services.acknowledge(result, "second", actor=staff["supervisor"])
        db.session.rollback()
    finally:
        session.expire_on_commit = True
    db.session.refresh(result)
    assert (result.acknowledgement, result.acknowledged_by_id) == ("first", staff["counselor"].id)


def test_the_form_lists_results_oldest_first_with_their_cows_totals(client, login, ward):
    staff, record, episode, _result, draft, _signed = ward
    for hour, total in ((11, 20), (7, 30)):
        db.session.add(
            InstrumentResult(
                client_id=record.id,
                episode_id=episode.id,
                code="COWS",
                answers={},
                total=total,
                band="moderate",
                flags=[],
                administered_at=at(hour),
                administered_by_id=staff["medical"].id,
            )
        )
    db.session.commit()
    login(staff["counselor"])
    html = client.get(f"/clients/{record.id}/assessments/{draft.id}").get_data(as_text=True)
    # The page's script takes the last ticked COWS as the latest, as the server does.
    assert re.findall(r'data-cows-total="(\d*)"', html) == ["30", "", "20"]


def test_the_database_refuses_new_links_to_a_signed_assessment(ward):
    *_, result, _draft, signed = ward
    from clinic.assessments.models import assessment_instruments

    with pytest.raises(sa.exc.DBAPIError, match="read-only"):
        db.session.execute(
            assessment_instruments.insert().values(
                assessment_id=signed.id, instrument_result_id=result.id
            )
        )
    db.session.rollback()


def test_a_safety_flag_outlives_the_discharge_until_acknowledged(
    client, login, ward, clock, clients
):
    staff, record, episode, result, *_ = ward
    result.flags, result.safety_flag = ["safety"], True
    clients.discharge(episode)
    login(staff["counselor"])  # still sees the client: aftercare follow-up
    assert "Safety flag to acknowledge" in client.get("/").get_data(as_text=True)
    chart = client.get(f"/clients/{record.id}").get_data(as_text=True)
    assert "Safety flag: thoughts of self-harm" in chart


def test_results_are_named_as_the_instruments_are_published(client, login, ward):
    staff, record, *_ = ward
    login(staff["counselor"])
    html = client.get(f"/clients/{record.id}/assessments/").get_data(as_text=True)
    assert "<td>PHQ-9</td>" in html
    assert "<td>PHQ9</td>" not in html
