"""In a real browser: what was typed survives the end of a session, and the page warns before
the idle limit with a button that keeps the session."""

from datetime import timedelta

from playwright.sync_api import expect

from clinic.clients.levels import Level
from tests.e2e.test_staff_accounts import sign_in
from tests.factories import DEFAULT_PASSWORD


def test_typed_input_comes_back_after_signing_in_again(
    page, live_server, users, clients, clock, screenshot
):
    counselor = users.make(roles=("counselor",), full_name="Carla Counselor")
    record = clients.make("Tess", "Typed")
    clients.admit(record, level=Level.RES, counselor=counselor)
    sign_in(page, live_server, counselor.email, DEFAULT_PASSWORD)
    page.goto(f"{live_server}/clients/{record.id}/edit")
    page.get_by_label("Preferred name").fill("Tessie")
    clock.advance(minutes=16)  # the counselor stepped away
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_text("Your session ended before this was saved")).to_be_visible()
    page.get_by_label("Email").fill(counselor.email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#held-form-notice")).to_be_visible()
    expect(page.get_by_label("Preferred name")).to_have_value("Tessie")
    screenshot("held-form-offered-back")


def test_the_idle_warning_appears_and_stay_signed_in_keeps_the_session(
    app, page, live_server, users, monkeypatch
):
    monkeypatch.setitem(app.config, "SESSION_IDLE_TIMEOUT", timedelta(seconds=123))
    user = users.make(roles=("counselor",))
    sign_in(page, live_server, user.email, DEFAULT_PASSWORD)
    warning = page.locator("#session-warning")
    expect(warning).to_be_hidden()
    expect(warning).to_be_visible(timeout=10_000)  # 2 minutes before the (shortened) limit
    expect(page.locator("#stay-signed-in")).to_be_focused()
    page.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
