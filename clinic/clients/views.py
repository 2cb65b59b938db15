"""Client pages: list and search, intake, the chart, demographics, admission, care team,
emergency access. Every page loads the client through `chart.load_client`, which checks
access, and renders through `chart.render_chart`, which audits the read."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from clinic.auth.models import User
from clinic.clients import bp, contacts, queries, services
from clinic.clients.chart import ChartAlert, load_client, render_chart
from clinic.clients.forms import (
    AdmissionForm,
    CareTeamForm,
    ClientSearchForm,
    EditClientForm,
    EmergencyAccessForm,
    EmergencyFindForm,
    IntakeSearchForm,
    NewClientForm,
)
from clinic.clients.levels import Level
from clinic.clients.models import CareTeamMember, Client, search_terms
from clinic.clients.vocabulary import ReferralSource, TeamRole
from clinic.core import audit
from clinic.core.clock import clinic_today, local_time
from clinic.core.forms import choices
from clinic.core.pagination import LARGEST_ID, paginate_rows, requested_page
from clinic.core.permissions import can, deny, require
from clinic.core.transaction import attempt, committed
from clinic.extensions import db

# Two people saved the same record at once; the other one's change was kept.
RECORD_RACE = "Someone else changed this record a moment ago; check it and try again."

# --- List and search --------------------------------------------------------------------------


@dataclass(frozen=True)
class CounselorFilter:
    """The counselor filter, resolved on the server from the name typed and the choice made."""

    chosen: int | None  # the counselor whose clients are listed, when there is one
    offered: list  # CounselorChoice: the choices the select offers (bounded)
    more: bool  # more counselors match than are offered
    error: str | None = None

    @classmethod
    def resolve(cls, form: ClientSearchForm) -> "CounselorFilter":
        """A name typed since the choices were offered is looked up: one match is chosen, several
        are offered to choose from; otherwise the select's choice stands (an id from a link)."""
        text = (form.counselor_name.data or "").strip()
        typed_anew = text != (form.counselor_found_for.data or "").strip()
        wanted = None if typed_anew else _record_id(form.counselor.data)
        found = queries.counselors_for_filter(text, wanted)
        matching = [choice for choice in found if choice.matches]
        more = len(matching) > queries.COUNSELOR_MATCHES
        matching = matching[: queries.COUNSELOR_MATCHES]
        error = None
        if typed_anew:
            chosen = matching[0].id if len(matching) == 1 else None
            if text and not matching:
                error = f"No counselor's name holds “{text}”."
        else:
            chosen = wanted if any(choice.id == wanted for choice in found) else None
        offered = [choice for choice in found if choice.id == chosen and not choice.matches]
        return cls(chosen, offered + matching, more, error)

    def apply_to(self, form: ClientSearchForm) -> None:
        """Give the form the choices offered, the choice made and the name they were found for."""
        text = (form.counselor_name.data or "").strip()
        form.counselor.choices = choices(
            [("", "Any counselor"), *((str(choice.id), choice.name) for choice in self.offered)]
        )
        if self.chosen is not None or text != (form.counselor_found_for.data or "").strip():
            form.counselor.data = str(self.chosen) if self.chosen is not None else ""
        form.counselor_found_for.data = text
        matching = sum(1 for choice in self.offered if choice.matches)
        if self.more:
            form.counselor.description = (
                f"More than {queries.COUNSELOR_MATCHES} counselors match: type more of the name."
            )
        elif matching > 1 and self.chosen is None:
            form.counselor.description = f"{matching} counselors match: choose one."


def _record_id(value: str | None) -> int | None:
    """An id typed in the query string, or None when empty, not a number or out of range."""
    if not value or not value.isdigit() or len(value) > 10:
        return None
    number = int(value)
    return number if 0 < number <= LARGEST_ID else None


