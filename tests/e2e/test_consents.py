"""Browser: a counselor records a family member and the client's consent to tell her, prints a
release packet with the Part 2 notice, records the client's revocation, and the next release is
refused with the reason while the accounting still lists the first."""

from playwright.sync_api import expect

from clinic.clients.vocabulary import TeamRole
from tests.e2e.test_staff_accounts import sign_in
from tests.factories import DEFAULT_PASSWORD


def test_consent_release_revocation_and_accounting(page, live_server, clients, staff, screenshot):
    patient = clients.make("Rosa", "Ortiz")
    clients.admit(
        patient, counselor=staff["counselor"], team=[(staff["medical"], TeamRole.MEDICAL)]
    )
    sign_in(page, live_server, staff["counselor"].email, DEFAULT_PASSWORD)
    chart = f"{live_server}/clients/{patient.id}"

    page.goto(f"{chart}/family/")
    page.get_by_role("link", name="Add a contact").click()
    page.get_by_label("Name").fill("Linda Ortiz")
    page.get_by_label("Relationship", exact=True).select_option("parent")
    page.get_by_role("button", name="Add").click()
    expect(page.locator("#contacts")).to_contain_text("Linda Ortiz")

    page.get_by_role("link", name="Consents").click()
    page.get_by_role("link", name="Record a consent").click()
    page.get_by_role("button", name="Record the consent").click()  # empty: every element named
    expect(page.locator("#consent-problems")).to_be_focused()  # the list of what to fix
    expect(page.locator("#kind-errors")).to_contain_text("Choose the kind of consent")
    expect(page.locator("#recipient-errors")).to_contain_text("Choose the recipient")
    page.get_by_label("Kind of consent").select_option("family")
    page.get_by_label("Recipient", exact=True).select_option(label="Linda Ortiz (Parent)")
    page.get_by_label("Attendance and level of care").check()
    page.get_by_label("Purpose", exact=True).select_option("family_involvement")
    page.get_by_label("The right to revoke").check()
    page.get_by_label("Expires").select_option("end_of_treatment")
    page.get_by_label("Signed by").select_option("client")
    page.get_by_label("How it was signed").select_option("paper")
    page.get_by_role("button", name="Record the consent").click()
    expect(page.locator("#consent-status")).to_have_text("Active")
    screenshot("consent-document")

    page.get_by_role("link", name="Consents", exact=True).click()
    page.get_by_role("link", name="Release information").click()
    page.get_by_label("Recipient", exact=True).select_option(label="Linda Ortiz (Parent)")
    page.get_by_label("Purpose").select_option("family_involvement")
    page.get_by_label("Level-of-care history and attendance").check()
    page.get_by_role("button", name="Make the packet").click()
    expect(page.locator("#part2-notice")).to_have_text(
        "42 CFR part 2 prohibits unauthorized use or disclosure of these records."
    )
    expect(page.locator("#consent-scope")).to_contain_text("Linda Ortiz")
    screenshot("release-packet")

    page.goto(f"{chart}/consents/")
    page.locator("#consents").get_by_role("link").first.click()
    page.get_by_role("link", name="Record a revocation").click()
    page.get_by_label("How it was received").select_option("oral")
    page.get_by_role("button", name="Record the revocation").click()
    expect(page.locator("#consent-status")).to_have_text("Revoked")

    page.goto(f"{chart}/consents/releases/new")
    page.get_by_label("Recipient", exact=True).select_option(label="Linda Ortiz (Parent)")
    page.get_by_label("Purpose").select_option("family_involvement")
    page.get_by_label("Level-of-care history and attendance").check()
    page.get_by_role("button", name="Make the packet").click()
    expect(page.locator("#release-refused")).to_contain_text("was revoked")
    screenshot("release-refused")

    page.goto(f"{chart}/consents/disclosures")
    rows = page.locator("#accounting tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Linda Ortiz")
    expect(rows.first).to_contain_text("Family involvement in treatment")
