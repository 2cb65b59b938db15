"""Intake coordinators give the intake screening (`INTAKE_INSTRUMENTS`) while the admission is
in their intake window (docs/access-and-workflows.md §2); the COWS stays with medical staff, and
the program can turn it off."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinic.assessments import services
from clinic.assessments.models import InstrumentResult
from clinic.clients.levels import Level
from clinic.core.clock import clinic_today
from clinic.extensions import db
from tests.forms import rendered_form


@pytest.fixture
def intake(users, login):
    coordinator = users.make(roles=("intake",))
    login(coordinator)
    return coordinator


def results(code: str) -> list[InstrumentResult]:
    return list(
        db.session.scalars(sa.select(InstrumentResult).where(InstrumentResult.code == code))
    )


def test_an_intake_coordinator_gives_a_phq9_at_intake_through_the_form(
    client, intake, clients, clock
):
    patient = clients.make("Nora", "Fields")
    episode = clients.admit(patient, level=Level.RES)
    tab = client.get(f"/clients/{patient.id}/assessments/").get_data(as_text=True)
    assert "Give PHQ-9" in tab
    assert "Give COWS" not in tab
    assert "Give Readiness ruler" not in tab

    page = client.get(f"/clients/{patient.id}/assessments/instruments/PHQ9/new")
    assert page.status_code == 200
    form = rendered_form(page.get_data(as_text=True), "instrument-form")
    for item in range(1, 10):  # what the coordinator clicks: item 1 "several days", others 0
        form[f"item_{item}"] = "1" if item == 1 else "0"
    response = client.post(f"/clients/{patient.id}/assessments/instruments/PHQ9/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)

    (stored,) = results("PHQ9")
    assert (stored.episode_id, stored.total, stored.band) == (episode.id, 1, "minimal")
    assert stored.administered_by_id == intake.id


def test_the_cows_stays_with_medical_staff(client, intake, clients, clock):
    patient = clients.make()
    clients.admit(patient, level=Level.WM)
    assert client.get(f"/clients/{patient.id}/assessments/instruments/COWS/new").status_code == 403
    post = client.post(
        f"/clients/{patient.id}/assessments/instruments/COWS/new",
        data={"administered_at": "2026-03-02T09:00"},
    )
    assert post.status_code == 403
    assert results("COWS") == []


def test_the_program_can_leave_the_screening_to_counselors(
    app, client, intake, clients, clock, monkeypatch
):
    patient = clients.make()
    clients.admit(patient, level=Level.RES)
    page = client.get(f"/clients/{patient.id}/assessments/instruments/PHQ9/new")
    form = rendered_form(page.get_data(as_text=True), "instrument-form")
    for item in range(1, 10):
        form[f"item_{item}"] = "0"

    monkeypatch.setitem(app.config, "INTAKE_INSTRUMENTS", ())
    assert "Give PHQ-9" not in client.get(f"/clients/{patient.id}/assessments/").get_data(
        as_text=True
    )
    url = f"/clients/{patient.id}/assessments/instruments/PHQ9/new"
    assert client.get(url).status_code == 403
    assert client.post(url, data=form).status_code == 403
    assert results("PHQ9") == []


def test_only_the_configured_instruments_and_only_in_the_intake_window(
    app, client, intake, clients, clock, monkeypatch
):
    monkeypatch.setitem(app.config, "INTAKE_INSTRUMENTS", ("DAST10",))
    patient = clients.make()
    clients.admit(patient, level=Level.RES)
    assert (
        client.get(f"/clients/{patient.id}/assessments/instruments/DAST10/new").status_code == 200
    )
    assert client.get(f"/clients/{patient.id}/assessments/instruments/PHQ9/new").status_code == 403
    # An admission entered four days ago is past the window: no longer the coordinator's.
    earlier = clients.make()
    clients.admit(earlier, level=Level.RES, admitted_on=clinic_today() - timedelta(days=4))
    assert (
        client.get(f"/clients/{earlier.id}/assessments/instruments/DAST10/new").status_code == 404
    )


@pytest.mark.parametrize("wrong", [("COWS",), ("PHQ9", "NOPE")])
def test_a_setting_naming_anything_but_a_screening_questionnaire_is_refused(wrong):
    # assessments.init_app checks the setting this way when the app is built.
    with pytest.raises(ValueError, match="INTAKE_INSTRUMENTS"):
        services.intake_instruments(wrong)
    assert services.intake_instruments(()) == ()
