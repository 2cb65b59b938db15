"""Browser: a counselor builds a plan from the signed assessment, signs it with their password,
records the client's acknowledgement; a supervisor co-signs; the print view is saved."""

from playwright.sync_api import expect

from tests.e2e.test_staff_accounts import sign_in, sign_out
from tests.factories import DEFAULT_PASSWORD
from tests.plans.conftest import setting  # noqa: F401 (the fixture)


def test_a_plan_from_assessment_to_print(page, live_server, setting, screenshot):  # noqa: F811
    sign_in(page, live_server, setting.counselor.email, DEFAULT_PASSWORD)
    expect(page.locator("#due-items")).to_contain_text("First treatment plan due")
    page.goto(f"{live_server}/clients/{setting.client.id}/plans/")
    page.get_by_role("button", name="Start the plan from the assessment").click()
    expect(page.locator(".plan-problem")).to_have_count(4)
    expect(page.locator("#plan-checks")).to_contain_text("client's own words")

    # Each problem: the goal in the client's words, and the library's text made this client's.
    for number in range(1, 5):
        page.locator(f"#problem-{number}").get_by_role("link", name="Edit").click()
        goals = page.locator(".plan-goal")
        for index in range(goals.count()):
            page.locator(f"#goals-{index}-client_words").fill(
                "I want to be a dad my son can count on."
            )
            text = page.locator(f"#goals-{index}-text")
            text.fill(text.input_value() + " (for Pat)")
            objectives = goals.nth(index).locator(".plan-objective")
            for inner in range(objectives.count()):
                field = page.locator(f"#goals-{index}-objectives-{inner}-text")
                field.fill(field.input_value().rstrip(".") + ", in Pat's own way.")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".alert-success")).to_contain_text("Problem saved")

    page.get_by_label("Strengths").fill("Funny, loyal, a good cook.")
    page.get_by_label("Preferences").fill("Morning groups; a male counselor.")
    page.get_by_label("Discharge or transfer criteria").fill("Housing secured; 30 days sober.")
    page.locator("#plan-details").get_by_role("button", name="Save").click()
    expect(page.locator("#plan-checks")).to_contain_text("Every check passes")
    expect(page.locator("#stock-warnings")).to_have_count(0)

    page.get_by_label("Your password, to sign").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign as author").click()
    expect(page.locator(".alert-success")).to_contain_text("Plan signed")
    page.get_by_label("How").select_option("in_person")
    page.get_by_label("The client's comment").fill("Mornings are best for me.")
    page.get_by_role("button", name="Record acknowledgement").click()
    expect(page.locator("#signatures")).to_contain_text("In person, signed")
    sign_out(page)

    sign_in(page, live_server, setting.supervisor.email, DEFAULT_PASSWORD)
    expect(page.locator("#due-items")).to_contain_text("Plan awaiting co-signature")
    page.locator("#due-items").get_by_role("link", name="Plan awaiting co-signature").click()
    page.get_by_role("button", name="Co-sign: make this the active plan").click()
    expect(page.locator("#plan-status")).to_have_text("Active")
    expect(page.locator("#review-due")).to_be_visible()

    page.get_by_role("link", name="Print").click()
    expect(page.get_by_role("heading", name="Individualized treatment plan")).to_be_visible()
    expect(page.locator(".signatures")).to_contain_text("Sam Supervisor")
    page.emulate_media(media="print")
    screenshot("plan-print")
