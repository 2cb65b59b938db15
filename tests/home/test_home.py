"""The home page: the counselor's caseload and the due items, computed live."""

from datetime import timedelta

from clinic.clients.levels import Level
from clinic.core.clock import clinic_today, utcnow


def test_a_counselor_sees_their_caseload_with_days_at_level(client, login, users, clients):
    counselor = users.make()
    record = clients.make("Hope", "Rivera")
    clients.admit(
        record,
        level=Level.IOP,
        admitted_on=clinic_today() - timedelta(days=40),
        counselor=counselor,
        level_since=utcnow() - timedelta(days=12),
    )
    clients.admit(clients.make("Not", "Mine"), counselor=users.make())
    login(counselor)
    html = client.get("/").get_data(as_text=True)
    caseload = html.split('id="caseload"', 1)[1].split("</table>", 1)[0]
    assert "Hope Rivera" in caseload
    assert "Not Mine" not in caseload
    assert "<td>12</td>" in caseload  # days at this level
    assert "<td>40</td>" in caseload  # days in treatment
    assert "Primary counselor" in caseload


def test_an_empty_caseload_says_what_happens_next(client, login_as):
    login_as("counselor")
    assert "No clients on your caseload yet" in client.get("/").get_data(as_text=True)


def test_supervisors_are_told_to_assign_a_primary_counselor(client, login_as, clients, clock):
    waiting = clients.make("Wait", "Ing")
    clients.admit(waiting, admitted_on=clinic_today() - timedelta(days=2))
    login_as("supervisor")
    html = client.get("/").get_data(as_text=True)
    due = html.split('id="due-items"', 1)[1].split("</ul>", 1)[0]
    assert "Assign a primary counselor" in due
    assert "Wait Ing" in due
    assert "Overdue" in due


def test_admins_see_no_caseload_and_no_clinical_due_items(client, login_as, clients):
    clients.admit(clients.make())
    login_as("admin")
    html = client.get("/").get_data(as_text=True)
    assert "My caseload" not in html
    assert "Assign a primary counselor" not in html
    assert "Nothing due." in html


def test_a_long_caseload_shows_the_first_few_and_says_where_the_rest_are(
    app, client, login, users, clients, monkeypatch
):
    monkeypatch.setitem(app.config, "CASELOAD_SHOWN", 3)
    counselor = users.make()
    for number in range(5):
        clients.admit(clients.make(f"Many{number}", "Clients"), counselor=counselor)
    login(counselor)
    html = client.get("/").get_data(as_text=True)
    caseload = html.split('id="caseload"', 1)[1].split("</table>", 1)[0]
    assert caseload.count("Clients</a>") == 3
    assert "My caseload <span" in html
    assert ">3+</span>" in html
    assert 'id="caseload-more"' in html
