"""Synthetic data at the size of a large program, for benchmarks: `flask seed scale --clients N`.

Staff (one supervisor, one administrator, a counselor for every 40 clients, a few intake and
medical staff) and N clients spread over the continuum like the demo clinic: about 88% in
treatment, 10% discharged, the rest screened but not admitted; some readmitted after an earlier
episode. Rows go in with Core `insert()` executemany in chunks, not ORM objects one by one, and
every account shares one password, hashed once (scrypt is slow on purpose).
"""

import itertools
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import generate_password_hash

from clinic.auth.models import DEFAULT_PASSWORD_METHOD, Role, User, UserRole
from clinic.clients import census_counts
from clinic.clients.contacts import Contact
from clinic.clients.levels import Level
from clinic.clients.models import (
    CareTeamMember,
    Client,
    ClientNameWord,
    Episode,
    SubstanceUse,
    fold_name,
    name_words,
)
from clinic.clients.stays import LevelOfCareStay, StayReason
from clinic.clients.vocabulary import DischargeType, SexAtBirth, Substance, TeamRole
from clinic.core.clock import clinic_today, utcnow
from clinic.directory.models import Provider
from clinic.extensions import db
from clinic.seed import scale_consents, scale_history
from clinic.seed.demo import (
    CONTACT_FIRST_NAMES,
    CONTACT_LAST_NAMES,
    DISCHARGE_REASONS,
    FAMILY,
    OPIOIDS,
    PAYERS,
    POSTAL_CODES,
    REFERRAL_SOURCES,
    RELATIONSHIPS,
    STREETS,
    PlannedEpisode,
    emergency_contact_row,
    member_id_for,
    plan_episode,
    substance_pattern,
    unique_mrns,
    weighted,
)
from clinic.seed.demo_directory import provider_rows

# Synthetic data only, never loaded in production; scripts/bench signs in with these.
SCALE_PASSWORD = "synthetic-scale-data-only-bench"  # noqa: S105
SCALE_DOMAIN = "scale.example.org"
SUPERVISOR_EMAIL = f"supervisor@{SCALE_DOMAIN}"
ADMIN_EMAIL = f"admin@{SCALE_DOMAIN}"
SCALE_SEED = 4242
CLIENTS_PER_COUNSELOR = 40
CHUNK = 5000


def counselor_email(number: int) -> str:
    return f"counselor{number:04d}@{SCALE_DOMAIN}"


# The counselor with the first caseload (about 35 clients in treatment), for benchmarks.
FIRST_COUNSELOR_EMAIL = counselor_email(1)

# Current levels in the proportions of the demo clinic (WM 4, RES 10, PHP 6, IOP 8, OP 6, AC 4).
LEVEL_MIX = (
    (Level.WM, 4),
    (Level.RES, 10),
    (Level.PHP, 6),
    (Level.IOP, 8),
    (Level.OP, 6),
    (Level.AC, 4),
)
# Where discharged episodes ended.
DISCHARGE_LEVEL_MIX = (
    (Level.WM, 2),
    (Level.RES, 4),
    (Level.PHP, 2),
    (Level.IOP, 4),
    (Level.OP, 3),
    (Level.AC, 3),
)
DISCHARGE_TYPE_MIX = (
    (DischargeType.COMPLETED, 50),
    (DischargeType.AGAINST_ADVICE, 25),
    (DischargeType.TRANSFERRED, 10),
    (DischargeType.ADMINISTRATIVE, 10),
    (DischargeType.OTHER, 4),
    (DischargeType.DECEASED, 1),
)
PRIMARY_SUBSTANCES = (
    (Substance.FENTANYL, 35),
    (Substance.HEROIN, 25),
    (Substance.RX_OPIOIDS, 15),
    (Substance.ALCOHOL, 12),
    (Substance.METHAMPHETAMINE, 10),
    (Substance.COCAINE, 3),
)
OTHER_SUBSTANCES = (
    Substance.ALCOHOL,
    Substance.METHAMPHETAMINE,
    Substance.COCAINE,
    Substance.BENZODIAZEPINES,
    Substance.CANNABIS,
    Substance.HEROIN,
    Substance.FENTANYL,
)
SEXES = (
    (SexAtBirth.MALE, 60),
    (SexAtBirth.FEMALE, 38),
    (SexAtBirth.UNKNOWN, 1.5),
    (SexAtBirth.INTERSEX, 0.5),
)

