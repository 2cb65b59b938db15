"""The demo clinic: one account per role (listed in README.md), three more counselors, and about
forty clients spread over the continuum of care, with believable admission histories.

Everything is made from a fixed random seed, so that two demo databases look alike; dates are
relative to today, so that the demo never goes stale. Each admission is entered when it happened
(minutes after the client arrived), as staff would enter it, not when the demo was loaded: only
the last few days' admissions are in the intake coordinator's intake window (clients/access.py).
"""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from clinic.auth import accounts
from clinic.auth.models import Role, User
from clinic.clients.contacts import Contact
from clinic.clients.levels import BY_INTENSITY, Level
from clinic.clients.models import (
    CareTeamMember,
    Client,
    Episode,
    SubstanceUse,
    fold_name,
    luhn_check_digit,
)
from clinic.clients.stays import LevelOfCareStay, StayEnd, StayReason
from clinic.clients.vocabulary import (
    DischargeType,
    ReferralSource,
    Relationship,
    Route,
    SexAtBirth,
    Substance,
    TeamRole,
    UseFrequency,
)
from clinic.core.clock import clinic_today, utcnow
from clinic.extensions import db
from clinic.seed.demo_assessments import load_demo_assessments
from clinic.seed.demo_consents import load_demo_consents
from clinic.seed.demo_directory import load_demo_directory
from clinic.seed.demo_moves import load_demo_moves
from clinic.seed.demo_plans import load_demo_plans

# Demo data only: README.md lists these; production refuses to load them.
DEMO_PASSWORD = "steady-lantern-morning-walk"  # noqa: S105

INTAKE_EMAIL = "intake@demo.example.org"
COUNSELOR_EMAIL = "counselor@demo.example.org"
MEDICAL_EMAIL = "medical@demo.example.org"

DEMO_USERS = [
    (INTAKE_EMAIL, "Irene Intake", [Role.INTAKE]),
    (COUNSELOR_EMAIL, "Carlos Counselor", [Role.COUNSELOR]),
    (MEDICAL_EMAIL, "Dr. Maya Medical", [Role.MEDICAL]),
    ("supervisor@demo.example.org", "Sam Supervisor", [Role.SUPERVISOR]),
    # A second supervisor: what one supervisor asks for, the other approves (four eyes).
    ("rosa.reyes@demo.example.org", "Rosa Reyes", [Role.SUPERVISOR]),
    ("admin@demo.example.org", "Ada Admin", [Role.ADMIN]),
    # The rest of the counseling team, so that caseloads and reports have something to compare.
    ("dana.ortiz@demo.example.org", "Dana Ortiz", [Role.COUNSELOR]),
    ("lee.whitfield@demo.example.org", "Lee Whitfield", [Role.COUNSELOR]),
    ("priya.raman@demo.example.org", "Priya Raman", [Role.COUNSELOR]),
]

# Which counselor a roster line names (None: awaiting assignment by the supervisor).
COUNSELORS = {
    "carlos": COUNSELOR_EMAIL,
    "dana": "dana.ortiz@demo.example.org",
    "lee": "lee.whitfield@demo.example.org",
    "priya": "priya.raman@demo.example.org",
}

DEMO_SEED = 2026

# --- The continuum: how long stays last and which levels came before ---------------------------

# Days a finished stay at each level lasted, and days the current stay has lasted so far.
FINISHED_STAY_DAYS = {
    Level.WM: (3, 7),
    Level.RES: (21, 60),
    Level.PHP: (14, 35),
    Level.IOP: (28, 70),
    Level.OP: (45, 150),
    Level.AC: (30, 365),
}
CURRENT_STAY_DAYS = {
    Level.WM: (1, 5),
    Level.RES: (5, 60),
    Level.PHP: (3, 30),
    Level.IOP: (5, 60),
    Level.OP: (10, 150),
    Level.AC: (14, 300),
}
# How likely a client now at a lower level passed through each more intensive one first.
EARLIER_LEVEL_ODDS = {
    Level.WM: 0.65,
    Level.RES: 0.7,
    Level.PHP: 0.4,
    Level.IOP: 0.6,
    Level.OP: 0.5,
}


