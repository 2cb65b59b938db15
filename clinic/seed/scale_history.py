"""The synthetic clinic's history, for `flask seed scale`: what a clinic that is mostly up to
date has on file, with a realistic backlog, so that due lists are neither empty nor full.

- Screening: the intake battery (PHQ-9, GAD-7, DAST-10, AUDIT-C, readiness ruler) a few hours
  after admission; PHQ-9 and GAD-7 again every two weeks for a share of clients; a COWS (opioids)
  or CIWA-Ar (alcohol) every 6 hours through withdrawal management, a few clients overdue. Every
  total is scored from its answers by the instruments' own rules. Safety flags (PHQ-9 item 9)
  are acknowledged by the counselor within hours, but for a handful still waiting.
- Intake assessments: signed within a day of admission for nearly every episode entered longer
  ago than INTAKE_ASSESSMENT_DUE, a few percent still a draft or not started (the backlog), and
  drafts for recent admissions; linked to the intake battery, recommending the admission level.
- Treatment plans: built from the signed assessment as `plans.services.start` builds them,
  written with the client, signed, acknowledged and co-signed for most episodes past
  FIRST_PLAN_DUE. One review stands in for the reviews of a longer stay (the latest: after the
  last level change, or at the level's interval), its next version co-signed or still on its
  way; a few percent of reviews overdue; some plans waiting for a signature, the client's
  acknowledgement or a co-signature.
- Pending moves (some out of withdrawal management, waiting for medical clearance) and pending
  discharges, each resting on the assessment the rules ask for; a few emergency access grants,
  the older ones reviewed; the audit events of the signatures.

Rows go in with Core executemany in chunks, parents before children, with ids given here (the
tables are empty: the caller refuses a database with clients), and never more than a few chunks
held in memory. A thread of its own writes them, so that the database works on one batch while
the next is made. A signed assessment is read-only in the database, its links included: an
assessment goes in as a draft, its links after it, and one UPDATE per chunk signs them.
"""

import json
import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from operator import itemgetter
from queue import Queue
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from clinic.assessments import instruments, placement
from clinic.assessments.models import Assessment, InstrumentResult, assessment_instruments
from clinic.assessments.vocabulary import AssessmentKind, AssessmentStatus
from clinic.care.models import DischargeRequest, RequestStatus, TransitionRequest
from clinic.clients.levels import Level
from clinic.clients.models import EmergencyAccess
from clinic.clients.vocabulary import OPIOIDS, DischargeType, Substance
from clinic.core.audit import AuditEvent
from clinic.extensions import db
from clinic.plans import library, rules
from clinic.plans.models import (
    ObjectiveProgress,
    PlanDeferral,
    PlanGoal,
    PlanIntervention,
    PlanObjective,
    PlanProblem,
    PlanReview,
    TreatmentPlan,
)
from clinic.plans.review_days import refresh_review_days
from clinic.plans.services import suggestion_for
from clinic.plans.vocabulary import MEDICAL_MODALITIES, AcknowledgedHow, PlanStatus, Progress
from clinic.seed.demo_assessments import ADMISSION_PROFILE, FINDINGS, RATIONALE, SEVERITY
from clinic.seed.demo_plans import CLIENT_WORDS, CRITERIA, PREFERENCES, STRENGTHS

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
CHUNK = 5000  # rows per executemany
FLUSH_AT = 40_000  # rows held before everything pending is written, parents first

# The backlog, as shares of the episodes concerned.
INTAKE_DRAFT_LATE = 0.02  # past INTAKE_ASSESSMENT_DUE, the intake assessment still a draft
INTAKE_MISSING_LATE = 0.01  # ... or not started
PLAN_STALLED = {"none": 0.006, "draft": 0.008, "signed": 0.006, "acknowledged": 0.006}
REVIEW_OVERDUE = 0.03  # the last review not done in time
NEXT_VERSION_STALLED = 0.02  # reviewed, the next version left as a draft
WITHDRAWAL_OVERDUE = 0.04  # in withdrawal management, the next COWS or CIWA-Ar late
RESCREENED = 0.45  # share of episodes with PHQ-9 and GAD-7 repeated every two weeks
RESCREEN_EVERY = timedelta(days=14)
WITHDRAWAL_EVERY = timedelta(hours=6)
MOVE_OUT_OF_WM = 0.25  # of clients now in withdrawal management
STEP_DOWN_REQUESTED = 0.012  # of the other open episodes
DISCHARGE_REQUESTED = 0.008  # of the open episodes without a pending move
CLEARED = 0.5  # moves out of withdrawal management older than 12 h, cleared by medical staff
UNACKNOWLEDGED_SAFETY_PER = 5000  # one safety flag waiting per this many clients (at least 2)
GRANTS_PER = 2500  # one emergency access grant per this many clients (at least 4)

FINDING_MIX = (
    (Progress.MET, 25),
    (Progress.PROGRESSING, 55),
    (Progress.NOT_PROGRESSING, 10),
    (Progress.REVISED, 5),
    (Progress.DISCONTINUED, 5),
)
STEP_DOWN = {
    Level.RES: (Level.PHP, Level.IOP),
    Level.PHP: (Level.IOP,),
    Level.IOP: (Level.OP,),
    Level.OP: (Level.AC,),
}
OUT_OF_WM = ((Level.RES, 70), (Level.PHP, 10), (Level.IOP, 20))
DISCHARGE_MIX = (
    (DischargeType.COMPLETED, 55),
    (DischargeType.AGAINST_ADVICE, 30),
    (DischargeType.ADMINISTRATIVE, 15),
)
REVIEW_NOTES = (
    "Reviewed with the client; attending groups and engaged.",
    "Progress steady; cravings less frequent.",
    "Reviewed after the change of level; goals kept, dates moved.",
    None,
)
GRANT_REASONS = (
    "Covering the on-call shift: client called in crisis.",
    "Client arrived at the front desk asking for their counselor, who is away.",
    "Medication question from the pharmacy after hours.",
)


