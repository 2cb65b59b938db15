"""Due work that scales: the home page shows each kind's count and most urgent few, and each kind
has a worklist, paged and filtered in SQL, for whoever the kind is for."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinic.assessments.models import InstrumentResult
from clinic.clients.levels import Level
from clinic.core import due
from clinic.core.audit import AuditEvent
from clinic.core.clock import clinic_today, utcnow
from clinic.extensions import db
from tests.forms import rendered_form


def due_section(html: str) -> str:
    return html.split('id="due-items"', 1)[1].split("</ul>", 1)[0]


@pytest.fixture
def backlog(clients, users, clock):
    """Nine admissions without a primary counselor, older first, two days ago and more; three
    in intensive outpatient care and six in residential."""
    admitted = []
    for number in range(9):
        record = clients.make(f"Wait{number}", "Backlog")
        clients.admit(
            record,
            level=Level.IOP if number < 3 else Level.RES,
            admitted_on=clinic_today() - timedelta(days=10 - number),
        )
        admitted.append(record)
    return admitted


def test_the_home_page_shows_the_most_urgent_few_and_the_count(client, login_as, backlog):
    login_as("supervisor")
    due = due_section(client.get("/").get_data(as_text=True))
    assert 'href="/worklist/primary_counselor">Primary counselors to assign</a>' in due
    assert 'title="9 in all"' in due
    shown = [record.display_name for record in backlog if record.display_name in due]
    assert shown == [record.display_name for record in backlog[:5]]  # the oldest five
    assert "See all 9" in due


def test_past_its_cap_the_home_page_says_more_and_the_worklist_counts_on(
    client, login_as, backlog, monkeypatch
):
    """The home page counts each kind up to HOME_COUNT_CAP; the worklist further (COUNT_CAP)."""
    monkeypatch.setattr(due, "HOME_COUNT_CAP", 7)
    login_as("supervisor")
    home = due_section(client.get("/").get_data(as_text=True))
    assert 'title="7+ in all"' in home
    assert "See all 7+" in home
    worklist = client.get("/worklist/primary_counselor").get_data(as_text=True)
    assert '<span class="badge text-bg-secondary">9</span>' in worklist


def test_the_home_page_audits_only_the_clients_it_shows(client, login_as, backlog):
    login_as("supervisor")
    client.get("/")
    event = db.session.scalar(
        sa.select(AuditEvent)
        .where(AuditEvent.action == "clients.listed")
        .order_by(AuditEvent.id.desc())
    )
    assert event.detail["client_ids"] == [record.id for record in backlog[:5]]


def test_the_worklist_pages_every_item_most_urgent_first(
    app, client, login_as, backlog, monkeypatch
):
    monkeypatch.setitem(app.config, "WORKLIST_PAGE_SIZE", 4)
    login_as("supervisor")
    pages = [
        client.get(f"/worklist/primary_counselor?page={number}").get_data(as_text=True)
        for number in (1, 2, 3)
    ]
    names = [record.display_name for record in backlog]
    for number, page in enumerate(pages):
        listed = page.split('id="worklist-items"', 1)[1].split("</ul>", 1)[0]
        assert [name for name in names if name in listed] == names[number * 4 : number * 4 + 4]
    assert 'aria-current="page">Page 3' in pages[2]
    assert 'class="page-item disabled"><a class="page-link" href="#">Next' in pages[2]


def test_the_filters_the_page_renders_narrow_the_list(client, login_as, backlog):
    login_as("supervisor")
    html = client.get("/worklist/primary_counselor").get_data(as_text=True)
    form = rendered_form(html, "worklist-filters")
    assert set(form) == {"counselor", "level", "severity"}
    form["level"] = Level.IOP.value
    filtered = client.get("/worklist/primary_counselor", query_string=form).get_data(as_text=True)
    assert [r.display_name for r in backlog if r.display_name in filtered] == [
        r.display_name for r in backlog[:3]
    ]
    assert f'<option selected value="{Level.IOP.value}">' in filtered  # the choice is kept


def test_the_counselor_filter_is_a_name_typed_not_a_list_of_staff(
    client, login, users, clients, clock
):
    supervisor = users.make(roles=("supervisor",))
    ana = users.make(full_name="Ana Ortega")
    other = users.make(full_name="Ben Hale")
    for counselor, name in ((ana, "Mine"), (other, "Theirs")):
        clients.admit(
            clients.make(name, "Client"),
            counselor=counselor,
            admitted_on=clinic_today() - timedelta(days=5),
        )
    login(supervisor)
    page = client.get("/worklist/first_plan", query_string={"counselor": "orte"})
    html = page.get_data(as_text=True)
    assert "Mine Client" in html
    assert "Theirs Client" not in html
    assert 'value="orte"' in html
    assert "<option" not in html.split('id="worklist-filters"', 1)[1].split("counselor", 2)[1]


def test_severity_filters_overdue_from_not_yet(client, login, users, clients, clock):
    counselor = users.make()
    clients.admit(
        clients.make("Late", "One"),
        counselor=counselor,
        admitted_on=clinic_today() - timedelta(days=5),
    )
    clients.admit(clients.make("Fresh", "One"), counselor=counselor)
    login(counselor)
    overdue = client.get("/worklist/first_plan?severity=overdue").get_data(as_text=True)
    upcoming = client.get("/worklist/first_plan?severity=due").get_data(as_text=True)
    assert "Late One" in overdue
    assert "Fresh One" not in overdue
    assert "Fresh One" in upcoming
    assert "Late One" not in upcoming


@pytest.mark.parametrize(
    ("role", "kind", "status"),
    [
        ("counselor", "primary_counselor", 404),  # a supervisor's kind
        ("admin", "first_plan", 404),
        ("intake", "cows", 404),
        ("supervisor", "no_such_kind", 404),
        ("supervisor", "primary_counselor", 200),
        ("medical", "cows", 200),
        ("intake", "awaiting_counselor", 200),
    ],
)
def test_a_worklist_opens_only_for_whom_the_kind_is(client, login_as, role, kind, status):
    login_as(role)
    assert client.get(f"/worklist/{kind}").status_code == status


def test_bad_filters_are_refused_beside_the_field_and_list_everything(client, login_as, backlog):
    login_as("supervisor")
    page = client.get("/worklist/primary_counselor", query_string={"level": "XX", "page": "x"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Not a valid choice" in html
    assert all(record.display_name in html for record in backlog)


def test_the_worklist_costs_the_same_statements_whatever_is_waiting(
    client, login_as, clients, count_queries, clock
):
    def wait(count):
        for _ in range(count):
            clients.admit(clients.make(), admitted_on=clinic_today() - timedelta(days=3))

    login_as("supervisor")
    wait(2)
    client.get("/worklist/primary_counselor")
    with count_queries() as few:
        client.get("/worklist/primary_counselor")
        client.get("/")
    wait(60)
    with count_queries() as many:
        client.get("/worklist/primary_counselor")
        client.get("/")
    assert many.count == few.count


def test_safety_flags_are_all_shown_however_many(client, login_as, clients, users, clock):
    staff = users.make()
    flagged = []
    for number in range(7):
        record = clients.make(f"Flag{number}", "Raised")
        episode = clients.admit(record, counselor=staff)
        db.session.add(
            InstrumentResult(
                client_id=record.id,
                episode_id=episode.id,
                code="PHQ9",
                answers={},
                total=12,
                band="moderate",
                flags=["safety"],
                safety_flag=True,
                administered_at=utcnow() - timedelta(minutes=number),
                administered_by_id=staff.id,
            )
        )
        flagged.append(record)
    db.session.commit()
    login_as("supervisor")
    due = due_section(client.get("/").get_data(as_text=True))
    assert due.count("Safety flag to acknowledge") == 7
    assert all(record.display_name in due for record in flagged)
    assert "See all" not in due.split("Safety flags to acknowledge", 1)[1].split("due-kind", 1)[0]
