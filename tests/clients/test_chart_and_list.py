"""The client list, the chart and the home caseload: access, audit, escaping, bounded queries."""

from datetime import date, timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from clinic.clients.levels import Level
from clinic.core.audit import AuditEvent
from clinic.core.clock import clinic_today
from clinic.extensions import db
from tests.forms import rendered_form

NASTY_NAMES = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "{{7*7}}"]


def audit_events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def test_opening_a_chart_is_audited_with_the_client(client, users, clients, login):
    counselor = users.make()
    record = clients.make()
    clients.admit(record, counselor=counselor)
    login(counselor)
    assert client.get(f"/clients/{record.id}").status_code == 200
    [event] = audit_events("client.viewed")
    assert (event.client_id, event.user_id) == (record.id, counselor.id)
    assert event.detail == {"page": "clients.chart"}


def test_a_refused_chart_is_audited_as_denied(client, users, clients, login):
    outsider = users.make()
    record = clients.make()
    clients.admit(record, counselor=users.make())
    login(outsider)
    response = client.get(f"/clients/{record.id}")
    assert response.status_code == 404
    assert "Emergency access" in response.get_data(as_text=True)
    [event] = audit_events("access.denied")
    assert event.outcome == "denied"
    assert event.detail["permission"] == "client.view"


def test_the_list_shows_only_visible_clients_and_records_which(client, users, clients, login):
    counselor = users.make()
    mine = clients.make("Alma", "Mine")
    clients.admit(mine, counselor=counselor)
    clients.admit(clients.make("Otto", "Other"), counselor=users.make())
    login(counselor)
    html = client.get("/clients/").get_data(as_text=True)
    assert "Alma Mine" in html
    assert "Otto Other" not in html
    [event] = audit_events("clients.listed")
    assert event.detail == {"client_ids": [mine.id], "filters": []}


@pytest.mark.parametrize("name", NASTY_NAMES)
def test_markup_in_a_name_is_shown_as_text(client, users, clients, login, name):
    counselor = users.make()
    record = clients.make(name, name)
    clients.admit(record, counselor=counselor)
    login(counselor)
    pages = [
        client.get("/clients/").get_data(as_text=True),
        client.get(f"/clients/{record.id}").get_data(as_text=True),
        client.get("/").get_data(as_text=True),
    ]
    escaped = name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = escaped.replace('"', "&#34;")
    for html in pages:
        assert escaped in html  # shown, as text
        if escaped != name:
            assert name not in html  # never as markup
        assert "49 49" not in html  # never evaluated as a template


@pytest.fixture
def roster(users, clients):
    """Five clients at various levels for a supervisor's searches."""
    counselor = users.make(full_name="Casey Counselor")
    today = clinic_today()
    made = {}
    for first, last, born, level, days in [
        ("Ana", "Smith", date(1980, 1, 2), Level.WM, 2),
        ("Ben", "Smithers", date(1975, 6, 7), Level.RES, 20),
        ("Cleo", "Jones", date(1990, 3, 4), Level.IOP, 60),
        ("Dan", "Brown", date(1985, 8, 9), Level.OP, 120),
        ("Eve", "Smith", date(1999, 12, 31), None, 0),
    ]:
        record = clients.make(first, last, date_of_birth=born)
        if level:
            clients.admit(
                record,
                level=level,
                admitted_on=today - timedelta(days=days),
                counselor=counselor if last != "Jones" else None,
            )
        made[first] = record
    return counselor, made


def names_in(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    import re

    return re.findall(r'/clients/\d+">([^<]+)</a>', body)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=smith", ["Ana Smith", "Eve Smith", "Ben Smithers"]),
        ("q=Smith, Ana", ["Ana Smith"]),
        ("q=ana smith", ["Ana Smith"]),
        ("q=SMITHERS", ["Ben Smithers"]),
        ("dob=1990-03-04", ["Cleo Jones"]),
        ("level=WM", ["Ana Smith"]),
        ("q=smith&sort=dob", ["Ben Smithers", "Ana Smith", "Eve Smith"]),
        ("sort=level", ["Ana Smith", "Ben Smithers", "Cleo Jones", "Dan Brown", "Eve Smith"]),
        ("sort=admitted", ["Ana Smith", "Ben Smithers", "Cleo Jones", "Dan Brown", "Eve Smith"]),
        ("sort=; DROP TABLE clients", []),
    ],
)
def test_search_filter_and_sort(client, login_as, roster, query, expected):
    login_as("supervisor")
    response = client.get(f"/clients/?{query}")
    assert response.status_code == 200
    assert names_in(response.get_data(as_text=True)) == expected


