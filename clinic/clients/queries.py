"""The reads behind the client list, the chart and caseloads, each a fixed number of queries."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload

from clinic.auth.models import User, UserRole
from clinic.clients import access
from clinic.clients.census_counts import open_by_level
from clinic.clients.levels import BY_INTENSITY, Level
from clinic.clients.models import (
    CareTeamMember,
    Client,
    ClientNameWord,
    EmergencyAccess,
    Episode,
    SubstanceUse,
)
from clinic.clients.stays import LevelCorrection, LevelOfCareStay
from clinic.clients.vocabulary import TeamRole
from clinic.core.clock import utcnow
from clinic.extensions import db

OpenEpisode = aliased(Episode, name="open_episode")
PrimaryUser = aliased(User, name="primary_user")
OPEN_EPISODE_OF_CLIENT = sa.and_(
    OpenEpisode.client_id == Client.id, OpenEpisode.discharged_on.is_(None)
)


def client_rows():
    """Clients with their open episode, current level (and since when) and primary counselor.

    Plain columns, not ORM objects: lists of hundreds of rows stay cheap. Columns are named
    like the model attributes, plus episode_id, admitted_on, level, level_since, counselor_id
    and counselor_name (None when there is no open episode or no primary counselor). The level
    and counselor are the episode's copies (see Episode.current_level): two joins, not four.
    """
    return (
        sa.select(
            Client.id,
            Client.mrn,
            Client.preferred_name,
            Client.legal_first_name,
            Client.legal_last_name,
            Client.date_of_birth,
            Client.restricted,
            OpenEpisode.id.label("episode_id"),
            OpenEpisode.admitted_on,
            OpenEpisode.current_level.label("level"),
            OpenEpisode.level_since,
            OpenEpisode.primary_counselor_id.label("counselor_id"),
            PrimaryUser.full_name.label("counselor_name"),
        )
        .outerjoin(OpenEpisode, OPEN_EPISODE_OF_CLIENT)
        .outerjoin(PrimaryUser, PrimaryUser.id == OpenEpisode.primary_counselor_id)
    )


def client_keys():
    """Client ids with their open episode: every column the list filters and sorts on, none of
    client_rows()' other joins. A page is chosen on these, then client_rows() fills it in."""
    return sa.select(Client.id).outerjoin(OpenEpisode, OPEN_EPISODE_OF_CLIENT)


def count_clients(*conditions) -> sa.Select:
    """A count of clients that skips client_rows()' joins (each joins at most one row)."""
    return sa.select(sa.func.count()).select_from(Client).where(*conditions)


# The list counts its matches no further than this (or than the page asked for): "1,000+".
COUNT_CAP = 1000


def capped_count(keys: sa.Select, cap: int) -> sa.Select:
    """How many rows `keys` selects, counted no further than `cap` + 1: a LIMIT in a subquery,
    so that the count costs at most cap + 1 index entries however large the clinic."""
    return sa.select(sa.func.count()).select_from(keys.order_by(None).limit(cap + 1).subquery())


# The counselor filter offers at most this many counselors whose name holds the text typed.
COUNSELOR_MATCHES = 20


@dataclass(frozen=True)
class CounselorChoice:
    id: int
    name: str
    matches: bool  # the name holds the text typed


def counselors_for_filter(text: str, chosen_id: int | None) -> list[CounselorChoice]:
    """The counselor filter's choices in one bounded query: the active counselors (who may be
    primary counselors) whose name holds `text` (none when `text` is empty), by name, at most
    COUNSELOR_MATCHES + 1 of them (one more says "there are more"), and the counselor
    `chosen_id` first when it is one."""
    role = access.staff_role_for(TeamRole.PRIMARY_COUNSELOR)
    text = text.strip().lower()
    if text:
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        matches = sa.func.lower(User.full_name).like(f"%{escaped}%", escape="\\")
    else:
        matches = sa.false()
    chosen = User.id == chosen_id if chosen_id is not None else sa.false()
    rows = db.session.execute(
        sa.select(User.id, User.full_name, matches.label("matches"))
        .where(
            User.active.is_(True),
            User.id.in_(sa.select(UserRole.user_id).where(UserRole.role == role)),
            sa.or_(chosen, matches),
        )
        .order_by(sa.case((chosen, 0), else_=1), User.full_name, User.id)
        .limit(COUNSELOR_MATCHES + 2)
    )
    return [CounselorChoice(row.id, row.full_name, bool(row.matches)) for row in rows]


