"""Due work from assessment: safety flags waiting for a clinician, COWS and CIWA-Ar due in
withdrawal management, intake assessments not signed, the intake paperwork of the intake
coordinator's admissions. Each a query over the rows waiting (see `clinic.core.due`)."""

from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, current_app, url_for

from clinic.assessments import services
from clinic.assessments.instruments import INSTRUMENTS
from clinic.assessments.models import Assessment, InstrumentResult
from clinic.assessments.vocabulary import AssessmentKind
from clinic.clients import access
from clinic.clients.due import client_name, client_rows, episode_rows
from clinic.clients.levels import Level
from clinic.clients.models import CareTeamMember, Client, Episode, SubstanceUse
from clinic.clients.services import visible_clause
from clinic.clients.vocabulary import OPIOIDS, Substance
from clinic.core.clock import clinic_today, to_local
from clinic.core.due import ALERT, DUE, NOTICE, OVERDUE, DueItem, DueKind, register_due_kinds
from clinic.core.permissions import can

# A COWS becomes overdue this long after it fell due.
COWS_GRACE = timedelta(hours=1)
# When each withdrawal score was last given, kept on the episode by the database.
LAST_GIVEN = {"COWS": Episode.last_cows_at, "CIWAAR": Episode.last_ciwa_at}


def _local_day(moment):
    return to_local(moment, current_app.config["CLINIC_TIMEZONE"]).date()


def _on_my_team(user_id: int):
    """The result's episode has `user_id` on its care team: asked per result, so that the
    unacknowledged results' index drives (there are few), not every result of the user's
    episodes."""
    return (
        sa.select(CareTeamMember.id)
        .where(
            CareTeamMember.episode_id == InstrumentResult.episode_id,
            CareTeamMember.user_id == user_id,
            CareTeamMember.removed_at.is_(None),
        )
        .correlate(InstrumentResult)
        .exists()
    )


def safety_query(user, _today, _now):
    """PHQ-9 item 9 above 0, not yet acknowledged, from any episode: for the care team of the
    episode it was given in and for supervisors, while the client is in their sight."""
    if can(user, "work.supervise"):
        mine = sa.true()
    elif can(user, "caseload.own"):
        mine = _on_my_team(user.id)
    else:
        return None
    return (
        client_rows(
            due_at=InstrumentResult.administered_at, row_id=InstrumentResult.id, overdue=True
        )
        .select_from(InstrumentResult)
        .join(Client, Client.id == InstrumentResult.client_id)
        .where(
            # As ix_instrument_results_unacknowledged says it, so that SQLite uses that index
            # (it matches a partial index's terms as written: "safety_flag = 1" would not do).
            sa.literal_column("instrument_results.safety_flag"),
            InstrumentResult.acknowledged_at.is_(None),
            mine,
            visible_clause(user),
        )
    )


def safety_item(row, _today, _now) -> DueItem:
    return DueItem(
        kind="safety",
        title="Safety flag to acknowledge (PHQ-9 item 9)",
        url=url_for("assessments.result", client_id=row.client_id, result_id=row.row_id),
        severity=ALERT,
        client_name=client_name(row),
        due=_local_day(row.due_at),
        client_id=row.client_id,
    )


def _withdrawal_query(user, now, code: str, substances: frozenset[Substance]):
    """Medical staff: clients in withdrawal management from these substances, for clients they
    see, without a result of `code` in the configured time (COWS_INTERVAL); never given first
    (by how long they have been in withdrawal management), then the longest since the last."""
    if not can(user, "work.medical"):
        return None
    interval = current_app.config["COWS_INTERVAL"]
    last_given = LAST_GIVEN[code]
    withdrawing = (
        sa.select(SubstanceUse.id)
        .where(SubstanceUse.episode_id == Episode.id, SubstanceUse.substance.in_(substances))
        .correlate(Episode)
        .exists()
    )
    never = last_given.is_(None)
    return episode_rows(
        Episode.level_since,
        last_given.label("last_given"),
        # Never given first: the order of ix_episodes_open_cows_due and _ciwa_due, as written.
        last_given.is_not(None).label("urgency"),
        overdue=sa.or_(
            sa.and_(never, Episode.level_since <= now - COWS_GRACE),
            last_given <= now - interval - COWS_GRACE,
        ),
        due_at=sa.func.coalesce(last_given, Episode.level_since),
    ).where(
        Episode.current_level == Level.WM,
        withdrawing,
        sa.or_(never, last_given <= now - interval),
        access.visible_in_withdrawal_management(user, clinic_today(), now),
    )


def _withdrawal_item(code: str, kind: str):
    name = INSTRUMENTS[code].short_name

    def item(row, _today, _now) -> DueItem:
        interval = current_app.config["COWS_INTERVAL"]
        given = row.last_given
        return DueItem(
            kind=kind,
            title=f"{name} due" if given else f"First {name} due",
            url=url_for("assessments.administer", client_id=row.client_id, code=code),
            severity=OVERDUE if row.overdue else DUE,
            client_name=client_name(row),
            due=_local_day(row.level_since if given is None else given + interval),
            client_id=row.client_id,
        )

    return item


