"""The permission engine: `can`, `require`, `deny`. It knows no domain and no role.

The table of named actions lives above the domains, in `clinic/policy.py`, and the app factory
hands it to `register` once. Views call `require(...)` or `can(...)`, templates call `can(...)`,
services call `can(actor, ...)` where they defend themselves, so the screen and the server never
disagree. A rule is a function of the user and, where it matters, the object acted on.

Denials follow docs/access-and-workflows.md §2: a signed-in user without the role gets 403; a
record outside their access gets 404, so that its existence is not confirmed. Both are audited
(core/web.py).
"""

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, NoReturn

from flask import abort, g
from flask_login import current_user

Rule = Callable[[Any, Any], bool]

_RULES: dict[str, Rule] = {}


def register(rules: Mapping[str, Rule]) -> None:
    """Install the policy table (the app factory does, once per process; the same table again is
    a no-op)."""
    _RULES.clear()
    _RULES.update(rules)


def actions() -> frozenset[str]:
    """Every action the installed table names."""
    return frozenset(_RULES)


def can(user: Any, action: str, obj: Any = None) -> bool:
    """True when `user` may perform `action` (on `obj`, for rules about one record)."""
    rule = _RULES.get(action)
    if rule is None:
        raise KeyError(f"unknown permission {action!r}")
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return rule(user, obj)


def deny(status: int, action: str, obj: Any = None) -> NoReturn:
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


def public(view: Callable) -> Callable:
    """Mark a view as open without sign-in (the login page, the health check)."""
    view.is_public = True
    return view


def template_can(action: str, obj: Any = None) -> bool:
    """`can` for templates, for the signed-in user."""
    return can(current_user, action, obj)
