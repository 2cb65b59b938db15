"""Who may do what: the one table of named actions, and the predicates its rules are made of.

The engine (`can`, `require`, `deny`) is `clinic/core/permissions.py`; the app factory hands it
this table once. This module sits above the domains whose facts its predicates read (who sees
which client, whether the client is in treatment, who asked for a move) and imports them at
module level; no domain imports it. Views, templates, due sources and services all ask `can`
with these names, so "who may do this" has one answer.
"""

from clinic.assessments.vocabulary import AssessmentKind
from clinic.auth.models import Role
from clinic.care import transitions
from clinic.clients import access
from clinic.clients.services import client_is_visible, open_episode
from clinic.core.clock import clinic_today, utcnow
from clinic.core.permissions import Rule


def any_role(*roles: Role) -> Rule:
    """A rule satisfied by holding any one of these roles."""
    wanted = frozenset(roles)

    def rule(user, _obj) -> bool:
        return not wanted.isdisjoint(user.roles)

    rule.roles = wanted  # for the permission table on the help page and in tests
    return rule


def signed_in(_user, _obj) -> bool:
    return True


def client_visible(user, record) -> bool:
    """The client (or the client a record belongs to: anything with a `client_id`) is within
    the user's access (clients/access.py says who sees whom)."""
    if record is None:
        return False
    return client_is_visible(user, getattr(record, "client_id", None) or record.id)


def both(*rules: Rule) -> Rule:
    """A rule satisfied when every one of `rules` is."""

    def rule(user, obj) -> bool:
        return all(each(user, obj) for each in rules)

    rule.roles = frozenset.intersection(
        *(getattr(each, "roles", frozenset(Role)) for each in rules)
    )
    return rule


def either(*rules: Rule) -> Rule:
    """A rule satisfied when any one of `rules` is."""

    def rule(user, obj) -> bool:
        return any(each(user, obj) for each in rules)

    rule.roles = frozenset.union(*(getattr(each, "roles", frozenset(Role)) for each in rules))
    return rule


def sees_clinical(user, _obj) -> bool:
    return access.sees_clinical(user)


def _in_treatment(record) -> bool:
    """The client (of a record with a `client_id`) has an open episode."""
    return open_episode(getattr(record, "client_id", None) or record.id) is not None


def assessment_reader(user, record) -> bool:
    """Counselors, medical staff and supervisors read assessments of clients they see; intake
    coordinators only while the client is in treatment (their intake window), never the
    assessments of a past episode."""
    if not user.roles.isdisjoint({Role.COUNSELOR, Role.MEDICAL, Role.SUPERVISOR}):
        return True
    return Role.INTAKE in user.roles and record is not None and _in_treatment(record)


assessment_reader.roles = frozenset({Role.INTAKE, Role.COUNSELOR, Role.MEDICAL, Role.SUPERVISOR})


def at_intake(user, record) -> bool:
    """Intake coordinators, while the client's open episode is in their intake window (entered
    in the last few days, clients/access.py): the screening given at intake is theirs too."""
    if Role.INTAKE not in user.roles or record is None:
        return False
    episode = open_episode(getattr(record, "client_id", None) or record.id)
    return episode is not None and access.in_intake_window(episode, utcnow())


at_intake.roles = frozenset({Role.INTAKE})


def draft_for_its_writer(user, assessment) -> bool:
    """Counselors and supervisors edit any draft; intake coordinators the intake draft of an
    episode still open."""
    if assessment is None or assessment.is_signed:
        return False
    if not user.roles.isdisjoint({Role.COUNSELOR, Role.SUPERVISOR}):
        return True
    return (
        Role.INTAKE in user.roles
        and assessment.kind == AssessmentKind.INTAKE
        and _in_treatment(assessment)
    )


draft_for_its_writer.roles = frozenset({Role.INTAKE, Role.COUNSELOR, Role.SUPERVISOR})


def asked_for_it(user, request) -> bool:
    """Only the person who asked withdraws a request."""
    return request is not None and request.requested_by_id == user.id


asked_for_it.roles = frozenset({Role.COUNSELOR, Role.MEDICAL, Role.SUPERVISOR})


def approvable(user, request) -> bool:
    """A move is approved by another supervisor than the one who asked, and, when it leaves
    withdrawal management, once medical staff have cleared it."""
    if request is None or request.requested_by_id == user.id:
        return False
    needs = transitions.needs_medical_clearance(request.from_level, request.to_level)
    return not needs or request.cleared_at is not None


approvable.roles = frozenset({Role.SUPERVISOR})


def on_the_care_team(user, record) -> bool:
    """The user is on the care team of the client (of a record with a `client_id`): a grant of
    emergency access opens the record, not its releases."""
    if record is None:
        return False
    client_id = getattr(record, "client_id", None) or record.id
    return access.is_on_care_team(user.id, client_id, clinic_today())


on_the_care_team.roles = frozenset({Role.COUNSELOR, Role.MEDICAL})


def not_their_own(user, request) -> bool:
    """Four eyes: a request is approved by someone other than who made it."""
    return request is not None and request.requested_by_id != user.id


not_their_own.roles = frozenset(Role)