FEMALE_NAMES = (
    "Abigail", "Alicia", "Amanda", "Amber", "Ana", "Andrea", "Ashley", "Beatriz", "Brianna",
    "Brittany", "Carmen", "Cheyenne", "Chloé", "Crystal", "Danielle", "Destiny", "Elizabeth",
    "Emily", "Erin", "Françoise", "Hailey", "Heather", "Inés", "Jasmine", "Jennifer", "Jessica",
    "Katherine", "Kayla", "Kelsey", "Kimberly", "Laura", "Leah", "Lucía", "Mackenzie", "Margaret",
    "María", "Megan", "Mei", "Melissa", "Michelle", "Monique", "Nicole", "Noémie", "Rachel",
    "Rebecca", "Renée", "Rosa", "Samantha", "Sarah", "Savannah", "Shannon", "Sierra", "Stephanie",
    "Tamara", "Tiffany", "Valeria", "Victoria", "Winona", "Zoë",
)  # fmt: skip
MALE_NAMES = (
    "Aaron", "Alexander", "Andrés", "Anthony", "Austin", "Benjamin", "Brandon", "Caleb", "Carlos",
    "Christopher", "Cody", "Curtis", "Daniel", "Dakota", "David", "Derek", "Dmitri", "Dustin",
    "Eli", "Eric", "Ethan", "François", "Gabriel", "Gregory", "Hunter", "Isaac", "Jacob", "James",
    "Jason", "Javier", "Jeremy", "Jesús", "John", "Jordan", "José", "Joseph", "Joshua", "Justin",
    "Kenneth", "Kyle", "Logan", "Lucas", "Marcus", "Matthew", "Michael", "Miguel", "Nathan",
    "Nicholas", "Patrick", "Rafael", "Richard", "Robert", "Ryan", "Samuel", "Thomas", "Travis",
    "Tyler", "William", "Wyatt", "Zachary",
)  # fmt: skip
# Common names first: the weights fall off with the position, as surnames do in real life.
LAST_NAMES = (
    "Smith", "Johnson", "Miller", "Anderson", "Martin", "Martínez", "Johnston", "Nelson",
    "Olson", "Peterson", "Hansen", "Larson", "Thompson", "Brown", "Williams", "Jones", "Davis",
    "García", "Rodríguez", "Hernández", "López", "González", "Wilson", "Moore", "Taylor",
    "Thomas", "Jackson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young",
    "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams",
    "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Schmidt", "Schultz",
    "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffman", "Jorgensen", "Christensen",
    "Sorensen", "Lund", "Strand", "Berg", "Holmquist", "Søndergaard", "O'Brien", "O'Connell",
    "McAllister", "Murphy", "Kelly", "Sullivan", "Doyle", "Running Crane", "Two Bulls", "Old Elk",
    "Littlebear", "Whitehorse", "Birdinground", "Yellow Robe", "Morning Star", "Bull Shows",
    "Real Bird", "Chen", "Tran", "Le", "Pham", "Kim", "Park", "Dubois", "Lévesque", "Bélanger",
    "Côté", "Gagnon", "Núñez", "Ibáñez", "Gutiérrez", "Fernández", "Peña", "Quintero",
    "Villanueva", "Kowalski", "Nowak", "Volkov", "Ivanov", "Torres-Ruiz", "Lee-Smith",
)  # fmt: skip
# Zipf-like: the n-th surname is about 1/n as common as the first, flattened a little.
LAST_NAME_CUMULATIVE_WEIGHTS = list(
    itertools.accumulate(1 / (rank + 3) for rank in range(len(LAST_NAMES)))
)
NICKNAMES = {
    "Alexander": "Alex",
    "Benjamin": "Ben",
    "Christopher": "Chris",
    "Elizabeth": "Liz",
    "Gregory": "Greg",
    "Jennifer": "Jen",
    "Katherine": "Kate",
    "Kenneth": "Ken",
    "Margaret": "Maggie",
    "Michael": "Mike",
    "Nicholas": "Nick",
    "Rafael": "Rafa",
    "Robert": "Bob",
    "Samantha": "Sam",
    "William": "Will",
    "Zachary": "Zach",
}
# Where clients live: the larger towns more often.
CITIES = tuple(POSTAL_CODES)
LARGER_TOWNS = {"Billings": 12, "Missoula": 9, "Great Falls": 8, "Bozeman": 6, "Helena": 5}
CITY_WEIGHTS = tuple(LARGER_TOWNS.get(city, 2) for city in CITIES)


