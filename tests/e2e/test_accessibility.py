"""Browser: no axe-core violation (WCAG 2.1 A and AA) on the main pages of every role, at
desktop and phone width.

The demo clinic is loaded (the data a person trying the portal sees), each role signs in once in
its own browser context, and axe (tests/e2e/vendor/axe-core, added by Playwright to every page the
test's browser opens, so it never ships with the app's pages and needs no network) checks every
page at both widths. The test fails listing every violation: rule, what it asks, and the elements
that break it. Axe does not look at focus, so the test also walks the first tab stops of the home
page and of a chart page with the keyboard and asks each to show a focus ring (WCAG 2.4.7).
"""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from clinic.assessments import services as assessment_services
from clinic.assessments.models import Assessment, InstrumentResult
from clinic.assessments.vocabulary import AssessmentKind, AssessmentStatus
from clinic.auth.models import User
from clinic.care.models import RequestStatus, TransitionRequest
from clinic.clients.levels import Level
from clinic.clients.models import CareTeamMember, Client, Episode
from clinic.clients.vocabulary import TeamRole
from clinic.consents.models import Consent, Disclosure
from clinic.core.audit import AuditEvent
from clinic.extensions import db
from clinic.plans.models import PlanProblem, TreatmentPlan
from clinic.plans.vocabulary import PlanStatus
from clinic.seed import demo
from tests.e2e.test_staff_accounts import sign_in

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}
ROLES = ("intake", "counselor", "medical", "supervisor", "admin")

RUN_AXE = """tags => axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
}).then(results => results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(node => node.target.join(" ")),
})))"""


@dataclass
class Violation:
    where: str
    id: str
    impact: str
    help: str
    nodes: list[str]

    def __str__(self) -> str:
        targets = "\n      ".join(self.nodes)
        return f"{self.where}: {self.id} ({self.impact}) {self.help}\n      {targets}"


def one(statement):
    found = db.session.scalars(statement.limit(1)).first()
    assert found is not None, f"the demo data has no {statement}"
    return found


def user(email: str) -> User:
    return one(sa.select(User).where(User.email == email))


def plan(*conditions) -> TreatmentPlan:
    return one(sa.select(TreatmentPlan).where(*conditions).order_by(TreatmentPlan.id))


def chart_pages(client_id: int, *tabs: str) -> list[str]:
    return [f"/clients/{client_id}{tab}" for tab in ("", *tabs)]


def plan_pages(plan: TreatmentPlan) -> list[str]:
    """The plan and the page of its first problem."""
    problem = one(sa.select(PlanProblem).where(PlanProblem.plan_id == plan.id))
    base = f"/clients/{plan.client_id}/plans/{plan.id}"
    return [base, f"{base}/problems/{problem.id}"]


def assessment_pages(client_id: int) -> list[str]:
    """The client's assessments (a draft's form, a signed one read-only) and a screening
    result."""
    pages = [
        f"/clients/{client_id}/assessments/{assessment_id}"
        for assessment_id in db.session.scalars(
            sa.select(Assessment.id).where(Assessment.client_id == client_id)
        )
    ]
    result = one(sa.select(InstrumentResult.id).where(InstrumentResult.client_id == client_id))
    return [*pages, f"/clients/{client_id}/assessments/instruments/{result}"]


