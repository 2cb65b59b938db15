"""Staff account administration and the audit log viewer (admins only)."""

from collections.abc import Callable

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from clinic.admin import bp, queries
from clinic.admin.forms import (
    AuditFilterForm,
    PasswordResetForm,
    UserCreateForm,
    UserEditForm,
    UserSearchForm,
)
from clinic.auth import accounts
from clinic.auth.models import Role, User
from clinic.core import audit
from clinic.core.forms import choices
from clinic.core.pagination import LARGEST_ID, requested_page
from clinic.core.permissions import deny, require
from clinic.core.transaction import attempt
from clinic.extensions import db

# AccountError names model fields; the forms call two of them differently.
_FORM_FIELD = {"password": "new_password"}

# The account changed while the admin looked at it (a sign-in, another admin's edit).
ACCOUNT_RACE = "This account changed a moment ago; check it and try again."


def _in_form_terms(change: Callable) -> Callable:
    """`change`, with an AccountError's field renamed as the admin forms call it."""

    def run():
        try:
            return change()
        except accounts.AccountError as error:
            raise accounts.AccountError(
                str(error), _FORM_FIELD.get(error.field, error.field)
            ) from None

    return run


def get_user(user_id: int) -> User:
    """The account `user_id`, or 404 (audited like every denial)."""
    user = db.session.get(User, user_id)
    if user is None:
        deny(404, "users.manage")
    return user


def _selected_roles(form) -> set[Role]:
    return {Role(value) for value in form.roles.data}


@bp.get("/users/")
@require("users.manage")
def users():
    """Staff accounts, searchable by name or email and filtered by role and status."""
    form = UserSearchForm(request.args)
    if form.validate():
        query = queries.staff_list(form.q.data, form.role.data, form.status.data)
    else:
        query = queries.staff_list()
    page = db.paginate(
        query, page=requested_page(), per_page=current_app.config["PAGE_SIZE"], error_out=False
    )
    return render_template("admin/users.html", form=form, page=page)