def existing_data_problem() -> str | None:
    """Why synthetic data cannot go into this database now, or None when it can."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Client)):
        return "the database already has clients; synthetic data goes into an empty database"
    taken = sa.select(User.id).where(User.email.like(f"%@{SCALE_DOMAIN}"))
    if db.session.scalar(sa.select(taken.exists())):
        return f"the database already has synthetic accounts (@{SCALE_DOMAIN})"
    return None


@dataclass
class Staff:
    supervisor: int
    intake: list[int]
    counselors: list[int]
    medical: list[int]


@dataclass
class ScaleResult:
    rows: Counter = field(default_factory=Counter)
    seconds: float = 0.0


def load_scale(client_count: int, *, seed: int = SCALE_SEED, history: bool = True) -> ScaleResult:
    """Insert the synthetic staff and `client_count` clients, with their history unless
    `history` is false (clinic/seed/scale_history.py); the caller commits."""
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 (reproducible synthetic data, not secrets)
    result = ScaleResult()
    now = utcnow()
    if db.session.get_bind().dialect.name == "sqlite":
        # The whole load is one transaction: with SQLite's default 2 MB page cache, pages spill
        # to the WAL and are read back again and again. About 10 kB per client, up to 1 GB.
        kibibytes = min(1 << 20, max(2000, 10 * client_count))
        db.session.execute(sa.text(f"PRAGMA cache_size = -{kibibytes}"))
    with census_counts.bulk_load():
        staff = _insert_staff(rng, client_count, now, result.rows)
        if db.session.scalar(sa.select(sa.func.count()).select_from(Provider)) == 0:
            _insert(Provider, provider_rows(None), result.rows)
        episodes = _insert_clients(rng, client_count, staff, now, result.rows)
        scale_history.reset_sequences(model.__table__ for model in GIVEN_IDS)
        if history:
            scale_history.load_history(
                rng,
                episodes,
                scale_history.Staff(staff.supervisor, staff.counselors, staff.medical),
                now,
                result.rows,
                client_count,
            )
        scale_consents.load_scale_consents(
            rng,
            episodes,
            staff.supervisor,
            now,
            lambda model, rows: _insert(model, rows, result.rows),
        )
    result.seconds = time.perf_counter() - started
    return result


# Tables empty when a load starts (nothing refers to them without a client), so that ids can be
# given here; the accounts table may already have accounts.
GIVEN_IDS = (Client, Episode, LevelOfCareStay)


def _insert(model, rows: list[dict], counts: Counter, *, returning: bool = False) -> list[int]:
    """Insert `rows` in chunks (executemany); with `returning`, their ids, in order."""
    table = model.__table__
    counts[table.name] += len(rows)
    if not returning:
        scale_history.write_rows(table, rows)
        return []
    if model in GIVEN_IDS:  # empty (no clients yet): ids given here, no RETURNING round trips
        first = scale_history.first_free_id(table)
        ids = list(range(first, first + len(rows)))
        for row, row_id in zip(rows, ids, strict=True):
            row["id"] = row_id
        scale_history.write_rows(table, rows)
        return ids
    ids = []
    statement = table.insert().returning(table.c.id, sort_by_parameter_order=True)
    for start in range(0, len(rows), CHUNK):
        ids.extend(db.session.execute(statement, rows[start : start + CHUNK]).scalars())
    return ids


def _insert_staff(rng: random.Random, client_count: int, now: datetime, counts: Counter) -> Staff:
    method = current_app.config.get("PASSWORD_HASH_METHOD", DEFAULT_PASSWORD_METHOD)
    password_hash = generate_password_hash(SCALE_PASSWORD, method)  # once, for every account
    accounts: list[tuple[str, Role]] = [
        (SUPERVISOR_EMAIL, Role.SUPERVISOR),
        (ADMIN_EMAIL, Role.ADMIN),
        *(
            (f"intake{number:02d}@{SCALE_DOMAIN}", Role.INTAKE)
            for number in range(1, max(1, client_count // 2000) + 1)
        ),
        *(
            (counselor_email(number), Role.COUNSELOR)
            for number in range(1, max(1, client_count // CLIENTS_PER_COUNSELOR) + 1)
        ),
        *(
            (f"medical{number:02d}@{SCALE_DOMAIN}", Role.MEDICAL)
            for number in range(1, max(2, client_count // 2000) + 1)
        ),
    ]
    rows = [
        {
            "email": email,
            "full_name": f"{rng.choice(FEMALE_NAMES + MALE_NAMES)} {rng.choice(LAST_NAMES)}",
            "password_hash": password_hash,
            "active": True,
            "must_change_password": False,
            "session_version": 1,
            "password_changed_at": now,
            "created_at": now,
            "version": 1,
        }
        for email, _role in accounts
    ]
    ids = _insert(User, rows, counts, returning=True)
    roles = list(zip(ids, (role for _email, role in accounts), strict=True))
    _insert(UserRole, [{"user_id": user_id, "role": role} for user_id, role in roles], counts)
    by_role: dict[Role, list[int]] = {role: [] for role in Role}
    for user_id, role in roles:
        by_role[role].append(user_id)
    return Staff(
        supervisor=by_role[Role.SUPERVISOR][0],
        intake=by_role[Role.INTAKE],
        counselors=by_role[Role.COUNSELOR],
        medical=by_role[Role.MEDICAL],
    )


@dataclass
class EpisodeDraft:
    """An episode waiting for its client's id, and its stays and team waiting for its own."""

    client_index: int
    plan: PlannedEpisode
    substances: list[tuple]
    discharged_on: date | None
    discharge_type: DischargeType | None
    admitted_by: int
    team: list[tuple[int, TeamRole]]

    @property
    def primary_counselor(self) -> int | None:
        return next((user for user, role in self.team if role == TeamRole.PRIMARY_COUNSELOR), None)


