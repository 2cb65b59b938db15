"""The audit log viewer: filters by user, action and clinic-time dates; paged by event id (newer,
older) without counting the log; a short summary of each detail; admins only."""

import re
from datetime import UTC, datetime

import pytest

from clinic.core import audit
from clinic.extensions import db


def event_at(moment: datetime, action: str = "auth.login", user=None, email=None) -> None:
    row = audit.record(action, user=user, actor_email=email)
    row.at = moment
    db.session.commit()


@pytest.fixture
def admin(login_as):
    return login_as("admin", email="ada@clinic.example.org")


def rows(html: str) -> int:
    return (
        html.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>")
        if "<tbody>" in html
        else 0
    )


def test_filters_by_user_email_including_typed_emails_of_failed_sign_ins(client, users, admin):
    nurse = users.make(email="nurse@clinic.example.org")
    event_at(datetime(2026, 3, 1, 15, tzinfo=UTC), user=nurse)
    event_at(
        datetime(2026, 3, 1, 16, tzinfo=UTC), "auth.login_failed", email="nurse@clinic.example.org"
    )
    event_at(datetime(2026, 3, 1, 17, tzinfo=UTC), "auth.login_failed", email="other@x.org")
    html = client.get("/admin/audit?user=nurse").get_data(as_text=True)
    assert rows(html) == 2
    assert "other@x.org" not in html


def test_filters_by_action(client, admin):
    event_at(datetime(2026, 3, 1, 15, tzinfo=UTC), "auth.login_failed", email="a@x.org")
    html = client.get("/admin/audit?action=auth.login_failed").get_data(as_text=True)
    assert rows(html) == 1
    assert "Sign-in failed" in html


def test_dates_are_days_in_the_clinic_time_zone(client, admin):
    # 2026-03-02 03:30 UTC is still 1 March in New York (UTC-5).
    event_at(datetime(2026, 3, 2, 3, 30, tzinfo=UTC), "auth.logout", email="late@x.org")
    event_at(datetime(2026, 3, 2, 5, 30, tzinfo=UTC), "auth.logout", email="early@x.org")
    html = client.get(
        "/admin/audit?action=auth.logout&date_from=2026-03-01&date_to=2026-03-01"
    ).get_data(as_text=True)
    assert "late@x.org" in html
    assert "early@x.org" not in html
    assert "2026-03-01 22:30:00" in html  # shown in clinic time


def test_an_end_date_before_the_start_is_explained(client, admin):
    html = client.get("/admin/audit?date_from=2026-03-05&date_to=2026-03-01").get_data(as_text=True)
    assert "The end date is before the start date." in html


def test_a_malformed_date_is_explained_not_a_500(client, admin):
    response = client.get("/admin/audit?date_from=yesterday")
    assert response.status_code == 200
    assert "Not a valid date value." in response.get_data(as_text=True)


def ids_on(html: str) -> list[int]:
    return [int(number) for number in re.findall(r'href="/admin/audit/(\d+)"', html)]


def test_pages_of_50_by_event_id_in_a_fixed_number_of_queries(client, users, admin, count_queries):
    with count_queries() as few:
        client.get("/admin/audit")
    staff = [users.make() for _ in range(5)]
    for number in range(120):
        audit.record("clients.listed", user=staff[number % 5], detail={"client_ids": [number]})
    db.session.commit()
    with count_queries() as many:
        newest = client.get("/admin/audit").get_data(as_text=True)
    assert many.count == few.count
    assert "count(" not in " ".join(many.statements).lower()  # the log is never counted
    first = ids_on(newest)
    assert len(first) == 50
    assert first == sorted(first, reverse=True)  # newest first
    assert 'rel="prev"' not in newest  # nothing newer
    older = re.search(r'href="(/admin/audit\?before=\d+)" rel="next"', newest).group(1)
    second = client.get(older).get_data(as_text=True)
    assert ids_on(second) == [event_id - 50 for event_id in first]
    last = client.get(
        re.search(r'href="([^"]+)" rel="next"', second).group(1).replace("&amp;", "&")
    )
    third = last.get_data(as_text=True)
    assert len(ids_on(third)) == 20 + 1  # the last 20 events and the admin's own sign-in
    assert 'rel="next"' not in third  # nothing older
    newer = re.search(r'href="([^"]+)" rel="prev"', third).group(1).replace("&amp;", "&")
    assert ids_on(client.get(newer).get_data(as_text=True)) == ids_on(second)


