"""The permission table: every action, every role, plus the cases with no role at all."""

from types import SimpleNamespace

import pytest

from clinic.auth.models import Role
from clinic.core import permissions
from clinic.core.permissions import can
from clinic.policy import RULES

ALL = set(Role)
EXPECTED = {
    "home.view": ALL,
    "account.change_password": ALL,
    "users.manage": {Role.ADMIN},
    "audit.view": {Role.ADMIN},
    "clients.list": ALL,
    "clients.create": {Role.INTAKE, Role.SUPERVISOR},
    "emergency.request": {Role.COUNSELOR, Role.MEDICAL},
    "emergency.review": {Role.SUPERVISOR},
    "caseload.own": {Role.COUNSELOR, Role.MEDICAL},
    "reports.caseload": {Role.SUPERVISOR, Role.ADMIN},
    "assessment.recommend": {Role.INTAKE, Role.COUNSELOR, Role.SUPERVISOR},
    "reports.census": {Role.SUPERVISOR, Role.ADMIN},
    "beds.manage": {Role.ADMIN},
    "work.supervise": {Role.SUPERVISOR},
    "work.counsel": {Role.COUNSELOR},
    "work.medical": {Role.MEDICAL},
    "work.intake": {Role.INTAKE},
    "providers.view": ALL,
    "providers.manage": {Role.ADMIN},
    "emergency_disclosures.review": {Role.SUPERVISOR},
}
# Rules about one client record, tested against real records in tests/clients/test_access.py.
OBJECT_RULES = {
    "client.view",
    "client.clinical",
    "client.edit",
    "client.restrict",
    "episode.admit",
    "careteam.manage",
    # Tested against real records in tests/assessments/test_assessment_views.py.
    "assessment.view",
    "assessment.start",
    "assessment.write",
    "assessment.edit",
    "instrument.cows",
    "instrument.ciwa",
    "instrument.screen",
    "instrument.intake",
    "safety.acknowledge",
    # Tested against real records in tests/plans/test_plan_views.py.
    "plan.view",
    "plan.write",
    "plan.medical",
    "plan.cosign",
    # Tested against real records in tests/care/test_transition_views.py.
    "transition.request",
    "transition.clear",
    "transition.decide",
    "transition.withdraw",
    "transition.approve",
    "discharge.approve",
    "level.correct",
    # Tested against real records in tests/family/test_contact_views.py.
    "contacts.view",
    "contacts.manage",
    # Tested against real records in tests/consents/test_consent_views.py.
    "consents.view",
    "consents.manage",
    "release.make",
    "disclosure.emergency",
}


@pytest.fixture(autouse=True, scope="module")
def _policy_installed():
    """The app factory installs the table; these tests ask the engine without an app."""
    permissions.register(RULES)


def staff(*roles: Role, active: bool = True):
    return SimpleNamespace(roles=frozenset(roles), is_authenticated=True, is_active=active)


def test_every_rule_is_in_these_tables():
    assert set(RULES) == set(EXPECTED) | OBJECT_RULES


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_exactly_what_the_table_says(action, role):
    assert can(staff(role), action) is (role in EXPECTED[action])


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_anonymous_and_deactivated_users_may_do_nothing(action):
    anonymous = SimpleNamespace(roles=frozenset(), is_authenticated=False, is_active=False)
    assert not can(anonymous, action)
    assert not can(None, action)
    assert not can(staff(*Role, active=False), action)


def test_several_roles_add_up():
    user = staff(Role.COUNSELOR, Role.ADMIN)
    assert can(user, "users.manage")
    assert can(user, "home.view")


def test_an_unknown_action_is_a_programming_error():
    with pytest.raises(KeyError, match="unknown permission"):
        can(staff(Role.ADMIN), "users.delete_everything")