def _insert_clients(
    rng: random.Random, client_count: int, staff: Staff, now: datetime, counts: Counter
) -> list[scale_history.EpisodeFacts]:
    today = clinic_today()
    zone = ZoneInfo(current_app.config["CLINIC_TIMEZONE"])
    mrns = unique_mrns(rng, client_count)
    clients: list[dict] = []
    drafts: list[EpisodeDraft] = []
    in_treatment = 0
    for index in range(client_count):
        age = rng.randint(19, 70)
        clients.append(_client_row(rng, mrns[index], age, today, staff, now))
        kind = rng.random()
        if kind < 0.02:
            continue  # screened, not yet admitted
        if kind < 0.12:
            level = weighted(rng, DISCHARGE_LEVEL_MIX)
            discharged_on = today - timedelta(days=rng.randint(1, 400))
        else:
            level = weighted(rng, LEVEL_MIX)
            discharged_on = None
        place = in_treatment if discharged_on is None else None
        draft = _draft(rng, index, level, discharged_on, today, zone, staff, place)
        drafts.append(draft)
        if discharged_on is None:
            in_treatment += 1
        if age >= 25 and rng.random() < 0.08:
            # Readmitted: an earlier episode, discharged some months before this admission.
            earlier_end = draft.plan.admitted_on - timedelta(days=rng.randint(30, 400))
            earlier_level = weighted(rng, DISCHARGE_LEVEL_MIX)
            drafts.append(_draft(rng, index, earlier_level, earlier_end, today, zone, staff, None))

    emergency = [row.pop("emergency") for row in clients]
    client_ids = _insert(Client, clients, counts, returning=True)
    _insert(
        Contact,
        [
            emergency_contact_row(client_id, name, words, phone, row["created_by_id"], now)
            for client_id, row, (name, words, phone) in zip(
                client_ids, clients, emergency, strict=True
            )
        ],
        counts,
    )
    # Core inserts skip Client's validator, which keeps the words in step: write them here.
    words = [
        {"client_id": client_id, "word": word}
        for client_id, row in zip(client_ids, clients, strict=True)
        for word in sorted(
            name_words(row["legal_first_name"], row["legal_last_name"], row["preferred_name"])
        )
    ]
    _insert(ClientNameWord, words, counts)
    episode_ids = _insert(
        Episode,
        [
            {
                "client_id": client_ids[draft.client_index],
                "admitted_on": draft.plan.admitted_on,
                "referral_source": weighted(rng, REFERRAL_SOURCES),
                **_payer(rng),
                "authorization_notes": None,
                "discharged_on": draft.discharged_on,
                "discharge_type": draft.discharge_type,
                "discharge_reason": DISCHARGE_REASONS.get(draft.discharge_type),
                "admitted_by_id": draft.admitted_by,
                "created_at": draft.plan.stays[0].started_at,
                "version": 1,
            }
            for draft in drafts
        ],
        counts,
        returning=True,
    )
    stays, substances, members = [], [], []
    open_stays: list[int | None] = []  # per episode, the index in `stays` of its open stay
    for episode_id, draft in zip(episode_ids, drafts, strict=True):
        open_stays.append(
            len(stays) + len(draft.plan.stays) - 1 if draft.discharged_on is None else None
        )
        primary = draft.primary_counselor
        for stay in draft.plan.stays:
            step_down = stay.reason == StayReason.STEP_DOWN
            stays.append(
                {
                    "episode_id": episode_id,
                    "level": stay.level,
                    "started_at": stay.started_at,
                    "ended_at": stay.ended_at,
                    "ended_by": stay.ended_by,
                    "reason": stay.reason,
                    "requested_by_id": primary if step_down and primary else draft.admitted_by,
                    "approved_by_id": staff.supervisor,
                }
            )
        substances.extend(
            {
                "episode_id": episode_id,
                "rank": rank,
                "substance": substance,
                "route": route,
                "frequency": frequency,
            }
            for rank, (substance, route, frequency) in enumerate(draft.substances, start=1)
        )
        assigned_at = draft.plan.stays[0].started_at + timedelta(hours=2)
        members.extend(
            {
                "episode_id": episode_id,
                "user_id": user_id,
                "team_role": team_role,
                "added_at": assigned_at,
                "added_by_id": staff.supervisor,
                "removed_at": None,
                "removed_by_id": None,
            }
            for user_id, team_role in draft.team
        )
    stay_ids = _insert(LevelOfCareStay, stays, counts, returning=True)
    _insert(SubstanceUse, substances, counts)
    _insert(CareTeamMember, members, counts)
    return [
        scale_history.EpisodeFacts(
            id=episode_id,
            client_id=client_ids[draft.client_index],
            sex="male"
            if clients[draft.client_index]["sex_at_birth"] == SexAtBirth.MALE
            else "female",
            stays=draft.plan.stays,
            open_stay_id=stay_ids[place] if place is not None else None,
            primary=draft.primary_counselor,
            medical=next((user for user, role in draft.team if role == TeamRole.MEDICAL), None),
            admitted_by=draft.admitted_by,
            substances=tuple(substance for substance, _route, _frequency in draft.substances),
        )
        for episode_id, draft, place in zip(episode_ids, drafts, open_stays, strict=True)
    ]