@bp.get("/")
@require("clients.list")
def index():
    """The clients the user may see: search by name, record number or birth date, filter, sort.
    A page of clients, with a count that stops at "1,000+" (or past the page asked for)."""
    form = ClientSearchForm(request.args)
    counselors = CounselorFilter.resolve(form)
    counselors.apply_to(form)
    visible = services.visible_clause(current_user)
    keys = queries.client_keys().where(visible)
    per_page = current_app.config["PAGE_SIZE"]
    cap = max(queries.COUNT_CAP, requested_page() * per_page)
    sort = "name"
    valid = form.validate()
    if counselors.error:
        form.counselor_name.errors.append(counselors.error)
        valid = False
    if valid:
        keys = _apply_filters(keys, form, counselors.chosen)
        sort = form.sort.data or "name"
        if form.level.data or counselors.chosen is not None:
            counted = keys
        else:  # no filter on the open episode: count clients alone, without its join
            counted = sa.select(Client.id).where(visible, *_client_filters(form))
    else:
        keys = counted = keys.where(sa.false())
    order = queries.SORTS.get(sort, queries.SORTS["name"])
    page = paginate_rows(
        queries.client_rows().order_by(*order),
        per_page,
        count=queries.capped_count(counted, cap),
        keys=(Client.id, keys.order_by(*order)),
    )
    audit.record(
        services.CLIENTS_LISTED,
        detail={
            "client_ids": [row.id for row in page.items],
            "filters": sorted(
                key for key, value in request.args.items() if value and key in FILTERS
            ),
        },
    )
    total = f"{cap:,}+" if page.total > cap else f"{page.total:,}"
    return committed(
        render_template(
            "clients/index.html", form=form, page=page, total=total, today=clinic_today()
        )
    )


# What the audit of a list records of the query string: the filters, not the form's bookkeeping.
FILTERS = frozenset({"q", "dob", "level", "counselor_name", "counselor", "sort", "page"})


def _client_filters(form: ClientSearchForm) -> list:
    """The filters on the client's own columns."""
    filters = []
    text = (form.q.data or "").strip()
    if text.isdigit():
        filters.append(queries.name_prefix(Client.mrn, text))
    elif text:
        # Every word typed starts a word of the client's names, in any order ("smith, ana",
        # "nguyen" for O'Connor-Nguyễn).
        terms = search_terms(text)
        if terms:
            filters.extend(queries.name_word_prefix(term) for term in terms)
        else:
            filters.append(sa.false())  # only punctuation: no name matches it
    if form.dob.data:
        filters.append(Client.date_of_birth == form.dob.data)
    return filters


def _apply_filters(query, form: ClientSearchForm, counselor_id: int | None):
    query = query.where(*_client_filters(form))
    if form.level.data:
        query = query.where(queries.OpenEpisode.current_level == Level(form.level.data))
    if counselor_id is not None:
        query = query.where(queries.OpenEpisode.primary_counselor_id == counselor_id)
    return query


# --- Intake: search first, then create ----------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@require("clients.create")
def new():
    """Intake: search for the person first, then create a record (a likely duplicate must be
    confirmed as a different person)."""
    search = IntakeSearchForm(request.args)
    form = NewClientForm()
    duplicates = None
    by_name_only = more_by_name = False
    if request.method == "GET" and request.args:
        if search.validate():
            by_name_only = not search.dob.data
            if by_name_only:
                duplicates, more_by_name = services.possible_duplicates_by_name(
                    search.first.data, search.last.data
                )
            else:
                duplicates = services.possible_duplicates(
                    search.first.data, search.last.data, search.dob.data
                )
            form.legal_first_name.data = search.first.data.strip()
            form.legal_last_name.data = search.last.data.strip()
            form.date_of_birth.data = search.dob.data
            _audit_duplicate_check(duplicates, by_name_only=by_name_only)
    elif form.validate_on_submit():
        duplicates = services.possible_duplicates(
            form.legal_first_name.data, form.legal_last_name.data, form.date_of_birth.data
        )
        outcome = attempt(
            form,
            lambda: services.create_client(
                form.data,
                confirmed_not_duplicate=form.confirm_not_duplicate.data,
                actor=current_user,
                emergency_contact=form.emergency_contact(),
            ),
            # A record number drawn by two intakes at once (the unique index).
            race="The record could not be saved this time; save it again.",
        )
        if outcome:
            flash("Client record created. Admit the client to open an episode.", "success")
            return redirect(url_for("clients.chart", client_id=outcome.value.id))
        _audit_duplicate_check(duplicates)
    openable = services.visible_client_ids(
        current_user, [match.client.id for match in duplicates or []]
    )
    return committed(
        render_template(
            "clients/new.html",
            search=search,
            form=form,
            duplicates=duplicates,
            by_name_only=by_name_only,
            more_by_name=more_by_name,
            openable=openable,
        )
    )


