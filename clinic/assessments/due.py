"""Due items from assessment: safety flags waiting for a clinician, COWS due in withdrawal
management, intake assessments not signed, the intake paperwork of the intake coordinator's
admissions. One query each, whatever the caseload."""

from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, current_app, url_for

from clinic.assessments import instruments, services
from clinic.assessments.instruments import INSTRUMENTS
from clinic.assessments.models import Assessment, InstrumentResult
from clinic.assessments.vocabulary import AssessmentKind, AssessmentStatus
from clinic.clients import access
from clinic.clients.levels import Level
from clinic.clients.models import CareTeamMember, Client, Episode, SubstanceUse, display_name
from clinic.clients.services import visible_clause
from clinic.clients.vocabulary import OPIOIDS, Substance
from clinic.core.clock import to_local
from clinic.core.due import ALERT, DUE, NOTICE, OVERDUE, DueItem, register_due_sources
from clinic.core.permissions import can
from clinic.extensions import db

# A COWS becomes overdue this long after it fell due.
COWS_GRACE = timedelta(hours=1)

CLIENT_NAME = (Client.preferred_name, Client.legal_first_name, Client.legal_last_name)


def _on_my_team(user_id: int):
    """Open episodes with `user_id` on the care team."""
    return sa.select(CareTeamMember.episode_id).where(
        CareTeamMember.user_id == user_id, CareTeamMember.removed_at.is_(None)
    )


def safety_flags(user, _today, _now) -> list[DueItem]:
    """PHQ-9 item 9 above 0, not yet acknowledged, from any episode: for the care team of the
    episode it was given in and for supervisors."""
    if can(user, "work.supervise"):
        mine = sa.true()
    elif can(user, "caseload.own"):
        mine = InstrumentResult.episode_id.in_(_on_my_team(user.id))
    else:
        return []
    rows = db.session.execute(
        sa.select(InstrumentResult.id, InstrumentResult.administered_at, Client.id, *CLIENT_NAME)
        .join(Client, Client.id == InstrumentResult.client_id)
        .where(
            InstrumentResult.safety_flag.is_(True),
            InstrumentResult.acknowledged_at.is_(None),
            mine,
            visible_clause(user),  # after discharge too, while the client is in their sight
        )
        .order_by(InstrumentResult.administered_at)
    ).all()
    timezone = current_app.config["CLINIC_TIMEZONE"]
    return [
        DueItem(
            kind="safety",
            title="Safety flag to acknowledge (PHQ-9 item 9)",
            url=url_for("assessments.result", client_id=client_id, result_id=result_id),
            severity=ALERT,
            client_name=display_name(preferred, first, last),
            due=to_local(administered_at, timezone).date(),
            client_id=client_id,
        )
        for result_id, administered_at, client_id, preferred, first, last in rows
    ]


def _withdrawal_due(
    user, now, code: str, substances: frozenset[Substance], kind: str
) -> list[DueItem]:
    """Medical staff: clients in withdrawal management from these substances without a result
    of `code` in the configured time (COWS_INTERVAL), for clients they see."""
    if not can(user, "work.medical"):
        return []
    interval = current_app.config["COWS_INTERVAL"]
    name = INSTRUMENTS[code].short_name
    last_given = (
        sa.select(sa.func.max(InstrumentResult.administered_at))
        .where(InstrumentResult.episode_id == Episode.id, InstrumentResult.code == code)
        .correlate(Episode)
        .scalar_subquery()
    )
    withdrawing = (
        sa.select(SubstanceUse.id)
        .where(SubstanceUse.episode_id == Episode.id, SubstanceUse.substance.in_(substances))
        .correlate(Episode)
        .exists()
    )
    rows = db.session.execute(
        sa.select(Client.id, *CLIENT_NAME, Episode.level_since, last_given.label("last"))
        .join(Episode, sa.and_(Episode.client_id == Client.id, Episode.discharged_on.is_(None)))
        .where(Episode.current_level == Level.WM, withdrawing, visible_clause(user))
        .order_by(Episode.level_since)
    ).all()
    timezone = current_app.config["CLINIC_TIMEZONE"]
    items = []
    for client_id, preferred, first, last, level_since, last_result in rows:
        if last_result is not None and now - last_result < interval:
            continue
        due_since = level_since if last_result is None else last_result + interval
        items.append(
            DueItem(
                kind=kind,
                title=f"{name} due" if last_result else f"First {name} due",
                url=url_for("assessments.administer", client_id=client_id, code=code),
                severity=OVERDUE if now - due_since >= COWS_GRACE else DUE,
                client_name=display_name(preferred, first, last),
                due=to_local(due_since, timezone).date(),
                client_id=client_id,
            )
        )
    return items


def cows_due(user, _today, now) -> list[DueItem]:
    """Medical staff: clients withdrawing from opioids without a COWS in the configured time."""
    return _withdrawal_due(user, now, "COWS", OPIOIDS, "cows")