def list_search(client, q: str) -> list[str]:
    """The client list's search form as rendered, with `q` typed in, sent: the names shown."""
    sent = rendered_form(client.get("/clients/").get_data(as_text=True), "client-search")
    sent["q"] = q
    response = client.get("/clients/", query_string=sent)
    assert response.status_code == 200
    return [unescape(name) for name in names_in(response.get_data(as_text=True))]


@pytest.mark.parametrize(
    "q",
    [
        "nguyen",
        "connor",
        "Connor",
        "o'connor",
        "O\u2019Connor",  # a typographic apostrophe
        "oconnor",
        "nguy",
        "zoe nguyen",
        "Nguyen, Zoe",
        "zee",
        "conn zo",
    ],
)
def test_any_word_of_a_compound_surname_finds_the_client(client, login_as, clients, q):
    clients.make("Zoë", "O'Connor-Nguyễn", preferred_name="Zee")
    clients.make("Connie", "Smith")
    clients.make("Ana", "Nguyen-Tran")
    login_as("supervisor")
    found = list_search(client, q)
    assert "Zee O'Connor-Nguyễn" in found
    assert "Connie Smith" not in found


def test_a_word_search_finds_every_client_with_the_word_once(client, login_as, clients):
    for first, last in [("Zoë", "O'Connor-Nguyễn"), ("Ana", "Nguyen-Tran"), ("Bao", "Nguyen")]:
        clients.make(first, last)
    clients.make("Nguyen", "Ho")  # a first name
    clients.make("Ana", "Smith")
    login_as("supervisor")
    assert list_search(client, "nguyen") == [  # by last name, then first
        "Nguyen Ho",
        "Bao Nguyen",
        "Ana Nguyen-Tran",
        "Zoë O'Connor-Nguyễn",
    ]


def test_a_renamed_client_is_found_by_the_new_name_only(client, login, users, clients):
    from clinic.clients.models import ClientNameWord

    counselor = users.make()
    record = clients.make("Ann", "Lee")
    clients.admit(record, counselor=counselor)
    login(counselor)
    url = f"/clients/{record.id}/edit"
    sent = rendered_form(client.get(url).get_data(as_text=True), "client-form")
    # First and last swapped: the same words, each kept rather than deleted and added again.
    sent["legal_first_name"], sent["legal_last_name"] = "Lee", "Ann"
    assert client.post(url, data=sent).status_code == 302
    db.session.refresh(record)
    assert record.version == 2  # one save, one new version (no flush half-way through)
    sent = rendered_form(client.get(url).get_data(as_text=True), "client-form")
    sent["legal_last_name"], sent["preferred_name"] = "Ann-Okafor", "Lia"
    assert client.post(url, data=sent).status_code == 302
    assert list_search(client, "okafor") == ["Lia Ann-Okafor"]
    assert list_search(client, "lia") == ["Lia Ann-Okafor"]
    sent = rendered_form(client.get(url).get_data(as_text=True), "client-form")
    sent["legal_last_name"], sent["preferred_name"] = "Okafor", ""
    assert client.post(url, data=sent).status_code == 302
    assert list_search(client, "ann") == []
    assert list_search(client, "lia") == []
    assert list_search(client, "okafor") == ["Lee Okafor"]
    words = db.session.scalars(
        sa.select(ClientNameWord.word).where(ClientNameWord.client_id == record.id)
    ).all()
    assert sorted(words) == ["lee", "okafor"]


