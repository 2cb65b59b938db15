"""Administering instruments, acknowledging safety flags, and the assessment's life: draft,
recommendation, signature, addenda. Every change is audited; callers commit."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app

from clinic.assessments import instruments, placement
from clinic.assessments.models import Assessment, AssessmentAddendum, InstrumentResult
from clinic.assessments.vocabulary import (
    FINDINGS,
    AssessmentKind,
    AssessmentStatus,
    OverrideReason,
)
from clinic.auth.models import User
from clinic.clients.levels import Level
from clinic.clients.models import Client, Episode
from clinic.clients.vocabulary import SexAtBirth
from clinic.core import audit
from clinic.core.clock import to_local, utcnow
from clinic.core.errors import RuleError
from clinic.core.text import clean_text
from clinic.extensions import db

INSTRUMENT_ADMINISTERED = audit.define("instrument.administered", "Instrument administered")
SAFETY_ACKNOWLEDGED = audit.define("safety.acknowledged", "Safety flag acknowledged")
ASSESSMENT_STARTED = audit.define("assessment.started", "Assessment started")
ASSESSMENT_SAVED = audit.define("assessment.saved", "Assessment draft saved")
ASSESSMENT_SIGNED = audit.define("assessment.signed", "Assessment signed")
ASSESSMENT_ADDENDUM = audit.define("assessment.addendum", "Assessment addendum written")
ASSESSMENT_CHANGE_REFUSED = audit.define(
    "assessment.change_refused", "Change to a signed assessment refused"
)

# Kinds an episode has at most one of (enforced by a partial unique index too).
ONCE_PER_EPISODE = (AssessmentKind.INTAKE, AssessmentKind.DISCHARGE)


class AssessmentError(RuleError):
    """An instrument or assessment change the rules refuse."""


class IncompleteAssessmentError(AssessmentError):
    """The assessment is not complete: `problems` maps each field to what it lacks."""

    def __init__(self, problems: dict[str | None, str]):
        super().__init__("The assessment is not complete; see the fields marked below.")
        self.problems = problems


# --- Instruments ------------------------------------------------------------------------------


# The action of the screening questionnaires, and the one they take when given at intake.
SCREENING, AT_INTAKE = "instrument.screen", "instrument.intake"


def intake_instruments(configured) -> tuple[str, ...]:
    """The codes of `INTAKE_INSTRUMENTS`, refused unless each names a screening questionnaire:
    the COWS is a clinical observation and stays with medical staff whatever the setting."""
    codes = tuple(configured)
    wrong = [
        code
        for code in codes
        if code not in instruments.INSTRUMENTS
        or instruments.INSTRUMENTS[code].permission != SCREENING
    ]
    if wrong:
        screening = [i.code for i in instruments.INSTRUMENTS.values() if i.permission == SCREENING]
        raise ValueError(
            f"INTAKE_INSTRUMENTS may name only screening questionnaires ({', '.join(screening)}),"
            f" not {', '.join(map(repr, wrong))}"
        )
    return codes


def giving_action(instrument: instruments.Instrument) -> str:
    """The policy action for giving `instrument`: its own (instruments.py), or, for a screening
    questionnaire the program lets intake coordinators give (`INTAKE_INSTRUMENTS`), the one that
    adds them while the client is in their intake window."""
    if instrument.permission == SCREENING and instrument.code in intake_instruments(
        current_app.config["INTAKE_INSTRUMENTS"]
    ):
        return AT_INTAKE
    return instrument.permission


def screening_sex(client: Client) -> str:
    """The sex AUDIT-C's threshold is read for: male or female at birth; anyone else is
    screened at the lower (female) threshold, the more cautious one."""
    return "male" if client.sex_at_birth == SexAtBirth.MALE else "female"


def score_answers(client: Client, code: str, answers: Mapping) -> instruments.Score:
    context: dict[str, Any] = {}
    if "sex" in instruments.INSTRUMENTS[code].needs:
        sex = screening_sex(client)
        context = {"sex": sex, "positive_at": current_app.config["AUDITC_POSITIVE_AT"][sex]}
    return instruments.score(code, answers, **context)


def administer(
    client: Client,
    episode: Episode,
    code: str,
    answers: Mapping,
    administered_at: datetime,
    *,
    actor: User,
) -> InstrumentResult:
    """Score and store one administration (raises AssessmentError for answers the instrument
    does not allow, and for a time outside the episode)."""
    if episode.client_id != client.id:
        raise AssessmentError("That episode belongs to another client.")
    if administered_at > utcnow():
        raise AssessmentError("The time given is in the future.", "administered_at")
    if (
        to_local(administered_at, current_app.config["CLINIC_TIMEZONE"]).date()
        < episode.admitted_on
    ):
        raise AssessmentError("The time given is before the admission.", "administered_at")
    try:
        result = score_answers(client, code, answers)
    except ValueError as error:
        raise AssessmentError(str(error)) from error
    record = InstrumentResult(
        client_id=client.id,
        episode_id=episode.id,
        code=code,
        answers={str(key): value for key, value in answers.items()},
        total=result.total,
        band=result.band,
        flags=sorted(result.flags),
        safety_flag=instruments.SAFETY in result.flags,
        sex=screening_sex(client) if "sex" in instruments.INSTRUMENTS[code].needs else None,
        administered_at=administered_at,
        administered_by_id=actor.id,
    )
    db.session.add(record)
    db.session.flush()
    audit.record(
        INSTRUMENT_ADMINISTERED,
        target=record,
        client_id=client.id,
        detail={"code": code, "total": result.total, "flags": sorted(result.flags)},
        user=actor,
    )
    return record


def acknowledge(result: InstrumentResult, note: str, *, actor: User) -> None:
    """A clinician has seen the safety flag and says what was done about it."""
    waiting = "This result has no safety flag waiting for acknowledgement."
    if not result.needs_acknowledgement:
        raise AssessmentError(waiting)
    note = (note or "").strip()
    if not note:
        raise AssessmentError("Say what was done: the note is required.", "note")
    # One statement that only succeeds while nobody else has acknowledged it: of two
    # clinicians acknowledging at the same moment, the second is told, not overwritten.
    updated = db.session.execute(
        sa.update(InstrumentResult)
        .where(
            InstrumentResult.id == result.id,
            InstrumentResult.safety_flag.is_(True),
            InstrumentResult.acknowledged_at.is_(None),
        )
        .values(acknowledged_at=utcnow(), acknowledged_by_id=actor.id, acknowledgement=note)
        .execution_options(synchronize_session=False)
    )
    if updated.rowcount != 1:
        raise AssessmentError(f"{waiting} Someone acknowledged it a moment ago.")
    db.session.expire(result)
    audit.record(SAFETY_ACKNOWLEDGED, target=result, client_id=result.client_id, user=actor)


def results_for(client_id: int, episode_id: int | None = None) -> list[InstrumentResult]:
    """The client's results (one episode's, when given), newest first."""
    query = (
        sa.select(InstrumentResult)
        .where(InstrumentResult.client_id == client_id)
        .order_by(InstrumentResult.administered_at.desc(), InstrumentResult.id.desc())
    )
    if episode_id is not None:
        query = query.where(InstrumentResult.episode_id == episode_id)
    return list(db.session.scalars(query))


# --- Assessments ------------------------------------------------------------------------------


def startable_kinds(episode: Episode) -> list[AssessmentKind]:
    """What may still be started in this episode: intake and reassessments while it is open,
    one intake and one discharge assessment in all (the discharge one after it closes too)."""
    existing = set(
        db.session.scalars(sa.select(Assessment.kind).where(Assessment.episode_id == episode.id))
    )
    return [
        kind
        for kind in AssessmentKind
        if (episode.is_open or kind == AssessmentKind.DISCHARGE)
        and not (kind in ONCE_PER_EPISODE and kind in existing)
    ]


def start(client: Client, episode: Episode, kind: AssessmentKind, *, actor: User) -> Assessment:
    if episode.client_id != client.id:
        raise AssessmentError("That episode belongs to another client.")
    if kind not in startable_kinds(episode):
        raise AssessmentError(
            f"A {kind.label.lower()} assessment cannot be started in this episode: it is "
            "closed, or already has one (open it, or correct a signed one with an addendum).",
            "kind",
        )
    assessment = Assessment(
        client_id=client.id,
        episode_id=episode.id,
        kind=kind,
        status=AssessmentStatus.DRAFT,
        created_by_id=actor.id,
    )
    db.session.add(assessment)
    db.session.flush()
    audit.record(
        ASSESSMENT_STARTED,
        target=assessment,
        client_id=client.id,
        detail={"kind": kind.value},
        user=actor,
    )
    return assessment


def latest_total(results: list[InstrumentResult], code: str) -> int | None:
    """The total of the latest result of `code` among `results` (None when there is none)."""
    given = [result for result in results if result.code == code]
    return max(given, key=lambda result: result.administered_at).total if given else None


def latest_cows_total(results: list[InstrumentResult]) -> int | None:
    return latest_total(results, "COWS")


def recommendation(
    ratings: Mapping[int, int | None], cows_total: int | None, ciwa_total: int | None = None
) -> placement.Recommendation | None:
    """The level the ratings point to, or None until every dimension is rated."""
    if any(rating is None for rating in ratings.values()):
        return None
    table = current_app.config["PLACEMENT_TABLE"] or placement.MINIMUM_LEVEL
    return placement.recommend(ratings, cows_total=cows_total, ciwa_total=ciwa_total, table=table)


def save_draft(
    assessment: Assessment, data: Mapping, linked: list[InstrumentResult], *, actor: User
) -> None:
    """Write the form's fields into a draft and compute its recommendation again."""
    _refuse_if_signed(assessment)
    for number in range(1, 7):
        setattr(assessment, f"d{number}_rating", data[f"d{number}_rating"])
        setattr(assessment, f"d{number}_rationale", clean_text(data[f"d{number}_rationale"]))
    for name, _label, _help in FINDINGS:
        setattr(assessment, name, clean_text(data[name]))
    if any(result.episode_id != assessment.episode_id for result in linked):
        raise AssessmentError("Only results from this episode can be linked.", "linked")
    assessment.instruments = linked
    assessment.cows_total = latest_cows_total(linked)
    assessment.ciwa_total = latest_total(linked, "CIWAAR")
    found = recommendation(assessment.ratings, assessment.cows_total, assessment.ciwa_total)
    assessment.recommended_level = found.level if found else None
    assessment.recommendation_drivers = list(found.drivers) if found else []
    assessment.recommendation_flags = list(found.flags) if found else []
    assessment.chosen_level = Level(data["chosen_level"]) if data["chosen_level"] else None
    reason = data["override_reason"]
    assessment.override_reason = OverrideReason(reason) if reason else None
    assessment.override_note = clean_text(data["override_note"])
    assessment.updated_at = utcnow()
    audit.record(ASSESSMENT_SAVED, target=assessment, client_id=assessment.client_id, user=actor)