@dataclass(frozen=True)
class PlannedStay:
    level: Level
    started_at: datetime
    ended_at: datetime | None
    reason: StayReason
    ended_by: StayEnd | None = None


@dataclass(frozen=True)
class PlannedEpisode:
    admitted_on: date
    stays: list[PlannedStay]


def level_path(rng: random.Random, level: Level) -> list[Level]:
    """The levels an episode now (or last) at `level` went through, most intensive first."""
    earlier = [
        step
        for step in BY_INTENSITY
        if step.intensity > level.intensity and rng.random() < EARLIER_LEVEL_ODDS[step]
    ]
    if level == Level.AC and not earlier:
        earlier = [Level.OP]  # aftercare follows treatment, never starts an episode
    return [*earlier, level]


def plan_episode(
    rng: random.Random,
    level: Level,
    *,
    today: date,
    zone: ZoneInfo,
    discharged_on: date | None = None,
    admitted_days_ago: int | None = None,
    now: datetime | None = None,
) -> PlannedEpisode:
    """An admission and its stays, stepping down to `level`: open today, or ended at discharge.

    Dates are worked out backwards from today (or the discharge), so that the time spent at each
    level is typical of it; `admitted_days_ago` makes it a recent admission straight to `level`.
    Stays start during the clinic's working day, in its time zone; an admission today started a
    little before `now` (withdrawal management admits around the clock).
    """
    now = now or utcnow()

    def during_working_day(day: date) -> datetime:
        local = datetime(day.year, day.month, day.day, rng.randint(8, 16), rng.choice((0, 30)))
        moment = local.replace(tzinfo=zone).astimezone(UTC)
        if day < today:
            return moment
        midnight = datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)
        return max(midnight, min(moment, now - timedelta(minutes=rng.randint(60, 150))))

    if admitted_days_ago is not None:
        path = [level]
        starts = [today - timedelta(days=admitted_days_ago)]
    elif discharged_on is None:
        path = level_path(rng, level)
        starts = [today - timedelta(days=rng.randint(*CURRENT_STAY_DAYS[level]))]
    else:
        path = level_path(rng, level)
        starts = [discharged_on - timedelta(days=rng.randint(*FINISHED_STAY_DAYS[level]))]
    for earlier in reversed(path[:-1]):
        starts.insert(0, starts[0] - timedelta(days=rng.randint(*FINISHED_STAY_DAYS[earlier])))
    moments = [during_working_day(day) for day in starts]
    ends = [*moments[1:], during_working_day(discharged_on) if discharged_on else None]
    stays = [
        PlannedStay(
            level=step,
            started_at=started,
            ended_at=ended,
            reason=StayReason.ADMISSION if index == 0 else StayReason.STEP_DOWN,
            ended_by=None
            if ended is None
            else (StayEnd.TRANSITION if index < len(path) - 1 else StayEnd.DISCHARGE),
        )
        for index, (step, started, ended) in enumerate(zip(path, moments, ends, strict=True))
    ]
    return PlannedEpisode(admitted_on=starts[0], stays=stays)


# How each substance is usually taken, most common first.
ROUTES = {
    Substance.HEROIN: (Route.INJECTION, Route.SMOKING, Route.INTRANASAL),
    Substance.FENTANYL: (Route.SMOKING, Route.INJECTION, Route.INTRANASAL),
    Substance.RX_OPIOIDS: (Route.ORAL, Route.INTRANASAL),
    Substance.METHADONE: (Route.ORAL,),
    Substance.BUPRENORPHINE: (Route.ORAL,),
    Substance.ALCOHOL: (Route.ORAL,),
    Substance.COCAINE: (Route.INTRANASAL, Route.SMOKING),
    Substance.METHAMPHETAMINE: (Route.SMOKING, Route.INJECTION),
    Substance.CANNABIS: (Route.SMOKING, Route.ORAL),
    Substance.BENZODIAZEPINES: (Route.ORAL,),
    Substance.OTHER: (Route.OTHER,),
}
OPIOIDS = frozenset(
    {
        Substance.HEROIN,
        Substance.FENTANYL,
        Substance.RX_OPIOIDS,
        Substance.METHADONE,
        Substance.BUPRENORPHINE,
    }
)


