"""The Consents tab: consents and their documents, revocation, the privacy notice, releases of
information, emergency disclosures and the accounting of disclosures."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from clinic.clients.chart import load_client, load_owned, render_chart
from clinic.clients.models import Client
from clinic.clients.services import CLIENT_VIEWED, open_episode
from clinic.consents import bp, gate, release, services
from clinic.consents.forms import (
    ConsentForm,
    EmergencyForm,
    PrivacyNoticeForm,
    ReleaseForm,
    ReviewForm,
    RevokeForm,
)
from clinic.consents.gate import disclosure_path, emergency_path
from clinic.consents.models import Consent, Disclosure, ReleasePacket
from clinic.consents.release import Item
from clinic.consents.vocabulary import (
    REVOCATION_STATEMENT,
    TPO_REDISCLOSURE_STATEMENT,
    Category,
    ConsentKind,
    Purpose,
)
from clinic.core import audit, transaction
from clinic.core.clock import clinic_today, local_now, local_to_utc, to_local, utcnow
from clinic.core.pagination import paginate_rows
from clinic.core.permissions import require
from clinic.core.transaction import add_error, attempt
from clinic.extensions import db

RACE = "Someone else recorded something for this client a moment ago; check and try again."
DISCLOSURE_VIEWED = audit.define("disclosure.viewed", "Disclosed packet or record viewed")


def _to_utc(moment):
    return local_to_utc(moment, current_app.config["CLINIC_TIMEZONE"])


@bp.get("/clients/<int:client_id>/consents/")
def index(client_id: int):
    """The client's consents, newest first, with their status, and the privacy notice."""
    client = load_client(client_id, "consents.view")
    episode = open_episode(client.id)
    notice_form = PrivacyNoticeForm()
    notice_form.given_at.data = local_now()
    return render_chart(
        client,
        "consents/index.html",
        consents=services.consents_of(client.id),
        episode=episode,
        notice=services.privacy_notice(episode.id) if episode else None,
        notice_form=notice_form,
    )


def _consent_form(client: Client) -> ConsentForm:
    form = ConsentForm(
        recipients=services.recipient_choices(client.id, tpo_class=True),
        in_treatment=open_episode(client.id) is not None,
        today=clinic_today(),
        born_on=client.date_of_birth,
    )
    if request.method == "GET":
        form.disclosing_party.data = current_app.config["CLINIC_NAME"]
        form.signed_on.data = clinic_today()
    return form


@bp.route("/clients/<int:client_id>/consents/new", methods=["GET", "POST"])
def new(client_id: int):
    """Record a consent the client signed: every element of 42 CFR 2.31."""
    client = load_client(client_id, "consents.manage")
    form = _consent_form(client)
    if form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: services.record_consent(
                client, form.data, actor=current_user, today=clinic_today()
            ),
            race=RACE,
        )
        if outcome:
            flash("Consent recorded. Print it for the client to keep.", "success")
            return redirect(
                url_for("consents.consent", client_id=client.id, consent_id=outcome.value.id)
            )
    return render_chart(client, "consents/new.html", form=form, **_statements())


def _consent_of(client: Client, consent_id: int, action: str) -> Consent:
    return load_owned(client, db.session.get(Consent, consent_id), action)


@bp.get("/clients/<int:client_id>/consents/<int:consent_id>")
def consent(client_id: int, consent_id: int):
    """The consent as the client reads and signs it: every element and the right to revoke."""
    client = load_client(client_id, "consents.view")
    record = _consent_of(client, consent_id, "consents.view")
    return render_chart(
        client,
        "consents/consent.html",
        row=services.consent_row(record),
        disclosures=services.disclosure_count(record.id),
        **_statements(record),
    )


def _statements(consent: Consent | None = None) -> dict:
    """What the consent document shows besides the consent: the statements, and its witness."""
    witness = services.user_names([consent.witness_id]) if consent else {}
    return {
        "witness": witness.get(consent.witness_id) if consent else None,
        "revocation_statement": REVOCATION_STATEMENT,
        "tpo_statement": TPO_REDISCLOSURE_STATEMENT,
        "ConsentKind": ConsentKind,
    }


@bp.get("/clients/<int:client_id>/consents/<int:consent_id>/print")
def print_consent(client_id: int, consent_id: int):
    """The consent document alone, for printing and signing."""
    client = load_client(client_id, "consents.view")
    record = _consent_of(client, consent_id, "consents.view")
    return _printed(
        client,
        "consents/consent_print.html",
        row=services.consent_row(record),
        **_statements(record),
    )


def _printed(client: Client, template: str, **context) -> str:
    """A page printed from the chart: a read of the record, audited like the chart's pages."""
    audit.record(
        CLIENT_VIEWED, target=client, client_id=client.id, detail={"page": request.endpoint}
    )
    return transaction.committed(render_template(template, client=client, **context))


