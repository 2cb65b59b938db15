"""The caseload report: open episodes per counselor and level, totals, a safe CSV."""

import csv
import io

from clinic.clients.levels import Level
from clinic.core.csv_export import neutralise
from clinic.reports.caseload import CaseloadTable


def test_the_table_counts_and_totals():
    #           id    name   WM RES PHP IOP OP AC
    table = CaseloadTable.build(
        [
            (2, "Bo", 0, 0, 0, 0, 2, 0),
            (None, None, 0, 1, 0, 0, 0, 0),
            (1, "Ann", 1, 3, 0, 0, 0, 0),
        ]
    )
    assert [(row.counselor, row.total) for row in table.rows] == [
        ("Ann", 4),
        ("Bo", 2),
        ("No primary counselor", 1),
    ]
    assert table.level_totals == (1, 4, 0, 0, 2, 0)
    assert table.total == 7
    assert table.csv_rows()[-1] == ["Total", 1, 4, 0, 0, 2, 0, 7]


def test_an_empty_clinic_has_zero_totals():
    table = CaseloadTable.build([])
    assert table.rows == []
    assert table.level_totals == (0, 0, 0, 0, 0, 0)
    assert table.total == 0


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
    assert "No primary counselor" in html

    response = client.get("/reports/caseload?format=csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Counselor", "WM", "RES", "PHP", "IOP", "OP", "AC", "Total"]
    assert rows[1] == ["'=cmd|' /C calc'!A0", "1", "2", "0", "0", "0", "0", "3"]
    assert rows[-1] == ["Total", "1", "2", "0", "1", "1", "0", "5"]


def test_the_report_runs_a_fixed_number_of_queries(client, login_as, users, clients, count_queries):
    login_as("supervisor")
    with count_queries() as few:
        client.get("/reports/caseload")
    for number in range(30):
        clients.admit(clients.make(), level=list(Level)[number % 6], counselor=users.make())
    with count_queries() as many:
        client.get("/reports/caseload")
    assert few.count == many.count