def substance_pattern(
    rng: random.Random, substances: tuple[Substance, ...]
) -> list[tuple[Substance, Route, UseFrequency]]:
    """Route and frequency at admission for each substance, the primary one used daily."""
    pattern = []
    for rank, substance in enumerate(substances, start=1):
        routes = ROUTES[substance]
        route = routes[0] if rng.random() < 0.6 else rng.choice(routes)
        if rank == 1:
            frequency = UseFrequency.DAILY if rng.random() < 0.85 else UseFrequency.SEVERAL_WEEKLY
        else:
            frequency = rng.choice(
                (UseFrequency.WEEKLY, UseFrequency.SEVERAL_WEEKLY, UseFrequency.MONTHLY)
            )
        pattern.append((substance, route, frequency))
    return pattern


PAYERS = (
    ("Montana Medicaid", 0.45),
    ("Blue Cross and Blue Shield of Montana", 0.2),
    ("PacificSource Health Plans", 0.1),
    ("Medicare", 0.07),
    ("Indian Health Service", 0.08),
    ("TRICARE", 0.03),
    ("Self-pay", 0.07),
)
REFERRAL_SOURCES = (
    (ReferralSource.SELF, 0.25),
    (ReferralSource.FAMILY, 0.15),
    (ReferralSource.HOSPITAL, 0.2),
    (ReferralSource.PHYSICIAN, 0.1),
    (ReferralSource.COURT, 0.15),
    (ReferralSource.TREATMENT_PROGRAM, 0.07),
    (ReferralSource.EMPLOYER, 0.03),
    (ReferralSource.COMMUNITY, 0.05),
)


def weighted(rng: random.Random, options):
    values, weights = zip(*options, strict=True)
    return rng.choices(values, weights=weights)[0]


def member_id_for(rng: random.Random, payer: str) -> str | None:
    if payer == "Self-pay":
        return None
    letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
    return f"{letters}{rng.randrange(10**8):08d}"


def unique_mrns(rng: random.Random, count: int) -> list[str]:
    """`count` distinct record numbers (8 random digits and a Luhn check digit)."""
    return [
        f"{body:08d}{luhn_check_digit(f'{body:08d}')}" for body in rng.sample(range(10**8), count)
    ]


# --- Montana --------------------------------------------------------------------------------

POSTAL_CODES = {
    "Anaconda": "59711",
    "Belgrade": "59714",
    "Billings": "59101",
    "Bozeman": "59715",
    "Browning": "59417",
    "Butte": "59701",
    "Dillon": "59725",
    "Glendive": "59330",
    "Great Falls": "59401",
    "Hardin": "59034",
    "Havre": "59501",
    "Helena": "59601",
    "Kalispell": "59901",
    "Lame Deer": "59043",
    "Lewistown": "59457",
    "Livingston": "59047",
    "Miles City": "59301",
    "Missoula": "59801",
    "Polson": "59860",
    "Sidney": "59270",
    "Whitefish": "59937",
}
STREETS = (
    "N 27th St",
    "Grand Ave",
    "Broadway",
    "W Spruce St",
    "Central Ave",
    "S Higgins Ave",
    "Last Chance Gulch",
    "E Main St",
    "Montana Ave",
    "1st Ave N",
    "Division St",
    "Park St",
    "Babcock St",
    "N Montana St",
    "Custer Ave",
)
RELATIONSHIPS = ("Mother", "Father", "Sister", "Brother", "Spouse", "Partner", "Friend", "Aunt")
FAMILY = frozenset({"Mother", "Father", "Sister", "Brother", "Spouse", "Aunt"})
# How each of those words is coded on the Family tab (the words are kept beside the code).
RELATIONSHIP_CODES = {
    "Mother": Relationship.PARENT,
    "Father": Relationship.PARENT,
    "Sister": Relationship.SIBLING,
    "Brother": Relationship.SIBLING,
    "Spouse": Relationship.SPOUSE,
    "Partner": Relationship.SPOUSE,
    "Friend": Relationship.FRIEND,
    "Aunt": Relationship.RELATIVE,
}


