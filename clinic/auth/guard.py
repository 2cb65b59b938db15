"""Checks made before every request: sign-in required, session limits, forced password change."""

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from clinic.auth import bp, held, services
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
    path = request.full_path.rstrip("?") if request.method == "GET" else g.get("held_page")
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
        user = current_user._get_current_object()
        kept = held.hold(user) if request.method == "POST" else None
        services.expire_session(user)
        transaction.keep()  # the audit of the expiry, and what the form held
        if kept is not None:
            g.held_page = kept.page
            flash(
                "Your session ended before this was saved. Sign in again: what you typed will be "
                "back in the form for you to check and save.",
                "warning",
            )
        else:
            flash("Your session has ended. Please sign in again.", "info")
        return login_manager.unauthorized()
    if current_user.must_change_password and request.endpoint not in _PASSWORD_CHANGE_ALLOWED:
        flash("Please choose a new password before you continue.", "warning")
        return redirect(url_for("auth.change_password"))
    return None


def form_token_expired(_error):
    """A form whose token expired (or came from elsewhere): for a signed-in user what it held is
    kept and offered back on the page, to send again; nothing else changes."""
    db.session.rollback()
    if current_user.is_authenticated and request.method == "POST":
        kept = held.hold(current_user._get_current_object())
        if kept is not None:
            session_flag_waiting()
            transaction.keep()
            flash(
                "This form had expired, so nothing was saved. What you typed is back in the "
                "form: check it and save again.",
                "warning",
            )
            return redirect(kept.page)
    reason = "This form has expired or did not come from the portal. Reload the page and try again."
    return render_template("errors/400.html", reason=reason), 400


def session_flag_waiting() -> None:
    held.note_waiting(current_user._get_current_object())


def offered_form() -> dict:
    """For every template: the held form to offer back on this page, if one waits."""
    if not current_user.is_authenticated:
        return {"held_form": None}
    user = current_user._get_current_object()
    if not held.waiting(user):
        return {"held_form": None}
    # Offered once: found and deleted under the write lock, even on a page that only reads.
    with transaction.write_lock():
        found = held.take(user, request.path)
        if found is not None:
            transaction.keep()  # offered once: its deletion and the audit stay
    return {"held_form": found}
