"""Moves between levels of care and discharge (under the chart's Care tab), the live census,
bed capacity.

Client pages load the client through `load_client` and render through `render_chart` (the
audited read). A request named in the URL must belong to the client in the URL (`load_owned`).
Every change commits through `attempt`; a decision on a move or a discharge is one form (one
note, one button per decision), and its refusals show beside the note or at the top of the form.
"""

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from clinic.auth.services import full_names
from clinic.care import bp, transitions
from clinic.care import census as census_service
from clinic.care import discharge as discharge_service
from clinic.care import moves as move_service
from clinic.care.forms import (
    LEVEL_OPTIONS,
    BedsForm,
    CorrectionForm,
    DecisionForm,
    DischargeForm,
    MoveRequestForm,
)
from clinic.care.models import BedCapacity, DischargeRequest, RequestStatus, TransitionRequest
from clinic.clients.chart import load_client, load_owned, render_chart
from clinic.clients.levels import BY_INTENSITY, Level
from clinic.clients.models import Client
from clinic.clients.services import open_episode
from clinic.clients.stays import open_stay
from clinic.clients.vocabulary import DischargeType
from clinic.core import audit
from clinic.core.clock import clinic_today, to_local
from clinic.core.forms import choices
from clinic.core.permissions import can, require
from clinic.core.transaction import attempt, committed
from clinic.extensions import db

CENSUS_VIEWED = audit.define("census.viewed", "Census viewed")


def _moves_url(client: Client) -> str:
    return url_for("care.moves", client_id=client.id)


def _requests(client: Client) -> list[TransitionRequest]:
    return list(
        db.session.scalars(
            sa.select(TransitionRequest)
            .where(TransitionRequest.client_id == client.id)
            .order_by(TransitionRequest.requested_at.desc())
        )
    )


def _names(requests: list) -> dict[int, str]:
    return full_names(
        user_id
        for row in requests
        for user_id in (
            row.requested_by_id,
            row.decided_by_id,
            getattr(row, "cleared_by_id", None),  # moves only
        )
    )


def _level_options(full: dict[Level, tuple[int, int]]) -> list:
    """The levels to move to, saying which bed-based ones are full now."""
    return choices(
        (value, f"{label} (full: {full[Level(value)][0]} of {full[Level(value)][1]} beds)")
        if value and Level(value) in full
        else (value, label)
        for value, label in LEVEL_OPTIONS
    )


def _request_form(episode, full: dict | None = None) -> MoveRequestForm:
    form = MoveRequestForm()
    form.to_level.choices = _level_options(census_service.full_levels() if full is None else full)
    assessments = move_service.recent_assessments(episode.id) if episode else []
    zone = current_app.config["CLINIC_TIMEZONE"]
    form.assessment_id.choices = [
        ("", "Choose…"),
        *(
            (
                assessment.id,
                f"{assessment.kind.label}, signed "
                f"{to_local(assessment.signed_at, zone):%Y-%m-%d}: "
                f"recommends {assessment.recommended_level.value}",
            )
            for assessment in assessments
        ),
    ]
    return form


def _correction_form() -> CorrectionForm:
    form = CorrectionForm()
    form.level.choices = choices(LEVEL_OPTIONS)
    return form


def _why_not_approve(pending: TransitionRequest | None) -> str | None:
    """Why the signed-in supervisor is not offered Approve (None: they are, or decide nothing)."""
    if pending is None or can(current_user, "transition.approve", pending):
        return None
    four_eyes = transitions.four_eyes_problems(pending.requested_by_id, current_user.id)
    if four_eyes:
        return "Another supervisor approves a move you asked for."
    return "Approval waits for the medical clearance."


def _page(client: Client, form=None, decision=None, status: int = 200, correction=None):
    episode = open_episode(client.id)
    requests = _requests(client)
    pending = next(
        (
            row
            for row in requests
            if row.status == RequestStatus.PENDING and episode and row.episode_id == episode.id
        ),
        None,
    )
    discharging = episode is not None and discharge_service.pending_discharge(episode.id)
    page = render_chart(
        client,
        "care/moves.html",
        episode=episode,
        stay=open_stay(episode.id) if episode else None,
        requests=requests,
        pending=pending,
        names=_names(requests),
        form=None if discharging else form or (_request_form(episode) if episode else None),
        discharging=discharging,
        decision=decision or DecisionForm(formdata=None),
        needs_clearance=pending is not None
        and transitions.needs_medical_clearance(pending.from_level, pending.to_level),
        move_of=transitions.move_between,
        approve_later=_why_not_approve(pending),
        correction=correction or _correction_form(),
    )
    return page, status