def emergency_contact_row(
    client_id: int, name: str, words: str, phone: str, created_by_id: int, at
) -> dict:
    """The emergency contact given at intake, as a row of the client's contacts."""
    return {
        "client_id": client_id,
        "name": name,
        "relationship": RELATIONSHIP_CODES[words],
        "relationship_detail": words,
        "phone": phone,
        "email": None,
        "address": None,
        "emergency_contact": True,
        "lives_with_client": False,
        "notes": None,
        "active": True,
        "created_at": at,
        "created_by_id": created_by_id,
        "version": 1,
    }


CONTACT_FIRST_NAMES = (
    "Linda",
    "Robert",
    "Karen",
    "Michael",
    "Deborah",
    "James",
    "Patricia",
    "Daniel",
    "Carmen",
    "Joseph",
    "Wanda",
    "Luis",
)
CONTACT_LAST_NAMES = ("Schultz", "Reyes", "Morning Star", "Olson", "Fischer", "Baker", "Horn")


def fictional_phone(number: int) -> str:
    """A Montana number from the 555-01xx block, reserved for fiction."""
    return f"(406) 555-01{number % 100:02d}"


# --- The clients ----------------------------------------------------------------------------

M, F, X = SexAtBirth.MALE, SexAtBirth.FEMALE, SexAtBirth.INTERSEX
HER, FEN, RX = Substance.HEROIN, Substance.FENTANYL, Substance.RX_OPIOIDS
ALC, METH, COC = Substance.ALCOHOL, Substance.METHAMPHETAMINE, Substance.COCAINE
BENZ, THC = Substance.BENZODIAZEPINES, Substance.CANNABIS


class Person(NamedTuple):
    first: str
    last: str
    preferred: str | None
    sex: SexAtBirth
    pronouns: str | None
    age: int
    city: str
    counselor: str | None = None  # a key of COUNSELORS; None while awaiting assignment
    substances: tuple[Substance, ...] = ()
    gender: str | None = None
    restricted: bool = False
    # A recent admission (0: today) still waiting for its primary counselor; None: an admission
    # as long ago as is typical of the level.
    admitted_days_ago: int | None = None


class Discharge(NamedTuple):
    level: Level  # the level the client left from
    days_ago: int
    discharge_type: DischargeType