@bp.route("/clients/<int:client_id>/consents/<int:consent_id>/revoke", methods=["GET", "POST"])
def revoke(client_id: int, consent_id: int):
    """Record the client's revocation: from now on nothing is disclosed under it."""
    client = load_client(client_id, "consents.manage")
    record = _consent_of(client, consent_id, "consents.manage")
    row = services.consent_row(record)
    form = RevokeForm(signed_on=record.signed_on, today=clinic_today())
    if record.revoked_at is not None:
        pass  # the page says when, and offers nothing to send
    elif request.method == "GET":
        form.received_on.data = clinic_today()
    elif form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: services.revoke(record, form.data, actor=current_user, today=clinic_today()),
            race=RACE,
        )
        if outcome:
            flash("Revocation recorded: nothing more is disclosed under this consent.", "success")
            return redirect(url_for("consents.consent", client_id=client.id, consent_id=record.id))
    return render_chart(client, "consents/revoke.html", form=form, row=row)


@bp.route("/clients/<int:client_id>/consents/privacy-notice", methods=["GET", "POST"])
def privacy_notice(client_id: int):
    """Record that the privacy notice was given at admission, or why not yet (asked again after
    a refused save, the address shows the card on the Consents tab)."""
    if request.method == "GET":
        return redirect(url_for("consents.index", client_id=client_id, _anchor="privacy-notice"))
    client = load_client(client_id, "consents.manage")
    episode = open_episode(client.id)
    if episode is None:
        abort(404)
    form = PrivacyNoticeForm()
    if form.validate_on_submit():
        given = form.outcome.data == "given"
        outcome = attempt(
            form,
            lambda: services.record_privacy_notice(
                episode,
                given_at=_to_utc(form.given_at.data) if given else None,
                reason=None if given else form.reason.data,
                actor=current_user,
            ),
            race=RACE,
        )
        if outcome:
            flash("Privacy notice recorded.", "success")
            return redirect(url_for("consents.index", client_id=client.id))
    return render_chart(
        client,
        "consents/index.html",
        consents=services.consents_of(client.id),
        episode=episode,
        notice=services.privacy_notice(episode.id),
        notice_form=form,
    )


# --- Releases of information ---------------------------------------------------------------


def _release_form(client: Client) -> ReleaseForm:
    return ReleaseForm(recipients=services.recipient_choices(client.id, tpo_class=False))


@bp.route("/clients/<int:client_id>/consents/releases/new", methods=["GET", "POST"])
@disclosure_path
def new_release(client_id: int):
    """Send part of the record to someone outside the program: the gate decides."""
    client = load_client(client_id, "release.make")
    form = _release_form(client)
    refusal = None
    if form.validate_on_submit():
        result = _release(client, form)
        if result:
            flash(
                "Sent under the client's consent and listed in the accounting of disclosures.",
                "success",
            )
            return redirect(
                url_for(
                    "consents.disclosure",
                    client_id=client.id,
                    disclosure_id=result.disclosure.id,
                )
            )
        if result is not None:
            refusal = result.message
            uncovered = [item for item in Item if release.CATEGORY[item] in result.decision.missing]
            if uncovered:
                labels = ", ".join(item.label.lower() for item in uncovered)
                add_error(form, f"Not covered by the client's consent: {labels}.", "items")
    return render_chart(client, "consents/release.html", form=form, refusal=refusal)


def _release(client: Client, form: ReleaseForm) -> gate.Result | None:
    """Make the packet and pass it through the gate (committed when sent); None when the form
    is at fault (the message is beside the field)."""
    try:
        recipient = services.resolve_recipient(
            client.id, form.recipient.data, form.recipient_name.data, form.recipient_address.data
        )
    except services.ConsentError as error:
        add_error(form, str(error), error.field)
        return None
    items = [item for item in Item if item.value in form.items.data]
    content, empty = release.content(client, items)
    if empty:
        labels = ", ".join(item.label.lower() for item in empty)
        add_error(form, f"The record has nothing to send yet for: {labels}.", "items")
        return None
    packet = ReleasePacket(
        client_id=client.id,
        items=[item.value for item in items],
        content=content,
        created_by_id=current_user.id,
    )
    outcome = attempt(
        form,
        lambda: gate.disclose(
            client,
            recipient,
            Purpose(form.purpose.data),
            [release.CATEGORY[item] for item in items],
            current_user,
            packet,
            information=release.describe(items),
        ),
        race=RACE,
    )
    return outcome.value if outcome else None


def _disclosure_of(client: Client, disclosure_id: int) -> Disclosure:
    return load_owned(client, db.session.get(Disclosure, disclosure_id), "consents.view")


@bp.get("/clients/<int:client_id>/consents/disclosures/<int:disclosure_id>")
def disclosure(client_id: int, disclosure_id: int):
    """What one disclosure sent, as it was sent, with the notice and the consent's scope: the
    packet to print and hand over."""
    client = load_client(client_id, "consents.view")
    record = _disclosure_of(client, disclosure_id)
    packet = None
    if record.artefact_kind == ReleasePacket.ARTEFACT:
        packet = db.session.get(ReleasePacket, record.artefact_id)
    consent_record = db.session.get(Consent, record.consent_id) if record.consent_id else None
    audit.record(DISCLOSURE_VIEWED, target=record, client_id=client.id)
    return _printed(
        client,
        "consents/packet.html",
        disclosure=record,
        packet=packet,
        consent=consent_record,
        again=FlaskForm(),
    )


