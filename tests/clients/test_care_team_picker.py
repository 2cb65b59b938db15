"""The care team form never lists every account: it offers the first staff by name, or those
whose names hold what was typed, and accepts what it offered (the page posted back as is)."""

import sqlalchemy as sa

from clinic.clients.models import CareTeamMember
from clinic.clients.views import STAFF_OFFERED
from clinic.clients.vocabulary import TeamRole
from clinic.extensions import db
from tests.forms import rendered_form


def options(html: str) -> list[str]:
    select = html.split('name="user_id"', 1)[1].split("</select>", 1)[0]
    return [part.split(">", 1)[1].split("<", 1)[0] for part in select.split("<option")[2:]]


def team_page(client, record) -> str:
    return client.get(f"/clients/{record.id}/care/team").get_data(as_text=True)


def test_a_clinic_with_many_staff_offers_a_bounded_few(client, login_as, users, clients):
    record = clients.make()
    clients.admit(record)
    for number in range(STAFF_OFFERED + 5):
        users.make(full_name=f"Counselor {number:02d}")
    login_as("supervisor")
    html = team_page(client, record)
    assert len(options(html)) == STAFF_OFFERED
    assert "type part of a name and press Find" in html


def test_find_narrows_the_choices_then_the_choice_is_saved(client, login_as, users, clients):
    record = clients.make()
    clients.admit(record)
    for number in range(STAFF_OFFERED + 5):
        users.make(full_name=f"Counselor {number:02d}")
    wanted = users.make(full_name="Zelda Quist")
    login_as("supervisor")
    form = rendered_form(team_page(client, record), None)
    form["staff_name"] = "quis"
    found = client.post(f"/clients/{record.id}/care/team", data={**form, "find": "1"})
    html = found.get_data(as_text=True)
    assert found.status_code == 200
    assert options(html) == ["Zelda Quist"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CareTeamMember)) == 0
    form = rendered_form(html, None)
    form["user_id"], form["team_role"] = str(wanted.id), TeamRole.PRIMARY_COUNSELOR.value
    saved = client.post(f"/clients/{record.id}/care/team", data=form)
    assert saved.status_code == 302
    member = db.session.scalar(sa.select(CareTeamMember))
    assert (member.user_id, member.team_role) == (wanted.id, TeamRole.PRIMARY_COUNSELOR)


def test_a_name_nobody_has_is_told_beside_the_field(client, login_as, clients):
    record = clients.make()
    clients.admit(record)
    login_as("supervisor")
    form = rendered_form(team_page(client, record), None)
    form["staff_name"] = "nobody-like-this"
    html = client.post(f"/clients/{record.id}/care/team", data={**form, "find": "1"}).get_data(
        as_text=True
    )
    assert "name holds “nobody-like-this”" in html
    assert 'value="nobody-like-this"' in html


def test_the_page_costs_the_same_statements_however_many_staff(
    client, login_as, users, clients, count_queries
):
    record = clients.make()
    clients.admit(record)
    login_as("supervisor")
    team_page(client, record)
    with count_queries() as few:
        team_page(client, record)
    for number in range(40):
        users.make(full_name=f"More Staff {number}")
    with count_queries() as many:
        team_page(client, record)
    assert many.count == few.count