# Clients in treatment now, by current level, one a line. Two await a primary counselor: one
# admitted today, one yesterday.
# fmt: off
IN_TREATMENT = {
    Level.WM: [
        Person("José", "Núñez", None, M, "he/him", 34, "Billings", "carlos", (FEN, METH)),
        Person("Kayla", "Running Crane", None, F, "she/her", 27, "Browning", "dana", (FEN,)),
        Person(
            "Tyler", "Brandt", None, M, "he/him", 22, "Great Falls", None, (HER, BENZ),
            admitted_days_ago=0,
        ),
        Person("Marguerite", "Lévesque", "Maggie", F, "she/her", 58, "Missoula", "priya", (RX,)),
    ],
    Level.RES: [
        Person(
            "Dakota", "Whitehorse", None, M, "they/them", 31, "Hardin", "carlos", (HER, METH),
            gender="Two-Spirit",
        ),
        Person("Brianna", "O'Connell", "Bree", F, "she/her", 24, "Butte", "lee", (FEN, COC)),
        Person("Samuel", "Hagen", "Sam", M, "he/him", 45, "Kalispell", "carlos", (ALC, RX)),
        Person("Ana Sofía", "Gutiérrez", None, F, "she/her", 29, "Billings", "dana", (FEN,)),
        Person("Travis", "McAllister", None, M, "he/him", 38, "Havre", "priya", (METH, HER)),
        Person(
            "Renée", "Dubois", None, F, "she/her", 52, "Helena", "lee", (RX, BENZ), restricted=True
        ),
        Person(
            "Jordan", "Fairbanks", None, X, "they/them", 26, "Bozeman", "priya", (FEN, THC),
            gender="Nonbinary",
        ),
        Person(
            "Marcus", "Two Bulls", None, M, "he/him", 33, "Lame Deer", None, (HER,),
            admitted_days_ago=1,
        ),
        Person("Hailey", "Nguyen", None, F, "she/her", 21, "Missoula", "dana", (FEN, METH)),
        Person("Curtis", "Peltier", None, M, "he/him", 61, "Glendive", "carlos", (ALC,)),
    ],
    Level.PHP: [
        Person("Zoë", "Andersen", None, F, "she/her", 19, "Whitefish", "lee", (RX, ALC)),
        Person("Rafael", "Ibáñez", "Rafa", M, "he/him", 40, "Belgrade", "carlos", (HER, COC)),
        Person("Cheyenne", "Littlebear", None, F, "she/her", 35, "Billings", "dana", (METH, FEN)),
        Person("Gregory", "Strand", "Greg", M, "he/him", 49, "Great Falls", "priya", (FEN, ALC)),
        Person("Mei", "Chen", None, F, "she/her", 30, "Bozeman", "lee", (HER,)),
        Person("Wyatt", "Schroeder", None, M, "he/him", 23, "Miles City", "priya", (FEN, METH)),
    ],
    Level.IOP: [
        Person("Lucía", "Fernández", None, F, "she/her", 37, "Missoula", "carlos", (RX, BENZ)),
        Person("Cody", "Jorgensen", None, M, "he/him", 28, "Livingston", "dana", (HER, METH)),
        Person("Elijah", "Redfield", "Eli", M, "he/him", 44, "Lewistown", "lee", (ALC, COC)),
        Person("Savannah", "Price", None, F, "she/her", 32, "Butte", "priya", (FEN,)),
        Person(
            "Alex", "Kowalski", None, F, "he/him", 25, "Helena", "carlos", (HER, THC),
            gender="Transgender man",
        ),
        Person("Dolores", "Martínez", "Lola", F, "she/her", 55, "Billings", "dana", (RX,)),
        Person("Brandon", "Old Elk", None, M, "he/him", 36, "Hardin", "lee", (FEN, ALC)),
        Person("Ryan", "Søndergaard", None, M, None, 41, "Sidney", "priya", (METH,)),
    ],
    Level.OP: [
        Person("Teresa", "Quintero", "Tere", F, "she/her", 47, "Kalispell", "carlos", (HER,)),
        Person("Derek", "Holmquist", None, M, "he/him", 39, "Bozeman", "dana", (RX, ALC)),
        Person("Amber", "Wolfe", None, F, "she/her", 33, "Great Falls", "lee", (FEN, COC)),
        Person("François", "Bélanger", "Frank", M, "he/him", 63, "Anaconda", "priya", (ALC, BENZ)),
        Person("Jasmine", "Tran", None, F, "she/her", 27, "Missoula", "lee", (HER, METH)),
        Person("Kenneth", "Birdinground", "Ken", M, "he/him", 52, "Billings", "dana", (RX,)),
    ],
    Level.AC: [
        Person("Rosa", "Villanueva", None, F, "she/her", 44, "Polson", "carlos", (HER,)),
        Person("Patrick", "Doyle", "Pat", M, "he/him", 67, "Helena", "lee", (ALC, RX)),
        Person("Sierra", "Blackwood", None, F, "she/her", 30, "Dillon", "priya", (FEN,)),
        Person("Miguel", "Torres-Ruiz", None, M, "he/him", 38, "Belgrade", "dana", (HER, COC)),
    ],
}
# fmt: on

# Discharged clients. The first left ten days ago, within the counselor's aftercare follow-up.
DISCHARGED = [
    (
        Person("Austin", "Krueger", None, M, "he/him", 29, "Billings", "carlos", (FEN, METH)),
        Discharge(Level.IOP, 10, DischargeType.COMPLETED),
    ),
    (
        Person("Leah", "Whiteman", None, F, "she/her", 36, "Great Falls", "dana", (HER,)),
        Discharge(Level.RES, 45, DischargeType.AGAINST_ADVICE),
    ),
    (
        Person("Dmitri", "Volkov", None, M, "he/him", 50, "Missoula", "lee", (ALC, BENZ)),
        Discharge(Level.PHP, 120, DischargeType.TRANSFERRED),
    ),
]