@bp.post("/clients/<int:client_id>/consents/disclosures/<int:disclosure_id>/again")
@disclosure_path
def disclose_again(client_id: int, disclosure_id: int):
    """Print a packet again: a new disclosure, through the gate again."""
    client = load_client(client_id, "release.make")
    record = _disclosure_of(client, disclosure_id)
    if record.artefact_kind != ReleasePacket.ARTEFACT or not FlaskForm().validate_on_submit():
        abort(400)
    packet = db.session.get(ReleasePacket, record.artefact_id)
    outcome = attempt(
        FlaskForm(),
        lambda: gate.disclose(
            client,
            record.recipient,
            record.purpose,
            record.category_list,
            current_user,
            packet,
            information=record.information,
        ),
        race=RACE,
    )
    result = outcome.value if outcome else None
    if not result:
        flash(f"Not sent again: {result.message if result is not None else RACE}", "danger")
        return redirect(url_for("consents.disclosures", client_id=client.id))
    flash("Printed again: a new disclosure, listed in the accounting.", "success")
    return redirect(
        url_for("consents.disclosure", client_id=client.id, disclosure_id=result.disclosure.id)
    )


# --- Medical emergencies (42 CFR 2.51) ------------------------------------------------------


@bp.route("/clients/<int:client_id>/consents/emergency/new", methods=["GET", "POST"])
@emergency_path
def emergency(client_id: int):
    """Record a disclosure made to medical personnel in a medical emergency, without consent."""
    client = load_client(client_id, "disclosure.emergency")
    opened = to_local(client.created_at, current_app.config["CLINIC_TIMEZONE"])
    form = EmergencyForm(not_before=opened.replace(tzinfo=None, second=0, microsecond=0))
    if request.method == "GET":
        form.disclosed_at.data = local_now()
    elif form.validate_on_submit():
        disclosed_at = _to_utc(form.disclosed_at.data)
        outcome = attempt(
            form,
            lambda: gate.disclose_in_emergency(
                client,
                services.emergency_recipient(form.recipient_name.data, form.recipient_address.data),
                [Category(value) for value in form.categories.data],
                current_user,
                nature=form.nature.data.strip(),
                information=form.information.data.strip(),
                disclosed_at=disclosed_at,
            ),
            race=RACE,
        )
        if outcome:
            flash("Emergency disclosure recorded; a supervisor will review it.", "success")
            return redirect(url_for("consents.disclosures", client_id=client.id))
    return render_chart(client, "consents/emergency.html", form=form)


@bp.get("/disclosures/emergency")
@require("emergency_disclosures.review")
def emergency_reviews():
    """Supervisors: disclosures made in a medical emergency, those waiting for review first."""
    rows, count = services.emergency_disclosures()
    page = paginate_rows(rows, current_app.config["PAGE_SIZE"], count=count)
    names = services.user_names(
        [row[0].disclosed_by_id for row in page.items]
        + [row[2].reviewed_by_id for row in page.items if row[2] is not None]
    )
    return transaction.committed(
        render_template(
            "consents/emergency_reviews.html", page=page, names=names, form=ReviewForm()
        )
    )


@bp.post("/disclosures/emergency/<int:disclosure_id>/review")
@require("emergency_disclosures.review")
def review_emergency(disclosure_id: int):
    """Record a supervisor's review of an emergency disclosure."""
    record = db.session.get(Disclosure, disclosure_id)
    if record is None or not record.emergency:
        abort(404)
    form = ReviewForm()
    if form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: services.review_emergency(record, form.note.data, actor=current_user),
            race="This disclosure was reviewed a moment ago.",
        )
        flash(
            "Review recorded." if outcome else "This disclosure was reviewed already.",
            "success" if outcome else "warning",
        )
    return redirect(url_for("consents.emergency_reviews"))


# --- The accounting of disclosures ---------------------------------------------------------


def _accounting(client: Client) -> dict:
    years = current_app.config["ACCOUNTING_YEARS"]
    rows = services.accounting(client.id, years=years)
    return {
        "disclosures": rows,
        "years": years,
        "names": services.user_names(row.disclosure.disclosed_by_id for row in rows),
    }


@bp.get("/clients/<int:client_id>/consents/disclosures")
def disclosures(client_id: int):
    """Every disclosure of the last three years (configurable), newest first."""
    client = load_client(client_id, "consents.view")
    return render_chart(client, "consents/disclosures.html", **_accounting(client))


@bp.get("/clients/<int:client_id>/consents/disclosures/print")
def print_disclosures(client_id: int):
    """The accounting of disclosures, printable for the client."""
    client = load_client(client_id, "consents.view")
    return _printed(client, "consents/disclosures_print.html", now=utcnow(), **_accounting(client))