def _client_row(
    rng: random.Random, mrn: str, age: int, today: date, staff: Staff, now: datetime
) -> dict:
    sex = weighted(rng, SEXES)
    female = sex == SexAtBirth.FEMALE or (sex != SexAtBirth.MALE and rng.random() < 0.5)
    first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
    last = rng.choices(LAST_NAMES, cum_weights=LAST_NAME_CUMULATIVE_WEIGHTS)[0]
    nonbinary = rng.random() < 0.02
    city = rng.choices(CITIES, weights=CITY_WEIGHTS)[0]
    relationship = rng.choice(RELATIONSHIPS)
    contact_last = last if relationship in FAMILY else rng.choice(CONTACT_LAST_NAMES)
    return {
        "mrn": mrn,
        "legal_first_name": first,
        "legal_last_name": last,
        "preferred_name": NICKNAMES.get(first) if rng.random() < 0.5 else None,
        "date_of_birth": today - timedelta(days=age * 365 + rng.randint(0, 364)),
        "sex_at_birth": sex,
        "gender_identity": "Nonbinary" if nonbinary else None,
        "pronouns": "they/them" if nonbinary else ("she/her" if female else "he/him"),
        "phone": f"(406) 555-01{rng.randrange(100):02d}",
        "email": None,
        "address": f"{rng.randint(100, 4999)} {rng.choice(STREETS)}",
        "city": city,
        "state": "MT",
        "postal_code": POSTAL_CODES[city],
        # Taken out before the insert: the emergency contact, a row of client_contacts.
        "emergency": (
            f"{rng.choice(CONTACT_FIRST_NAMES)} {contact_last}",
            relationship,
            f"(406) 555-01{rng.randrange(100):02d}",
        ),
        "restricted": rng.random() < 0.005,
        "search_name": fold_name(last, first),
        "search_name_reversed": fold_name(first, last),
        "created_at": now,
        "created_by_id": rng.choice(staff.intake),
        "version": 1,
    }


