"""Browser: a nurse records three COWS scores and sees the trend; a counselor rates the six
dimensions, watches the recommendation follow, and signs the assessment."""

from datetime import timedelta

from playwright.sync_api import expect

from clinic.clients.levels import Level
from clinic.core.clock import clinic_today, utcnow
from tests.assessments.helpers import local
from tests.e2e.test_staff_accounts import sign_in
from tests.factories import DEFAULT_PASSWORD

# Answers per COWS, as (item, value); every other item stays at 0.
COWS_ROUNDS = [
    (timedelta(hours=-10), {1: 2, 2: 3, 3: 3, 4: 2, 5: 2, 6: 2, 7: 3, 8: 2, 9: 2, 10: 2, 11: 3}),
    (timedelta(hours=-5), {1: 1, 2: 1, 3: 1, 5: 2, 7: 2, 10: 2}),
    (timedelta(minutes=-10), {1: 1, 5: 1}),
]


def test_a_nurse_records_three_cows_and_sees_the_trend(
    page, live_server, users, clients, screenshot
):
    nurse = users.make(roles=("medical",), full_name="Nia Nurse")
    patient = clients.make("Wes", "Withdrawal")
    clients.admit(
        patient,
        level=Level.WM,
        admitted_on=clinic_today() - timedelta(days=1),
        level_since=utcnow() - timedelta(hours=12),
    )
    sign_in(page, live_server, nurse.email, DEFAULT_PASSWORD)
    expect(page.locator("#due-items")).to_contain_text("First COWS due")

    totals = []
    for offset, answers in COWS_ROUNDS:
        page.goto(f"{live_server}/clients/{patient.id}/assessments/")
        page.get_by_role("link", name="Give COWS").click()
        page.get_by_label("Given at").fill(local(utcnow() + offset))
        for item in range(1, 12):
            page.locator(f'input[name="item_{item}"][value="{answers.get(item, 0)}"]').check()
        page.get_by_role("button", name="Save and score").click()
        expect(page.locator(".alert-success")).to_contain_text("COWS recorded")
        totals.append(sum(answers.values()))

    assert totals == [26, 9, 2]
    chart = page.locator("figure", has_text="COWS during withdrawal management")
    expect(chart).to_be_visible()
    expect(chart.locator("circle.chart-point")).to_have_count(3)
    # Highest score first in time: the line falls from left to right.
    heights = [
        float(y)
        for y in chart.locator("circle.chart-point").evaluate_all(
            "points => points.map(p => p.getAttribute('cy'))"
        )
    ]
    assert heights[0] < heights[1] < heights[2]
    expect(page.locator("#instrument-results tbody tr")).to_have_count(3)
    screenshot("cows-trend")


def test_a_counselor_signs_an_assessment_and_sees_the_recommendation(
    page, live_server, users, clients, screenshot
):
    counselor = users.make(full_name="Cal Counselor")
    patient = clients.make("Rae", "Rating")
    clients.admit(patient, level=Level.RES, counselor=counselor)
    sign_in(page, live_server, counselor.email, DEFAULT_PASSWORD)
    expect(page.locator("#due-items")).to_contain_text("Intake assessment due")

    page.goto(f"{live_server}/clients/{patient.id}/assessments/")
    page.get_by_label("Kind").select_option("intake")
    page.get_by_role("button", name="Start assessment").click()
    expect(page.get_by_role("heading", name="Intake (biopsychosocial) assessment")).to_be_visible()
    expect(page.locator("#recommendation")).to_contain_text("Rate all six dimensions")

    ratings = {1: 1, 2: 0, 3: 2, 4: 1, 5: 3, 6: 2}
    for number, rating in ratings.items():
        page.locator(f"#d{number}_rating").select_option(str(rating))
        page.locator(f"#d{number}_rationale").fill(f"Seen at intake, dimension {number}.")
    # The recommendation follows the ratings before anything is saved.
    expect(page.locator("#recommended-level")).to_have_text("RES")
    expect(page.locator("#recommendation-drivers")).to_contain_text("dimension 5")
    page.locator("#d5_rating").select_option("2")
    expect(page.locator("#recommended-level")).to_have_text("IOP")
    page.locator("#d5_rating").select_option("3")
    expect(page.locator("#recommended-level")).to_have_text("RES")

    page.get_by_label("Substance use history").fill("Heroin, intranasal then injected, daily.")
    page.get_by_label("Level of care chosen").select_option("RES")
    screenshot("assessment-draft")
    page.get_by_role("button", name="Save and sign").click()
    expect(page.locator(".alert-success")).to_contain_text("Assessment signed")
    expect(page.locator("#chosen-level")).to_have_text("RES")
    expect(page.locator("#recommended-level")).to_have_text("RES")
    expect(page.locator("#assessment-form")).to_have_count(0)
    screenshot("assessment-signed")

    page.goto(f"{live_server}/")
    expect(page.locator("body")).not_to_contain_text("Intake assessment due")