@dataclass
class EpisodeFacts:
    """What the base seed knows of an episode, for its history."""

    id: int
    client_id: int
    sex: str  # as AUDIT-C is scored: "male" or "female"
    stays: list  # clinic.seed.demo.PlannedStay, in order
    open_stay_id: int | None
    primary: int | None
    medical: int | None
    admitted_by: int
    substances: tuple[Substance, ...]  # primary first

    @property
    def is_open(self) -> bool:
        return self.stays[-1].ended_at is None

    @property
    def admitted_at(self) -> datetime:
        return self.stays[0].started_at


@dataclass
class Writer:
    """Rows per table, written in chunks in the tables' dependency order."""

    counts: Counter
    pending: dict[sa.Table, list[dict]] = field(default_factory=dict)
    to_sign: list[int] = field(default_factory=list)
    held: int = 0
    next_ids: dict[str, int] = field(default_factory=dict)
    # Batches for the writing thread: two at most, so memory stays bounded.
    queue: Queue = field(default_factory=lambda: Queue(maxsize=2))
    thread: threading.Thread | None = None
    connection: sa.Connection | None = None
    failure: BaseException | None = None

    ORDER = (
        InstrumentResult.__table__,
        Assessment.__table__,
        assessment_instruments,
        TreatmentPlan.__table__,
        PlanProblem.__table__,
        PlanGoal.__table__,
        PlanObjective.__table__,
        PlanIntervention.__table__,
        PlanDeferral.__table__,
        PlanReview.__table__,
        ObjectiveProgress.__table__,
        TransitionRequest.__table__,
        DischargeRequest.__table__,
        EmergencyAccess.__table__,
        AuditEvent.__table__,
    )
    WITH_IDS = (
        InstrumentResult.__table__,
        Assessment.__table__,
        TreatmentPlan.__table__,
        PlanProblem.__table__,
        PlanGoal.__table__,
        PlanObjective.__table__,
        PlanReview.__table__,
    )

    def start_ids(self) -> None:
        for table in self.WITH_IDS:
            self.next_ids[table.name] = first_free_id(table)

    def new_id(self, table: sa.Table) -> int:
        value = self.next_ids[table.name]
        self.next_ids[table.name] = value + 1
        return value

    def add(self, table: sa.Table, row: dict) -> None:
        self.pending.setdefault(table, []).append(row)
        self.held += 1
        if self.held >= FLUSH_AT:
            self.flush()

    def sign(self, assessment_id: int) -> None:
        """Sign this draft once its links are in: signed by its author, when last saved."""
        self.to_sign.append(assessment_id)

    def flush(self) -> None:
        """Hand everything pending to the writing thread, in the tables' order."""
        batch = []
        for each in self.ORDER:
            rows = self.pending.pop(each, [])
            self.counts[each.name] += len(rows)
            batch.append((each, rows))
            if each is assessment_instruments:
                batch.append((None, self.to_sign))
                self.to_sign = []
        self.held = 0
        if self.thread is None:
            self.connection = db.session.connection()
            self.thread = threading.Thread(target=self._write, name="seed-writer", daemon=True)
            self.thread.start()
        self._check()
        self.queue.put(batch)

    def _write(self) -> None:
        """The writing thread: the only user of the connection until `finish`, so that the
        database works on one batch while the next is made (the driver waits without the GIL)."""
        table = Assessment.__table__
        try:
            while (batch := self.queue.get()) is not None:
                for each, rows in batch:
                    if each is not None:
                        write_rows(each, rows, self.connection)
                        continue
                    for start in range(0, len(rows), CHUNK):
                        self.connection.execute(
                            table.update()
                            .where(table.c.id.in_(rows[start : start + CHUNK]))
                            .values(
                                status=AssessmentStatus.SIGNED,
                                signed_at=table.c.updated_at,
                                signed_by_id=table.c.created_by_id,
                            )
                        )
        except BaseException as error:
            self.failure = error
            while self.queue.get() is not None:  # let the loading thread finish handing over
                pass

    def _check(self) -> None:
        if self.failure is not None:
            raise self.failure

    def finish(self) -> None:
        self.flush()
        self.queue.put(None)
        self.thread.join()
        self._check()
        reset_sequences(self.WITH_IDS)


