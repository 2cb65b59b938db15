"""Intake: search first, warn of likely duplicates, create the record, admit."""

from datetime import date

import pytest
import sqlalchemy as sa

from clinic.clients.models import Client, Episode
from clinic.clients.services import possible_duplicates
from clinic.core.audit import AuditEvent
from clinic.extensions import db
from tests.forms import rendered_form

NEW_CLIENT = {
    "legal_first_name": "José",
    "legal_last_name": "Núñez",
    "date_of_birth": "1988-02-29",
    "sex_at_birth": "male",
    "pronouns": "he/him",
    "phone": "(406) 555-0134",
    "email": "jose@example.org",
}


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("Jose", "Nunez"),  # accents
        ("JOSÉ", "núñez"),  # case
        ("Jose ", " Nunez  "),  # spacing
        ("Nunez", "Jose"),  # order
        ("Josee", "Nunes"),  # a small misspelling
    ],
)
def test_a_similar_name_with_the_same_birth_date_is_a_possible_duplicate(clients, first, last):
    existing = clients.make("José", "Núñez", date_of_birth=date(1988, 2, 29))
    matches = possible_duplicates(first, last, date(1988, 2, 29))
    assert [match.client.id for match in matches] == [existing.id]


def test_a_different_birth_date_or_name_is_not_a_duplicate(clients):
    clients.make("José", "Núñez", date_of_birth=date(1988, 2, 29))
    assert possible_duplicates("José", "Núñez", date(1988, 3, 2)) == []  # two days off
    assert possible_duplicates("Maria", "Lopez", date(1988, 2, 29)) == []


@pytest.mark.parametrize(
    ("typed", "note"),
    [
        (date(1988, 3, 1), "one day off"),  # the day after a leap day
        (date(1988, 2, 28), "one day off"),
    ],
)
def test_a_birth_date_one_day_off_is_a_possible_duplicate(clients, typed, note):
    existing = clients.make("José", "Núñez", date_of_birth=date(1988, 2, 29))
    [match] = possible_duplicates("Jose", "Nunez", typed)
    assert (match.client.id, match.birth_date_note) == (existing.id, note)


def test_a_birth_date_with_day_and_month_swapped_is_a_possible_duplicate(clients):
    existing = clients.make("Ana", "Smith", date_of_birth=date(1990, 3, 4))
    [match] = possible_duplicates("Ana", "Smith", date(1990, 4, 3))
    assert (match.client.id, match.birth_date_note) == (existing.id, "day and month swapped")


@pytest.mark.parametrize(
    ("first", "last"),
    [("Zoe", "Nguyen"), ("Zoë", "Connor"), ("zoe", "O'Connor"), ("Zoey", "Nguyen-Tran")],
)
def test_one_word_of_a_compound_surname_with_a_first_name_alike_is_a_duplicate(
    clients, first, last
):
    existing = clients.make("Zoë", "O'Connor-Nguyễn", date_of_birth=date(1990, 3, 4))
    matches = possible_duplicates(first, last, date(1990, 3, 4))
    assert [match.client.id for match in matches] == [existing.id]


def test_twins_sharing_a_surname_are_not_duplicates_nor_is_a_shared_particle(clients):
    clients.make("Ana", "Smith", date_of_birth=date(1990, 3, 4))
    clients.make("Maria", "de la Cruz", date_of_birth=date(1990, 3, 4))
    assert possible_duplicates("Eve", "Smith", date(1990, 3, 4)) == []
    assert possible_duplicates("Maria", "de Jesús", date(1990, 3, 4)) == []


def intake_search(client, **typed) -> str:
    """The intake page's search form as rendered, filled in as typed and sent."""
    sent = rendered_form(client.get("/clients/new").get_data(as_text=True), "intake-search")
    for name, value in typed.items():
        sent[name] = value
    response = client.get("/clients/new", query_string=sent)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_intake_search_finds_a_birth_date_one_day_off_and_says_so(client, login_as, clients):
    clients.make("Zoë", "O'Connor-Nguyễn", date_of_birth=date(1990, 3, 4))
    login_as("intake")
    html = intake_search(client, first="Zoe", last="Nguyen", dob="1990-03-05")
    assert "Zoë O&#39;Connor-Nguyễn" in html
    assert "born 1990-03-04" in html
    assert "one day off" in html
    assert 'name="confirm_not_duplicate"' in html


