"""The provider directory's pages: admins add and change providers; every clinical role reads."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from clinic.core.pagination import requested_page
from clinic.core.permissions import can, deny, require
from clinic.core.transaction import attempt
from clinic.directory import bp, services
from clinic.directory.forms import DirectorySearchForm, ProviderCreateForm, ProviderEditForm
from clinic.directory.models import Provider
from clinic.extensions import db

PROVIDER_RACE = "This provider changed a moment ago; check it and try again."


def get_provider(provider_id: int) -> Provider:
    """The provider `provider_id`, or 404 (audited like every denial)."""
    provider = db.session.get(Provider, provider_id)
    if provider is None:
        deny(404, "providers.view")
    return provider


@bp.get("/")
@require("providers.view")
def index():
    """The directory, searchable by name and filtered by kind and status."""
    form = DirectorySearchForm(request.args)
    if form.validate():
        query = services.directory_query(form.q.data, form.kind.data, form.status.data or "active")
    else:
        query = services.directory_query()
    page = db.paginate(
        query, page=requested_page(), per_page=current_app.config["PAGE_SIZE"], error_out=False
    )
    return render_template("directory/index.html", form=form, page=page)


@bp.route("/new", methods=["GET", "POST"])
@require("providers.manage")
def new():
    """Add a provider to the directory."""
    form = ProviderCreateForm()
    if form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: services.create_provider(form.data, actor=current_user),
            race=PROVIDER_RACE,
        )
        if outcome:
            flash("Provider added to the directory.", "success")
            return redirect(url_for("directory.provider", provider_id=outcome.value.id))
    return render_template("directory/new.html", form=form)


@bp.route("/<int:provider_id>", methods=["GET", "POST"])
@require("providers.view")
def provider(provider_id: int):
    """One provider: its details, and for admins the form that changes them."""
    provider = get_provider(provider_id)
    form = conflict = None
    if can(current_user, "providers.manage"):
        form = ProviderEditForm(obj=provider)
        if form.validate_on_submit():
            outcome = attempt(
                form,
                lambda: services.update_provider(provider, form.data, actor=current_user),
                race=PROVIDER_RACE,
                versioned=provider,
                reload=lambda: get_provider(provider_id),
            )
            if outcome:
                flash("Provider saved." if outcome.value else "Nothing was changed.", "success")
                return redirect(url_for("directory.provider", provider_id=provider.id))
            conflict = outcome.conflict
    elif request.method == "POST":
        deny(403, "providers.manage", provider)
    return render_template(
        "directory/provider.html", provider=provider, form=form, conflict=conflict
    )


def _set_active(provider_id: int, active: bool):
    provider = get_provider(provider_id)
    outcome = attempt(
        FlaskForm(),  # a button: the refusal is the outcome, said in a flash
        lambda: services.set_active(provider, active, actor=current_user),
        race=PROVIDER_RACE,
    )
    if outcome:
        if outcome.value:
            flash(
                "Provider reactivated."
                if active
                else "Provider deactivated: it is no longer offered.",
                "success",
            )
    else:
        flash(PROVIDER_RACE, "warning")
    return redirect(url_for("directory.provider", provider_id=provider_id))


@bp.post("/<int:provider_id>/deactivate")
@require("providers.manage")
def deactivate(provider_id: int):
    """Stop offering a provider; it stays on record for what already names it."""
    return _set_active(provider_id, False)


@bp.post("/<int:provider_id>/reactivate")
@require("providers.manage")
def reactivate(provider_id: int):
    """Offer a deactivated provider again."""
    return _set_active(provider_id, True)
