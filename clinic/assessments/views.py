"""The Assessments tab: instrument results and trends, safety flags, six-dimension assessments.

Every page loads the client through `load_client` (access, 404/403) and renders through
`render_chart` (the audited read). Records named in the URL must belong to the client in the
URL; ids in a form body are only ever looked up within that client's episode.
"""

import sqlalchemy as sa
from flask import abort, current_app, flash, jsonify, redirect, request, url_for
from flask_login import current_user

from clinic.assessments import bp, instruments, placement, services
from clinic.assessments.forms import (
    AcknowledgeForm,
    AddendumForm,
    AssessmentForm,
    StartAssessmentForm,
    instrument_form_class,
    kind_choices,
)
from clinic.assessments.models import (
    Assessment,
    AssessmentAddendum,
    InstrumentResult,
    assessment_instruments,
)
from clinic.assessments.vocabulary import FINDINGS, AssessmentKind
from clinic.auth.services import full_names
from clinic.clients.chart import ChartAlert, load_client, load_owned, render_chart
from clinic.clients.levels import Level
from clinic.clients.models import Client, Episode
from clinic.clients.services import open_episode
from clinic.core import audit
from clinic.core.charts import time_chart
from clinic.core.clock import to_local, utcnow
from clinic.core.permissions import can, deny, require
from clinic.core.transaction import add_error, attempt
from clinic.extensions import db


def _latest_episode(client: Client) -> Episode | None:
    return db.session.scalar(
        sa.select(Episode)
        .where(Episode.client_id == client.id)
        .order_by(Episode.admitted_on.desc(), Episode.id.desc())
        .limit(1)
    )


def _assessments(client: Client) -> list[Assessment]:
    return list(
        db.session.scalars(
            sa.select(Assessment)
            .where(Assessment.client_id == client.id)
            .options(sa.orm.joinedload(Assessment.signed_by))
            .order_by(Assessment.created_at.desc(), Assessment.id.desc())
        )
    )


# --- The tab ----------------------------------------------------------------------------------


@bp.get("/clients/<int:client_id>/assessments/")
def index(client_id: int):
    """The Assessments tab: results, trends and assessments across episodes."""
    client = load_client(client_id, "assessment.view")
    episode = _latest_episode(client)
    results = services.results_for(client.id)
    this_episode = [result for result in results if episode and result.episode_id == episode.id]
    return render_chart(
        client,
        "assessments/index.html",
        episode=episode,
        results=results,
        assessments=_assessments(client),
        charts=_trend_charts(this_episode),
        givable=[
            instrument
            for instrument in instruments.INSTRUMENTS.values()
            if can(current_user, services.giving_action(instrument), client)
        ],
        start_form=_start_form(client, episode) if episode else None,
    )


def safety_alerts(client: Client) -> list[ChartAlert]:
    """Unacknowledged PHQ-9 safety flags, from any episode, on every chart page."""
    if not can(current_user, "assessment.view", client):
        return []
    waiting = db.session.scalars(
        sa.select(InstrumentResult.id)
        .where(
            InstrumentResult.client_id == client.id,
            InstrumentResult.safety_flag.is_(True),
            InstrumentResult.acknowledged_at.is_(None),
        )
        .order_by(InstrumentResult.administered_at)
    ).all()
    return [
        ChartAlert(
            "Safety flag: thoughts of self-harm reported on a PHQ-9 (item 9), not acknowledged.",
            url_for("assessments.result", client_id=client.id, result_id=result_id),
            "Open the result",
        )
        for result_id in waiting
    ]


