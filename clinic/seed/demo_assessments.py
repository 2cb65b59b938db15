"""The demo clinic's screening results and assessments, consistent with its episodes.

Every episode with a counselor, admitted more than a day ago, has its intake instruments and a
signed intake assessment whose ratings recommend the level the client was admitted to; clients in
withdrawal management have a COWS every few hours, falling as withdrawal eases; longer episodes
repeat the PHQ-9, GAD-7 and readiness ruler every two weeks, improving. Newer admissions are left
for the counselor and the intake coordinator (their due items show), and one client's latest
PHQ-9 carries a safety flag waiting to be acknowledged.
"""

import random
from datetime import datetime, timedelta

import sqlalchemy as sa

from clinic.assessments import instruments, placement
from clinic.assessments.models import Assessment, InstrumentResult
from clinic.assessments.services import screening_sex
from clinic.assessments.vocabulary import AssessmentKind, AssessmentStatus
from clinic.auth.models import Role, User
from clinic.clients.levels import Level
from clinic.clients.models import Client, Episode, SubstanceUse
from clinic.clients.stays import LevelOfCareStay
from clinic.clients.vocabulary import OPIOIDS, Substance
from clinic.core.clock import utcnow
from clinic.extensions import db

# Ratings that put a client at each level on admission (other dimensions stay at 0 or 1).
ADMISSION_PROFILE = {
    Level.WM: {1: 3, 5: 3},
    Level.RES: {5: 3, 6: 2},
    Level.PHP: {3: 3, 5: 2},
    Level.IOP: {4: 2, 5: 2},
    Level.OP: {4: 1, 5: 1},
    Level.AC: {},
}
# How severe intake answers run (0 to 1) for each admission level.
SEVERITY = {Level.WM: 0.7, Level.RES: 0.6, Level.PHP: 0.5, Level.IOP: 0.4, Level.OP: 0.3}
RATIONALE = {
    0: "No current concern in this dimension.",
    1: "Mild: manageable with outpatient support.",
    2: "Moderate: needs structured treatment several days a week.",
    3: "Severe: needs a 24-hour structured setting for now.",
    4: "Extreme: needs more than this program can safely give.",
}
FINDINGS = {
    "substance_history": "Daily opioid use for several years; prior detox without follow-up.",
    "medical": "No acute medical concerns reported beyond withdrawal.",
    "mental_health": "Low mood and anxiety since early use; no prior treatment.",
    "housing": "Staying with family; may return there after treatment.",
    "strengths": "Wants to be present for family; has worked steadily before.",
    "preferences": "Prefers morning groups; interested in 12-step meetings.",
}
COWS_EVERY = timedelta(hours=6)
RESCREEN_EVERY = timedelta(days=14)


def load_demo_assessments(staff: dict[str, User], safety_counselor: User) -> None:
    """Results and assessments for every episode already loaded; the caller commits."""
    rng = random.Random(2027)  # noqa: S311 (reproducible demo data, not secrets)
    medical = next(user for user in staff.values() if Role.MEDICAL in user.roles)
    now = utcnow()
    rows = db.session.execute(sa.select(Episode, Client).join(Client).order_by(Episode.id)).all()
    stays = _stays_by_episode()
    substances: dict[int, set[Substance]] = {}
    for episode_id, substance in db.session.execute(
        sa.select(SubstanceUse.episode_id, SubstanceUse.substance)
    ):
        substances.setdefault(episode_id, set()).add(substance)
    flagged = False
    for episode, client in rows:
        history = stays[episode.id]
        counselor_id = episode.primary_counselor_id
        if counselor_id is None:
            continue
        admitted_at = history[0].started_at
        ended_at = history[-1].ended_at or now
        if history[0].level == Level.WM:
            used = substances.get(episode.id, set())
            if used & OPIOIDS or not used & {Substance.ALCOHOL}:
                _withdrawal_series(rng, client, episode, medical, history[0], now, "COWS")
            if Substance.ALCOHOL in used:
                _withdrawal_series(rng, client, episode, medical, history[0], now, "CIWAAR")
        if now - admitted_at < timedelta(hours=30):
            continue  # the counselor's next job: its due item shows on the home page
        severity = SEVERITY.get(history[0].level, 0.3)
        given = _screen(
            rng, client, episode, counselor_id, admitted_at + timedelta(hours=3), severity
        )
        _signed_intake(rng, episode, counselor_id, history[0].level, admitted_at, given)
        moment = admitted_at + RESCREEN_EVERY
        while moment < ended_at:
            severity *= 0.75
            _screen(rng, client, episode, counselor_id, moment, severity, intake=False)
            moment += RESCREEN_EVERY
        if not flagged and episode.is_open and counselor_id == safety_counselor.id:
            _phq9(rng, client, episode, counselor_id, now - timedelta(hours=3), 0.5, item_9=1)
            flagged = True
    db.session.flush()