def name_prefix(column, prefix: str):
    """`column` starts with `prefix` (not empty): a range the index answers, then LIKE for
    exactness."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    conditions = [column >= prefix, column.like(f"{escaped}%", escape="\\")]
    if ord(prefix[-1]) < 0x10FFFF:
        conditions.append(column < prefix[:-1] + chr(ord(prefix[-1]) + 1))
    return sa.and_(*conditions)


def name_word_prefix(term: str):
    """The client has a name word starting with `term` (a search term, see search_terms): a
    range on the word index, read once for the whole query."""
    return Client.id.in_(
        sa.select(ClientNameWord.client_id).where(name_prefix(ClientNameWord.word, term))
    )


LEVEL_ORDER = sa.case(
    {level.value: -level.intensity for level in Level}, value=OpenEpisode.current_level
)

# Every order ends with the id, so that a page boundary never splits ties differently.
SORTS = {
    "name": (Client.search_name, Client.id),
    "mrn": (Client.mrn, Client.id),
    "dob": (Client.date_of_birth, Client.search_name, Client.id),
    "admitted": (OpenEpisode.admitted_on.desc().nulls_last(), Client.search_name, Client.id),
    "level": (LEVEL_ORDER.nulls_last(), Client.search_name, Client.id),
}


@dataclass(frozen=True)
class ChartHeader:
    episode_id: int | None
    admitted_on: date | None
    level: Level | None
    level_since: datetime | None
    counselor_name: str | None

    def days_in_treatment(self, today: date) -> int | None:
        return (today - self.admitted_on).days if self.admitted_on else None


@dataclass(frozen=True)
class ChartDetail:
    episodes: list[Episode]
    stays: dict[int, list[LevelOfCareStay]]
    teams: dict[int, list[CareTeamMember]]
    substances: dict[int, list[SubstanceUse]]
    corrections: dict[int, str]  # stay id -> why a supervisor entered it as a correction


def chart_detail(client_id: int) -> ChartDetail:
    """Every episode of the client with its stays (and their corrections), care team history and
    substances: 5 queries."""
    episodes = list(
        db.session.scalars(
            sa.select(Episode)
            .where(Episode.client_id == client_id)
            .order_by(Episode.admitted_on.desc(), Episode.id.desc())
        )
    )
    ids = [episode.id for episode in episodes]
    stays: dict[int, list[LevelOfCareStay]] = {episode_id: [] for episode_id in ids}
    teams: dict[int, list[CareTeamMember]] = {episode_id: [] for episode_id in ids}
    substances: dict[int, list[SubstanceUse]] = {episode_id: [] for episode_id in ids}
    if ids:
        for stay in db.session.scalars(
            sa.select(LevelOfCareStay)
            .where(LevelOfCareStay.episode_id.in_(ids))
            .order_by(LevelOfCareStay.started_at, LevelOfCareStay.id)
        ):
            stays[stay.episode_id].append(stay)
        for member in db.session.scalars(
            sa.select(CareTeamMember)
            .where(CareTeamMember.episode_id.in_(ids))
            .options(joinedload(CareTeamMember.user))
            .order_by(CareTeamMember.removed_at.is_not(None), CareTeamMember.added_at)
        ):
            teams[member.episode_id].append(member)
        for use in db.session.scalars(
            sa.select(SubstanceUse)
            .where(SubstanceUse.episode_id.in_(ids))
            .order_by(SubstanceUse.rank)
        ):
            substances[use.episode_id].append(use)
    stay_ids = [stay.id for each in stays.values() for stay in each]
    corrections = (
        dict(
            db.session.execute(
                sa.select(LevelCorrection.stay_id, LevelCorrection.reason).where(
                    LevelCorrection.stay_id.in_(stay_ids)
                )
            ).all()
        )
        if stay_ids
        else {}
    )
    return ChartDetail(episodes, stays, teams, substances, corrections)


def chart_header(client_id: int) -> ChartHeader:
    row = db.session.execute(client_rows().where(Client.id == client_id)).one()
    return ChartHeader(
        row.episode_id, row.admitted_on, row.level, row.level_since, row.counselor_name
    )


def caseload(user_id: int, limit: int | None = None) -> list:
    """The user's open-episode clients: client_rows() columns plus the user's team role, the
    most intensive level first; at most `limit` of them when given."""
    mine = aliased(CareTeamMember, name="mine")
    return list(
        db.session.execute(
            client_rows()
            .join(
                mine,
                sa.and_(
                    mine.episode_id == OpenEpisode.id,
                    mine.user_id == user_id,
                    mine.removed_at.is_(None),
                ),
            )
            .add_columns(mine.team_role.label("my_role"))
            .order_by(LEVEL_ORDER, Client.search_name, Client.id)
            .limit(limit)
        )
    )


# --- The caseload report ---------------------------------------------------------------------
# Each query reads the caseload index (open episodes by primary counselor and level), never the
# stay history or the care teams; the page reads the counselors of one page only.

OPEN_WITH_LEVEL = sa.and_(Episode.discharged_on.is_(None), Episode.current_level.is_not(None))


def _per_level() -> list:
    """One count per level, in BY_INTENSITY order, of the grouped episodes."""
    return [
        sa.func.count(sa.case((Episode.current_level == level, 1))).label(level.value)
        for level in BY_INTENSITY
    ]


def caseload_totals() -> list[tuple]:
    """Open episodes per level: (level, every one, those with no primary counselor). The first
    from the counts the database keeps (census_counts), the second from the caseload index's
    range of open episodes without a counselor: neither reads every open episode."""
    unassigned = dict(db.session.execute(unassigned_by_level_query()).all())
    return [
        (level, every, unassigned.get(level, 0))
        for level, (every, _days) in open_by_level(utcnow()).items()
        if every or unassigned.get(level)
    ]


def unassigned_by_level_query() -> sa.Select:
    """Open episodes with no primary counselor, per level (the caseload index's NULL range)."""
    return (
        sa.select(Episode.current_level, sa.func.count())
        .where(OPEN_WITH_LEVEL, Episode.primary_counselor_id.is_(None))
        .group_by(Episode.current_level)
    )


def counselors_with_caseloads() -> sa.Select:
    """(id, full name) of the staff who are primary counselor of an open episode, by name: the
    report's rows, paged (one probe of the caseload index per counselor)."""
    holds_one = (
        sa.select(Episode.id)
        .where(Episode.primary_counselor_id == User.id, OPEN_WITH_LEVEL)
        .correlate(User)
        .exists()
    )
    return sa.select(User.id, User.full_name).where(holds_one).order_by(User.full_name, User.id)


def every_caseload() -> Iterator:
    """caseload_counts()' rows, read from the database a few hundred at a time."""
    yield from db.session.execute(caseload_counts(), execution_options={"yield_per": 500})


def caseloads_of(counselor_ids: list[int]) -> dict[int, tuple[int, ...]]:
    """The open episodes per level (BY_INTENSITY order) of these counselors: a range of the
    caseload index per counselor."""
    rows = db.session.execute(
        sa.select(Episode.primary_counselor_id, *_per_level())
        .where(OPEN_WITH_LEVEL, Episode.primary_counselor_id.in_(counselor_ids))
        .group_by(Episode.primary_counselor_id)
    )
    return {counselor_id: tuple(counts) for counselor_id, *counts in rows}


def caseload_counts() -> sa.Select:
    """Every counselor's caseload (the export): (counselor id, name, one count per level in
    BY_INTENSITY order), by name, the episodes with no primary counselor last (id and name
    None). One grouped pass over the caseload index; read it in chunks, it has a row per
    counselor."""
    counts = (
        sa.select(Episode.primary_counselor_id.label("counselor_id"), *_per_level())
        .where(OPEN_WITH_LEVEL)
        .group_by(Episode.primary_counselor_id)
        .subquery()
    )
    return (
        sa.select(
            counts.c.counselor_id,
            User.full_name,
            *[counts.c[level.value] for level in BY_INTENSITY],
        )
        .outerjoin(User, User.id == counts.c.counselor_id)
        .order_by(counts.c.counselor_id.is_(None), User.full_name, counts.c.counselor_id)
    )


def emergency_grants(limit: int = 200) -> list[EmergencyAccess]:
    """The latest emergency accesses for review, those not yet reviewed first, with who asked,
    for which client and who reviewed it."""
    return list(
        db.session.scalars(
            sa.select(EmergencyAccess)
            .options(
                joinedload(EmergencyAccess.user),
                joinedload(EmergencyAccess.client),
                joinedload(EmergencyAccess.reviewed_by),
            )
            .order_by(EmergencyAccess.reviewed_at.is_not(None), EmergencyAccess.granted_at.desc())
            .limit(limit)
        )
    )