def main_pages() -> dict[str, tuple[User, list[str]]]:
    """Each role's demo user and the pages that role opens in a day's work, on clients chosen so
    that the roles between them see the pages in their different states."""
    intake, counselor, medical, supervisor, admin = (
        user(email)
        for email in (
            "intake@demo.example.org",
            demo.COUNSELOR_EMAIL,
            demo.MEDICAL_EMAIL,
            "supervisor@demo.example.org",
            "admin@demo.example.org",
        )
    )
    # The counselor: a client of theirs with a plan in force, and a reassessment being written
    # (so that the assessment form itself is checked).
    caseload = sa.select(CareTeamMember.episode_id).where(
        CareTeamMember.user_id == counselor.id,
        CareTeamMember.team_role == TeamRole.PRIMARY_COUNSELOR,
        CareTeamMember.removed_at.is_(None),
    )
    active = plan(TreatmentPlan.episode_id.in_(caseload), TreatmentPlan.status == PlanStatus.ACTIVE)
    episode = db.session.get(Episode, active.episode_id)
    client = episode.client_id
    draft = assessment_services.start(
        db.session.get(Client, client), episode, AssessmentKind.REASSESSMENT, actor=counselor
    )
    assert draft.status == AssessmentStatus.DRAFT

    # The supervisor: a client whose move waits for a decision, a plan waiting for the
    # co-signature and one still being written.
    moving = one(
        sa.select(Episode.client_id)
        .join(TransitionRequest, TransitionRequest.episode_id == Episode.id)
        .where(TransitionRequest.status == RequestStatus.PENDING)
    )
    unsigned = TreatmentPlan.status == PlanStatus.DRAFT
    to_cosign = plan(unsigned, TreatmentPlan.author_signed_at.is_not(None))
    being_written = plan(unsigned, TreatmentPlan.author_signed_at.is_(None))

    # Medical staff: a client in withdrawal management on their care team.
    detox = one(
        sa.select(Episode.client_id)
        .join(CareTeamMember, CareTeamMember.episode_id == Episode.id)
        .where(
            CareTeamMember.user_id == medical.id,
            Episode.current_level == Level.WM,
            Episode.discharged_on.is_(None),
        )
        .order_by(Episode.id)
    )

    # Intake: someone screened but not admitted, and the newest admission.
    not_admitted = one(
        sa.select(Client.id).where(~Client.id.in_(sa.select(Episode.client_id))).order_by(Client.id)
    )
    just_admitted = one(
        sa.select(Episode.client_id)
        .where(Episode.discharged_on.is_(None))
        .order_by(Episode.created_at.desc(), Episode.id.desc())
    )

    # Consents: one of the counselor's clients' consents, and a release packet they sent.
    theirs = sa.select(Episode.client_id).where(Episode.id.in_(caseload))
    consent = one(sa.select(Consent).where(Consent.client_id.in_(theirs)).order_by(Consent.id))
    packet = one(
        sa.select(Disclosure)
        .where(Disclosure.client_id.in_(theirs), Disclosure.artefact_kind == "release_packet")
        .order_by(Disclosure.id)
    )
    consents = f"/clients/{consent.client_id}/consents"

    event = one(sa.select(AuditEvent.id).order_by(AuditEvent.id.desc()))
    db.session.commit()
    return {
        "intake": (
            intake,
            [
                "/",
                "/clients/",
                "/clients/new",
                *chart_pages(not_admitted, "/care", "/edit", "/episodes/new"),
                *chart_pages(just_admitted, "/care", "/assessments/"),
            ],
        ),
        "counselor": (
            counselor,
            [
                "/",
                "/clients/",
                "/account/password",
                *chart_pages(client, "/care", "/assessments/", "/plans/", "/edit"),
                *assessment_pages(client),
                f"/clients/{client}/assessments/instruments/PHQ9/new",
                *plan_pages(active),
                f"/clients/{client}/plans/{active.id}/review",
                f"/clients/{client}/care/moves",
                f"/clients/{client}/care/discharge",
                f"/clients/{client}/family/",
                f"/clients/{client}/family/new",
                f"{consents}/",
                f"{consents}/new",
                f"{consents}/{consent.id}",
                f"{consents}/{consent.id}/print",
                f"{consents}/releases/new",
                f"{consents}/emergency/new",
                f"{consents}/disclosures",
                f"{consents}/disclosures/print",
                f"/clients/{packet.client_id}/consents/disclosures/{packet.id}",
            ],
        ),
        "medical": (
            medical,
            [
                "/",
                "/worklist/cows",
                "/clients/",
                *chart_pages(detox, "/care", "/assessments/", "/plans/"),
                f"/clients/{detox}/assessments/instruments/COWS/new",
                f"/clients/{detox}/care/moves",
                f"/clients/{detox}/care/discharge",
            ],
        ),
        "supervisor": (
            supervisor,
            [
                "/",
                "/worklist/first_plan",
                "/clients/",
                "/reports/census",
                "/reports/caseload",
                "/reports/emergency-access",
                "/disclosures/emergency",
                *chart_pages(moving, "/care", "/assessments/", "/plans/"),
                f"/clients/{moving}/care/moves",
                f"/clients/{moving}/care/discharge",
                f"/clients/{moving}/care/team",
                *plan_pages(to_cosign),
                *plan_pages(being_written),
            ],
        ),
        "admin": (
            admin,
            [
                "/",
                "/clients/",
                "/reports/census",
                "/reports/caseload",
                "/admin/users/",
                "/admin/users/new",
                f"/admin/users/{counselor.id}",
                f"/admin/users/{counselor.id}/password",
                "/admin/audit",
                f"/admin/audit/{event}",
                "/admin/beds",
                "/admin/providers/",
                "/admin/providers/new",
                *chart_pages(client, "/care"),
            ],
        ),
    }