def _audit_duplicate_check(duplicates, *, by_name_only: bool = False) -> None:
    # Showing possible matches shows clients: record which, and whether by name alone.
    if duplicates:
        filters = ["intake", "name_only"] if by_name_only else ["intake"]
        audit.record(
            services.CLIENTS_LISTED,
            detail={"client_ids": [match.client.id for match in duplicates], "filters": filters},
        )


# --- The chart --------------------------------------------------------------------------------


@bp.get("/<int:client_id>")
def chart(client_id: int):
    """The chart's overview: the client, their open episode and their history."""
    client = load_client(client_id)
    return render_chart(
        client,
        "clients/chart.html",
        detail=queries.chart_detail(client.id),
        emergency_contacts=contacts.emergency_contacts(client.id)
        if can(current_user, "contacts.view", client)
        else None,
    )


@bp.get("/<int:client_id>/care")
def care(client_id: int):
    """The chart's care tab: the latest episode's care team and level-of-care history."""
    client = load_client(client_id)
    return render_chart(client, "clients/care.html", detail=queries.chart_detail(client.id))


@bp.route("/<int:client_id>/edit", methods=["GET", "POST"])
def edit(client_id: int):
    """Change a client's demographics, refusing to overwrite a concurrent edit unseen."""
    client = load_client(client_id, "client.edit")
    form = EditClientForm(obj=client)
    conflict = None
    if form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: services.update_client(client, form.data, actor=current_user),
            race=RECORD_RACE,
            versioned=client,
            reload=lambda: db.session.get(Client, client_id),
        )
        if outcome:
            flash("Saved." if outcome.value else "Nothing was changed.", "success")
            return redirect(url_for("clients.chart", client_id=client.id))
        conflict = outcome.conflict
    return render_chart(client, "clients/edit.html", form=form, conflict=conflict)


@bp.post("/<int:client_id>/restricted")
def restrict(client_id: int):
    """Set or clear the restricted-record flag (a button on the chart)."""
    client = load_client(client_id, "client.restrict")
    restricted = request.form.get("restricted") == "1"
    if attempt(
        FlaskForm(),  # a button: nothing to show errors beside
        lambda: services.set_restricted(client, restricted, actor=current_user),
        race=RECORD_RACE,
    ):
        flash("Restricted-record flag updated.", "success")
    else:
        flash(RECORD_RACE, "warning")
    return redirect(url_for("clients.chart", client_id=client.id))


# --- Admission --------------------------------------------------------------------------------


@bp.route("/<int:client_id>/episodes/new", methods=["GET", "POST"])
def admit(client_id: int):
    """Admit the client: open an episode with its first level of care."""
    client = load_client(client_id, "episode.admit")
    if services.open_episode(client.id) is not None:
        flash("This client already has an open episode.", "warning")
        return redirect(url_for("clients.chart", client_id=client.id))
    form = AdmissionForm()
    if request.method == "GET":
        form.admitted_on.data = clinic_today()
    if form.validate_on_submit() and attempt(
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
            actor=current_user,
        ),
        # Another admission for this client committed first (the one-open-episode index).
        race="This client was admitted by someone else a moment ago.",
    ):
        flash("Client admitted. A supervisor assigns the primary counselor.", "success")
        return redirect(url_for("clients.chart", client_id=client.id))
    return render_chart(client, "clients/admit.html", form=form)


# --- Care team --------------------------------------------------------------------------------


# The care team form offers this many staff at most; typing part of a name finds the others.
STAFF_OFFERED = 20


def _team_form() -> CareTeamForm:
    """The form, offering the staff whose names hold what was typed (the first by name when
    nothing was), and the one posted, so that what the page offered is what it accepts."""
    form = CareTeamForm()
    posted = _record_id(form.user_id.data) if form.is_submitted() else None
    name = (form.staff_name.data or "").strip()[:120]
    found = services.team_candidates(name, limit=STAFF_OFFERED, also=posted)
    offered = [user for user in found if user.id == posted] + [
        user for user in found if user.id != posted
    ][:STAFF_OFFERED]
    form.user_id.choices = choices(
        [("", "Choose…"), *((str(user.id), user.full_name) for user in offered)]
    )
    if len(found) > STAFF_OFFERED:
        form.user_id.description = (
            f"The first {STAFF_OFFERED} by name: type part of a name and press Find for others."
        )
    elif name and not found:
        form.staff_name.errors = [f"No counselor or medical staff member's name holds “{name}”."]
    return form


