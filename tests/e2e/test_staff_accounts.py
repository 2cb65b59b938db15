"""In a real browser: an admin creates a counselor, signs out, and the counselor signs in."""

from playwright.sync_api import expect

from tests.factories import DEFAULT_PASSWORD

COUNSELOR_PASSWORD = "juniper kettle orbit seventeen"
COUNSELOR_NEW_PASSWORD = "copper meadow lantern ninety"


def sign_in(page, base_url, email, password):
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    page.locator("#user-menu").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_admin_creates_a_counselor_who_then_signs_in(page, live_server, users, screenshot):
    admin = users.make(roles=("admin",), email="ada@clinic.example.org", full_name="Ada Admin")
    sign_in(page, live_server, admin.email, DEFAULT_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Ada Admin")).to_be_visible()

    page.get_by_role("link", name="Staff accounts").first.click()
    page.get_by_role("link", name="New account").click()
    page.get_by_label("Email").fill("carlos@clinic.example.org")
    page.get_by_label("Full name").fill("Carlos Counselor")
    page.get_by_label("Counselor").check()
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Repeat the new password").fill("short")
    page.get_by_role("button", name="Create account").click()
    # Refused beside the field, and what was typed is still there.
    expect(page.locator("#new_password-errors")).to_contain_text("at least 15 characters")
    expect(page.get_by_label("Full name")).to_have_value("Carlos Counselor")

    page.get_by_label("New password", exact=True).fill(COUNSELOR_PASSWORD)
    page.get_by_label("Repeat the new password").fill(COUNSELOR_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Carlos Counselor")).to_be_visible()
    screenshot("admin-created-counselor")
    sign_out(page)

    sign_in(page, live_server, "carlos@clinic.example.org", COUNSELOR_PASSWORD)
    # A password set by an administrator must be replaced at first sign-in.
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    page.get_by_label("Current password").fill(COUNSELOR_PASSWORD)
    page.get_by_label("New password", exact=True).fill(COUNSELOR_NEW_PASSWORD)
    page.get_by_label("Repeat the new password").fill(COUNSELOR_NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("heading", name="Welcome, Carlos Counselor")).to_be_visible()
    expect(page.get_by_role("link", name="Staff accounts")).to_have_count(0)
    screenshot("counselor-home")