def first_free_id(table: sa.Table) -> int:
    return (db.session.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1


def reset_sequences(tables) -> None:
    """Ids were given here, not by the database: on PostgreSQL, move each table's sequence past
    them (SQLite takes the highest id plus one by itself)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        db.session.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}), false)"
            )
        )


def _json_text(value):
    """JSON as text, which both databases take for a JSON column; text already serialized (the
    answer pools' answers and flags) is passed as it is: no JSON column here holds a string."""
    return value if value is None or isinstance(value, str) else json.dumps(value)


def _bind_processor(column_type, dialect):
    if isinstance(column_type, sa.JSON):
        return _json_text
    return column_type.bind_processor(dialect)


def write_rows(table: sa.Table, rows: list[dict], connection: sa.Connection | None = None) -> None:
    """Insert `rows` (dicts with the same keys) in chunks, each value through its column type's
    bind processor as `table.insert()` would send it, but without a compiled statement's
    bookkeeping per row, which costs more than the database itself at this size. SQLite takes
    a plain executemany. PostgreSQL takes one INSERT ... SELECT FROM unnest() per chunk, an
    array per column: its driver's executemany makes a round trip per row, and a multi-row
    VALUES list is parsed again on every call (too many parameters to cache)."""
    if not rows:
        return
    connection = connection or db.session.connection()
    dialect = connection.dialect
    columns = list(rows[0])
    processors = [
        (index, processor)
        for index, name in enumerate(columns)
        if (processor := _bind_processor(table.c[name].type, dialect)) is not None
    ]
    pick = itemgetter(*columns)
    values = [pick(row) for row in rows] if len(columns) > 1 else [(pick(row),) for row in rows]
    if processors:
        converted = []
        for value in values:
            value = list(value)
            for index, processor in processors:
                value[index] = processor(value[index])
            converted.append(tuple(value))
        values = converted
    quote = dialect.identifier_preparer.quote
    head = f"INSERT INTO {quote(table.name)} ({', '.join(quote(name) for name in columns)})"
    if dialect.name == "postgresql":
        arrays = ", ".join(
            f"%s::{table.c[name].type.compile(dialect=dialect)}[]" for name in columns
        )
        sql = f"{head} SELECT * FROM unnest({arrays})"  # noqa: S608 (our own names)
        for start in range(0, len(values), CHUNK):
            chunk = values[start : start + CHUNK]
            connection.exec_driver_sql(sql, tuple(map(list, zip(*chunk, strict=True))))
    else:
        sql = f"{head} VALUES ({', '.join('?' * len(columns))})"
        for start in range(0, len(values), CHUNK):
            connection.exec_driver_sql(sql, values[start : start + CHUNK])


# --- Instruments ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Given:
    """One set of answers and their score, ready for a row."""

    answers: str  # as JSON, serialized once for every row that draws it
    total: int | None
    band: str
    flags: str  # as JSON
    flag_set: frozenset[str]
    safety: bool
    sex: str | None


class AnswerPool:
    """Scored answer sets per instrument and severity, made once and drawn from many times:
    scoring each of a million results one by one would take minutes."""

    VARIANTS = 12

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.pools: dict[tuple, list[Given]] = {}
        self.positive_at = current_app.config["AUDITC_POSITIVE_AT"]

    def draw(self, code: str, severity: float, sex: str, item_9: int | None = None) -> Given:
        bucket = max(0, min(20, round(severity * 20)))
        needs_sex = "sex" in instruments.INSTRUMENTS[code].needs
        key = (code, bucket, sex if needs_sex else None, item_9)
        pool = self.pools.get(key)
        if pool is None:
            pool = [self._make(code, bucket / 20, key[2], item_9) for _ in range(self.VARIANTS)]
            self.pools[key] = pool
        return pool[self.rng.randrange(len(pool))]

    def _make(self, code: str, severity: float, sex: str | None, item_9: int | None) -> Given:
        rng = self.rng
        instrument = instruments.INSTRUMENTS[code]
        if code == "RULER":
            readiness = max(0, min(10, round(10 - severity * 8 + rng.uniform(-1, 1))))
            answers = {"importance": readiness, "confidence": max(0, readiness - rng.randint(1, 3))}
        else:
            answers = {}
            for item in instrument.items:
                ranked = sorted(item.choices, key=lambda choice: choice.points or choice.value)
                index = round(severity * (len(ranked) - 1) + rng.uniform(-1, 1))
                answers[item.key] = ranked[max(0, min(len(ranked) - 1, index))].value
            if code == "PHQ9":
                answers[9] = item_9 if item_9 is not None else 0
        context = {"sex": sex, "positive_at": self.positive_at[sex]} if sex else {}
        scored = instruments.score(code, answers, **context)
        return Given(
            answers=json.dumps({str(key): value for key, value in answers.items()}),
            total=scored.total,
            band=scored.band,
            flags=json.dumps(sorted(scored.flags)),
            flag_set=frozenset(scored.flags),
            safety=instruments.SAFETY in scored.flags,
            sex=sex,
        )


# --- The history ------------------------------------------------------------------------------


@dataclass
class Staff:
    supervisor: int
    counselors: list[int]
    medical: list[int]


def load_history(
    rng: random.Random,
    episodes: list[EpisodeFacts],
    staff: Staff,
    now: datetime,
    counts: Counter,
    client_count: int,
) -> None:
    """Everything above, for every episode loaded by the base seed; the caller commits."""
    writer = Writer(counts)
    writer.start_ids()
    history = History(rng, writer, staff, now)
    for episode in episodes:
        history.episode(episode)
    history.waiting_safety_flags(max(2, client_count // UNACKNOWLEDGED_SAFETY_PER))
    history.discharges(max(2, round(len(history.discharge_candidates) * DISCHARGE_REQUESTED)))
    history.grants(episodes, max(4, client_count // GRANTS_PER))
    writer.finish()
    # The active versions' next review days, which the application writes (plans/review_days.py)
    # and these Core inserts do not.
    refresh_review_days()


class History:
    def __init__(self, rng: random.Random, writer: Writer, staff: Staff, now: datetime):
        self.rng = rng
        self.writer = writer
        self.staff = staff
        self.now = now
        self.pool = AnswerPool(rng)
        config = current_app.config
        self.zone = ZoneInfo(config["CLINIC_TIMEZONE"])
        self.today = now.astimezone(self.zone).date()
        self.intake_due = config["INTAKE_ASSESSMENT_DUE"]
        self.plan_due = config["FIRST_PLAN_DUE"]
        self.review_days = config["PLAN_REVIEW_DAYS"] or {}
        # Candidates for the few safety flags left waiting: (episode, counselor, moment).
        self.flag_candidates: list[tuple[EpisodeFacts, int]] = []
        # Open episodes without a pending move, with when their plans last changed.
        self.discharge_candidates: list[tuple[EpisodeFacts, datetime]] = []

    # --- helpers ------------------------------------------------------------------------------

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def between(self, start: datetime, end: datetime) -> datetime:
        """A moment between the two, to the minute."""
        minutes = max(0, int((end - start).total_seconds() // 60))
        return start + timedelta(minutes=self.rng.randint(0, minutes))

    def hours(self, low: float, high: float) -> timedelta:
        return timedelta(minutes=self.rng.randint(int(low * 60), int(high * 60)))

    def interval(self, level: Level) -> int:
        return self.review_days.get(level.value, level.info.review_interval_days)

    def result(
        self,
        episode: EpisodeFacts,
        code: str,
        severity: float,
        by: int,
        at: datetime,
        *,
        item_9: int | None = None,
        acknowledge_by: int | None = None,
    ) -> tuple[int, Given]:
        table = InstrumentResult.__table__
        given = self.pool.draw(code, severity, episode.sex, item_9)
        result_id = self.writer.new_id(table)
        acknowledged_at = None
        if given.safety and acknowledge_by is not None:
            acknowledged_at = min(self.now, at + self.hours(0.3, 3))
        self.writer.add(
            table,
            {
                "id": result_id,
                "client_id": episode.client_id,
                "episode_id": episode.id,
                "code": code,
                "answers": given.answers,
                "total": given.total,
                "band": given.band,
                "flags": given.flags,
                "sex": given.sex,
                "administered_at": at,
                "administered_by_id": by,
                "recorded_at": at,
                "safety_flag": given.safety,
                "acknowledged_at": acknowledged_at,
                "acknowledged_by_id": acknowledge_by if acknowledged_at else None,
                "acknowledgement": "Safety plan reviewed with the client; no current intent."
                if acknowledged_at
                else None,
            },
        )
        return result_id, given

    # --- per episode --------------------------------------------------------------------------

    def episode(self, episode: EpisodeFacts) -> None:
        rng = self.rng
        end = self.now if episode.is_open else episode.stays[-1].ended_at
        counselor = episode.primary or rng.choice(self.staff.counselors)
        self.withdrawal(episode, end)
        admitted = episode.admitted_at
        age = end - admitted
        severity = SEVERITY.get(episode.stays[0].level, 0.3)

        # The intake assessment: signed, a draft or not started.
        created_at = admitted + self.hours(3.5, 5)
        signed_at = admitted + self.hours(6, 22)
        if episode.primary is None and episode.is_open:
            outcome = "missing"  # waiting for a counselor
        elif not episode.is_open:
            outcome = "signed" if signed_at <= end else "missing"
        elif age >= self.intake_due:
            draw = rng.random()
            outcome = (
                "draft"
                if draw < INTAKE_DRAFT_LATE
                else "missing"
                if draw < INTAKE_DRAFT_LATE + INTAKE_MISSING_LATE
                else "signed"
            )
        elif signed_at <= end and rng.random() < 0.6:
            outcome = "signed"
        elif created_at <= end and rng.random() < 0.85:
            outcome = "draft"
        else:
            outcome = "missing"

        battery_at = admitted + self.hours(2, 4)
        given: list[tuple[int, Given]] = []
        if battery_at + timedelta(minutes=25) <= end and (
            outcome != "missing" or rng.random() < 0.5
        ):
            given = self.battery(episode, counselor, battery_at, severity)
        assessment_id = None
        ratings: dict[int, int] = {}
        if outcome != "missing":
            assessment_id, ratings = self.intake_assessment(
                episode, counselor, created_at, signed_at if outcome == "signed" else None, given
            )
        last_activity = signed_at if outcome == "signed" else created_at

        # Repeated mood screening through the episode.
        if rng.random() < RESCREENED:
            moment, level = battery_at + RESCREEN_EVERY, severity
            while moment < end:
                level *= 0.75
                self.result(episode, "PHQ9", level, counselor, moment, acknowledge_by=counselor)
                self.result(episode, "GAD7", level, counselor, moment + timedelta(minutes=5))
                moment += RESCREEN_EVERY
        if episode.is_open and episode.primary and given and age > DAY and rng.random() < 0.02:
            self.flag_candidates.append((episode, counselor))

        if outcome == "signed" and episode.primary is not None:
            flags = sorted(
                {flag for _id, each in given for flag in each.flag_set} & set(library.BY_FLAG)
            )
            last_activity = max(
                last_activity,
                self.plans(episode, assessment_id, ratings, flags, signed_at, end),
            )
            if episode.is_open:
                self.requests(episode, assessment_id, signed_at, last_activity)

    def withdrawal(self, episode: EpisodeFacts, end: datetime) -> None:
        """COWS (opioids) and CIWA-Ar (alcohol) every 6 hours through withdrawal management."""
        stay = episode.stays[0]
        if stay.level != Level.WM:
            return
        codes = []
        if set(episode.substances) & OPIOIDS:
            codes.append("COWS")
        if Substance.ALCOHOL in episode.substances:
            codes.append("CIWAAR")
        if not codes:
            return
        by = episode.medical or self.rng.choice(self.staff.medical)
        if stay.ended_at is not None:
            last = stay.ended_at - self.hours(0.5, 5)
        elif self.rng.random() < WITHDRAWAL_OVERDUE:
            last = end - self.hours(8.5, 14)  # the next one is late
        else:
            last = end - self.hours(0.2, 5.8)
        first = stay.started_at + self.hours(0.5, 1.5)
        if last < first:
            return
        # Every 6 hours back from the last one, so that the last is the latest.
        moments = [
            last - step * WITHDRAWAL_EVERY for step in range((last - first) // WITHDRAWAL_EVERY + 1)
        ]
        for code in codes:
            for step, moment in enumerate(reversed(moments)):
                self.result(episode, code, max(0.0, 0.55 - 0.05 * step), by, moment)

    def battery(
        self, episode: EpisodeFacts, counselor: int, at: datetime, severity: float
    ) -> list[tuple[int, Given]]:
        """The intake screening, given by the intake coordinator; the ruler by the counselor."""
        given = []
        for offset, code in enumerate(("PHQ9", "GAD7", "DAST10", "AUDITC")):
            item_9 = 1 if code == "PHQ9" and self.rng.random() < 0.12 * severity else 0
            given.append(
                self.result(
                    episode,
                    code,
                    severity,
                    episode.admitted_by,
                    at + timedelta(minutes=5 * offset),
                    item_9=item_9 if code == "PHQ9" else None,
                    acknowledge_by=counselor,
                )
            )
        given.append(self.result(episode, "RULER", severity, counselor, at + timedelta(minutes=20)))
        return given

    def intake_assessment(
        self,
        episode: EpisodeFacts,
        counselor: int,
        created_at: datetime,
        signed_at: datetime | None,
        given: list[tuple[int, Given]],
    ) -> tuple[int, dict[int, int]]:
        level = episode.stays[0].level
        ratings = self.ratings_for(level)
        assessment_id = self.assessment(
            episode,
            AssessmentKind.INTAKE,
            ratings,
            level,
            counselor,
            created_at,
            signed_at or min(self.now, created_at + self.hours(0.2, 3)),
            signed=signed_at is not None,
        )
        for result_id, _given in given:
            self.writer.add(
                assessment_instruments,
                {"assessment_id": assessment_id, "instrument_result_id": result_id},
            )
        if signed_at is not None:
            self.writer.sign(assessment_id)
            self.audit(episode, "assessment.signed", "assessment", assessment_id, signed_at)
        return assessment_id, ratings

    def ratings_for(self, level: Level) -> dict[int, int]:
        """Ratings that recommend `level` (demo_assessments' admission profiles)."""
        if level == Level.AC:
            return dict.fromkeys(placement.DIMENSIONS, 0)
        ratings = {number: self.rng.choice((0, 1)) for number in placement.DIMENSIONS}
        ratings.update(ADMISSION_PROFILE[level])
        return ratings

    def assessment(
        self,
        episode: EpisodeFacts,
        kind: AssessmentKind,
        ratings: dict[int, int],
        chosen: Level,
        author: int,
        created_at: datetime,
        saved_at: datetime,
        *,
        signed: bool,
    ) -> int:
        """An assessment row, a draft for now (`Writer.sign` signs it after its links)."""
        table = Assessment.__table__
        found = placement.recommend(ratings)
        assessment_id = self.writer.new_id(table)
        self.writer.add(
            table,
            {
                "id": assessment_id,
                "client_id": episode.client_id,
                "episode_id": episode.id,
                "kind": kind,
                "status": AssessmentStatus.DRAFT,
                **{f"d{number}_rating": rating for number, rating in ratings.items()},
                **{f"d{number}_rationale": RATIONALE[rating] for number, rating in ratings.items()},
                **dict.fromkeys(ASSESSMENT_TEXTS),
                **FINDINGS,
                "recommended_level": found.level,
                "recommendation_drivers": list(found.drivers),
                "recommendation_flags": list(found.flags),
                "cows_total": None,
                "ciwa_total": None,
                "chosen_level": chosen,
                "override_reason": None,
                "override_note": None,
                "created_by_id": author,
                "created_at": created_at,
                "updated_at": saved_at,
                "signed_by_id": None,
                "signed_at": None,
                "version": 2 if signed else 1,
            },
        )
        return assessment_id

    # --- plans --------------------------------------------------------------------------------

    def plans(
        self,
        episode: EpisodeFacts,
        assessment_id: int,
        ratings: dict[int, int],
        flags: list[str],
        signed_at: datetime,
        end: datetime,
    ) -> datetime:
        """The episode's plan versions; returns when the last thing about them happened."""
        rng = self.rng
        created = signed_at + self.hours(1, 3)
        author_signed = created + self.hours(2, 30)
        cosigned = author_signed + self.hours(2, 24)
        stage = "active"
        if episode.is_open:
            draw, edge = rng.random(), 0.0
            for name, share in PLAN_STALLED.items():
                edge += share
                if draw < edge:
                    stage = name
                    break
        if stage == "none" or created > end:
            return signed_at
        if stage == "active" and cosigned > end:
            stage = "acknowledged" if author_signed <= end else "draft"
        if stage in ("signed", "acknowledged") and author_signed > end:
            stage = "draft"
        if not episode.is_open and stage != "active":
            return signed_at  # an unfinished draft would not be on a closed episode's list

        tree = self.first_tree(episode, ratings, flags, created)
        first = Version(number=1, created=created, assessment_id=assessment_id, tree=tree)
        if stage == "draft":
            self.write_plan(episode, first, stage="draft", end=end)
            return created
        first.author_signed = author_signed
        if stage in ("signed", "acknowledged"):
            self.write_plan(episode, first, stage=stage, end=end)
            return author_signed
        first.cosigned = cosigned

        review_at = self.last_review(episode, cosigned, end)
        if review_at is None:
            self.write_plan(episode, first, stage="active", end=end)
            return cosigned
        following = self.reviewed(episode, first, review_at)
        next_signed = review_at + self.hours(1, 20)
        if episode.is_open and rng.random() < NEXT_VERSION_STALLED:
            next_signed = end + DAY  # still being written
        next_cosigned = next_signed + self.hours(2, 24)
        if next_cosigned <= end:
            following.author_signed, following.cosigned = next_signed, next_cosigned
            self.write_plan(episode, first, stage="superseded", end=end, superseded=next_cosigned)
            self.write_plan(episode, following, stage="active", end=end)
            self.write_review(episode, first, following, review_at)
            return next_cosigned
        if not episode.is_open:
            self.write_plan(episode, first, stage="active", end=end)
            return cosigned
        self.write_plan(episode, first, stage="active", end=end)
        last = review_at
        if next_signed <= end:
            following.author_signed = last = next_signed
            stage = "acknowledged" if rng.random() < 0.6 else "signed"
            self.write_plan(episode, following, stage=stage, end=end)
        else:
            self.write_plan(episode, following, stage="draft", end=end)
        self.write_review(episode, first, following, review_at)
        return last

    def last_review(self, episode: EpisodeFacts, cosigned: datetime, end: datetime):
        """When the active version was last reviewed (None: not yet needed): after each level
        change since, and at each level's interval; only the latest is kept, standing in for
        those before it. A few are overdue: the latest left undone."""
        horizon = end
        if episode.is_open and self.rng.random() < REVIEW_OVERDUE:
            level = episode.stays[-1].level
            horizon = end - timedelta(days=self.interval(level) + self.rng.randint(1, 7))
        anchor, latest = cosigned, None
        stays = episode.stays
        while True:
            current = next(
                (
                    stay
                    for stay in stays
                    if stay.started_at <= anchor
                    and (stay.ended_at is None or stay.ended_at > anchor)
                ),
                stays[-1],
            )
            due = anchor + timedelta(days=self.interval(current.level))
            periodic = due - self.hours(0, 36)
            changes = [stay.started_at for stay in stays if stay.started_at > anchor]
            after_change = changes[0] + self.hours(2, 20) if changes else None
            moment = min(periodic, after_change) if after_change else periodic
            if moment > horizon or moment <= anchor:
                return latest
            anchor = latest = moment

    def first_tree(
        self, episode: EpisodeFacts, ratings: dict[int, int], flags: list[str], created: datetime
    ) -> list["Problem"]:
        """The suggestions `plans.services.start` fills in, edited with the client."""
        sources = [f"d{number}" for number, rating in sorted(ratings.items()) if rating >= 2]
        sources += [f"f:{flag}" for flag in flags]
        if not sources:
            sources = ["d5"]  # nothing rated 2 or more: the counselor adds relapse prevention
        start_day = self.local_date(created)
        problems = []
        for source in sources:
            suggestion, dimension, flag = suggestion_for(source, episode.substances)
            objectives = [
                Objective(
                    text=objective.text.rstrip(".") + " with the counselor's help.",
                    measure=objective.measure,
                    target=start_day + timedelta(weeks=objective.weeks),
                    status=Progress.OPEN,
                    interventions=[
                        (
                            modality,
                            frequency,
                            episode.medical
                            if modality in MEDICAL_MODALITIES and episode.medical
                            else episode.primary,
                        )
                        for modality, frequency in objective.interventions
                    ],
                )
                for objective in suggestion.objectives
            ]
            problems.append(
                Problem(
                    dimension=dimension,
                    flag=flag,
                    statement=suggestion.problem,
                    goal=suggestion.goal.rstrip(".") + ", one day at a time.",
                    client_words=self.rng.choice(CLIENT_WORDS),
                    objectives=objectives,
                )
            )
        return problems

    def reviewed(self, episode: EpisodeFacts, plan: "Version", review_at: datetime) -> "Version":
        """Progress on every objective, and the next version carrying what is still open."""
        rng = self.rng
        objectives = [objective for problem in plan.tree for objective in problem.objectives]
        for objective in objectives:
            objective.finding = rng.choices(*zip(*FINDING_MIX, strict=True))[0]
        if not any(rules.carried_over(objective.finding) for objective in objectives):
            objectives[0].finding = Progress.PROGRESSING
        day = self.local_date(review_at)
        deferrals = list(plan.deferrals)
        tree = []
        for problem in plan.tree:
            carried = [
                Objective(
                    text=objective.text,
                    measure=objective.measure,
                    target=day + timedelta(weeks=rng.randint(2, 6)),
                    status=objective.finding,
                    interventions=objective.interventions,
                    carried_from=objective,
                )
                for objective in problem.objectives
                if rules.carried_over(objective.finding)
            ]
            if carried:
                tree.append(
                    Problem(
                        dimension=problem.dimension,
                        flag=problem.flag,
                        statement=problem.statement,
                        goal=problem.goal,
                        client_words=problem.client_words,
                        objectives=carried,
                    )
                )
            elif problem.dimension and problem.dimension not in {d for d, _ in deferrals}:
                deferrals.append(
                    (
                        problem.dimension,
                        f"Resolved at the review of {day.isoformat()}: "
                        "its objectives were met or discontinued.",
                    )
                )
        following = Version(
            number=plan.number + 1,
            created=review_at,
            assessment_id=plan.assessment_id,
            tree=tree,
            previous=plan,
        )
        following.deferrals = deferrals
        return following

    def write_plan(
        self,
        episode: EpisodeFacts,
        version: "Version",
        *,
        stage: str,
        end: datetime,
        superseded: datetime | None = None,
    ) -> None:
        rng, writer = self.rng, self.writer
        table = TreatmentPlan.__table__
        version.id = writer.new_id(table)
        signed = version.author_signed if stage != "draft" else None
        acknowledged = stage in ("acknowledged", "active", "superseded")
        cosigned = version.cosigned if stage in ("active", "superseded") else None
        status = {
            "active": PlanStatus.ACTIVE,
            "superseded": PlanStatus.SUPERSEDED,
        }.get(stage, PlanStatus.DRAFT)
        written = signed is not None or rng.random() < 0.5
        updated = signed or min(end, version.created + self.hours(0.5, 6))
        writer.add(
            table,
            {
                "id": version.id,
                "client_id": episode.client_id,
                "episode_id": episode.id,
                "number": version.number,
                "status": status,
                "assessment_id": version.assessment_id,
                "previous_id": version.previous.id if version.previous else None,
                "strengths": rng.choice(STRENGTHS),
                "preferences": rng.choice(PREFERENCES),
                "discharge_criteria": rng.choice(CRITERIA) if written else None,
                "created_by_id": episode.primary,
                "created_at": version.created,
                "updated_at": updated,
                "author_signed_by_id": episode.primary if signed else None,
                "author_signed_at": signed,
                "stock_texts": 0 if signed else None,
                "acknowledged_on": self.local_date(signed) if acknowledged else None,
                "acknowledged_how": rng.choice(ACKNOWLEDGED) if acknowledged else None,
                "client_comment": None,
                "acknowledgement_recorded_by_id": episode.primary if acknowledged else None,
                "cosigned_by_id": self.staff.supervisor if cosigned else None,
                "cosigned_at": cosigned,
                "superseded_at": superseded,
                "version": 1,
            },
        )
        for position, problem in enumerate(version.tree, start=1):
            problem_id = writer.new_id(PlanProblem.__table__)
            writer.add(
                PlanProblem.__table__,
                {
                    "id": problem_id,
                    "plan_id": version.id,
                    "position": position,
                    "dimension": problem.dimension,
                    "instrument_flag": problem.flag,
                    "statement": problem.statement,
                },
            )
            goal_id = writer.new_id(PlanGoal.__table__)
            writer.add(
                PlanGoal.__table__,
                {
                    "id": goal_id,
                    "problem_id": problem_id,
                    "position": 1,
                    "text": problem.goal,
                    "client_words": problem.client_words,
                },
            )
            for number, objective in enumerate(problem.objectives, start=1):
                objective.id = writer.new_id(PlanObjective.__table__)
                writer.add(
                    PlanObjective.__table__,
                    {
                        "id": objective.id,
                        "goal_id": goal_id,
                        "position": number,
                        "text": objective.text,
                        "measure": objective.measure,
                        "target_date": objective.target,
                        "status": objective.status,
                        "carried_from_id": objective.carried_from.id
                        if objective.carried_from
                        else None,
                    },
                )
                for index, (modality, frequency, responsible) in enumerate(
                    objective.interventions, start=1
                ):
                    writer.add(
                        PlanIntervention.__table__,
                        {
                            "objective_id": objective.id,
                            "position": index,
                            "modality": modality,
                            "frequency": frequency,
                            "responsible_id": responsible,
                            "added_by_id": episode.primary,
                        },
                    )
        for dimension, reason in version.deferrals:
            writer.add(
                PlanDeferral.__table__,
                {"plan_id": version.id, "dimension": dimension, "reason": reason},
            )
        if signed:
            self.audit(episode, "plan.signed", "treatment_plan", version.id, signed)
        if cosigned:
            self.audit(episode, "plan.cosigned", "treatment_plan", version.id, cosigned)

    def write_review(
        self, episode: EpisodeFacts, plan: "Version", following: "Version", at: datetime
    ) -> None:
        table = PlanReview.__table__
        review_id = self.writer.new_id(table)
        self.writer.add(
            table,
            {
                "id": review_id,
                "plan_id": plan.id,
                "next_plan_id": following.id,
                "reviewed_by_id": episode.primary,
                "reviewed_at": at,
                "note": self.rng.choice(REVIEW_NOTES),
            },
        )
        for problem in plan.tree:
            for objective in problem.objectives:
                self.writer.add(
                    ObjectiveProgress.__table__,
                    {
                        "review_id": review_id,
                        "objective_id": objective.id,
                        "status": objective.finding,
                        "note": None,
                    },
                )
        self.audit(episode, "plan.reviewed", "treatment_plan", plan.id, at)

    # --- moves, discharges, grants ------------------------------------------------------------

    def requests(
        self, episode: EpisodeFacts, intake_id: int, intake_signed: datetime, last: datetime
    ) -> None:
        """A move or a discharge waiting for a decision, for a small share of open episodes."""
        rng = self.rng
        current = episode.stays[-1]
        counselor = episode.primary
        if current.level == Level.WM:
            if rng.random() >= MOVE_OUT_OF_WM:
                return
            requested = self.between(max(current.started_at + DAY, last), self.now)
            if requested >= self.now or self.now - intake_signed > timedelta(days=7):
                return
            target = weighted(rng, OUT_OF_WM)
            # Medical staff clear within the day: the newer requests are still waiting.
            cleared = self.now - requested > 12 * HOUR and rng.random() < CLEARED
            cleared_at = min(self.now, requested + self.hours(0.5, 4)) if cleared else None
            self.move(
                episode,
                target,
                intake_id,
                requested,
                "Withdrawal complete: vital signs stable, COWS under 5 for a day.",
                override="Withdrawal is complete; the intake recommendation was for withdrawal "
                "management, which the client no longer needs.",
                cleared_by=(episode.medical or rng.choice(self.staff.medical)) if cleared else None,
                cleared_at=cleared_at,
            )
            return
        draw = rng.random()
        if draw < STEP_DOWN_REQUESTED and current.level in STEP_DOWN:
            signed = self.between(max(last, self.now - timedelta(days=3)), self.now - 2 * HOUR)
            if signed <= last:
                return
            target = rng.choice(STEP_DOWN[current.level])
            reassessment = self.assessment(
                episode,
                AssessmentKind.REASSESSMENT,
                self.ratings_for(target),
                target,
                counselor,
                signed - HOUR,
                signed,
                signed=True,
            )
            self.writer.sign(reassessment)
            self.audit(episode, "assessment.signed", "assessment", reassessment, signed)
            self.move(
                episode,
                target,
                reassessment,
                signed + self.hours(0.2, 1.5),
                "Goals of this level met; ready for less structure.",
            )
        else:
            self.discharge_candidates.append((episode, last))

    def move(
        self,
        episode: EpisodeFacts,
        target: Level,
        assessment_id: int,
        requested: datetime,
        justification: str,
        *,
        override: str | None = None,
        cleared_by: int | None = None,
        cleared_at: datetime | None = None,
    ) -> None:
        self.writer.add(
            TransitionRequest.__table__,
            {
                "client_id": episode.client_id,
                "episode_id": episode.id,
                "from_stay_id": episode.open_stay_id,
                "from_level": episode.stays[-1].level,
                "to_level": target,
                "justification": justification,
                "assessment_id": assessment_id,
                "override_reason": override,
                "status": RequestStatus.PENDING,
                "requested_by_id": episode.primary,
                "requested_at": requested,
                "cleared_by_id": cleared_by,
                "cleared_at": cleared_at,
                "clearance_note": "Withdrawal complete; medically cleared." if cleared_by else None,
                "decided_by_id": None,
                "decided_at": None,
                "decision_note": None,
                "new_stay_id": None,
                "version": 2 if cleared_by else 1,
            },
        )

    def discharges(self, count: int) -> None:
        """Discharges waiting for the supervisor, for a small share of the open episodes."""
        candidates = self.discharge_candidates
        for episode, last in self.rng.sample(candidates, min(count, len(candidates))):
            self.discharge(episode, last)

    def discharge(self, episode: EpisodeFacts, last: datetime) -> None:
        rng = self.rng
        current = episode.stays[-1]
        requested = self.between(max(last, self.now - timedelta(days=2)), self.now - HOUR)
        requested = max(requested, last + HOUR, current.started_at + HOUR)
        if requested >= self.now:
            return
        kind = weighted(rng, DISCHARGE_MIX)
        details: dict = {
            "living_situation": None,
            "continuing_care": None,
            "meetings": None,
            "moud_continues": None,
            "moud_with": None,
            "left_at": None,
            "follow_up": None,
        }
        if kind == DischargeType.COMPLETED:
            ratings = self.ratings_for(Level.AC)
            assessment = self.assessment(
                episode,
                AssessmentKind.DISCHARGE,
                ratings,
                Level.AC,
                episode.primary,
                requested - 3 * HOUR,
                requested - HOUR,
                signed=True,
            )
            self.writer.sign(assessment)
            self.audit(episode, "assessment.signed", "assessment", assessment, requested - HOUR)
            opioids = bool(set(episode.substances) & OPIOIDS)
            details.update(
                living_situation="Returning home to family; sober household.",
                continuing_care="Aftercare group weekly at this program.",
                meetings="Three 12-step meetings a week; sponsor named.",
                moud_continues=opioids,
                moud_with="Community clinic prescriber, first visit booked." if opioids else None,
            )
            reason = "Treatment goals met."
        elif kind == DischargeType.AGAINST_ADVICE:
            left = self.between(max(current.started_at, requested - DAY), requested)
            details.update(
                left_at=left, follow_up="Called the client and the emergency contact; message left."
            )
            reason = "Left the program before completing treatment."
        else:
            reason = "Repeated violations of program rules after warnings."
        self.writer.add(
            DischargeRequest.__table__,
            {
                "client_id": episode.client_id,
                "episode_id": episode.id,
                "discharge_type": kind.value,
                "reason": reason,
                **details,
                "status": RequestStatus.PENDING,
                "requested_by_id": episode.primary,
                "requested_at": requested,
                "decided_by_id": None,
                "decided_at": None,
                "decision_note": None,
                "version": 1,
            },
        )

    def waiting_safety_flags(self, count: int) -> None:
        """A handful of PHQ-9s with item 9 above 0, given today, not yet acknowledged."""
        candidates = self.flag_candidates
        for episode, counselor in self.rng.sample(candidates, min(count, len(candidates))):
            at = self.now - self.hours(0.5, 10)
            self.result(episode, "PHQ9", 0.5, counselor, at, item_9=1 + self.rng.randint(0, 1))

    def grants(self, episodes: list[EpisodeFacts], count: int) -> None:
        """Emergency access by counselors to clients not on their caseload over the last weeks;
        reviewed by the supervisor, but for the newest third."""
        rng = self.rng
        open_ones = [episode for episode in episodes if episode.is_open and episode.primary]
        chosen = rng.sample(open_ones, min(count, len(open_ones)))
        moments = sorted((self.now - self.hours(1, 24 * 20) for _ in chosen), reverse=True)
        for number, (episode, granted) in enumerate(zip(chosen, moments, strict=True)):
            others = [user for user in self.staff.counselors if user != episode.primary]
            if not others:
                continue
            user = rng.choice(others)
            reviewed = number >= max(1, len(chosen) // 3)
            self.writer.add(
                EmergencyAccess.__table__,
                {
                    "user_id": user,
                    "client_id": episode.client_id,
                    "reason": rng.choice(GRANT_REASONS),
                    "granted_at": granted,
                    "expires_at": granted + HOUR,
                    "reviewed_by_id": self.staff.supervisor if reviewed else None,
                    "reviewed_at": min(self.now, granted + self.hours(2, 44)) if reviewed else None,
                    "review_note": "Appropriate: covering shift." if reviewed else None,
                },
            )
            self.audit(episode, "emergency.granted", "client", episode.client_id, granted, user)

    def audit(
        self,
        episode: EpisodeFacts,
        action: str,
        object_type: str,
        object_id: int,
        at: datetime,
        user: int | None = None,
    ) -> None:
        self.writer.add(
            AuditEvent.__table__,
            {
                "at": at,
                "user_id": user or episode.primary,
                "actor_email": None,
                "action": action,
                "object_type": object_type,
                "object_id": str(object_id),
                "client_id": episode.client_id,
                "outcome": "success",
                "ip": None,
                "request_id": None,
                "detail": None,
            },
        )


ASSESSMENT_TEXTS = (
    "trauma",
    "family_social",
    "employment",
    "legal",
    "recovery_environment",
)
ACKNOWLEDGED = (AcknowledgedHow.IN_PERSON, AcknowledgedHow.IN_PERSON, AcknowledgedHow.VIDEO)


@dataclass
class Objective:
    text: str
    measure: str
    target: date
    status: Progress
    interventions: list[tuple]  # (modality, frequency, responsible id)
    carried_from: "Objective | None" = None
    id: int | None = None
    finding: Progress | None = None


@dataclass
class Problem:
    dimension: int | None
    flag: str | None
    statement: str
    goal: str
    client_words: str
    objectives: list[Objective]


@dataclass
class Version:
    number: int
    created: datetime
    assessment_id: int
    tree: list[Problem]
    previous: "Version | None" = None
    deferrals: list[tuple[int, str]] = field(default_factory=list)
    author_signed: datetime | None = None
    cosigned: datetime | None = None
    id: int | None = None


def weighted(rng: random.Random, options):
    values, weights = zip(*options, strict=True)
    return rng.choices(values, weights=weights)[0]