def test_the_pages_keep_the_filters(client, users, admin):
    nurse = users.make(email="nurse@clinic.example.org")
    for _ in range(60):
        audit.record("clients.listed", user=nurse, detail={"client_ids": [1]})
        audit.record("auth.logout", user=nurse)
    db.session.commit()
    html = client.get("/admin/audit?user=nurse&action=clients.listed").get_data(as_text=True)
    assert html.count("Client list or search shown") == 50 + 1  # and the filter's option
    older = re.search(r'href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    assert "user=nurse" in older
    assert "action=clients.listed" in older
    page = client.get(older).get_data(as_text=True)
    assert len(ids_on(page)) == 10
    assert "Signed out" not in page.split("<tbody>", 1)[1]


def test_a_page_past_either_end_says_so_and_links_back(client, admin):
    html = client.get("/admin/audit?before=1").get_data(as_text=True)
    assert "No event matches these filters on this side of the log." in html
    assert 'href="/admin/audit">Newest</a>' in html
    assert client.get("/admin/audit?after=99999999999").status_code == 404  # no event has it
    assert client.get("/admin/audit?before=abc").status_code == 200


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_a_date_far_away_is_explained_not_a_500(client, admin, value):
    response = client.get(f"/admin/audit?date_from={value}&date_to={value}")
    assert response.status_code == 200
    assert "Enter a date between the years 2000 and 2999." in response.get_data(as_text=True)


def test_the_log_shows_names_labels_and_a_short_detail_with_the_rest_one_click_away(
    client, users, admin
):
    nurse = users.make(email="nurse@clinic.example.org", full_name="Nia Nurse")
    row = audit.record(
        "clients.listed",
        user=nurse,
        detail={"client_ids": list(range(1, 44)), "filters": ["home"]},
    )
    db.session.commit()
    html = client.get("/admin/audit?user=nurse").get_data(as_text=True)
    assert "Nia Nurse" in html
    assert "43 clients; filters: home" in html
    assert "[1, 2, 3" not in html  # no list of ids, no raw JSON
    assert "1, 2, 3" not in html
    page = client.get(f"/admin/audit/{row.id}").get_data(as_text=True)
    assert "1, 2, 3, 4" in page
    assert client.get("/admin/audit/999999").status_code == 404


def test_a_huge_detail_is_not_read_for_the_table(client, users, admin, count_queries):
    """A detail of a hundred thousand client ids (as the home page once recorded) is summed up
    in SQL: the page stays small and its query does not fetch the detail."""
    nurse = users.make(email="nurse@clinic.example.org")
    row = audit.record(
        "clients.listed", user=nurse, detail={"client_ids": list(range(100_000)), "filters": []}
    )
    db.session.commit()
    response = client.get("/admin/audit?user=nurse")
    html = response.get_data(as_text=True)
    assert "100,000 clients" in html
    assert "kB of detail" in html
    assert len(response.data) < 30_000
    assert "99999" not in html
    assert "99999" in client.get(f"/admin/audit/{row.id}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("detail", "summary"),
    [
        ({"client_ids": [7], "filters": ["q", "sort"]}, "1 client; filters: q, sort"),
        ({"client_ids": [], "filters": []}, "0 clients; filters: none"),
        ({"report": "caseload", "page": 2}, "report: caseload; page: 2"),
        ({"fields": ["phone", "email"], "before": {"a": 1}}, "fields: 2; before: 1 fields"),
        ({"reason": "x" * 100}, "reason: " + "x" * 59 + "…"),
    ],
)
def test_details_are_summed_up_in_words(detail, summary):
    from clinic.admin.queries import AuditRow
    from clinic.admin.views import summarize

    assert summarize(AuditRow(None, detail, len(str(detail)), None)) == summary


@pytest.mark.parametrize("role", ["supervisor", "counselor", "medical", "intake"])
def test_only_admins_read_the_log(client, login, users, role):
    login(users.make(roles=(role,)))
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit?before=10").status_code == 403


def test_record_kinds_are_named_in_words():
    assert audit.object_label("TransitionRequest") == "Transition request"
    assert audit.object_label("User") == "User"
    assert audit.object_label(None) == ""