def violations_on(page, where: str) -> list[Violation]:
    return [Violation(where=where, **found) for found in page.evaluate(RUN_AXE, TAGS)]


def check_every_width(page, where: str) -> list[Violation]:
    """Axe at each width, on the page as loaded (the layout follows the window's width)."""
    found = []
    for name, size in WIDTHS.items():
        page.set_viewport_size(size)
        found += violations_on(page, f"{where} [{name}]")
    return found


FOCUSED = """() => {
    const element = document.activeElement, style = getComputedStyle(element);
    return {
        end: element === document.body,
        element: element.outerHTML.slice(0, 120),
        field: element.matches("input, select, textarea"),
        ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    };
}"""


def focus_without_ring(page, where: str, stops: int = 12) -> list[Violation]:
    """Those of the first `stops` elements the Tab key reaches that show no outline when focused
    (form fields keep Bootstrap's border and glow, and are not asked for one)."""
    page.set_viewport_size(WIDTHS["desktop"])
    page.locator("body").focus()
    missing = []
    for _ in range(stops):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["end"]:  # past the last stop, out to the browser
            break
        if not (focused["field"] or focused["ring"]):
            missing.append(focused["element"])
    if not missing:
        return []
    return [Violation(where, "focus-ring", "serious", "Focused elements must show a ring", missing)]


@pytest.mark.parametrize("role", ROLES)
def test_main_pages_have_no_accessibility_violations(browser, live_server, role):
    demo.load_demo()
    db.session.commit()
    account, paths = main_pages()[role]
    chart = next(path for path in paths if re.fullmatch(r"/clients/\d+", path))
    context = browser.new_context(viewport=WIDTHS["desktop"])
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    try:
        page.goto(f"{live_server}/login")
        found = check_every_width(page, "/login")
        page.set_viewport_size(WIDTHS["desktop"])
        sign_in(page, live_server, account.email, demo.DEMO_PASSWORD)
        page.wait_for_url(f"{live_server}/")
        found += focus_without_ring(page, "/ [keyboard]")
        for path in paths:
            response = page.goto(f"{live_server}{path}")
            assert response.status == 200, f"{role} cannot open {path}: {response.status}"
            found += check_every_width(page, path)
            if path == chart:
                found += focus_without_ring(page, f"{path} [keyboard]", stops=20)
        # The phone's menu and the account menu, opened.
        page.goto(f"{live_server}/")
        page.set_viewport_size(WIDTHS["phone"])
        page.get_by_role("button", name="Toggle navigation").click()
        page.locator("#main-nav.show").wait_for()
        page.locator("#user-menu").click()
        page.locator(".dropdown-menu.show").wait_for()
        found += violations_on(page, "/ [phone, menu and account menu open]")
    finally:
        context.close()
    report = "\n".join(str(violation) for violation in found)
    assert not found, f"{len(found)} axe violations for {role}:\n{report}"