def test_the_intake_search_runs_on_a_name_alone_and_shows_less(client, login_as, clients, users):
    visible = clients.make("Zoë", "O'Connor-Nguyễn", date_of_birth=date(1990, 3, 4))
    hidden = clients.make("Zoe", "Nguyen", date_of_birth=date(1971, 8, 9))
    clients.admit(hidden, admitted_on=date(2025, 6, 1))  # long in treatment: not the intake's
    secret = clients.make("Zoe", "Nguyen", date_of_birth=date(1982, 1, 2), restricted=True)
    clients.make("Zoe", "Smith")  # another surname
    login_as("intake")
    page = intake_search(client, first="zoe", last="nguyen")
    html = page.split('id="possible-duplicates"', 1)[1].split("</ul>", 1)[0]
    assert "no date of birth given" in html
    assert html.count("<li>") == 3
    assert visible.mrn in html
    assert hidden.mrn in html
    assert secret.mrn not in html
    assert "in treatment now" in html
    assert "not in treatment" in html
    assert "born 1990-03-04" in html  # a record the intake coordinator may open
    assert "1971-08-09" not in html  # one they may not: no birth date
    assert "1982-01-02" not in html
    assert "A restricted record: ask a supervisor" in html
    assert "last admitted" not in html
    assert 'value="zoe"' in page  # the create form is prefilled with the name
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "clients.listed")
    ).all()[-1]
    assert sorted(event.detail["client_ids"]) == sorted([visible.id, hidden.id, secret.id])
    assert event.detail["filters"] == ["intake", "name_only"]


def test_a_name_alone_that_matches_nobody_says_what_was_compared(client, login_as, clients):
    clients.make("Zoe", "Smith")
    login_as("intake")
    html = intake_search(client, first="Zoe", last="Nguyen")
    assert "No existing record with this name" in html
    assert 'id="possible-duplicates"' not in html


def test_a_birth_date_alone_is_never_searched(client, login_as, clients):
    clients.make("Ana", "Smith", date_of_birth=date(1990, 3, 4))
    login_as("intake")
    html = intake_search(client, dob="1990-03-04")
    assert "Enter a name too: a date of birth alone is not searched." in html
    assert 'id="first-errors"' in html
    assert 'id="last-errors"' in html
    assert "Ana Smith" not in html
    assert 'id="possible-duplicates"' not in html
    assert 'id="no-duplicates"' not in html
    assert 'value="1990-03-04"' in html  # what was typed is kept
    assert not db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "clients.listed")
    ).all()


def test_the_intake_search_shows_matches_and_prefills_the_form(client, login_as, clients):
    clients.make("José", "Núñez", date_of_birth=date(1988, 2, 29))
    login_as("intake")
    html = client.get("/clients/new?first=jose&last=nunez&dob=1988-02-29").get_data(as_text=True)
    assert "Possible matches" in html
    assert "José Núñez" in html
    assert 'name="confirm_not_duplicate"' in html
    assert 'value="jose"' in html


def test_no_match_says_so_and_offers_the_form(client, login_as):
    login_as("intake")
    html = client.get("/clients/new?first=Ann&last=Lee&dob=1990-01-01").get_data(as_text=True)
    assert "No existing record" in html
    assert 'name="confirm_not_duplicate"' not in html


def test_creating_over_a_duplicate_needs_confirmation(client, login_as, clients):
    existing = clients.make("José", "Núñez", date_of_birth=date(1988, 2, 29))
    login_as("intake")
    response = client.post("/clients/new", data={**NEW_CLIENT, "legal_first_name": "Jose"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Check the possible matches" in html
    assert 'value="jose@example.org"' in html  # what was typed is kept
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Client)) == 1

    response = client.post(
        "/clients/new",
        data={**NEW_CLIENT, "legal_first_name": "Jose", "confirm_not_duplicate": "y"},
    )
    assert response.status_code == 302
    created = db.session.scalar(sa.select(Client).where(Client.id != existing.id))
    override = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "client.duplicate_overridden")
    )
    assert override.detail == {"possible_duplicates": [existing.id]}
    assert override.client_id == created.id