@bp.get("/clients/<int:client_id>/care/moves")
def moves(client_id: int):
    """The client's moves between levels: the one waiting, the request form, the history."""
    client = load_client(client_id, "client.clinical")
    return _page(client)


@bp.post("/clients/<int:client_id>/care/moves")
def request_move(client_id: int):
    """Ask to move the client to another level of care; a supervisor decides."""
    client = load_client(client_id, "transition.request")
    episode = open_episode(client.id)
    if episode is None:
        flash("The client has no open episode.", "warning")
        return redirect(_moves_url(client))
    full = census_service.full_levels()
    form = _request_form(episode, full)
    if form.validate_on_submit() and attempt(
        form,
        lambda: move_service.request_move(
            episode,
            Level(form.to_level.data),
            form.justification.data,
            form.assessment_id.data,
            form.override_reason.data,
            actor=current_user,
        ),
        race="A move was requested at the same moment: reload the page.",
    ):
        flash("Move requested: a supervisor decides.", "success")
        target = Level(form.to_level.data)
        if target in full and transitions.needs_bed(episode.current_level, target):
            used, beds = full[target]
            flash(
                f"{target.label} is full ({used} of {beds} beds): the move can be approved once "
                "a bed is free.",
                "warning",
            )
        return redirect(_moves_url(client))
    return _page(client, form=form)


@bp.post("/clients/<int:client_id>/care/corrections")
def correct(client_id: int):
    """A supervisor corrects the level on record, with the reason, as a new entry."""
    client = load_client(client_id, "transition.decide")
    episode = open_episode(client.id)
    form = _correction_form()
    if (
        episode is not None
        and form.validate_on_submit()
        and attempt(
            form,
            lambda: move_service.correct_level(
                episode, Level(form.level.data), form.reason.data, actor=current_user
            ),
            race="The level changed at the same moment: reload the page.",
        )
    ):
        flash("Level corrected: the history keeps both entries.", "success")
        return redirect(_moves_url(client))
    return _page(client, correction=form)


@dataclass(frozen=True)
class Decisions:
    """Where the decisions on one kind of request (moves, discharges) load, land and show."""

    model: type
    endpoint: str  # the page of the requests, where a decision returns
    page: Callable  # renders that page again with the decision form and its errors
    race: str


def _decide(kind: Decisions, client_id: int, request_id: int, permission: str, act, done: str):
    """Apply `act(request, note, actor=...)` to the client's request, named in the URL: redirect
    with `done` when it lands, else the page again with the refusal on the decision form."""
    client = load_client(client_id, permission)
    row = load_owned(client, db.session.get(kind.model, request_id), permission)
    form = DecisionForm()
    if form.validate_on_submit() and attempt(
        form, lambda: act(row, form.note.data, actor=current_user), race=kind.race
    ):
        flash(done, "success")
        return redirect(url_for(kind.endpoint, client_id=client.id))
    return kind.page(client, decision=form, status=409 if form.form_errors else 200)


MOVES = Decisions(
    TransitionRequest,
    "care.moves",
    _page,
    "This request was decided at the same moment: reload the page.",
)


@bp.post("/clients/<int:client_id>/care/moves/<int:request_id>/clear")
def clear(client_id: int, request_id: int):
    """Medical staff clear the client to leave withdrawal management."""
    return _decide(
        MOVES,
        client_id,
        request_id,
        "transition.clear",
        move_service.clear,
        "Medical clearance recorded.",
    )


@bp.post("/clients/<int:client_id>/care/moves/<int:request_id>/approve")
def approve(client_id: int, request_id: int):
    """A supervisor approves the move: the client is at the new level from now."""
    return _decide(
        MOVES,
        client_id,
        request_id,
        "transition.decide",
        move_service.approve,
        "Move approved: the client is at the new level now.",
    )


@bp.post("/clients/<int:client_id>/care/moves/<int:request_id>/decline")
def decline(client_id: int, request_id: int):
    """A supervisor declines the move, saying why."""
    return _decide(
        MOVES, client_id, request_id, "transition.decide", move_service.decline, "Move declined."
    )


@bp.post("/clients/<int:client_id>/care/moves/<int:request_id>/withdraw")
def withdraw(client_id: int, request_id: int):
    """The person who asked for the move takes it back."""
    return _decide(
        MOVES,
        client_id,
        request_id,
        "transition.request",
        lambda row, _note, *, actor: move_service.withdraw(row, actor=actor),
        "Request withdrawn.",
    )


