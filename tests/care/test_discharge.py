"""Discharge: the rules by type, then requested and approved like a move; the episode closes,
its stay ends, it stays readable, and the client can be readmitted."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from clinic.assessments.vocabulary import AssessmentKind
from clinic.care.models import DischargeRequest, RequestStatus
from clinic.care.transitions import DischargePlan, discharge_problems
from clinic.clients.levels import Level
from clinic.clients.models import Episode
from clinic.clients.stays import LevelOfCareStay
from clinic.extensions import db
from tests.factories import signed_assessment


def plan(**changes) -> DischargePlan:
    values = {
        "discharge_type": "completed",
        "reason": "Completed the residential program.",
        "discharge_assessment_signed": True,
        "living_situation": "Sober living house in Billings",
        "continuing_care": "IOP at the program",
        "meetings": "NA Tuesday and Friday evenings",
        "moud_continues": True,
        "moud_with": "Dr Chen, community clinic",
    }
    return DischargePlan(**{**values, **changes})


def fields(found):
    return [field for field, _message in found]


def test_a_complete_planned_discharge_passes():
    assert discharge_problems(plan()) == []
    assert discharge_problems(plan(discharge_type="transferred")) == []
    assert discharge_problems(plan(moud_continues=False, moud_with="")) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"discharge_assessment_signed": False}, None),
        ({"living_situation": " "}, "living_situation"),
        ({"continuing_care": ""}, "continuing_care"),
        ({"meetings": ""}, "meetings"),
        ({"moud_continues": None}, "moud_continues"),
        ({"moud_with": ""}, "moud_with"),
        ({"reason": ""}, "reason"),
    ],
)
def test_a_planned_discharge_needs_its_assessment_and_aftercare(changes, field):
    assert fields(discharge_problems(plan(**changes))) == [field]


def test_leaving_against_advice_records_the_time_and_a_follow_up():
    ama = plan(
        discharge_type="against_advice", discharge_assessment_signed=False, living_situation=""
    )
    assert fields(discharge_problems(ama)) == ["left_at", "follow_up"]
    left = datetime(2026, 3, 1, 22, tzinfo=UTC)
    assert (
        discharge_problems(
            plan(
                discharge_type="against_advice",
                left_at=left,
                follow_up="Called twice; left a message.",
            )
        )
        == []
    )


@pytest.mark.parametrize("kind", ["administrative", "deceased", "other"])
def test_other_discharges_need_a_reason_only(kind):
    bare = DischargePlan(
        discharge_type=kind, reason="Reason given.", discharge_assessment_signed=False
    )
    assert discharge_problems(bare) == []


def request_form(**changes) -> dict:
    return {
        "discharge_type": "completed",
        "reason": "Completed treatment.",
        "living_situation": "With his sister",
        "continuing_care": "Outpatient here",
        "meetings": "AA Monday",
        "moud_continues": "yes",
        "moud_with": "Dr Chen",
        "left_at": "",
        "follow_up": "",
    } | changes


def test_a_planned_discharge_from_request_to_readmission(client, login, clients, ward):
    url = f"/clients/{ward.client.id}/care/discharge"
    login(ward.counselor)
    refused = client.post(url, data=request_form())
    assert "signed discharge assessment" in refused.get_data(as_text=True)
    signed_assessment(ward.episode, ward.counselor, Level.OP, kind=AssessmentKind.DISCHARGE)
    missing = client.post(url, data=request_form(meetings=""))
    assert 'id="meetings-errors"' in missing.get_data(as_text=True)
    assert "With his sister" in missing.get_data(as_text=True)  # what was typed stays
    assert client.post(url, data=request_form()).status_code == 302

    client.post("/logout")
    login(ward.supervisor)
    assert "Discharge to decide" in client.get("/").get_data(as_text=True)
    row = db.session.scalars(sa.select(DischargeRequest)).one()
    approved = client.post(f"{url}/{row.id}/approve", data={"note": "Well done."})
    assert approved.status_code == 302
    db.session.expire_all()
    episode = db.session.get(Episode, ward.episode.id)
    assert (episode.discharged_on is not None, episode.discharge_type.value) == (True, "completed")
    stay = db.session.scalars(
        sa.select(LevelOfCareStay).where(LevelOfCareStay.episode_id == episode.id)
    ).one()
    assert stay.ended_by == "discharge"
    assert db.session.get(DischargeRequest, row.id).status == RequestStatus.APPROVED
    # A replay changes nothing more.
    assert client.post(f"{url}/{row.id}/approve", data={"note": ""}).status_code == 409
    # The closed episode stays readable, with its aftercare plan, and the client can come back.
    assert client.get(f"/clients/{ward.client.id}").status_code == 200
    record = client.get(url).get_data(as_text=True)
    assert "With his sister" in record
    assert "Yes, with Dr Chen" in record
    readmit = client.get(f"/clients/{ward.client.id}/episodes/new")
    assert readmit.status_code == 200


def test_leaving_against_advice_closes_on_the_day_they_left(client, login, ward):
    url = f"/clients/{ward.client.id}/care/discharge"
    login(ward.counselor)
    left = "2026-03-02T06:30"
    form = request_form(
        discharge_type="against_advice",
        reason="Left the unit during the night.",
        living_situation="",
        continuing_care="",
        meetings="",
        moud_continues="",
        moud_with="",
        left_at=left,
        follow_up="Called at 9:00 and 13:00; voicemail; sister informed with consent.",
    )
    assert client.post(url, data=form).status_code == 302
    client.post("/logout")
    login(ward.supervisor)
    row = db.session.scalars(sa.select(DischargeRequest)).one()
    assert client.post(f"{url}/{row.id}/approve", data={"note": ""}).status_code == 302
    db.session.expire_all()
    episode = db.session.get(Episode, ward.episode.id)
    assert episode.discharge_type.value == "against_advice"
    stay = db.session.scalars(
        sa.select(LevelOfCareStay).where(LevelOfCareStay.episode_id == episode.id)
    ).one()
    assert stay.ended_at == datetime(2026, 3, 2, 11, 30, tzinfo=UTC)  # 06:30 in New York


def test_a_discharge_in_the_future_is_refused(client, login, ward, clock):
    login(ward.counselor)
    later = (clock.now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    page = client.post(
        f"/clients/{ward.client.id}/care/discharge",
        data=request_form(discharge_type="against_advice", left_at=later, follow_up="Called."),
    )
    assert 'id="left_at-errors"' in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DischargeRequest)) == 0


def test_a_discharge_closes_the_moves_still_waiting(client, login, ward):
    from tests.care.test_transition_views import ask, pending

    login(ward.counselor)
    assert ask(client, ward).status_code == 302
    signed_assessment(ward.episode, ward.counselor, Level.OP, kind=AssessmentKind.DISCHARGE)
    url = f"/clients/{ward.client.id}/care/discharge"
    assert client.post(url, data=request_form()).status_code == 302
    client.post("/logout")
    login(ward.supervisor)
    row = db.session.scalars(sa.select(DischargeRequest)).one()
    client.post(f"{url}/{row.id}/approve", data={"note": ""})
    assert pending(ward).status == RequestStatus.WITHDRAWN
    assert "Move to decide" not in client.get("/").get_data(as_text=True)


def test_a_discharged_episode_is_not_reopened(clients, ward):
    clients.discharge(ward.episode)

    def reopen():
        db.session.execute(
            sa.update(Episode)
            .where(Episode.id == ward.episode.id)
            .values(discharged_on=None, discharge_type=None)
        )
        db.session.commit()  # PostgreSQL's check runs at commit

    with pytest.raises(sa.exc.DBAPIError, match=r"reopen|open stay"):
        reopen()
    db.session.rollback()
