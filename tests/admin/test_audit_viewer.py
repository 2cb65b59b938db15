"""The audit log viewer: filters by user, action and clinic-time dates; paginated; admins only."""

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


def test_pages_of_50_in_a_fixed_number_of_queries(client, users, admin, count_queries):
    with count_queries() as few:
        client.get("/admin/audit")
    staff = [users.make() for _ in range(5)]
    for number in range(120):
        event_at(datetime(2026, 3, 1, 12, number % 60, tzinfo=UTC), user=staff[number % 5])
    with count_queries() as many:
        html = client.get("/admin/audit?page=2").get_data(as_text=True)
    assert rows(html) == 50
    assert many.count == few.count


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
        detail={"client_ids": list(range(1, 41)), "filters": ["home"]},
    )
    db.session.commit()
    html = client.get("/admin/audit?user=nurse").get_data(as_text=True)
    assert "Nia Nurse" in html
    assert "client ids: 40" in html
    assert "[1, 2, 3" not in html  # no list of ids, no raw JSON
    page = client.get(f"/admin/audit/{row.id}").get_data(as_text=True)
    assert "1, 2, 3, 4" in page
    assert client.get("/admin/audit/999999").status_code == 404


def test_record_kinds_are_named_in_words():
    assert audit.object_label("TransitionRequest") == "Transition request"
    assert audit.object_label("User") == "User"
    assert audit.object_label(None) == ""
