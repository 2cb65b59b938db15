"""Who may do what: the one policy module.

Views call `require(...)` or `can(...)`, templates call `can(...)`, so the screen and the server
never disagree. A rule is a function of the user and, where it matters, the object acted on.

Denials follow PRODUCT.md section 2: a signed-in user without the role gets 403; a record outside
their access gets 404, so that its existence is not confirmed. Both are audited.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, g
from flask_login import current_user

from clinic.auth.models import Role

Rule = Callable[[Any, Any], bool]


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
    from clinic.clients.services import client_is_visible

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


def sees_clinical(user, _obj) -> bool:
    from clinic.clients.access import sees_clinical as clinical

    return clinical(user)


def _in_treatment(record) -> bool:
    """The client (of a record with a `client_id`) has an open episode."""
    from clinic.clients.services import open_episode

    return open_episode(getattr(record, "client_id", None) or record.id) is not None


def assessment_reader(user, record) -> bool:
    """Counselors, medical staff and supervisors read assessments of clients they see; intake
    coordinators only while the client is in treatment (their intake window), never the
    assessments of a past episode."""
    if not user.roles.isdisjoint({Role.COUNSELOR, Role.MEDICAL, Role.SUPERVISOR}):
        return True
    return Role.INTAKE in user.roles and record is not None and _in_treatment(record)


assessment_reader.roles = frozenset({Role.INTAKE, Role.COUNSELOR, Role.MEDICAL, Role.SUPERVISOR})


def draft_for_its_writer(user, assessment) -> bool:
    """Counselors and supervisors edit any draft; intake coordinators the intake draft of an
    episode still open."""
    from clinic.assessments.vocabulary import AssessmentKind

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


RULES: dict[str, Rule] = {
    "home.view": signed_in,
    "account.change_password": signed_in,
    "users.manage": any_role(Role.ADMIN),
    "audit.view": any_role(Role.ADMIN),
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
    "instrument.screen": both(client_visible, any_role(Role.COUNSELOR, Role.SUPERVISOR)),
    # Treatment plans: counselors and supervisors write, supervisors co-sign, medical staff add
    # medical interventions; intake coordinators and admins none of it.
    "plan.view": both(client_visible, any_role(Role.COUNSELOR, Role.MEDICAL, Role.SUPERVISOR)),
    "plan.write": both(client_visible, any_role(Role.COUNSELOR, Role.SUPERVISOR)),
    "plan.medical": both(client_visible, any_role(Role.MEDICAL)),
    "plan.cosign": both(client_visible, any_role(Role.SUPERVISOR)),
    # Level-of-care moves (care/transitions.py holds the rules these follow).
    "transition.request": both(
        client_visible, any_role(Role.COUNSELOR, Role.MEDICAL, Role.SUPERVISOR)
    ),
    "transition.clear": both(client_visible, any_role(Role.MEDICAL)),
    "transition.decide": both(client_visible, any_role(Role.SUPERVISOR)),
    "reports.census": any_role(Role.SUPERVISOR, Role.ADMIN),
    "beds.manage": any_role(Role.ADMIN),
    "safety.acknowledge": both(
        client_visible, any_role(Role.COUNSELOR, Role.MEDICAL, Role.SUPERVISOR)
    ),
}


def can(user: Any, action: str, obj: Any = None) -> bool:
    """True when `user` may perform `action` (on `obj`, for rules about one record)."""
    if action not in RULES:
        raise KeyError(f"unknown permission {action!r}")
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return RULES[action](user, obj)


def deny(status: int, action: str, obj: Any = None):
    """Stop the request with 403 or 404, leaving word for the error handler to audit."""
    g.denied_permission = {
        "permission": action,
        "object_type": type(obj).__name__ if obj is not None else None,
        "object_id": str(getattr(obj, "id", "")) or None,
    }
    abort(status)


def require(action: str) -> Callable:
    """View decorator: 403 unless the signed-in user may perform `action` (no object)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not can(current_user, action):
                deny(403, action)
            return view(*args, **kwargs)

        wrapped.required_permission = action
        return wrapped

    return decorator


def authorize(action: str, obj: Any, *, hidden: bool = True) -> Any:
    """Return `obj` when the user may act on it; otherwise 404 (or 403 when not `hidden`)."""
    if obj is None:
        abort(404)
    if not can(current_user, action, obj):
        deny(404 if hidden else 403, action, obj)
    return obj


def public(view: Callable) -> Callable:
    """Mark a view as open without sign-in (the login page, the health check)."""
    view.is_public = True
    return view


def template_can(action: str, obj: Any = None) -> bool:
    """`can` for templates, for the signed-in user."""
    return can(current_user, action, obj)