def _trend_charts(results: list[InstrumentResult]) -> list:
    timezone = current_app.config["CLINIC_TIMEZONE"]

    def series(code: str, name: str | None = None, key: str | None = None):
        points = [
            (result.administered_at, result.answers[key] if key else result.total)
            for result in results
            if result.code == code
        ]
        return (name or instruments.INSTRUMENTS[code].short_name, points)

    charts = []
    # The withdrawal scales, each on a time axis with its bands (whole-number bands: each is
    # shaded up to where the next begins).
    for code, y_step in (("COWS", 12), ("CIWAAR", 10)):
        instrument = instruments.INSTRUMENTS[code]
        found = series(code)
        if found[1]:
            top = instrument.max_total
            charts.append(
                time_chart(
                    f"{instrument.short_name} during withdrawal management",
                    [found],
                    y_max=top,
                    y_step=y_step,
                    bands=[
                        (band.low, min(band.high + 1, top), band.label) for band in instrument.bands
                    ],
                    timezone=timezone,
                )
            )
    mood = [series("PHQ9"), series("GAD7")]
    if any(points for _name, points in mood):
        charts.append(
            time_chart(
                "PHQ-9 and GAD-7 across the episode", mood, y_max=27, y_step=5, timezone=timezone
            )
        )
    ruler = [
        series("RULER", "Importance", "importance"),
        series("RULER", "Confidence", "confidence"),
    ]
    if any(points for _name, points in ruler):
        charts.append(time_chart("Readiness ruler", ruler, y_max=10, y_step=2, timezone=timezone))
    return charts


def _start_form(client: Client, episode: Episode) -> StartAssessmentForm | None:
    """The kinds this user may start in this episode now (None: nothing to start)."""
    writer = can(current_user, "assessment.write", client)
    starter = can(current_user, "assessment.start", client)
    kinds = [
        kind
        for kind in services.startable_kinds(episode)
        if writer or (starter and kind == AssessmentKind.INTAKE and episode.is_open)
    ]
    if not kinds:
        return None
    form = StartAssessmentForm()
    form.kind.choices = kind_choices(kinds)
    return form


# --- Instruments ------------------------------------------------------------------------------


@bp.route("/clients/<int:client_id>/assessments/instruments/<code>/new", methods=["GET", "POST"])
def administer(client_id: int, code: str):
    """Give a screening instrument (or the COWS) and score it."""
    instrument = instruments.INSTRUMENTS.get(code)
    if instrument is None:
        abort(404)
    client = load_client(client_id, services.giving_action(instrument))
    episode = open_episode(client.id)
    form = instrument_form_class(instrument)()
    if episode is None:
        add_error(form, "The client has no open episode: admit the client first.")
    elif request.method == "GET":
        form.administered_at.data = to_local(
            utcnow(), current_app.config["CLINIC_TIMEZONE"]
        ).replace(tzinfo=None, second=0, microsecond=0)
    elif form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: services.administer(
                client,
                episode,
                code,
                form.answers(),
                form.administered_at_utc(),
                actor=current_user,
            ),
            race="The result could not be saved; try again.",
        )
        if outcome:
            result = outcome.value
            flash(_scored(instrument, result), "warning" if result.flags else "success")
            return redirect(url_for("assessments.index", client_id=client.id))
    return render_chart(client, "assessments/administer.html", form=form, instrument=instrument)


def _scored(instrument, result: InstrumentResult) -> str:
    if result.total is None:
        return f"{instrument.short_name} recorded."
    flags = f" Flags: {', '.join(result.flags)}." if result.flags else ""
    return f"{instrument.short_name} recorded: {result.total} ({result.band}).{flags}"


def _load_result(client: Client, result_id: int, action: str) -> InstrumentResult:
    return load_owned(client, db.session.get(InstrumentResult, result_id), action)


@bp.get("/clients/<int:client_id>/assessments/instruments/<int:result_id>")
def result(client_id: int, result_id: int):
    """One instrument result, with its safety flag to acknowledge."""
    client = load_client(client_id, "assessment.view")
    found = _load_result(client, result_id, "assessment.view")
    return render_chart(
        client,
        "assessments/result.html",
        result=found,
        instrument=instruments.INSTRUMENTS[found.code],
        people=full_names((found.administered_by_id, found.acknowledged_by_id)),
        form=AcknowledgeForm(),
    )


@bp.post("/clients/<int:client_id>/assessments/instruments/<int:result_id>/acknowledge")
def acknowledge(client_id: int, result_id: int):
    """A clinician acknowledges a safety flag with a note."""
    client = load_client(client_id, "safety.acknowledge")
    found = _load_result(client, result_id, "safety.acknowledge")
    form = AcknowledgeForm()
    if form.validate_on_submit() and attempt(
        form,
        lambda: services.acknowledge(found, form.note.data, actor=current_user),
        race="Someone acknowledged this flag at the same moment; reload the page.",
    ):
        flash("Safety flag acknowledged.", "success")
        return redirect(url_for("assessments.index", client_id=client.id))
    return render_chart(
        client,
        "assessments/result.html",
        result=found,
        instrument=instruments.INSTRUMENTS[found.code],
        people=full_names((found.administered_by_id, found.acknowledged_by_id)),
        form=form,
    )