def ciwa_due(user, _today, now) -> list[DueItem]:
    """Medical staff: clients withdrawing from alcohol without a CIWA-Ar in the configured
    time."""
    return _withdrawal_due(user, now, "CIWAAR", frozenset({Substance.ALCOHOL}), "ciwa")


def intake_assessment_unsigned(user, _today, now) -> list[DueItem]:
    """The intake assessment is expected signed within the configured time of the admission:
    its primary counselor sees it coming, and it is overdue for supervisors too after that."""
    supervisor = can(user, "work.supervise")
    if not supervisor and not can(user, "work.counsel"):
        return []
    allowed = current_app.config["INTAKE_ASSESSMENT_DUE"]
    signed = sa.select(Assessment.episode_id).where(
        Assessment.kind == AssessmentKind.INTAKE, Assessment.status == AssessmentStatus.SIGNED
    )
    whose = Episode.primary_counselor_id == user.id
    if supervisor:
        whose = sa.or_(whose, Episode.created_at <= now - allowed)
    draft = (
        sa.select(Assessment.id)
        .where(Assessment.episode_id == Episode.id, Assessment.kind == AssessmentKind.INTAKE)
        .correlate(Episode)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Client.id, *CLIENT_NAME, Episode.created_at, draft.label("draft"))
        .join(Episode, sa.and_(Episode.client_id == Client.id, Episode.discharged_on.is_(None)))
        .where(Episode.id.not_in(signed), whose)
        .order_by(Episode.created_at)
    ).all()
    timezone = current_app.config["CLINIC_TIMEZONE"]
    items = []
    for client_id, preferred, first, last, entered, draft_id in rows:
        due_at = entered + allowed
        items.append(
            DueItem(
                kind="intake_assessment",
                title="Intake assessment not signed" if now >= due_at else "Intake assessment due",
                url=url_for("assessments.edit", client_id=client_id, assessment_id=draft_id)
                if draft_id
                else url_for("assessments.index", client_id=client_id),
                severity=OVERDUE if now >= due_at else NOTICE,
                client_name=display_name(preferred, first, last),
                due=to_local(due_at, timezone).date(),
                client_id=client_id,
            )
        )
    return items


def intake_paperwork(user, _today, now) -> list[DueItem]:
    """Intake coordinators: for each admission of their intake window whose intake assessment
    is not signed yet, the intake screening still to give (the instruments they may give,
    `INTAKE_INSTRUMENTS`) and the intake assessment to draft or finish; expected by the time
    the assessment is (`INTAKE_ASSESSMENT_DUE`)."""
    if not can(user, "work.intake"):
        return []
    codes = services.intake_instruments(current_app.config["INTAKE_INSTRUMENTS"])
    allowed = current_app.config["INTAKE_ASSESSMENT_DUE"]
    signed = sa.select(Assessment.episode_id).where(
        Assessment.kind == AssessmentKind.INTAKE, Assessment.status == AssessmentStatus.SIGNED
    )
    draft = (
        sa.select(Assessment.id)
        .where(Assessment.episode_id == Episode.id, Assessment.kind == AssessmentKind.INTAKE)
        .correlate(Episode)
        .scalar_subquery()
    )
    given = [
        sa.exists()
        .where(InstrumentResult.episode_id == Episode.id, InstrumentResult.code == code)
        .correlate(Episode)
        .label(f"given_{code}")
        for code in codes
    ]
    rows = db.session.execute(
        sa.select(Client.id, *CLIENT_NAME, Episode.created_at, draft.label("draft"), *given)
        .join(Episode, sa.and_(Episode.client_id == Client.id, Episode.discharged_on.is_(None)))
        .where(
            Episode.created_at >= now - access.INTAKE_WINDOW,
            Episode.id.not_in(signed),
            visible_clause(user),
        )
        .order_by(Episode.created_at)
    ).all()
    timezone = current_app.config["CLINIC_TIMEZONE"]
    items = []
    for client_id, preferred, first, last, entered, draft_id, *done in rows:
        due_at = entered + allowed
        late = now >= due_at
        common = {
            "severity": OVERDUE if late else NOTICE,
            "client_name": display_name(preferred, first, last),
            "due": to_local(due_at, timezone).date(),
            "client_id": client_id,
        }
        missing = [code for code, was_given in zip(codes, done, strict=True) if not was_given]
        if missing:
            names = ", ".join(instruments.INSTRUMENTS[code].short_name for code in missing)
            items.append(
                DueItem(
                    kind="intake_screening",
                    title=f"Intake screening to give: {names}",
                    url=url_for("assessments.index", client_id=client_id),
                    **common,
                )
            )
        items.append(
            DueItem(
                kind="intake_draft",
                title="Finish the intake assessment draft"
                if draft_id
                else "Draft the intake assessment",
                url=url_for("assessments.edit", client_id=client_id, assessment_id=draft_id)
                if draft_id
                else url_for("assessments.index", client_id=client_id),
                **common,
            )
        )
    return items


SOURCES = (safety_flags, cows_due, ciwa_due, intake_assessment_unsigned, intake_paperwork)


def register(app: Flask) -> None:
    register_due_sources(app, *SOURCES)
