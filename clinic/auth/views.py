"""Sign-in, sign-out and the user's own password."""

from urllib.parse import urlsplit

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from clinic.auth import bp, services
from clinic.auth.forms import ChangePasswordForm, LoginForm
from clinic.core.clock import local_time
from clinic.core.permissions import public, require
from clinic.core.transaction import attempt, keep

SIGN_IN_REFUSED = "The email or password is incorrect."
# The account's row changed meanwhile (another sign-in, an administrator's edit): nothing saved.
ACCOUNT_RACE = "Your account changed a moment ago; try again."


def safe_next_path(target: str | None) -> str | None:
    """Return `target` when it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Sign in with email and password, then go on to the page asked for (or home)."""
    next_path = safe_next_path(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_path or url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        check = services.check_sign_in(form.email.data, form.password.data)
        if check.user is None:
            keep()  # the failure counts towards the lock-out, and is audited
            if check.checked:
                form.password.errors.append(SIGN_IN_REFUSED)
            if check.locked_until is not None:
                form.password.errors.append(_locked_message(check.locked_until))
        elif attempt(form, lambda: services.start_session(check.user), race=ACCOUNT_RACE):
            return redirect(next_path or url_for("home.index"))
    return render_template("auth/login.html", form=form)


def _locked_message(until) -> str:
    return (
        "Too many failed sign-ins for this email. "
        f"Try again after {local_time(until, '%H:%M')}, or ask an administrator for help."
    )


@bp.post("/logout")
def logout():
    """Sign out, ending every session of the account."""
    user = current_user._get_current_object()
    # A button, not a form to show errors on: a failed save still ends this session (sign_out
    # has already cleared it), and the message says so.
    if attempt(FlaskForm(), lambda: services.sign_out(user), race=ACCOUNT_RACE):
        flash("You have signed out.", "info")
    else:
        flash(ACCOUNT_RACE, "warning")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@require("account.change_password")
def change_password():
    """Change one's own password, after typing the current one again."""
    user = current_user._get_current_object()
    form = ChangePasswordForm(user)
    if form.validate_on_submit():
        check = services.check_current_password(user, form.current_password.data)
        if check.user is None:
            keep()  # the failure counts, and is audited
            if check.checked:
                form.current_password.errors.append("That is not your current password.")
            if check.locked_until is not None:
                form.current_password.errors.append(_locked_message(check.locked_until))
        elif attempt(
            form,
            lambda: services.change_own_password(user, form.new_password.data),
            race=ACCOUNT_RACE,
        ):
            flash("Your password has been changed. Other sessions have been signed out.", "success")
            return redirect(url_for("home.index"))
    return render_template("auth/change_password.html", form=form)


@bp.post("/session/keep-alive")
def keep_alive():
    """ "Stay signed in": a real request, so the idle limit starts again (the guard marks it)."""
    return jsonify(idle_seconds=int(current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds()))