def _draft(
    rng: random.Random,
    client_index: int,
    level: Level,
    discharged_on: date | None,
    today: date,
    zone: ZoneInfo,
    staff: Staff,
    place: int | None,
) -> EpisodeDraft:
    """One episode. Open episodes (the `place`-th) go round the counselors in turn, so that
    caseloads come out even; about one in a thousand still awaits a primary counselor."""
    plan = plan_episode(rng, level, today=today, zone=zone, discharged_on=discharged_on)
    primary_substance = weighted(rng, PRIMARY_SUBSTANCES)
    others = [other for other in OTHER_SUBSTANCES if other != primary_substance]
    extra = 0 if rng.random() < 0.5 else (1 if rng.random() < 0.8 else 2)
    substances = substance_pattern(rng, (primary_substance, *rng.sample(others, extra)))

    counselors = staff.counselors
    if place is None:
        primary = rng.choice(counselors)
    elif place % 1000 == 999:
        primary = None
    else:
        primary = counselors[place % len(counselors)]
    team = [(primary, TeamRole.PRIMARY_COUNSELOR)] if primary else []
    if level == Level.WM or (primary_substance in OPIOIDS and rng.random() < 0.3):
        team.append((rng.choice(staff.medical), TeamRole.MEDICAL))
    if primary and len(counselors) > 1 and rng.random() < 0.1:
        therapist = rng.choice([counselor for counselor in counselors if counselor != primary])
        team.append((therapist, TeamRole.THERAPIST))
    return EpisodeDraft(
        client_index=client_index,
        plan=plan,
        substances=substances,
        discharged_on=discharged_on,
        discharge_type=weighted(rng, DISCHARGE_TYPE_MIX) if discharged_on else None,
        admitted_by=rng.choice(staff.intake),
        team=team,
    )


def _payer(rng: random.Random) -> dict:
    payer = weighted(rng, PAYERS)
    return {"payer": payer, "member_id": member_id_for(rng, payer)}
