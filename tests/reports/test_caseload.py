"""The caseload report: open episodes per counselor and level, the totals per level on top, a
page of counselors by name, and a safe CSV of every counselor, streamed."""

import csv
import io

import pytest

from clinic.clients.levels import Level
from clinic.core.csv_export import neutralise
from clinic.reports.caseload import CaseloadTotals, csv_lines, page_rows


def test_the_totals_count_every_level_and_the_episodes_without_a_counselor():
    #                  level  all  of which with no primary counselor
    totals = CaseloadTotals.build([("OP", 2, 0), ("RES", 4, 1), ("WM", 1, 0)])
    assert totals.level_totals == (1, 4, 0, 0, 2, 0)  # WM RES PHP IOP OP AC
    assert totals.total == 7
    assert totals.unassigned.counselor == "No primary counselor"
    assert totals.unassigned.counts == (0, 1, 0, 0, 0, 0)
    assert totals.unassigned.total == 1


def test_an_empty_clinic_has_zero_totals():
    totals = CaseloadTotals.build([])
    assert totals.level_totals == (0, 0, 0, 0, 0, 0)
    assert totals.total == 0


def test_a_page_row_without_episodes_counts_zero():
    rows = page_rows([(1, "Ann"), (2, "Bo")], {1: (1, 3, 0, 0, 0, 0)})
    assert [(row.counselor, row.total) for row in rows] == [("Ann", 4), ("Bo", 0)]


def test_the_export_sums_the_rows_as_it_writes_them():
    grouped = [
        (1, "Ann", 1, 3, 0, 0, 0, 0),
        (2, "=Bo", 0, 0, 0, 0, 2, 0),
        (None, None, 0, 1, 0, 0, 0, 0),
    ]
    lines = list(csv_lines(iter(grouped)))
    rows = list(csv.reader(io.StringIO("".join(lines))))
    assert rows == [
        ["Counselor", "WM", "RES", "PHP", "IOP", "OP", "AC", "Total"],
        ["Ann", "1", "3", "0", "0", "0", "0", "4"],
        ["'=Bo", "0", "0", "0", "0", "2", "0", "2"],
        ["No primary counselor", "0", "1", "0", "0", "0", "0", "1"],
        ["Total", "1", "4", "0", "0", "2", "0", "7"],
    ]


def test_the_export_is_sent_in_pieces_of_bounded_size():
    grouped = ((number, f"Counselor {number:05d}", 1, 2, 3, 4, 5, 6) for number in range(5000))
    pieces = list(csv_lines(grouped))
    assert len(pieces) >= 10
    assert max(len(piece) for piece in pieces) < 20_000
    assert pieces[-1].splitlines()[-1] == "Total,5000,10000,15000,20000,25000,30000,105000"


