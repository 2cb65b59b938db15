"""Staff account administration and the audit log viewer (admins only)."""

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from clinic.admin import bp
from clinic.admin.forms import (
    AuditFilterForm,
    PasswordResetForm,
    UserCreateForm,
    UserEditForm,
    UserSearchForm,
)
from clinic.auth import accounts
from clinic.auth.models import Role, User, UserRole
from clinic.core import audit
from clinic.core.audit import AuditEvent
from clinic.core.clock import local_day_bounds
from clinic.core.forms import choices, save_versioned
from clinic.core.permissions import require
from clinic.core.transaction import add_error
from clinic.extensions import db

# AccountError names model fields; the forms call two of them differently.
_FORM_FIELD = {"password": "new_password"}


def _show_account_error(form, error: accounts.AccountError) -> None:
    add_error(form, str(error), _FORM_FIELD.get(error.field, error.field))


def get_user(user_id: int) -> User:
    """The account `user_id`, or 404."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _selected_roles(form) -> set[Role]:
    return {Role(value) for value in form.roles.data}


@bp.get("/users/")
@require("users.manage")
def users():
    form = UserSearchForm(request.args)
    query = sa.select(User).order_by(User.full_name, User.id)
    if form.validate():
        if form.q.data:
            pattern = f"%{form.q.data.strip().lower()}%"
            query = query.where(
                sa.or_(sa.func.lower(User.full_name).like(pattern), User.email.like(pattern))
            )
        if form.role.data:
            query = query.where(
                User.id.in_(sa.select(UserRole.user_id).where(UserRole.role == form.role.data))
            )
        if form.status.data:
            query = query.where(User.active == (form.status.data == "active"))
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("admin/users.html", form=form, page=page)


@bp.route("/users/new", methods=["GET", "POST"])
@require("users.manage")
def user_new():
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                form.email.data,
                form.full_name.data,
                _selected_roles(form),
                form.new_password.data,
            )
        except accounts.AccountError as error:
            db.session.rollback()
            _show_account_error(form, error)
        else:
            db.session.commit()
            flash(
                "Account created. The new user must choose a password at first sign-in.", "success"
            )
            return redirect(url_for("admin.user_detail", user_id=user.id))
    return render_template("admin/user_new.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@require("users.manage")
def user_detail(user_id: int):
    user = get_user(user_id)
    form = UserEditForm(obj=user, roles=sorted(user.roles))
    conflict = None
    if form.validate_on_submit():
        try:
            result = save_versioned(
                form,
                user,
                apply=lambda: accounts.update_user(
                    user,
                    actor=current_user,
                    email=form.email.data,
                    full_name=form.full_name.data,
                    roles=_selected_roles(form),
                ),
                reload=lambda: get_user(user_id),
            )
        except accounts.AccountError as error:
            db.session.rollback()
            _show_account_error(form, error)
        else:
            if result.saved:
                flash("Account saved." if result.changed else "Nothing was changed.", "success")
                return redirect(url_for("admin.user_detail", user_id=user.id))
            conflict = result.conflict
    recent = db.session.scalars(
        sa.select(AuditEvent)
        .where(
            sa.or_(
                AuditEvent.user_id == user.id,
                sa.and_(AuditEvent.object_type == "User", AuditEvent.object_id == str(user.id)),
            )
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(10)
        .options(joinedload(AuditEvent.user))
    ).all()
    return render_template(
        "admin/user_detail.html",
        user=user,
        form=form,
        conflict=conflict,
        recent=recent,
        actions=audit.ACTIONS,
    )


def _set_active(user_id: int, active: bool):
    user = get_user(user_id)
    try:
        accounts.set_active(user, active, actor=current_user)
    except accounts.AccountError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(
            "Account reactivated." if active else "Account deactivated; its sessions ended.",
            "success",
        )
    return redirect(url_for("admin.user_detail", user_id=user_id))


@bp.post("/users/<int:user_id>/deactivate")
@require("users.manage")
def user_deactivate(user_id: int):
    return _set_active(user_id, False)


@bp.post("/users/<int:user_id>/reactivate")
@require("users.manage")
def user_reactivate(user_id: int):
    return _set_active(user_id, True)


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@require("users.manage")
def user_password(user_id: int):
    user = get_user(user_id)
    form = PasswordResetForm(user)
    if form.validate_on_submit():
        accounts.reset_password(user, form.new_password.data)
        db.session.commit()
        flash("Temporary password set. The user must change it at next sign-in.", "success")
        return redirect(url_for("admin.user_detail", user_id=user.id))
    return render_template("admin/user_password.html", user=user, form=form)


@bp.get("/audit")
@require("audit.view")
def audit_log():
    form = AuditFilterForm(request.args)
    form.action.choices = choices([("", "Any action"), *sorted(audit.ACTIONS.items())])
    query = sa.select(AuditEvent).options(joinedload(AuditEvent.user))
    if form.validate():
        if form.user.data:
            pattern = f"%{form.user.data.strip().lower()}%"
            query = query.where(
                sa.or_(
                    AuditEvent.user_id.in_(sa.select(User.id).where(User.email.like(pattern))),
                    AuditEvent.actor_email.like(pattern),
                )
            )
        if form.action.data:
            query = query.where(AuditEvent.action == form.action.data)
        timezone = current_app.config["CLINIC_TIMEZONE"]
        if form.date_from.data:
            query = query.where(AuditEvent.at >= local_day_bounds(form.date_from.data, timezone)[0])
        if form.date_to.data:
            query = query.where(AuditEvent.at < local_day_bounds(form.date_to.data, timezone)[1])
    else:
        query = query.where(sa.false())
    query = query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    page = db.paginate(query, per_page=50, error_out=False)
    return render_template("admin/audit.html", form=form, page=page, actions=audit.ACTIONS)
