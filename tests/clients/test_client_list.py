"""The client list stays the same size however large the clinic: the counselor filter is a name
typed and looked up on the server (never a list of every counselor), the count stops at
"1,000+" (pages go on past it), and each role's page runs the same statements at any size."""

import re
from html import unescape

import pytest

from clinic.clients import queries
from clinic.clients.levels import Level
from clinic.clients.vocabulary import TeamRole
from tests.forms import rendered_form


def names_in(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return [unescape(name) for name in re.findall(r'/clients/\d+">([^<]+)</a>', body)]


def options_of(html: str, name: str) -> list[str]:
    select = html[html.index(f'name="{name}"') :].split("</select>", 1)[0]
    return [unescape(label) for label in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


@pytest.fixture
def caseloads(users, clients):
    """Three counselors with a client each, two of them named Lee."""
    made = {}
    for counselor_name, client_first in [
        ("Dana Ortiz", "Ana"),
        ("Lee Whitfield", "Ben"),
        ("Ashlee Park", "Cleo"),
    ]:
        counselor = users.make(full_name=counselor_name)
        clients.admit(clients.make(client_first, "Person"), counselor=counselor)
        made[counselor_name] = counselor
    return made


def search(client, **typed) -> str:
    """The list's search form as rendered, with `typed` typed in, sent: the page."""
    sent = rendered_form(client.get("/clients/").get_data(as_text=True), "client-search")
    for name, value in typed.items():
        sent[name] = value
    response = client.get("/clients/", query_string=sent)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_filter_offers_no_counselor_until_a_name_is_typed(client, login_as, caseloads):
    login_as("supervisor")
    html = client.get("/clients/").get_data(as_text=True)
    assert options_of(html, "counselor") == ["Any counselor"]
    assert "Dana Ortiz" not in html.split("<tbody>", 1)[0]  # no list of staff in the form
    assert 'for="counselor_name"' in html  # a labelled text field, usable without JavaScript


def test_a_name_matching_one_counselor_filters_by_them(client, login_as, caseloads):
    login_as("supervisor")
    html = search(client, counselor_name="ortiz")
    assert names_in(html) == ["Ana Person"]
    assert options_of(html, "counselor") == ["Any counselor", "Dana Ortiz"]
    assert re.search(r'<option selected value="\d+">Dana Ortiz|<option value="\d+" selected>', html)
    # The page posts back what it shows: the same list again.
    again = client.get("/clients/", query_string=rendered_form(html, "client-search")).get_data(
        as_text=True
    )
    assert names_in(again) == ["Ana Person"]


def test_a_name_matching_several_offers_them_to_choose_from(client, login_as, caseloads):
    login_as("supervisor")
    html = search(client, counselor_name="LEE")
    assert options_of(html, "counselor") == ["Any counselor", "Ashlee Park", "Lee Whitfield"]
    assert "2 counselors match: choose one." in html
    assert names_in(html) == ["Ana Person", "Ben Person", "Cleo Person"]  # not filtered yet
    sent = rendered_form(html, "client-search")
    sent["counselor"] = str(caseloads["Lee Whitfield"].id)  # chosen in the select
    chosen = client.get("/clients/", query_string=sent).get_data(as_text=True)
    assert names_in(chosen) == ["Ben Person"]
    # Any counselor chosen again, with the name still typed: the list is not filtered.
    sent = rendered_form(chosen, "client-search")
    sent["counselor"] = ""
    assert len(names_in(client.get("/clients/", query_string=sent).get_data(True))) == 3
    # A new name typed replaces the choice.
    sent = rendered_form(chosen, "client-search")
    sent["counselor_name"] = "dana"
    assert names_in(client.get("/clients/", query_string=sent).get_data(True)) == ["Ana Person"]


def test_a_name_matching_nobody_is_explained_beside_the_field(client, login_as, caseloads):
    login_as("supervisor")
    html = search(client, counselor_name="zzz")
    assert "No counselor's name holds “zzz”." in unescape(html)
    assert 'aria-invalid="true"' in html
    assert names_in(html) == []


def test_at_most_twenty_counselors_are_offered(client, login_as, users):
    for number in range(25):
        users.make(full_name=f"Sam Counselor {number:02d}")
    login_as("supervisor")
    html = search(client, counselor_name="sam")
    assert len(options_of(html, "counselor")) == 1 + queries.COUNSELOR_MATCHES
    assert "More than 20 counselors match: type more of the name." in html


def test_a_link_with_a_counselor_id_still_filters(client, login_as, caseloads, users):
    login_as("supervisor")
    ortiz = caseloads["Dana Ortiz"]
    html = client.get(f"/clients/?counselor={ortiz.id}").get_data(as_text=True)
    assert names_in(html) == ["Ana Person"]
    assert options_of(html, "counselor") == ["Any counselor", "Dana Ortiz"]
    supervisor = users.make(roles=("supervisor",))  # not a counselor: no such choice
    for wrong in (str(supervisor.id), "abc", "99999999999999999999"):
        response = client.get("/clients/", query_string={"counselor": wrong})
        assert response.status_code == 200
        assert names_in(response.get_data(as_text=True)) == []


def test_inactive_and_other_staff_are_never_offered(client, login_as, users):
    users.make(full_name="Lee Gone", active=False)
    users.make(roles=("medical",), full_name="Lee Medic")
    login_as("supervisor")
    html = search(client, counselor_name="lee")
    assert "No counselor's name holds “lee”." in unescape(html)


def test_a_counselor_sees_only_their_clients_when_filtering_by_another(client, login, caseloads):
    login(caseloads["Dana Ortiz"])
    assert names_in(search(client)) == ["Ana Person"]
    assert names_in(search(client, counselor_name="whitfield")) == []


# --- The count --------------------------------------------------------------------------------


def test_the_count_stops_at_the_cap_and_the_pages_go_on(
    app, client, login_as, clients, monkeypatch
):
    monkeypatch.setattr(queries, "COUNT_CAP", 4)
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for number in range(9):
        clients.make(f"Person{number}", "Bulk")
    login_as("supervisor")
    first = client.get("/clients/").get_data(as_text=True)
    assert "4+ in all." in first
    assert 'href="/clients/?page=3"' in first
    # Past the cap the count follows the page asked for, so "Next" is always right.
    fourth = client.get("/clients/?page=4").get_data(as_text=True)
    assert names_in(fourth) == ["Person6 Bulk", "Person7 Bulk"]
    assert "8+ in all." in fourth
    assert 'href="/clients/?page=5"' in fourth
    last = client.get("/clients/?page=5").get_data(as_text=True)
    assert names_in(last) == ["Person8 Bulk"]
    assert "9 in all." in last


def test_a_count_under_the_cap_is_exact(client, login_as, clients):
    for number in range(3):
        clients.make(f"Person{number}", "Bulk")
    login_as("supervisor")
    assert "3 in all." in client.get("/clients/").get_data(as_text=True)
    assert "1 in all." in client.get("/clients/?q=person1").get_data(as_text=True)


def test_the_count_never_counts_every_client(client, login_as, clients, count_queries):
    clients.make()
    login_as("supervisor")
    with count_queries() as counted:
        client.get("/clients/?q=doe")
    counts = [statement for statement in counted.statements if "count(" in statement.lower()]
    assert counts
    assert all("LIMIT" in statement.upper() for statement in counts)


# --- Statements per page ----------------------------------------------------------------------


def populate(clients, staff: dict, count: int) -> None:
    """`count` more clients: half on staff["counselor"]'s caseload, the rest on staff["other"]'s,
    some with staff["medical"] on the team, some in withdrawal management, some screened and
    not admitted (the intake coordinator's)."""
    for number in range(count):
        record = clients.make(f"Bulk{number}", "Person")
        if number % 5 == 0:
            continue
        clients.admit(
            record,
            level=Level.WM if number % 3 == 0 else list(Level)[number % 6],
            counselor=staff["counselor"] if number % 2 == 0 else staff["other"],
            team=[(staff["medical"], TeamRole.MEDICAL)] if number % 7 == 0 else (),
        )


@pytest.mark.parametrize("role", ["counselor", "medical", "intake", "supervisor", "admin"])
@pytest.mark.parametrize(
    "query", ["", "?q=bulk", "?q=bulk&sort=level", "?level=WM", "?counselor_name=other"]
)
def test_every_role_s_list_runs_the_same_statements_for_10_and_120_clients(
    client, login, users, clients, count_queries, role, query
):
    staff = {name: users.make(roles=(name,)) for name in ("counselor", "medical")}
    staff["other"] = users.make(full_name="Other Counselor")
    user = staff.get(role) or users.make(roles=(role,))
    login(user)
    counts = []
    for size in (10, 110):
        populate(clients, staff, size)
        with count_queries() as counted:
            response = client.get(f"/clients/{query}")
            assert response.status_code == 200
        counts.append(counted.count)
        assert len(response.data) < 100_000
    assert counts[0] == counts[1]