# --- Census and beds --------------------------------------------------------------------------


@bp.get("/reports/census")
@require("reports.census")
def census():
    """The live census: clients and free beds by level, admissions and discharges this week."""
    figures = census_service.census()
    audit.record(CENSUS_VIEWED, detail={"report": "census"})
    return committed(render_template("care/census.html", census=figures, today=clinic_today()))


@bp.route("/admin/beds", methods=["GET", "POST"])
@require("beds.manage")
def beds():
    """Administrators set the bed capacity of each bed-based level."""
    form = BedsForm()
    bed_levels = [level for level in BY_INTENSITY if level.info.bed_based]
    form.level.choices = choices((level.value, level.label) for level in bed_levels)
    if form.validate_on_submit() and attempt(
        form,
        lambda: census_service.set_capacity(
            Level(form.level.data), form.beds.data, actor=current_user
        ),
        race="The capacity was changed at the same moment: reload the page.",
    ):
        flash("Bed capacity saved.", "success")
        return redirect(url_for("care.beds"))
    current = dict(db.session.execute(sa.select(BedCapacity.level, BedCapacity.beds)).all())
    return committed(
        render_template(
            "care/beds.html",
            form=form,
            rows=[
                (level, current.get(level), census_service.beds_used(level)) for level in bed_levels
            ],
        )
    )


# --- Discharge --------------------------------------------------------------------------------


def _discharge_form() -> DischargeForm:
    form = DischargeForm()
    form.discharge_type.choices = choices([("", "Choose…"), *DischargeType.choices()])
    return form


def _discharge_page(client: Client, form=None, decision=None, status: int = 200):
    episode = open_episode(client.id)
    rows = list(
        db.session.scalars(
            sa.select(DischargeRequest)
            .where(DischargeRequest.client_id == client.id)
            .order_by(DischargeRequest.requested_at.desc())
        )
    )
    pending = next((row for row in rows if row.status == RequestStatus.PENDING), None)
    page = render_chart(
        client,
        "care/discharge.html",
        episode=episode,
        rows=rows,
        pending=pending,
        names=_names(rows),
        form=form or _discharge_form(),
        decision=decision or DecisionForm(formdata=None),
        discharge_assessment=discharge_service.has_signed_discharge_assessment(episode.id)
        if episode
        else False,
        type_labels=DischargeType.LABELS,
    )
    return page, status


@bp.route("/clients/<int:client_id>/care/discharge", methods=["GET", "POST"])
def discharge(client_id: int):
    """The client's discharge: the request waiting, the form to request one, past requests."""
    client = load_client(
        client_id, "transition.request" if request.method == "POST" else "client.clinical"
    )
    if request.method == "GET":
        return _discharge_page(client)
    episode = open_episode(client.id)
    form = _discharge_form()
    if episode is None:
        flash("The client has no open episode.", "warning")
        return redirect(url_for("care.discharge", client_id=client.id))
    zone = current_app.config["CLINIC_TIMEZONE"]
    if form.validate_on_submit() and attempt(
        form,
        lambda: discharge_service.request_discharge(
            episode, form.details(zone), actor=current_user
        ),
        race="A discharge was requested at the same moment: reload the page.",
    ):
        flash("Discharge requested: a supervisor decides.", "success")
        return redirect(url_for("care.discharge", client_id=client.id))
    return _discharge_page(client, form=form)


DISCHARGES = Decisions(
    DischargeRequest,
    "care.discharge",
    _discharge_page,
    "This discharge was decided at the same moment: reload the page.",
)


@bp.post("/clients/<int:client_id>/care/discharge/<int:request_id>/approve")
def approve_discharge(client_id: int, request_id: int):
    """A supervisor approves the discharge: the episode closes and its stay ends."""
    return _decide(
        DISCHARGES,
        client_id,
        request_id,
        "transition.decide",
        discharge_service.approve_discharge,
        "Discharge approved: the episode is closed.",
    )


@bp.post("/clients/<int:client_id>/care/discharge/<int:request_id>/decline")
def decline_discharge(client_id: int, request_id: int):
    """A supervisor declines the discharge, saying why: the episode stays open."""
    return _decide(
        DISCHARGES,
        client_id,
        request_id,
        "transition.decide",
        discharge_service.decline_discharge,
        "Discharge declined.",
    )