@bp.route("/users/new", methods=["GET", "POST"])
@require("users.manage")
def user_new():
    """Create a staff account with a temporary password."""
    form = UserCreateForm()
    if form.validate_on_submit():
        outcome = attempt(
            form,
            _in_form_terms(
                lambda: accounts.create_user(
                    form.email.data,
                    form.full_name.data,
                    _selected_roles(form),
                    form.new_password.data,
                    actor=current_user,
                )
            ),
            # Two admins created an account for the same email at once (the unique index).
            race="Another account already uses this email.",
        )
        if outcome:
            flash(
                "Account created. The new user must choose a password at first sign-in.", "success"
            )
            return redirect(url_for("admin.user_detail", user_id=outcome.value.id))
    return render_template("admin/user_new.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@require("users.manage")
def user_detail(user_id: int):
    """One account: change its email, name and roles; its recent audit events."""
    user = get_user(user_id)
    form = UserEditForm(obj=user, roles=sorted(user.roles))
    conflict = None
    if form.validate_on_submit():
        outcome = attempt(
            form,
            _in_form_terms(
                lambda: accounts.update_user(
                    user,
                    actor=current_user,
                    email=form.email.data,
                    full_name=form.full_name.data,
                    roles=_selected_roles(form),
                )
            ),
            race=ACCOUNT_RACE,
            versioned=user,
            reload=lambda: get_user(user_id),
        )
        if outcome:
            flash("Account saved." if outcome.value else "Nothing was changed.", "success")
            return redirect(url_for("admin.user_detail", user_id=user.id))
        conflict = outcome.conflict
    return render_template(
        "admin/user_detail.html",
        user=user,
        form=form,
        conflict=conflict,
        recent=queries.recent_events_of(user),
        actions=audit.ACTIONS,
    )


def _set_active(user_id: int, active: bool):
    user = get_user(user_id)
    outcome = attempt(
        FlaskForm(),  # a button: the refusal is the outcome, said in a flash
        lambda: accounts.set_active(user, active, actor=current_user),
        race=ACCOUNT_RACE,
    )
    if outcome:
        flash(
            "Account reactivated." if active else "Account deactivated; its sessions ended.",
            "success",
        )
    else:
        flash(str(outcome.error) if outcome.error else ACCOUNT_RACE, "danger")
    return redirect(url_for("admin.user_detail", user_id=user_id))


@bp.post("/users/<int:user_id>/deactivate")
@require("users.manage")
def user_deactivate(user_id: int):
    """Deactivate an account, ending its sessions."""
    return _set_active(user_id, False)


@bp.post("/users/<int:user_id>/reactivate")
@require("users.manage")
def user_reactivate(user_id: int):
    """Reactivate a deactivated account."""
    return _set_active(user_id, True)


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@require("users.manage")
def user_password(user_id: int):
    """Set a temporary password, which the user must change at their next sign-in."""
    user = get_user(user_id)
    form = PasswordResetForm(user)
    if form.validate_on_submit() and attempt(
        form,
        _in_form_terms(
            lambda: accounts.reset_password(user, form.new_password.data, actor=current_user)
        ),
        race=ACCOUNT_RACE,
    ):
        flash("Temporary password set. The user must change it at next sign-in.", "success")
        return redirect(url_for("admin.user_detail", user_id=user.id))
    return render_template("admin/user_password.html", user=user, form=form)


# The audit log's page length.
AUDIT_PAGE = 50


@bp.get("/audit")
@require("audit.view")
def audit_log():
    """The audit log, newest first, filtered by user, action and dates: a page of events before
    (older) or after (newer) an event id, each with a short summary of its detail."""
    form = AuditFilterForm(request.args)
    form.action.choices = choices([("", "Any action"), *sorted(audit.ACTIONS.items())])
    if form.validate():
        conditions = queries.audit_log(
            user_email=form.user.data,
            action=form.action.data,
            date_from=form.date_from.data,
            date_to=form.date_to.data,
            timezone=current_app.config["CLINIC_TIMEZONE"],
        )
    else:
        conditions = queries.no_events()
    before = _event_id_arg("before")
    after = None if before is not None else _event_id_arg("after")
    page = queries.audit_page(conditions, before=before, after=after, per_page=AUDIT_PAGE)
    filters = {
        key: value
        for key, value in request.args.items()
        if value and key in ("user", "action", "date_from", "date_to")
    }
    return render_template(
        "admin/audit.html",
        form=form,
        page=page,
        filters=filters,
        summaries={row.event.id: summarize(row) for row in page.rows},
        actions=audit.ACTIONS,
    )


def _event_id_arg(name: str) -> int | None:
    """An event id from the query string (None when absent or not a number); one that no event
    can have is a page not found, as a page number past every page is."""
    value = request.args.get(name, "")
    if not value.isdigit():
        return None
    if len(value) > 10 or int(value) > LARGEST_ID:
        abort(404)
    return int(value)


def summarize(row: queries.AuditRow) -> str:
    """A short line for the log's table: "43 clients; filters: home". Lists are counted, not
    spelt out; a detail too long to read says how long it is (the event's page has it all)."""
    if row.detail is None:
        if not row.detail_size:
            return ""
        parts = [] if row.client_count is None else [_clients(row.client_count)]
        return "; ".join([*parts, f"{row.detail_size // 1000:,} kB of detail"])
    parts = []
    for key, value in row.detail.items():
        label = key.replace("_", " ")
        if key == "client_ids" and isinstance(value, list):
            parts.append(_clients(len(value)))
        elif (
            key == "filters"
            and isinstance(value, list)
            and all(isinstance(item, str) for item in value)
        ):
            parts.append(f"filters: {_short(', '.join(value)) if value else 'none'}")
        elif isinstance(value, list | tuple):
            parts.append(f"{label}: {len(value)}")
        elif isinstance(value, dict):
            parts.append(f"{label}: {len(value)} fields")
        elif value is not None and value != "":
            parts.append(f"{label}: {_short(str(value))}")
    return "; ".join(parts)


def _clients(count: int) -> str:
    return f"{count:,} client{'' if count == 1 else 's'}"


def _short(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


@bp.get("/audit/<int:event_id>")
@require("audit.view")
def audit_event(event_id: int):
    """One audit event with all of its detail."""
    event = db.session.get(
        audit.AuditEvent, event_id, options=[sa.orm.joinedload(audit.AuditEvent.user)]
    )
    if event is None:
        deny(404, "audit.view")
    return render_template("admin/audit_event.html", event=event, actions=audit.ACTIONS)
