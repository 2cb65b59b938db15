"""Client pages: list and search, intake, the chart, demographics, admission, care team,
emergency access. Every page loads the client through `chart.load_client`, which checks
access, and renders through `chart.render_chart`, which audits the read."""

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from clinic.auth.models import User
from clinic.clients import bp, queries, services
from clinic.clients.chart import load_client, render_chart
from clinic.clients.forms import (
    AdmissionForm,
    CareTeamForm,
    ClientSearchForm,
    EditClientForm,
    EmergencyAccessForm,
    IntakeSearchForm,
    NewClientForm,
)
from clinic.clients.levels import Level
from clinic.clients.models import CareTeamMember, Client, fold_name
from clinic.clients.services import ClientError
from clinic.clients.vocabulary import ReferralSource, TeamRole
from clinic.core import audit
from clinic.core.clock import clinic_today
from clinic.core.forms import choices, commit_or_explain, save_versioned
from clinic.core.pagination import paginate_rows
from clinic.core.permissions import can, deny, require
from clinic.core.transaction import add_error, committed
from clinic.extensions import db


def _show_error(form, error: ClientError) -> None:
    db.session.rollback()
    add_error(form, str(error), error.field)


# --- List and search --------------------------------------------------------------------------


def _counselor_choices() -> list:
    options = [(str(user_id), name) for user_id, name in services.counselor_names()]
    return choices([("", "Any counselor"), *options])


@bp.get("/")
@require("clients.list")
def index():
    form = ClientSearchForm(request.args)
    form.counselor.choices = _counselor_choices()
    visible = services.visible_clause(current_user)
    keys = queries.client_keys().where(visible)
    count = None
    sort = "name"
    if form.validate():
        keys = _apply_filters(keys, form)
        sort = form.sort.data or "name"
        if not (form.level.data or form.counselor.data):
            count = queries.count_clients(visible, *_client_filters(form))
    else:
        keys = keys.where(sa.false())
    order = queries.SORTS.get(sort, queries.SORTS["name"])
    page = paginate_rows(
        queries.client_rows().order_by(*order),
        current_app.config["PAGE_SIZE"],
        count=count,
        keys=(Client.id, keys.order_by(*order)),
    )
    audit.record(
        services.CLIENTS_LISTED,
        detail={
            "client_ids": [row.id for row in page.items],
            "filters": sorted(key for key, value in request.args.items() if value),
        },
    )
    return committed(
        render_template("clients/index.html", form=form, page=page, today=clinic_today())
    )


def _client_filters(form: ClientSearchForm) -> list:
    """The filters on the client's own columns."""
    filters = []
    text = (form.q.data or "").strip()
    if text.isdigit():
        filters.append(queries.name_prefix(Client.mrn, text))
    elif text:
        folded = fold_name(text.replace(",", " "))
        filters.append(
            sa.or_(
                queries.name_prefix(Client.search_name, folded),
                queries.name_prefix(Client.search_name_reversed, folded),
            )
            if folded
            else sa.false()  # only punctuation: no name matches it
        )
    if form.dob.data:
        filters.append(Client.date_of_birth == form.dob.data)
    return filters


def _apply_filters(query, form: ClientSearchForm):
    query = query.where(*_client_filters(form))
    if form.level.data:
        query = query.where(queries.OpenEpisode.current_level == Level(form.level.data))
    if form.counselor.data:
        query = query.where(queries.OpenEpisode.primary_counselor_id == int(form.counselor.data))
    return query


# --- Intake: search first, then create ----------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@require("clients.create")
def new():
    search = IntakeSearchForm(request.args)
    form = NewClientForm()
    duplicates = None
    if request.method == "GET" and request.args:
        if search.validate():
            duplicates = services.possible_duplicates(
                search.first.data, search.last.data, search.dob.data
            )
            form.legal_first_name.data = search.first.data.strip()
            form.legal_last_name.data = search.last.data.strip()
            form.date_of_birth.data = search.dob.data
            _audit_duplicate_check(duplicates)
    elif form.validate_on_submit():
        duplicates = services.possible_duplicates(
            form.legal_first_name.data, form.legal_last_name.data, form.date_of_birth.data
        )
        try:
            client = services.create_client(
                form.data, confirmed_not_duplicate=form.confirm_not_duplicate.data
            )
        except ClientError as error:
            _show_error(form, error)
            _audit_duplicate_check(duplicates)
        else:
            db.session.commit()
            flash("Client record created. Admit the client to open an episode.", "success")
            return redirect(url_for("clients.chart", client_id=client.id))
    openable = services.visible_client_ids(
        current_user, [match.client.id for match in duplicates or []]
    )
    return committed(
        render_template(
            "clients/new.html",
            search=search,
            form=form,
            duplicates=duplicates,
            openable=openable,
        )
    )


def _audit_duplicate_check(duplicates) -> None:
    # Showing possible matches shows clients: record which.
    if duplicates:
        audit.record(
            services.CLIENTS_LISTED,
            detail={"client_ids": [match.client.id for match in duplicates], "filters": ["intake"]},
        )


# --- The chart --------------------------------------------------------------------------------