def _stays_by_episode() -> dict[int, list[LevelOfCareStay]]:
    found: dict[int, list[LevelOfCareStay]] = {}
    for stay in db.session.scalars(sa.select(LevelOfCareStay).order_by(LevelOfCareStay.started_at)):
        found.setdefault(stay.episode_id, []).append(stay)
    return found


def _answers(rng: random.Random, instrument: instruments.Instrument, severity: float) -> dict:
    """Answers running from the mildest (severity 0) to the most severe (1), with some spread."""
    answers = {}
    for item in instrument.items:
        ranked = sorted(item.choices, key=lambda choice: choice.points or choice.value)
        index = round(severity * (len(ranked) - 1) + rng.uniform(-1, 1))
        answers[item.key] = ranked[max(0, min(len(ranked) - 1, index))].value
    return answers


def _result(
    client: Client, episode: Episode, code: str, answers: dict, by_id: int, at: datetime
) -> InstrumentResult:
    context = {}
    if "sex" in instruments.INSTRUMENTS[code].needs:
        context["sex"] = screening_sex(client)
    scored = instruments.score(code, answers, **context)
    result = InstrumentResult(
        client_id=client.id,
        episode_id=episode.id,
        code=code,
        answers={str(key): value for key, value in answers.items()},
        total=scored.total,
        band=scored.band,
        flags=sorted(scored.flags),
        safety_flag=instruments.SAFETY in scored.flags,
        sex=context.get("sex"),
        administered_at=at,
        administered_by_id=by_id,
        recorded_at=at,
    )
    db.session.add(result)
    return result


def _phq9(rng, client, episode, by_id, at, severity, item_9=0) -> InstrumentResult:
    answers = {**_answers(rng, instruments.INSTRUMENTS["PHQ9"], severity), 9: item_9}
    return _result(client, episode, "PHQ9", answers, by_id, at)


def _screen(rng, client, episode, by_id, at, severity, *, intake=True) -> list[InstrumentResult]:
    """The intake battery, or the repeated mood and readiness measures."""
    given = [_phq9(rng, client, episode, by_id, at, severity)]
    codes = ("GAD7", "DAST10", "AUDITC") if intake else ("GAD7",)
    for offset, code in enumerate(codes, start=1):
        answers = _answers(rng, instruments.INSTRUMENTS[code], severity)
        given.append(
            _result(client, episode, code, answers, by_id, at + timedelta(minutes=offset * 5))
        )
    readiness = max(0, min(10, round(10 - severity * 8 + rng.uniform(-1, 1))))
    ruler = {"importance": readiness, "confidence": max(0, readiness - rng.randint(1, 3))}
    given.append(_result(client, episode, "RULER", ruler, by_id, at + timedelta(minutes=20)))
    return given


def _withdrawal_series(
    rng, client, episode, medical: User, stay: LevelOfCareStay, now, code: str
) -> None:
    """A COWS (opioids) or CIWA-Ar (alcohol) every few hours of the withdrawal management stay,
    easing over the days."""
    end = stay.ended_at or now - timedelta(hours=rng.randint(1, 9))
    moment, severity = stay.started_at + timedelta(hours=1), 0.55
    while moment <= end:
        answers = _answers(rng, instruments.INSTRUMENTS[code], severity)
        _result(client, episode, code, answers, medical.id, moment)
        moment, severity = moment + COWS_EVERY, max(0.0, severity - 0.05)


def _signed_intake(rng, episode, counselor_id, level: Level, admitted_at, given) -> None:
    ratings = {number: rng.choice((0, 1)) for number in placement.DIMENSIONS}
    ratings.update(ADMISSION_PROFILE[level])
    if level == Level.AC:
        ratings = dict.fromkeys(placement.DIMENSIONS, 0)
    found = placement.recommend(ratings)
    signed_at = admitted_at + timedelta(hours=20)
    assessment = Assessment(
        client_id=episode.client_id,
        episode_id=episode.id,
        kind=AssessmentKind.INTAKE,
        status=AssessmentStatus.DRAFT,
        **{f"d{number}_rating": rating for number, rating in ratings.items()},
        **{f"d{number}_rationale": RATIONALE[rating] for number, rating in ratings.items()},
        **FINDINGS,
        recommended_level=found.level,
        recommendation_drivers=list(found.drivers),
        recommendation_flags=list(found.flags),
        chosen_level=level,
        created_by_id=counselor_id,
        created_at=admitted_at + timedelta(hours=4),
        updated_at=signed_at,
    )
    assessment.instruments = given
    db.session.add(assessment)
    db.session.flush()  # links first: the database refuses new links to a signed assessment
    assessment.status = AssessmentStatus.SIGNED
    assessment.signed_by_id = counselor_id
    assessment.signed_at = signed_at