def test_formula_cells_are_neutralised():
    assert neutralise("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert neutralise("+1") == "'+1"
    assert neutralise("-2") == "'-2"
    assert neutralise("@SUM") == "'@SUM"
    assert neutralise("Ann") == "Ann"
    assert neutralise(3) == "3"


def test_the_report_page_and_csv(client, login_as, users, clients):
    ann = users.make(full_name="=cmd|' /C calc'!A0")
    bo = users.make(full_name="Bo <b>Bold</b>")
    for level, counselor in [
        (Level.RES, ann),
        (Level.RES, ann),
        (Level.WM, ann),
        (Level.OP, bo),
        (Level.IOP, None),
    ]:
        clients.admit(clients.make(), level=level, counselor=counselor)
    login_as("admin")
    html = client.get("/reports/caseload").get_data(as_text=True)
    assert "Bo &lt;b&gt;Bold&lt;/b&gt;" in html
    totals = html[html.index('id="caseload-total"') :].split("</tr>", 1)[0]
    assert "<td>1</td><td>2</td><td>0</td><td>1</td><td>1</td><td>0</td><td>5</td>" in totals
    unassigned = html[html.index('id="caseload-unassigned"') :].split("</tr>", 1)[0]
    assert "No primary counselor" in unassigned
    assert unassigned.endswith('<td class="fw-bold">1</td>')

    response = client.get("/reports/caseload?format=csv")
    assert response.mimetype == "text/csv"
    assert response.is_streamed
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Counselor", "WM", "RES", "PHP", "IOP", "OP", "AC", "Total"]
    assert rows[1] == ["'=cmd|' /C calc'!A0", "1", "2", "0", "0", "0", "0", "3"]
    assert rows[2] == ["Bo <b>Bold</b>", "0", "0", "0", "0", "1", "0", "1"]
    assert rows[3] == ["No primary counselor", "0", "0", "0", "1", "0", "0", "1"]
    assert rows[-1] == ["Total", "1", "2", "0", "1", "1", "0", "5"]


def counselors_on(html: str) -> list[str]:
    body = html[html.index('id="caseload-report"') :].split("</tbody>", 1)[0]
    return [
        cell.split(">", 1)[1].split("<", 1)[0]
        for cell in body.split('<th scope="row" class="text-start fw-normal"')[1:]
    ]


def test_the_page_lists_one_page_of_counselors_by_name_and_the_export_all(
    app, client, login_as, users, clients, monkeypatch
):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for name in ["Dee", "Ann", "Cy", "Bo", "Eli"]:
        clients.admit(clients.make(), level=Level.OP, counselor=users.make(full_name=name))
    users.make(full_name="Aaron No-Caseload")  # a counselor without open episodes: no row
    login_as("supervisor")
    first = client.get("/reports/caseload").get_data(as_text=True)
    assert counselors_on(first) == ["Ann", "Bo"]
    assert "page 1 of 3" in first
    assert 'href="/reports/caseload?page=2"' in first
    assert counselors_on(client.get("/reports/caseload?page=3").get_data(as_text=True)) == ["Eli"]
    totals = first[first.index('id="caseload-total"') :].split("</tr>", 1)[0]
    assert totals.endswith("<td>5</td>")  # every counselor's, whatever the page
    rows = list(csv.reader(io.StringIO(client.get("/reports/caseload?format=csv").get_data(True))))
    assert [row[0] for row in rows[1:-1]] == ["Ann", "Bo", "Cy", "Dee", "Eli"]


def test_a_discharged_episode_is_not_counted(client, login_as, users, clients):
    counselor = users.make(full_name="Ann")
    clients.discharge(clients.admit(clients.make(), counselor=counselor))
    login_as("supervisor")
    html = client.get("/reports/caseload").get_data(as_text=True)
    assert "No open episodes." in html
    assert "Ann" not in html


@pytest.mark.parametrize("url", ["/reports/caseload", "/reports/caseload?format=csv"])
@pytest.mark.parametrize("role", ["counselor", "medical", "intake"])
def test_only_supervisors_and_admins_see_it(client, login_as, clients, url, role):
    clients.admit(clients.make())
    login_as(role)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ["/reports/caseload", "/reports/caseload?format=csv"])
def test_the_report_runs_a_fixed_number_of_queries(
    client, login_as, users, clients, count_queries, url
):
    login_as("supervisor")
    counts = []
    for size in (3, 60):
        for number in range(size):
            clients.admit(clients.make(), level=list(Level)[number % 6], counselor=users.make())
        with count_queries() as counted:
            response = client.get(url)
            assert response.status_code == 200
            response.get_data()
        counts.append(counted.count)
    assert counts[0] == counts[1]


def test_a_large_export_goes_to_a_temporary_file_not_memory(monkeypatch):
    import io

    from clinic.reports import views

    monkeypatch.setattr(views, "EXPORT_IN_MEMORY", 100)
    small = views._spooled(["a" * 50])
    assert isinstance(small, io.BytesIO)
    large = views._spooled(["a" * 60, "b" * 60, "c"])
    try:
        assert not isinstance(large, io.BytesIO)
        assert large.read() == b"a" * 60 + b"b" * 60 + b"c"
    finally:
        large.close()