def test_a_new_record_gets_a_record_number_and_is_audited(client, login_as):
    user = login_as("intake")
    response = client.post("/clients/new", data=NEW_CLIENT)
    created = db.session.scalar(sa.select(Client))
    assert response.headers["Location"] == f"/clients/{created.id}"
    assert len(created.mrn) == 9
    assert created.mrn.isdigit()
    assert created.search_name == "nunez jose"
    assert created.created_by_id == user.id
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "client.created"))
    assert (event.client_id, event.user_id) == (created.id, user.id)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_of_birth", "2031-01-01", "must be in the past"),
        ("date_of_birth", "1890-01-01", "Check the year"),
        ("date_of_birth", "not a date", "Not a valid date value."),
        ("phone", "call me", "Enter a phone number"),
        ("phone", "12", "Enter a phone number"),
        ("email", "jose@", "Invalid email address."),
        ("legal_last_name", "", "This field is required."),
        ("sex_at_birth", "", "Choose one."),
        ("sex_at_birth", "robot", "Not a valid choice."),
        ("postal_code", "!!", "Enter a postal code"),
    ],
)
def test_bad_input_is_explained_beside_the_field_and_nothing_is_saved(
    client, login_as, field, value, message
):
    login_as("intake")
    response = client.post("/clients/new", data={**NEW_CLIENT, field: value})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert f'id="{field}-errors"' in html
    assert 'value="jose@example.org"' in html or field == "email"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Client)) == 0


ADMISSION = {
    "admitted_on": "2026-03-01",
    "referral_source": "hospital",
    "level": "WM",
    "substance_1": "fentanyl",
    "route_1": "smoking",
    "frequency_1": "daily",
    "substance_2": "alcohol",
    "route_2": "oral",
    "frequency_2": "weekly",
    "payer": "Montana Medicaid",
    "member_id": "MT-12345",
}


def test_admission_opens_an_episode_and_its_first_stay(client, login_as, clients, clock):
    record = clients.make()
    login_as("intake")
    response = client.post(f"/clients/{record.id}/episodes/new", data=ADMISSION)
    assert response.status_code == 302
    episode = db.session.scalar(sa.select(Episode))
    assert episode.admitted_on == date(2026, 3, 1)
    chart = client.get(f"/clients/{record.id}").get_data(as_text=True)
    assert "Medically monitored withdrawal management" in chart
    assert "Fentanyl (illicit) · Smoking · Daily" in chart
    assert "Alcohol · Oral" in chart


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"admitted_on": "2026-03-03"}, "admitted_on", "cannot be in the future"),
        ({"level": ""}, "level", "Choose one."),
        ({"route_2": ""}, "route_2", "Choose one for this substance."),
        ({"substance_2": "fentanyl"}, "substance_2", "listed already"),
    ],
)
def test_admission_errors_are_shown_beside_the_field(
    client, login_as, clients, clock, changes, field, message
):
    record = clients.make()
    login_as("intake")
    html = client.post(
        f"/clients/{record.id}/episodes/new", data={**ADMISSION, **changes}
    ).get_data(as_text=True)
    assert message in html
    assert f'id="{field}-errors"' in html
    assert 'value="MT-12345"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Episode)) == 0


def test_a_second_open_episode_is_refused_by_the_database(clients):
    record = clients.make()
    clients.admit(record)
    with pytest.raises(sa.exc.IntegrityError):
        clients.admit(record)
    db.session.rollback()


def test_readmission_opens_a_new_episode_and_keeps_the_old_one(client, login_as, clients, clock):
    record = clients.make()
    clients.admit(record, admitted_on=date(2025, 9, 1), discharged_on=date(2025, 10, 15))
    login_as("supervisor")
    assert client.post(f"/clients/{record.id}/episodes/new", data=ADMISSION).status_code == 302
    html = client.get(f"/clients/{record.id}").get_data(as_text=True)
    assert "Admitted 2025-09-01" in html
    assert "Discharged 2025-10-15" in html
    assert "Admitted 2026-03-01" in html


def test_a_match_says_whether_the_person_is_in_treatment_or_discharged(client, login_as, clients):
    gone = clients.make("José", "Núñez", date_of_birth=date(1988, 2, 29))
    episode = clients.admit(gone, admitted_on=date(2025, 1, 6))
    clients.discharge(episode, on=date(2025, 2, 3))
    here = clients.make("Jose", "Nunes", date_of_birth=date(1988, 2, 29))
    clients.admit(here)
    login_as("intake")
    html = client.get("/clients/new?first=jose&last=nunez&dob=1988-02-29").get_data(as_text=True)
    assert "discharged 2025-02-03" in html
    assert "in treatment now" in html
    assert ">open<" not in html
