"""The reads behind the client list, the chart and caseloads, each a fixed number of queries."""

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload

from clinic.auth.models import User
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


def caseload(user_id: int) -> list:
    """The user's open-episode clients: client_rows() columns plus the user's team role."""
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
            .order_by(LEVEL_ORDER, Client.search_name)
        )
    )


def caseload_by_counselor() -> list[tuple]:
    """Open episodes per primary counselor (None: not assigned), with the counselor's name and
    one count per level in BY_INTENSITY order."""
    return list(db.session.execute(caseload_counts()))


def caseload_counts() -> sa.Select:
    """caseload_by_counselor()'s query: one grouped pass over the index on the episodes' copies."""
    counts = (
        sa.select(
            Episode.primary_counselor_id.label("counselor_id"),
            *[
                sa.func.count(sa.case((Episode.current_level == level, 1))).label(level.value)
                for level in BY_INTENSITY
            ],
        )
        .where(Episode.discharged_on.is_(None), Episode.current_level.is_not(None))
        .group_by(Episode.primary_counselor_id)
        .subquery()
    )
    return sa.select(
        counts.c.counselor_id, User.full_name, *[counts.c[level.value] for level in BY_INTENSITY]
    ).outerjoin(User, User.id == counts.c.counselor_id)


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