@bp.route("/<int:client_id>/care/team", methods=["GET", "POST"])
def care_team(client_id: int):
    """The open episode's care team, and assigning someone to it."""
    client = load_client(client_id, "careteam.manage")
    episode = services.open_episode(client.id)
    if episode is None:
        flash("The client has no open episode; admit them first.", "warning")
        return redirect(url_for("clients.chart", client_id=client.id))
    form = _team_form()
    finding = form.is_submitted() and "find" in request.form
    if (
        not finding
        and form.validate_on_submit()
        and attempt(
            form,
            lambda: services.add_to_team(
                episode,
                db.session.get(User, int(form.user_id.data)),
                TeamRole(form.team_role.data),
                actor=current_user,
            ),
            race="The care team changed meanwhile; check it and try again.",
        )
    ):
        flash("Care team updated.", "success")
        return redirect(url_for("clients.care_team", client_id=client.id))
    return render_chart(
        client, "clients/care_team.html", form=form, team=services.active_team(episode.id)
    )


@bp.post("/<int:client_id>/care/team/<int:member_id>/remove")
def care_team_remove(client_id: int, member_id: int):
    """Take someone off the care team (a button beside their name)."""
    client = load_client(client_id, "careteam.manage")
    episode = services.open_episode(client.id)
    member = db.session.get(CareTeamMember, member_id)
    if episode is None or member is None or member.episode_id != episode.id:
        deny(404, "careteam.manage", member)
    race = "The care team changed meanwhile; check it and try again."
    outcome = attempt(
        FlaskForm(),  # a button: the refusal is the outcome, said in a flash
        lambda: services.remove_from_team(episode, member, actor=current_user),
        race=race,
    )
    if outcome:
        flash("Removed from the care team.", "success")
    else:
        flash(str(outcome.error) if outcome.error else race, "danger")
    return redirect(url_for("clients.care_team", client_id=client.id))


# --- Emergency access -------------------------------------------------------------------------


@bp.route("/emergency-access", methods=["GET", "POST"])
@require("emergency.request")
def emergency_find():
    """Break the glass for a client not on one's caseload: a reason, then the exact name and
    date of birth; one match is opened, several are listed, none says so."""
    form = EmergencyFindForm()
    matches = None
    if form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: services.find_for_emergency(
                form.legal_first_name.data,
                form.legal_last_name.data,
                form.date_of_birth.data,
                form.reason.data,
                actor=current_user,
            ),
            race="The search could not be made this time; try again.",
        )
        matches = outcome.value if outcome else None
        if matches is not None and len(matches) == 1:
            return _break_the_glass(matches[0], form)
    return render_template("clients/emergency_find.html", form=form, matches=matches)


def _break_the_glass(client: Client, form):
    """Open `client` for an hour with the form's reason (or straight away when already seen)."""
    if can(current_user, "client.view", client):
        return redirect(url_for("clients.chart", client_id=client.id))
    if attempt(
        form,
        lambda: services.grant_emergency_access(client, form.reason.data, actor=current_user),
        race="Emergency access could not be granted this time; try again.",
    ):
        flash("Emergency access granted for 60 minutes. A supervisor will review it.", "warning")
        return redirect(url_for("clients.chart", client_id=client.id))
    return render_template("clients/emergency_access.html", form=form, client_id=client.id)


def emergency_banner(client: Client) -> list[ChartAlert]:
    """On every chart page opened through emergency access: until when."""
    grant = services.emergency_grant_of(current_user, client.id)
    if grant is None or not can(current_user, "emergency.request"):
        return []
    return [
        ChartAlert(
            f"Emergency access: it ends at {local_time(grant.expires_at, '%H:%M')}. Everything "
            "you open is recorded and reviewed by a supervisor.",
            url_for("clients.chart", client_id=client.id),
            "Overview",
        )
    ]


@bp.route("/<int:client_id>/emergency-access", methods=["GET", "POST"])
@require("emergency.request")
def emergency_access(client_id: int):
    """Break the glass: an hour's audited access to a client outside one's caseload."""
    form = EmergencyAccessForm()
    if form.validate_on_submit():
        client = db.session.get(Client, client_id)
        if client is None or client.restricted:
            deny(404, "emergency.request", client)
        return _break_the_glass(client, form)
    return render_template("clients/emergency_access.html", form=form, client_id=client_id)
