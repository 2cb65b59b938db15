"""The census page: its figures from the indexed reads of clinic/care/census.py, the same
statements for a small and a larger clinic, and supervisors and admins only."""

from datetime import timedelta

import pytest

from clinic.care.census import census
from clinic.clients.levels import Level
from clinic.core.clock import clinic_today


def test_the_census_counts_open_episodes_and_this_week_s_flows(client, login_as, clients):
    today = clinic_today()
    week_start = today - timedelta(days=today.weekday())
    for level in (Level.RES, Level.RES, Level.WM):
        clients.admit(clients.make(), level=level)
    old = clients.admit(clients.make(), admitted_on=week_start - timedelta(days=30))
    clients.discharge(old, on=today)
    clients.discharge(
        clients.admit(clients.make(), admitted_on=week_start - timedelta(days=60)),
        on=week_start - timedelta(days=1),  # last week: not counted
    )
    login_as("supervisor")
    html = client.get("/reports/census").get_data(as_text=True)
    assert 'id="census-total">3<' in html
    figures = census(today)
    assert (figures.admitted_today, figures.admitted_this_week) == (3, 3)
    assert (figures.discharged_today, figures.discharged_this_week) == (1, 1)


def test_the_census_runs_the_same_statements_for_a_small_and_a_larger_clinic(
    client, login_as, users, clients, count_queries
):
    login_as("supervisor")
    counts = []
    for size in (3, 60):
        for number in range(size):
            episode = clients.admit(
                clients.make(), level=list(Level)[number % 6], counselor=users.make()
            )
            if number % 4 == 0:
                clients.discharge(episode)
        with count_queries() as counted:
            assert client.get("/reports/census").status_code == 200
        counts.append(counted.count)
    assert counts[0] == counts[1]


@pytest.mark.parametrize("role", ["counselor", "medical", "intake"])
def test_only_supervisors_and_admins_see_the_census(client, login_as, role):
    login_as(role)
    assert client.get("/reports/census").status_code == 403