def cows_query(user, _today, now):
    """Medical staff: clients withdrawing from opioids without a COWS in the configured time."""
    return _withdrawal_query(user, now, "COWS", OPIOIDS)


def ciwa_query(user, _today, now):
    """Medical staff: clients withdrawing from alcohol without a CIWA-Ar in the configured
    time."""
    return _withdrawal_query(user, now, "CIWAAR", frozenset({Substance.ALCOHOL}))


def _intake_draft():
    return (
        sa.select(Assessment.id)
        .where(Assessment.episode_id == Episode.id, Assessment.kind == AssessmentKind.INTAKE)
        .correlate(Episode)
        .limit(1)
        .scalar_subquery()
    )


def intake_assessment_query(user, _today, now):
    """The intake assessment is expected signed within the configured time of the admission:
    its primary counselor sees it coming, and it is overdue for supervisors too after that."""
    supervisor = can(user, "work.supervise")
    if not supervisor and not can(user, "work.counsel"):
        return None
    late = Episode.created_at <= now - current_app.config["INTAKE_ASSESSMENT_DUE"]
    whose = Episode.primary_counselor_id == user.id
    return episode_rows(
        _intake_draft().label("draft_id"), overdue=late, due_at=Episode.created_at
    ).where(Episode.intake_signed_at.is_(None), sa.or_(whose, late) if supervisor else whose)


def _assessment_url(row) -> str:
    if row.draft_id:
        return url_for("assessments.edit", client_id=row.client_id, assessment_id=row.draft_id)
    return url_for("assessments.index", client_id=row.client_id)


def _due_by(row) -> dict:
    """Severity and day of an intake item: expected by INTAKE_ASSESSMENT_DUE after entry."""
    due_at = row.due_at + current_app.config["INTAKE_ASSESSMENT_DUE"]
    return {
        "severity": OVERDUE if row.overdue else NOTICE,
        "client_name": client_name(row),
        "due": _local_day(due_at),
        "client_id": row.client_id,
    }


def intake_assessment_item(row, _today, _now) -> DueItem:
    return DueItem(
        kind="intake_assessment",
        title="Intake assessment not signed" if row.overdue else "Intake assessment due",
        url=_assessment_url(row),
        **_due_by(row),
    )


def _intake_window(user, now, *columns):
    """Intake coordinators: the admissions of their intake window whose intake assessment is
    not signed yet, expected by the time the assessment is (INTAKE_ASSESSMENT_DUE)."""
    late = Episode.created_at <= now - current_app.config["INTAKE_ASSESSMENT_DUE"]
    return episode_rows(*columns, overdue=late, due_at=Episode.created_at).where(
        Episode.created_at >= now - access.INTAKE_WINDOW,
        Episode.intake_signed_at.is_(None),
        visible_clause(user),
    )


def _given(code: str):
    return (
        sa.exists()
        .where(InstrumentResult.episode_id == Episode.id, InstrumentResult.code == code)
        .correlate(Episode)
    )


def intake_screening_query(user, _today, now):
    """Intake coordinators: the intake screening still to give (the instruments they may give,
    `INTAKE_INSTRUMENTS`)."""
    if not can(user, "work.intake"):
        return None
    codes = services.intake_instruments(current_app.config["INTAKE_INSTRUMENTS"])
    if not codes:
        return None
    given = [_given(code).label(f"given_{code}") for code in codes]
    return _intake_window(user, now, *given).where(
        sa.not_(sa.and_(*(_given(code) for code in codes)))
    )


def intake_screening_item(row, _today, _now) -> DueItem:
    codes = services.intake_instruments(current_app.config["INTAKE_INSTRUMENTS"])
    missing = [code for code in codes if not getattr(row, f"given_{code}")]
    names = ", ".join(INSTRUMENTS[code].short_name for code in missing)
    return DueItem(
        kind="intake_screening",
        title=f"Intake screening to give: {names}",
        url=url_for("assessments.index", client_id=row.client_id),
        **_due_by(row),
    )


def intake_draft_query(user, _today, now):
    """Intake coordinators: the intake assessment to draft or finish."""
    if not can(user, "work.intake"):
        return None
    return _intake_window(user, now, _intake_draft().label("draft_id"))


def intake_draft_item(row, _today, _now) -> DueItem:
    return DueItem(
        kind="intake_draft",
        title="Finish the intake assessment draft"
        if row.draft_id
        else "Draft the intake assessment",
        url=_assessment_url(row),
        **_due_by(row),
    )


KINDS = (
    DueKind("safety", "Safety flags to acknowledge", safety_query, safety_item, everything=True),
    DueKind("cows", "COWS due", cows_query, _withdrawal_item("COWS", "cows")),
    DueKind("ciwa", "CIWA-Ar due", ciwa_query, _withdrawal_item("CIWAAR", "ciwa")),
    DueKind(
        "intake_assessment",
        "Intake assessments to sign",
        intake_assessment_query,
        intake_assessment_item,
    ),
    DueKind(
        "intake_screening",
        "Intake screening to give",
        intake_screening_query,
        intake_screening_item,
    ),
    DueKind("intake_draft", "Intake assessments to draft", intake_draft_query, intake_draft_item),
)


def register(app: Flask) -> None:
    register_due_kinds(app, *KINDS)
