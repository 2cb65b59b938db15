"""The Family tab: the client's family members and other contacts."""

from flask import flash, redirect, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from clinic.clients import contacts
from clinic.clients.chart import load_client, load_owned, render_chart
from clinic.clients.contacts import Contact
from clinic.core.transaction import attempt
from clinic.extensions import db
from clinic.family import bp
from clinic.family.forms import ContactCreateForm, ContactEditForm

CONTACT_RACE = "This contact changed a moment ago; check it and try again."


def _contact_of(client, contact_id: int, action: str) -> Contact:
    return load_owned(client, db.session.get(Contact, contact_id), action)


@bp.get("/<int:client_id>/family/")
def index(client_id: int):
    """The client's contacts, current ones first."""
    client = load_client(client_id, "contacts.view")
    return render_chart(client, "family/index.html", contacts=contacts.contacts_of(client.id))


@bp.route("/<int:client_id>/family/new", methods=["GET", "POST"])
def new(client_id: int):
    """Add a family member or other contact."""
    client = load_client(client_id, "contacts.manage")
    form = ContactCreateForm()
    if form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: contacts.add_contact(client.id, form.data, actor=current_user),
            race=CONTACT_RACE,
        )
        if outcome:
            flash(f"{outcome.value.name} added to the client's contacts.", "success")
            return redirect(url_for("family.index", client_id=client.id))
    return render_chart(client, "family/new.html", form=form)


@bp.route("/<int:client_id>/family/<int:contact_id>", methods=["GET", "POST"])
def contact(client_id: int, contact_id: int):
    """One contact: change what is recorded about them."""
    client = load_client(client_id, "contacts.manage")
    record = _contact_of(client, contact_id, "contacts.manage")
    form = ContactEditForm(obj=record)
    conflict = None
    if form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: contacts.update_contact(record, form.data, actor=current_user),
            race=CONTACT_RACE,
            versioned=record,
            reload=lambda: db.session.get(Contact, contact_id),
        )
        if outcome:
            flash("Contact saved." if outcome.value else "Nothing was changed.", "success")
            return redirect(url_for("family.index", client_id=client.id))
        conflict = outcome.conflict
    return render_chart(client, "family/contact.html", form=form, contact=record, conflict=conflict)


def _set_current(client_id: int, contact_id: int, current: bool):
    client = load_client(client_id, "contacts.manage")
    record = _contact_of(client, contact_id, "contacts.manage")
    outcome = attempt(
        FlaskForm(),  # a button: a lost race is said in a flash
        lambda: contacts.set_current(record, current, actor=current_user),
        race=CONTACT_RACE,
    )
    if not outcome:
        flash(CONTACT_RACE, "warning")
    elif outcome.value:
        flash(
            f"{record.name} is current again."
            if current
            else f"{record.name} is set aside: kept on record, no longer offered.",
            "success",
        )
    return redirect(url_for("family.index", client_id=client.id))


@bp.post("/<int:client_id>/family/<int:contact_id>/set-aside")
def set_aside(client_id: int, contact_id: int):
    """Keep a contact on record but stop offering them (a past partner, a former employer)."""
    return _set_current(client_id, contact_id, False)


@bp.post("/<int:client_id>/family/<int:contact_id>/restore")
def restore(client_id: int, contact_id: int):
    """Make a set-aside contact current again."""
    return _set_current(client_id, contact_id, True)