# Screened, not yet admitted.
NOT_ADMITTED = [
    Person("Chloé", "Martin", None, F, "she/her", 20, "Bozeman"),
    Person("Darnell", "Jackson", None, M, "he/him", 42, "Billings"),
]

# Every demo client: (person, level now or at discharge, discharge), in the order they are made.
ROSTER: list[tuple[Person, Level | None, Discharge | None]] = [
    *((person, level, None) for level, people in IN_TREATMENT.items() for person in people),
    *((person, discharge.level, discharge) for person, discharge in DISCHARGED),
    *((person, None, None) for person in NOT_ADMITTED),
]

DISCHARGE_REASONS = {
    DischargeType.COMPLETED: "Met the discharge criteria of the plan; continuing with a MOUD "
    "prescriber, a sponsor and the alumni group.",
    DischargeType.AGAINST_ADVICE: "Left the program before the plan was complete; outreach "
    "call made the next day.",
    DischargeType.TRANSFERRED: "Transferred to a program closer to family.",
}


def database_is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def load_demo() -> list[User]:
    """Create the demo accounts and the demo clinic's clients; the caller commits."""
    users = [
        accounts.create_user(
            email, name, roles, DEMO_PASSWORD, actor=None, must_change_password=False, via="seed"
        )
        for email, name, roles in DEMO_USERS
    ]
    staff = {user.email: user for user in users}
    load_demo_directory(staff["admin@demo.example.org"].id)
    load_demo_clients(staff)
    load_demo_assessments(staff, safety_counselor=staff[COUNSELOR_EMAIL])
    load_demo_plans(supervisor=staff["supervisor@demo.example.org"])
    load_demo_moves(staff[COUNSELOR_EMAIL], staff["supervisor@demo.example.org"])
    load_demo_consents(
        intake=staff[INTAKE_EMAIL], counselor=staff[COUNSELOR_EMAIL], medical=staff[MEDICAL_EMAIL]
    )
    return users