def signing_problems(assessment: Assessment) -> dict[str | None, str]:
    """What stops the assessment from being signed, by form field (empty: it may be signed)."""
    problems: dict[str | None, str] = {}
    for number in range(1, 7):
        if assessment.rating(number) is None:
            problems[f"d{number}_rating"] = "Rate this dimension."
        if not assessment.rationale(number):
            problems[f"d{number}_rationale"] = "A rating needs its rationale."
    if assessment.chosen_level is None:
        problems["chosen_level"] = "Choose the level of care."
    elif assessment.overridden and assessment.override_reason is None:
        problems["override_reason"] = (
            "The chosen level differs from the recommendation: give the reason."
        )
    if assessment.override_reason == OverrideReason.OTHER and not assessment.override_note:
        problems["override_note"] = "Explain the other reason."
    if assessment.override_reason is not None and not assessment.overridden:
        problems["override_reason"] = "The chosen level is the recommended one: no reason needed."
    return problems


def sign(assessment: Assessment, *, actor: User) -> None:
    _refuse_if_signed(assessment)
    problems = signing_problems(assessment)
    if problems:
        raise IncompleteAssessmentError(problems)
    signer = actor.id
    assessment.status = AssessmentStatus.SIGNED
    assessment.signed_at = utcnow()
    assessment.signed_by_id = signer
    audit.record(
        ASSESSMENT_SIGNED,
        target=assessment,
        client_id=assessment.client_id,
        detail={
            "recommended": assessment.recommended_level.value,
            "chosen": assessment.chosen_level.value,
            "override_reason": assessment.override_reason.value
            if assessment.override_reason
            else None,
        },
        user=actor,
    )


def add_addendum(assessment: Assessment, text: str, *, actor: User) -> AssessmentAddendum:
    if not assessment.is_signed:
        raise AssessmentError("A draft is corrected by editing it, not with an addendum.")
    text = (text or "").strip()
    if not text:
        raise AssessmentError("Write the addendum.", "text")
    addendum = AssessmentAddendum(assessment_id=assessment.id, text=text, written_by_id=actor.id)
    db.session.add(addendum)
    db.session.flush()
    audit.record(ASSESSMENT_ADDENDUM, target=assessment, client_id=assessment.client_id, user=actor)
    return addendum


def _refuse_if_signed(assessment: Assessment) -> None:
    if assessment.is_signed:
        raise AssessmentError(
            "This assessment is signed and can no longer change: add an addendum instead."
        )