# --- Assessments ------------------------------------------------------------------------------


@bp.post("/clients/<int:client_id>/assessments/new")
def start(client_id: int):
    """Start a six-dimension assessment of the latest episode."""
    client = load_client(client_id, "assessment.start")
    episode = _latest_episode(client)
    form = _start_form(client, episode) if episode else None
    if form is None:
        flash("There is no assessment you can start for this client now.", "warning")
        return redirect(url_for("assessments.index", client_id=client.id))
    if form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: services.start(
                client, episode, AssessmentKind(form.kind.data), actor=current_user
            ),
            race="This episode already has one; reload the page.",
        )
        if outcome:
            return redirect(
                url_for("assessments.edit", client_id=client.id, assessment_id=outcome.value.id)
            )
    # The start form is a one-field strip on the tab, which the redirect shows again.
    for error in [*form.form_errors, *form.kind.errors]:
        flash(error, "danger")
    return redirect(url_for("assessments.index", client_id=client.id))


def _load_assessment(client: Client, assessment_id: int, action: str) -> Assessment:
    return load_owned(client, db.session.get(Assessment, assessment_id), action)


def _episode_results(assessment: Assessment) -> list[InstrumentResult]:
    return services.results_for(assessment.client_id, assessment.episode_id)


def _linked(assessment: Assessment) -> list[InstrumentResult]:
    return list(
        db.session.scalars(
            sa.select(InstrumentResult)
            .join(assessment_instruments)
            .where(assessment_instruments.c.assessment_id == assessment.id)
            .order_by(InstrumentResult.administered_at)
        )
    )


@bp.route("/clients/<int:client_id>/assessments/<int:assessment_id>", methods=["GET", "POST"])
def edit(client_id: int, assessment_id: int):
    """A draft assessment to edit and sign, or the signed one to read."""
    client = load_client(client_id, "assessment.view")
    assessment = _load_assessment(client, assessment_id, "assessment.view")
    if assessment.is_signed and request.method == "POST":
        audit.record(
            services.ASSESSMENT_CHANGE_REFUSED,
            target=assessment,
            client_id=client.id,
            outcome="denied",
        )
        flash(
            "This assessment is signed and can no longer change: add an addendum instead.", "danger"
        )
        return _read_only_page(client, assessment, status=409)
    if not can(current_user, "assessment.edit", assessment):
        if request.method == "POST":
            deny(403, "assessment.edit", assessment)
        return _read_only_page(client, assessment)
    # Oldest first: the page's script takes the last COWS ticked as the latest.
    results = sorted(_episode_results(assessment), key=lambda result: result.administered_at)
    form = AssessmentForm(obj=assessment if request.method == "GET" else None)
    form.linked.choices = [(result.id, _result_label(result)) for result in results]
    if request.method == "GET":
        form.linked.data = [result.id for result in _linked(assessment)]
        form.chosen_level.data = assessment.chosen_level.value if assessment.chosen_level else ""
        form.override_reason.data = (
            assessment.override_reason.value if assessment.override_reason else ""
        )
    conflict = None
    if form.validate_on_submit():
        signing = request.form.get("action") == "sign"
        if signing and not can(current_user, "assessment.write", assessment):
            deny(403, "assessment.write", assessment)
        by_id = {result.id: result for result in results}
        linked = [by_id[result_id] for result_id in form.linked.data if result_id in by_id]
        problems: dict = {}

        def apply():
            # The draft is saved either way; it is signed in the same commit when complete.
            services.save_draft(assessment, form.data, linked, actor=current_user)
            if signing:
                problems.update(services.signing_problems(assessment))
                if not problems:
                    services.sign(assessment, actor=current_user)

        # The database refuses changes to an assessment someone signed since our read.
        saved = attempt(
            form,
            apply,
            race="Someone signed this assessment meanwhile: reload the page.",
            versioned=assessment,
            reload=lambda: db.session.get(Assessment, assessment_id),
        )
        if saved.error is None:
            conflict = saved.conflict
            if saved.saved and not problems:
                flash("Assessment signed." if signing else "Draft saved.", "success")
                return redirect(
                    url_for("assessments.edit", client_id=client.id, assessment_id=assessment.id)
                )
            if saved.saved:
                form.version.data = str(assessment.version)
                for field, message in problems.items():
                    add_error(form, message, field)
                add_error(form, "Draft saved, but not signed: complete the fields marked.")
    return render_chart(
        client,
        "assessments/edit.html",
        assessment=assessment,
        form=form,
        conflict=conflict,
        findings=FINDINGS,
        dimensions=placement.DIMENSIONS,
        live=_live_recommendation(form, results),
        cows_totals={result.id: result.total for result in results if result.code == "COWS"},
        ciwa_totals={result.id: result.total for result in results if result.code == "CIWAAR"},
        may_sign=can(current_user, "assessment.write", assessment),
    )


