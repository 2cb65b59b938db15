"""In a real browser: intake from search to duplicate warning to admission, a supervisor assigns
the counselor, and the counselor finds the client on their home page."""

from datetime import date

from playwright.sync_api import expect

from tests.e2e.test_staff_accounts import sign_in, sign_out
from tests.factories import DEFAULT_PASSWORD


def test_intake_to_caseload(page, live_server, users, clients, screenshot):
    intake = users.make(roles=("intake",), full_name="Irene Intake")
    supervisor = users.make(roles=("supervisor",), full_name="Sam Supervisor")
    counselor = users.make(roles=("counselor",), full_name="Carlos Counselor")
    clients.make("Maria", "Lopez", date_of_birth=date(1985, 4, 12))

    sign_in(page, live_server, intake.email, DEFAULT_PASSWORD)
    page.get_by_role("link", name="New intake").first.click()
    page.get_by_label("Legal first name").fill("María")
    page.get_by_label("Legal last name").fill("Lopes")
    page.get_by_label("Date of birth").fill("1985-04-12")
    page.get_by_role("button", name="Search").click()
    warning = page.locator("#possible-duplicates")
    expect(warning).to_contain_text("Maria Lopez")
    screenshot("intake-duplicate-warning")

    page.get_by_label("Sex assigned at birth").select_option("female")
    page.get_by_label("Pronouns").fill("she/her")
    page.get_by_role("button", name="Create client record").click()
    expect(page.locator("#confirm_not_duplicate-errors")).to_contain_text("possible matches")
    expect(page.get_by_label("Pronouns")).to_have_value("she/her")
    page.get_by_label("I have checked the possible matches above").check()
    page.get_by_role("button", name="Create client record").click()
    expect(page.locator("#client-name")).to_contain_text("María Lopes")

    page.get_by_role("link", name="Admit this client").click()
    page.get_by_label("Referral source").select_option("hospital")
    page.get_by_label("Initial level of care").select_option("RES")
    page.get_by_label("Primary substance").select_option("heroin")
    page.locator("#route_1").select_option("injection")
    page.locator("#frequency_1").select_option("daily")
    page.get_by_label("Payer", exact=True).fill("Montana Medicaid")
    page.get_by_role("button", name="Admit").click()
    expect(page.locator("#chart-level")).to_contain_text("Residential treatment")
    expect(page.locator("#chart-counselor")).to_contain_text("Not assigned")
    sign_out(page)

    sign_in(page, live_server, supervisor.email, DEFAULT_PASSWORD)
    due = page.locator("#due-items")
    expect(due).to_contain_text("María Lopes")
    due.get_by_role("link", name="Assign a primary counselor").click()
    page.get_by_label("Team role").select_option("primary_counselor")
    page.get_by_label("Staff member").select_option(label="Carlos Counselor")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("Care team updated.")).to_be_visible()
    sign_out(page)

    sign_in(page, live_server, counselor.email, DEFAULT_PASSWORD)
    caseload = page.locator("#caseload")
    expect(caseload).to_contain_text("María Lopes")
    expect(caseload).to_contain_text("RES")
    screenshot("counselor-caseload")
    caseload.get_by_role("link", name="María Lopes").click()
    expect(page.locator("#chart-counselor")).to_contain_text("Carlos Counselor")