RULES: dict[str, Rule] = {
    "home.view": signed_in,
    "account.change_password": signed_in,
    "users.manage": any_role(Role.ADMIN),
    "audit.view": any_role(Role.ADMIN),
    # The provider directory: admins keep it, everyone reads it (no client in it).
    "providers.view": signed_in,
    "providers.manage": any_role(Role.ADMIN),
    # Clients. Lists show only the clients `client.view` allows.
    "clients.list": signed_in,
    "clients.create": any_role(Role.INTAKE, Role.SUPERVISOR),
    "client.view": client_visible,
    "client.clinical": both(client_visible, sees_clinical),
    "client.edit": both(client_visible, any_role(Role.INTAKE, Role.COUNSELOR, Role.SUPERVISOR)),
    "client.restrict": both(client_visible, any_role(Role.SUPERVISOR)),
    "episode.admit": both(client_visible, any_role(Role.INTAKE, Role.SUPERVISOR)),
    "careteam.manage": both(client_visible, any_role(Role.SUPERVISOR)),
    "emergency.request": any_role(Role.COUNSELOR, Role.MEDICAL),
    "emergency.review": any_role(Role.SUPERVISOR),
    "caseload.own": any_role(Role.COUNSELOR, Role.MEDICAL),
    # Whose due work a home page lists (each due source also keeps to the clients one sees):
    # supervisors oversee every caseload, counselors and medical staff work their own.
    "work.supervise": any_role(Role.SUPERVISOR),
    "work.counsel": any_role(Role.COUNSELOR),
    "work.medical": any_role(Role.MEDICAL),
    # Intake coordinators work the admissions of their intake window.
    "work.intake": any_role(Role.INTAKE),
    "reports.caseload": any_role(Role.SUPERVISOR, Role.ADMIN),
    # Assessments and screening instruments (clinical: never admins).
    "assessment.view": both(client_visible, assessment_reader),
    "assessment.recommend": any_role(Role.INTAKE, Role.COUNSELOR, Role.SUPERVISOR),
    "assessment.start": both(
        client_visible,
        any_role(Role.INTAKE, Role.COUNSELOR, Role.SUPERVISOR),
        assessment_reader,
    ),
    "assessment.write": both(client_visible, any_role(Role.COUNSELOR, Role.SUPERVISOR)),
    "assessment.edit": both(client_visible, draft_for_its_writer),
    "instrument.cows": both(client_visible, any_role(Role.MEDICAL)),
    "instrument.ciwa": both(client_visible, any_role(Role.MEDICAL)),
    "instrument.screen": both(client_visible, any_role(Role.COUNSELOR, Role.SUPERVISOR)),
    # The screening questionnaires the program lets intake coordinators give at intake
    # (`INTAKE_INSTRUMENTS`; assessments/services.py `giving_action` picks this action for
    # them): counselors and supervisors as ever, intake coordinators in the intake window.
    "instrument.intake": both(
        client_visible, either(any_role(Role.COUNSELOR, Role.SUPERVISOR), at_intake)
    ),
    # Treatment plans: counselors and supervisors write, supervisors co-sign, medical staff add
    # medical interventions; intake coordinators and admins none of it.
    "plan.view": both(client_visible, any_role(Role.COUNSELOR, Role.MEDICAL, Role.SUPERVISOR)),
    "plan.write": both(client_visible, any_role(Role.COUNSELOR, Role.SUPERVISOR)),
    "plan.medical": both(client_visible, any_role(Role.MEDICAL)),
    "plan.cosign": both(client_visible, any_role(Role.SUPERVISOR)),
    # Level-of-care moves and discharges (care/transitions.py holds the rules these follow).
    "transition.request": both(
        client_visible, any_role(Role.COUNSELOR, Role.MEDICAL, Role.SUPERVISOR)
    ),
    "transition.clear": both(client_visible, any_role(Role.MEDICAL)),
    "transition.decide": both(client_visible, any_role(Role.SUPERVISOR)),
    "transition.withdraw": both(client_visible, asked_for_it),
    "transition.approve": both(client_visible, any_role(Role.SUPERVISOR), approvable),
    "discharge.approve": both(client_visible, any_role(Role.SUPERVISOR), not_their_own),
    "level.correct": both(client_visible, any_role(Role.SUPERVISOR)),
    "reports.census": any_role(Role.SUPERVISOR, Role.ADMIN),
    "beds.manage": any_role(Role.ADMIN),
    # The client's family and other contacts: recorded by those who admit and treat, read by
    # medical staff too; never admins (who the family is belongs to the clinical record).
    "contacts.view": both(
        client_visible, any_role(Role.INTAKE, Role.COUNSELOR, Role.MEDICAL, Role.SUPERVISOR)
    ),
    "contacts.manage": both(client_visible, any_role(Role.INTAKE, Role.COUNSELOR, Role.SUPERVISOR)),
    # 42 CFR Part 2 consents (consents/): recorded by those who admit and treat, read by
    # medical staff too, never by admins; the accounting of disclosures is read as consents are.
    "consents.view": both(
        client_visible, any_role(Role.INTAKE, Role.COUNSELOR, Role.MEDICAL, Role.SUPERVISOR)
    ),
    "consents.manage": both(client_visible, any_role(Role.INTAKE, Role.COUNSELOR, Role.SUPERVISOR)),
    # Releases of information: the client's care team and supervisors.
    "release.make": both(
        client_visible,
        either(
            any_role(Role.SUPERVISOR),
            both(any_role(Role.COUNSELOR, Role.MEDICAL), on_the_care_team),
        ),
    ),
    # A medical emergency (42 CFR 2.51): whoever treats the client records what they told.
    "disclosure.emergency": both(
        client_visible, any_role(Role.COUNSELOR, Role.MEDICAL, Role.SUPERVISOR)
    ),
    "emergency_disclosures.review": any_role(Role.SUPERVISOR),
    "safety.acknowledge": both(
        client_visible, any_role(Role.COUNSELOR, Role.MEDICAL, Role.SUPERVISOR)
    ),
}