def _result_label(result: InstrumentResult) -> str:
    instrument = instruments.INSTRUMENTS[result.code]
    moment = to_local(result.administered_at, current_app.config["CLINIC_TIMEZONE"])
    score = f"{result.total} ({result.band})" if result.total is not None else "recorded"
    return f"{instrument.short_name} · {moment:%Y-%m-%d %H:%M} · {score}"


def _live_recommendation(form, results: list[InstrumentResult]):
    """The recommendation for what the form holds now (also without JavaScript)."""
    ratings = {number: form[f"d{number}_rating"].data for number in placement.DIMENSIONS}
    if any(not isinstance(rating, int) for rating in ratings.values()):
        return None
    chosen = set(form.linked.data or [])
    linked = [result for result in results if result.id in chosen]
    return services.recommendation(
        ratings, services.latest_cows_total(linked), services.latest_total(linked, "CIWAAR")
    )


def _read_only_page(client: Client, assessment: Assessment, status: int = 200, form=None):
    page = render_chart(
        client,
        "assessments/read_only.html",
        assessment=assessment,
        linked=_linked(assessment),
        addenda=_addenda(assessment),
        people=full_names((assessment.created_by_id, assessment.signed_by_id)),
        findings=FINDINGS,
        dimensions=placement.DIMENSIONS,
        form=form or AddendumForm(),
    )
    return page, status


def _addenda(assessment: Assessment) -> list:
    return list(
        db.session.scalars(
            sa.select(AssessmentAddendum)
            .where(AssessmentAddendum.assessment_id == assessment.id)
            .options(sa.orm.joinedload(AssessmentAddendum.written_by))
            .order_by(AssessmentAddendum.written_at)
        )
    )


@bp.post("/clients/<int:client_id>/assessments/<int:assessment_id>/addenda")
def addendum(client_id: int, assessment_id: int):
    """An addendum to a signed assessment (its correction)."""
    client = load_client(client_id, "assessment.write")
    assessment = _load_assessment(client, assessment_id, "assessment.write")
    if not assessment.is_signed:
        flash("A draft is corrected by editing it; addenda are for signed assessments.", "warning")
        return redirect(
            url_for("assessments.edit", client_id=client.id, assessment_id=assessment.id)
        )
    form = AddendumForm()
    if form.validate_on_submit() and attempt(
        form,
        lambda: services.add_addendum(assessment, form.text.data, actor=current_user),
        race="The addendum could not be saved; try again.",
    ):
        flash("Addendum added.", "success")
        return redirect(
            url_for("assessments.edit", client_id=client.id, assessment_id=assessment.id)
        )
    return _read_only_page(client, assessment, form=form)


# --- The live recommendation ------------------------------------------------------------------


@bp.get("/assessments/recommendation")
@require("assessment.recommend")
def recommendation():
    """What the ratings in the query string recommend: the form asks as the counselor rates.
    No client data goes in or out; the server computes the rule again on save."""
    try:
        ratings = {number: int(request.args[f"d{number}"]) for number in placement.DIMENSIONS}
        cows, ciwa = request.args.get("cows"), request.args.get("ciwa")
        found = services.recommendation(
            ratings, int(cows) if cows else None, int(ciwa) if ciwa else None
        )
    except (KeyError, ValueError):
        return jsonify(level=None), 200
    return jsonify(
        level=found.level.value,
        label=Level(found.level).label,
        drivers=list(found.drivers),
        flags=list(found.flags),
    )
