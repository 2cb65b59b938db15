"""Sign-in, sign-out and the user's own password."""

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from clinic.auth import bp, services
from clinic.auth.forms import ChangePasswordForm, LoginForm
from clinic.core.clock import local_time
from clinic.core.permissions import public, require
from clinic.extensions import db

SIGN_IN_REFUSED = "The email or password is incorrect."


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
    next_path = safe_next_path(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_path or url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        result = services.sign_in(form.email.data, form.password.data)
        db.session.commit()
        if result.user is not None:
            return redirect(next_path or url_for("home.index"))
        if result.checked:
            form.password.errors.append(SIGN_IN_REFUSED)
        if result.locked_until is not None:
            form.password.errors.append(_locked_message(result.locked_until))
    return render_template("auth/login.html", form=form)


def _locked_message(until) -> str:
    return (
        "Too many failed sign-ins for this email. "
        f"Try again after {local_time(until, '%H:%M')}, or ask an administrator for help."
    )


@bp.post("/logout")
def logout():
    services.sign_out(current_user._get_current_object())
    db.session.commit()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@require("account.change_password")
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        check = services.check_current_password(user, form.current_password.data)
        if check.user is None:
            db.session.commit()  # the failure counts, and is audited
            if check.checked:
                form.current_password.errors.append("That is not your current password.")
            if check.locked_until is not None:
                form.current_password.errors.append(_locked_message(check.locked_until))
        else:
            services.change_own_password(current_user._get_current_object(), form.new_password.data)
            db.session.commit()
            flash("Your password has been changed. Other sessions have been signed out.", "success")
            return redirect(url_for("home.index"))
    return render_template("auth/change_password.html", form=form)
