"""Browser: a counselor requests a step-down, a supervisor approves it, and the census moves."""

from playwright.sync_api import expect

from tests.care.conftest import ward  # noqa: F401 (the fixture, for this folder too)
from tests.e2e.test_staff_accounts import sign_in, sign_out
from tests.factories import DEFAULT_PASSWORD


def census_count(page, level: str) -> str:
    return page.locator(f"#census-{level} td.clients").inner_text()


def test_a_step_down_approved_moves_the_census(page, live_server, ward, screenshot):  # noqa: F811
    sign_in(page, live_server, ward.supervisor.email, DEFAULT_PASSWORD)
    page.get_by_role("link", name="Census").click()
    assert (census_count(page, "RES"), census_count(page, "PHP")) == ("1", "0")
    sign_out(page)

    sign_in(page, live_server, ward.counselor.email, DEFAULT_PASSWORD)
    page.goto(f"{live_server}/clients/{ward.client.id}/care")
    page.get_by_role("link", name="Moves between levels").click()
    page.get_by_label("Move to").select_option("PHP")
    page.get_by_label("Based on the assessment").select_option(str(ward.assessment.id))
    page.get_by_label("Justification").fill("Three weeks stable; ready for day treatment.")
    page.get_by_role("button", name="Request the move").click()
    expect(page.locator("#pending-move")).to_contain_text("Step-down from RES to PHP")
    sign_out(page)

    sign_in(page, live_server, ward.supervisor.email, DEFAULT_PASSWORD)
    page.locator("#due-items").get_by_role("link", name="Move to decide: RES → PHP").click()
    page.locator("#decide-move").get_by_role("button", name="Approve").click()
    expect(page.locator(".alert-success")).to_contain_text("Move approved")
    expect(page.locator("#chart-level")).to_contain_text("PHP")
    page.get_by_role("link", name="Census").click()
    assert (census_count(page, "RES"), census_count(page, "PHP")) == ("0", "1")
    screenshot("census-after-move")
