"""The CIWA-Ar for alcohol withdrawal: given by medical staff, due on the COWS schedule for
clients withdrawing from alcohol, a floor under dimension 1, and charted over time."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinic.assessments import placement
from clinic.assessments.models import InstrumentResult
from clinic.clients.levels import Level
from clinic.clients.vocabulary import Substance, TeamRole
from clinic.core.clock import utcnow
from clinic.extensions import db
from tests.assessments.test_assessment_due import due_titles
from tests.forms import rendered_form

RATINGS = dict.fromkeys(range(1, 7), 0)


@pytest.mark.parametrize(
    ("total", "rating", "flag"),
    [(9, 0, None), (10, 2, None), (18, 2, None), (19, 3, placement.MEDICAL_REVIEW)],
)
def test_a_ciwa_total_sets_a_floor_under_dimension_one(total, rating, flag):
    found = placement.recommend(RATINGS, ciwa_total=total)
    assert found.ratings[1] == rating
    assert (flag in found.flags) if flag else placement.MEDICAL_REVIEW not in found.flags


def test_the_higher_of_the_two_floors_wins_and_flags_are_not_repeated():
    found = placement.recommend(RATINGS, cows_total=30, ciwa_total=25)
    assert found.ratings[1] == 3
    assert found.flags.count(placement.MEDICAL_REVIEW) == 1
    with pytest.raises(ValueError, match="CIWA-Ar total"):
        placement.recommend(RATINGS, ciwa_total=68)


@pytest.fixture
def drinker(users, clients, clock):
    nurse = users.make(roles=("medical",))
    patient = clients.make("Al", "Cohol")
    episode = clients.admit(
        patient,
        level=Level.WM,
        team=[(nurse, TeamRole.MEDICAL)],
        substances=(Substance.ALCOHOL,),
        level_since=utcnow() - timedelta(hours=2),
    )
    return nurse, patient, episode


def test_a_client_withdrawing_from_alcohol_needs_a_ciwa_not_a_cows(client, login, drinker):
    nurse, _patient, _episode = drinker
    login(nurse)
    titles = due_titles(client)
    assert "First CIWA-Ar due" in titles
    assert "COWS due" not in titles


def test_medical_staff_give_the_ciwa_through_its_form_and_it_is_charted(client, login, drinker):
    nurse, patient, _episode = drinker
    login(nurse)
    url = f"/clients/{patient.id}/assessments/instruments/CIWAAR/new"
    sent = rendered_form(client.get(url).get_data(as_text=True), "instrument-form")
    for number in range(1, 10):
        sent[f"item_{number}"] = "2"  # what the nurse rates
    sent["item_10"] = "1"
    response = client.post(url, data=sent)
    assert response.status_code == 302, response.get_data(as_text=True)
    result = db.session.scalars(sa.select(InstrumentResult)).one()
    assert (result.code, result.total, result.band) == ("CIWAAR", 19, "severe")
    assert "First CIWA-Ar due" not in due_titles(client)
    tab = client.get(f"/clients/{patient.id}/assessments/").get_data(as_text=True)
    assert "CIWA-Ar during withdrawal management" in tab
    assert "<td>CIWA-Ar</td>" in tab


def test_counselors_do_not_give_the_ciwa(client, login, users, drinker):
    _nurse, patient, episode = drinker
    counselor = users.make(roles=("counselor",))
    from clinic.clients.models import CareTeamMember

    db.session.add(
        CareTeamMember(episode_id=episode.id, user_id=counselor.id, team_role=TeamRole.THERAPIST)
    )
    db.session.commit()
    login(counselor)
    assert (
        client.get(f"/clients/{patient.id}/assessments/instruments/CIWAAR/new").status_code == 403
    )
