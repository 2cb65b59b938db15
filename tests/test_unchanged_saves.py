"""Every edit form posted back exactly as the page rendered it changes nothing stored."""

import pytest
import sqlalchemy as sa

from clinic.assessments.models import Assessment
from clinic.assessments.vocabulary import AssessmentKind
from clinic.auth.models import User
from clinic.clients.levels import Level
from clinic.clients.models import Client
from clinic.extensions import db
from tests.forms import rendered_form


def _row(model, record_id: int) -> dict:
    db.session.expire_all()
    table = model.__table__
    row = db.session.execute(sa.select(table).where(table.c.id == record_id)).mappings().one()
    return dict(row)


@pytest.fixture
def counselor_with_client(users, clients, clock):
    counselor = users.make(roles=("counselor",))
    client = clients.make("Una", "Changed")
    episode = clients.admit(client, level=Level.RES, counselor=counselor)
    return counselor, client, episode


def test_the_client_edit_form_saved_unchanged_changes_nothing(client, login, counselor_with_client):
    counselor, record, _episode = counselor_with_client
    before = _row(Client, record.id)
    login(counselor)
    url = f"/clients/{record.id}/edit"
    response = client.post(
        url, data=rendered_form(client.get(url).get_data(as_text=True), "client-form")
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _row(Client, record.id) == before


def test_a_draft_assessment_saved_unchanged_changes_nothing(client, login, counselor_with_client):
    counselor, record, episode = counselor_with_client
    draft = Assessment(
        client_id=record.id,
        episode_id=episode.id,
        kind=AssessmentKind.INTAKE,
        created_by_id=counselor.id,
    )
    db.session.add(draft)
    db.session.commit()
    before = _row(Assessment, draft.id)
    login(counselor)
    url = f"/clients/{record.id}/assessments/{draft.id}"
    sent = rendered_form(client.get(url).get_data(as_text=True), "assessment-form", action="save")
    response = client.post(url, data=sent)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _row(Assessment, draft.id) == before


def test_an_account_saved_unchanged_changes_nothing(client, login_as, users):
    login_as("admin")
    staff = users.make(roles=("counselor",), full_name="Nora Same")
    before = _row(User, staff.id)
    url = f"/admin/users/{staff.id}"
    page = client.get(url).get_data(as_text=True)
    response = client.post(url, data=rendered_form(page, "user-form"))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _row(User, staff.id) == before