@bp.get("/<int:client_id>")
def chart(client_id: int):
    client = load_client(client_id)
    return render_chart(client, "clients/chart.html", detail=queries.chart_detail(client.id))


@bp.get("/<int:client_id>/care")
def care(client_id: int):
    client = load_client(client_id)
    return render_chart(client, "clients/care.html", detail=queries.chart_detail(client.id))


@bp.route("/<int:client_id>/edit", methods=["GET", "POST"])
def edit(client_id: int):
    client = load_client(client_id, "client.edit")
    form = EditClientForm(obj=client)
    conflict = None
    if form.validate_on_submit():
        result = save_versioned(
            form,
            client,
            apply=lambda: services.update_client(client, form.data),
            reload=lambda: db.session.get(Client, client_id),
        )
        if result.saved:
            flash("Saved." if result.changed else "Nothing was changed.", "success")
            return redirect(url_for("clients.chart", client_id=client.id))
        conflict = result.conflict
    return render_chart(client, "clients/edit.html", form=form, conflict=conflict)


@bp.post("/<int:client_id>/restricted")
def restrict(client_id: int):
    client = load_client(client_id, "client.restrict")
    services.set_restricted(client, request.form.get("restricted") == "1")
    db.session.commit()
    flash("Restricted-record flag updated.", "success")
    return redirect(url_for("clients.chart", client_id=client.id))


# --- Admission --------------------------------------------------------------------------------


@bp.route("/<int:client_id>/episodes/new", methods=["GET", "POST"])
def admit(client_id: int):
    client = load_client(client_id, "episode.admit")
    if services.open_episode(client.id) is not None:
        flash("This client already has an open episode.", "warning")
        return redirect(url_for("clients.chart", client_id=client.id))
    form = AdmissionForm()
    if request.method == "GET":
        form.admitted_on.data = clinic_today()
    if form.validate_on_submit() and commit_or_explain(
        form,
        lambda: services.admit(
            client,
            admitted_on=form.admitted_on.data,
            referral_source=ReferralSource(form.referral_source.data),
            level=Level(form.level.data),
            substances=form.substances(),
            payer=form.payer.data,
            member_id=form.member_id.data,
            authorization_notes=form.authorization_notes.data,
        ),
        # Another admission for this client committed first (the one-open-episode index).
        race="This client was admitted by someone else a moment ago.",
    ):
        flash("Client admitted. A supervisor assigns the primary counselor.", "success")
        return redirect(url_for("clients.chart", client_id=client.id))
    return render_chart(client, "clients/admit.html", form=form)


# --- Care team --------------------------------------------------------------------------------


def _team_form() -> CareTeamForm:
    form = CareTeamForm()
    staff = {user.id: user for role in TeamRole for user in services.staff_for_team_role(role)}
    form.user_id.choices = choices(
        [("", "Choose…"), *((str(user.id), user.full_name) for user in staff.values())]
    )
    return form


@bp.route("/<int:client_id>/care/team", methods=["GET", "POST"])
def care_team(client_id: int):
    client = load_client(client_id, "careteam.manage")
    episode = services.open_episode(client.id)
    if episode is None:
        flash("The client has no open episode; admit them first.", "warning")
        return redirect(url_for("clients.chart", client_id=client.id))
    form = _team_form()
    if form.validate_on_submit() and commit_or_explain(
        form,
        lambda: services.add_to_team(
            episode, db.session.get(User, int(form.user_id.data)), TeamRole(form.team_role.data)
        ),
        race="The care team changed meanwhile; check it and try again.",
    ):
        flash("Care team updated.", "success")
        return redirect(url_for("clients.care_team", client_id=client.id))
    return render_chart(
        client, "clients/care_team.html", form=form, team=services.active_team(episode.id)
    )


@bp.post("/<int:client_id>/care/team/<int:member_id>/remove")
def care_team_remove(client_id: int, member_id: int):
    client = load_client(client_id, "careteam.manage")
    episode = services.open_episode(client.id)
    member = db.session.get(CareTeamMember, member_id)
    if episode is None or member is None or member.episode_id != episode.id:
        deny(404, "careteam.manage", member)
    try:
        services.remove_from_team(episode, member)
        db.session.commit()
        flash("Removed from the care team.", "success")
    except ClientError as error:
        db.session.rollback()
        flash(str(error), "danger")
    return redirect(url_for("clients.care_team", client_id=client.id))


# --- Emergency access -------------------------------------------------------------------------


@bp.route("/<int:client_id>/emergency-access", methods=["GET", "POST"])
@require("emergency.request")
def emergency_access(client_id: int):
    form = EmergencyAccessForm()
    if form.validate_on_submit():
        client = db.session.get(Client, client_id)
        if client is None or client.restricted:
            deny(404, "emergency.request", client)
        if can(current_user, "client.view", client):
            return redirect(url_for("clients.chart", client_id=client_id))
        try:
            services.grant_emergency_access(client, form.reason.data)
            db.session.commit()
        except ClientError as error:
            _show_error(form, error)
        else:
            flash(
                "Emergency access granted for 60 minutes. A supervisor will review it.", "warning"
            )
            return redirect(url_for("clients.chart", client_id=client_id))
    return render_template("clients/emergency_access.html", form=form, client_id=client_id)