def test_search_by_record_number_and_counselor(client, login_as, roster):
    counselor, made = roster
    login_as("supervisor")
    html = client.get(f"/clients/?q={made['Cleo'].mrn}").get_data(as_text=True)
    assert names_in(html) == ["Cleo Jones"]
    html = client.get(f"/clients/?counselor={counselor.id}&sort=name").get_data(as_text=True)
    assert names_in(html) == ["Dan Brown", "Ana Smith", "Ben Smithers"]


def test_the_chart_header_shows_who_where_and_how_long(client, login_as, roster, clock):
    _, made = roster
    login_as("supervisor")
    html = client.get(f"/clients/{made['Ben'].id}").get_data(as_text=True)
    assert "Residential treatment" in html
    assert "Casey Counselor" in html
    assert "MRN" in html
    assert made["Ben"].mrn in html
    html = client.get(f"/clients/{made['Eve'].id}").get_data(as_text=True)
    assert "Not in treatment" in html
    assert "Admit this client" in html


def make_caseload(users, clients, counselor, count: int) -> None:
    other = users.make()
    for number in range(count):
        record = clients.make(f"Bulk{number}", "Person")
        clients.admit(
            record, level=list(Level)[number % 6], counselor=counselor if number % 2 else other
        )


@pytest.mark.parametrize(
    "page",
    [
        "/",
        "/clients/",
        "/clients/?q=bulk&sort=level",
        "/clients/?q=person bulk",
        "/clients/new?first=Bulk1&last=Person",
        "/clients/new?first=Bulk1&last=Person&dob=1990-05-17",
        "chart",
    ],
)
def test_pages_run_the_same_number_of_queries_for_10_and_200_clients(
    client, users, clients, login, count_queries, page
):
    counselor = users.make(roles=("counselor", "supervisor"))
    login(counselor)
    counts = []
    for size in (10, 200):
        make_caseload(users, clients, counselor, size - len(counts) * 10)
        url = page
        if page == "chart":
            from clinic.clients.models import Client

            url = f"/clients/{db.session.scalar(sa.select(sa.func.max(Client.id)))}"
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        counts.append(counted.count)
    assert counts[0] == counts[1], page


def test_admins_see_the_chart_without_clinical_content(client, login_as, clients):
    record = clients.make()
    clients.admit(record)
    login_as("admin")
    html = client.get(f"/clients/{record.id}").get_data(as_text=True)
    assert "Residential treatment" in html  # level of care is operational
    assert "Heroin" not in html  # substances are clinical
    client.post("/logout")
    login_as("supervisor")
    assert "Heroin" in client.get(f"/clients/{record.id}").get_data(as_text=True)


@pytest.mark.parametrize("text", ["-", "'", ",", " , ", "a\U0010ffff", "%", "_"])
def test_odd_search_text_never_fails(client, login_as, roster, text):
    login_as("supervisor")
    response = client.get("/clients/", query_string={"q": text})
    assert response.status_code == 200


def test_a_re_rendered_edit_form_is_audited_as_a_read(client, users, clients, login):
    counselor = users.make()
    record = clients.make()
    clients.admit(record, counselor=counselor)
    login(counselor)
    client.post(f"/clients/{record.id}/edit", data={"legal_first_name": "", "version": "1"})
    [event] = audit_events("client.viewed")
    assert event.detail == {"page": "clients.edit"}


def test_the_duplicate_check_runs_a_fixed_number_of_queries(
    client, login_as, clients, count_queries
):
    login_as("intake")
    url = "/clients/new?first=Maria&last=Lopez&dob=1990-05-17"
    clients.make("Maria", "Lopez")
    with count_queries() as one:
        client.get(url)
    for _ in range(6):
        clients.make("Maria", "Lopez")
    with count_queries() as seven:
        assert client.get(url).get_data(as_text=True).count("Maria Lopez") == 7
    assert one.count == seven.count


def test_payer_authorization_notes_typed_at_admission_are_on_the_chart(client, login_as, clients):
    from clinic.extensions import db

    record = clients.make()
    episode = clients.admit(record)
    episode.authorization_notes = "Auth #A-1193 for 14 residential days; review on day 10."
    db.session.commit()
    login_as("supervisor")
    html = client.get(f"/clients/{record.id}").get_data(as_text=True)
    assert "Auth #A-1193 for 14 residential days; review on day 10." in html
