"""Checks made before every request: sign-in required, session limits, forced password change."""

from flask import current_app, flash, redirect, request, url_for
from flask_login import current_user

from clinic.auth import bp, services
from clinic.core import transaction
from clinic.extensions import db, login_manager

# Endpoints a user who must change their password may still reach.
_PASSWORD_CHANGE_ALLOWED = {"auth.change_password", "auth.logout"}


def is_public_endpoint(endpoint: str | None) -> bool:
    if endpoint is None:
        return True  # no route matched: the 404 handler answers, revealing nothing
    if endpoint == "static" or endpoint.endswith(".static"):
        return True
    view = current_app.view_functions.get(endpoint)
    return bool(getattr(view, "is_public", False))


@login_manager.unauthorized_handler
def _ask_to_sign_in():
    path = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.login", next=path))


@login_manager.user_loader
def _load_user(session_id: str):
    from clinic.auth.models import User

    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


@bp.before_app_request
def guard_request():
    """Before every page: signed in, session within its limits, password changed if it must be."""
    if is_public_endpoint(request.endpoint):
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if services.session_has_expired():
        services.expire_session(current_user._get_current_object())
        transaction.keep()  # the audit of the expiry
        flash("Your session has ended. Please sign in again.", "info")
        return login_manager.unauthorized()
    if current_user.must_change_password and request.endpoint not in _PASSWORD_CHANGE_ALLOWED:
        flash("Please choose a new password before you continue.", "warning")
        return redirect(url_for("auth.change_password"))
    return None