def load_demo_clients(staff: dict[str, User]) -> list[Client]:
    """The roster's clients, their episodes, stays and care teams; `staff` maps email to user."""
    rng = random.Random(DEMO_SEED)  # noqa: S311 (reproducible demo data, not secrets)
    today = clinic_today()
    now = utcnow()
    zone = ZoneInfo(current_app.config["CLINIC_TIMEZONE"])
    intake = staff[INTAKE_EMAIL]
    supervisor = staff["supervisor@demo.example.org"]
    medical = staff[MEDICAL_EMAIL]
    counselors = [staff[email] for email in COUNSELORS.values()]
    mrns = unique_mrns(rng, len(ROSTER))

    clients = []
    for number, ((person, level, discharge), mrn) in enumerate(zip(ROSTER, mrns, strict=True)):
        client, (name, words, phone) = _client(rng, person, number, mrn, today, intake)
        db.session.add(client)
        db.session.flush()
        db.session.add(
            Contact(**emergency_contact_row(client.id, name, words, phone, intake.id, now))
        )
        clients.append(client)
        if level is None:
            client.created_at = now - timedelta(hours=rng.randint(2, 120))  # screened lately
            continue
        discharged_on = today - timedelta(days=discharge.days_ago) if discharge else None
        plan = plan_episode(
            rng,
            level,
            today=today,
            now=now,
            zone=zone,
            discharged_on=discharged_on,
            admitted_days_ago=person.admitted_days_ago,
        )
        # Entered minutes after the client arrived; the record was made during the screening.
        entered = min(now, plan.stays[0].started_at + timedelta(minutes=rng.randint(10, 45)))
        client.created_at = plan.stays[0].started_at - timedelta(minutes=rng.randint(20, 90))
        payer = weighted(rng, PAYERS)
        episode = Episode(
            created_at=entered,
            client_id=client.id,
            admitted_on=plan.admitted_on,
            referral_source=weighted(rng, REFERRAL_SOURCES),
            payer=payer,
            member_id=member_id_for(rng, payer),
            discharged_on=discharged_on,
            discharge_type=discharge.discharge_type if discharge else None,
            discharge_reason=DISCHARGE_REASONS[discharge.discharge_type] if discharge else None,
            admitted_by_id=intake.id,
        )
        episode.substances = [
            SubstanceUse(rank=rank, substance=substance, route=route, frequency=frequency)
            for rank, (substance, route, frequency) in enumerate(
                substance_pattern(rng, person.substances), start=1
            )
        ]
        db.session.add(episode)
        db.session.flush()
        primary = staff[COUNSELORS[person.counselor]] if person.counselor else None
        for stay in plan.stays:
            step_down = stay.reason == StayReason.STEP_DOWN
            db.session.add(
                LevelOfCareStay(
                    episode_id=episode.id,
                    level=stay.level,
                    started_at=stay.started_at,
                    ended_at=stay.ended_at,
                    ended_by=stay.ended_by,
                    reason=stay.reason,
                    requested_by_id=(primary or intake).id if step_down else intake.id,
                    approved_by_id=supervisor.id,
                )
            )
        assigned_at = min(now, plan.stays[0].started_at + timedelta(hours=2))
        for user, team_role in _care_team(rng, person, level, primary, medical, counselors):
            db.session.add(
                CareTeamMember(
                    episode_id=episode.id,
                    user_id=user.id,
                    team_role=team_role,
                    added_at=assigned_at,
                    added_by_id=supervisor.id,
                )
            )
    db.session.flush()
    return clients


def _client(
    rng: random.Random, person: Person, number: int, mrn: str, today: date, intake: User
) -> tuple[Client, tuple[str, str, str]]:
    """The client, and the emergency contact they gave (name, relationship, phone)."""
    born = today - timedelta(days=person.age * 365 + rng.randint(10, 350))
    relationship = rng.choice(RELATIONSHIPS)
    contact_last = person.last if relationship in FAMILY else rng.choice(CONTACT_LAST_NAMES)
    email = None
    if rng.random() < 0.6:
        local = f"{fold_name(person.first)}.{fold_name(person.last)}".replace(" ", "")
        email = f"{local}@example.com"
    client = Client(
        mrn=mrn,
        legal_first_name=person.first,
        legal_last_name=person.last,
        preferred_name=person.preferred,
        date_of_birth=born,
        sex_at_birth=person.sex,
        gender_identity=person.gender,
        pronouns=person.pronouns,
        phone=fictional_phone(number),
        email=email,
        address=f"{rng.randint(100, 4999)} {rng.choice(STREETS)}",
        city=person.city,
        state="MT",
        postal_code=POSTAL_CODES[person.city],
        restricted=person.restricted,
        created_by_id=intake.id,
    )
    # Drawn in the order the emergency contact's columns on the client once were, so that the
    # demo clinic stays the same clinic.
    emergency = (
        f"{rng.choice(CONTACT_FIRST_NAMES)} {contact_last}",
        relationship,
        fictional_phone(number + 50),
    )
    return client, emergency


def _care_team(
    rng: random.Random,
    person: Person,
    level: Level,
    primary: User | None,
    medical: User,
    counselors: list[User],
) -> list[tuple[User, TeamRole]]:
    """The primary counselor, the physician for withdrawal management or medication for opioid
    use disorder, and now and then a second counselor as therapist."""
    team = [(primary, TeamRole.PRIMARY_COUNSELOR)] if primary else []
    on_moud = person.substances[0] in OPIOIDS and rng.random() < 0.4
    if level == Level.WM or on_moud:
        team.append((medical, TeamRole.MEDICAL))
    if primary and rng.random() < 0.25:
        others = [counselor for counselor in counselors if counselor != primary]
        team.append((rng.choice(others), TeamRole.THERAPIST))
    return team
