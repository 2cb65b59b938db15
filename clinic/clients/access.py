"""Who may see which client (docs/access-and-workflows.md §2), as SQL, so that lists and single
records answer from one definition.

- Supervisors and admins: every client (admins see operational fields only; see `sees_clinical`).
- Counselors: clients whose care team they are on, for an open episode or up to 30 days after its
  discharge (aftercare follow-up).
- Medical staff: the same, plus every client currently in withdrawal management.
- Intake coordinators: clients with no open episode (candidates for admission) and clients whose
  admission was entered in the last few days (the intake paperwork is theirs to finish); counted
  from when the admission was entered, so that a backdated admission stays theirs too.
- Anyone with an unexpired emergency access grant for that client (counselor and medical only).
Restricted records are visible only through the care team and to supervisors and admins.

Since a place on a care team opens the record, who may fill one is decided here too.
"""

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from clinic.auth.models import Role
from clinic.clients.levels import Level
from clinic.clients.models import CareTeamMember, Client, EmergencyAccess, Episode
from clinic.clients.vocabulary import TeamRole
from clinic.extensions import db

AFTERCARE_FOLLOW_UP = timedelta(days=30)
INTAKE_WINDOW = timedelta(days=3)
EMERGENCY_ACCESS_LENGTH = timedelta(minutes=60)

ALL_CLIENT_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


# Each subquery names its own tables (aliases): a query that already joins episodes or clients
# (a due list, say) and adds the visibility clause must not have them correlated with its own.
# Made once: building an alias costs more than the query it serves.
TEAM_EPISODE = aliased(Episode, name="team_episode")
TEAM = aliased(CareTeamMember, name="team")
WM_EPISODE = aliased(Episode, name="wm_episode")
GRANT = aliased(EmergencyAccess, name="grant")
GRANTED_CLIENT = aliased(Client, name="granted_client")
INTAKE_EPISODE = aliased(Episode, name="intake_episode")


def care_team_clients(user_id: int, today: date) -> sa.Select:
    """Ids of the clients whose care team the user is on, for an open episode or up to 30 days
    after its discharge: read from the team's user index, as many rows as the caseload."""
    episode, member = TEAM_EPISODE, TEAM
    return (
        sa.select(episode.client_id)
        .join(member, member.episode_id == episode.id)
        .where(
            member.user_id == user_id,
            member.removed_at.is_(None),
            sa.or_(
                episode.discharged_on.is_(None),
                episode.discharged_on >= today - AFTERCARE_FOLLOW_UP,
            ),
        )
    )


def emergency_access_clients(user_id: int, now: datetime) -> sa.Select:
    """Ids of the unrestricted clients the user holds an unexpired emergency access grant for."""
    grant, client = GRANT, GRANTED_CLIENT
    return (
        sa.select(grant.client_id)
        .join(client, client.id == grant.client_id)
        .where(grant.user_id == user_id, grant.expires_at > now, client.restricted.is_(False))
    )


def on_care_team(user_id: int, today: date) -> ColumnElement[bool]:
    return Client.id.in_(care_team_clients(user_id, today))


def in_withdrawal_management() -> ColumnElement[bool]:
    """Unrestricted clients now in withdrawal management, asked per client of the open-level
    index: they are many (medical staff see them all), so the list walks clients in its own
    order and stops at a page, rather than gathering and sorting every one of them."""
    episode = WM_EPISODE
    withdrawing = (
        sa.select(episode.id)
        .where(
            episode.client_id == Client.id,
            episode.discharged_on.is_(None),
            episode.current_level == Level.WM,
        )
        .correlate(Client)
        .exists()
    )
    return sa.and_(Client.restricted.is_(False), withdrawing)


def granted_emergency_access(user_id: int, now: datetime) -> ColumnElement[bool]:
    return Client.id.in_(emergency_access_clients(user_id, now))


def in_intake(now: datetime) -> ColumnElement[bool]:
    """Unrestricted clients with no open episode entered before the intake window. A client
    has at most one open episode, so this is "no open episode, or one entered in the window",
    asked per client of the one-open-episode index (never a list of every open episode)."""
    episode = INTAKE_EPISODE
    settled = (
        sa.select(episode.id)
        .where(
            episode.client_id == Client.id,
            episode.discharged_on.is_(None),
            episode.created_at < now - INTAKE_WINDOW,
        )
        .correlate(Client)
        .exists()
    )
    return sa.and_(Client.restricted.is_(False), ~settled)


def is_on_care_team(user_id: int, client_id: int, today: date) -> bool:
    """The user is on the client's care team (for an open episode or in the aftercare follow-up
    after discharge): what a counselor's place in the client's care rests on, not an emergency
    access grant."""
    mine = care_team_clients(user_id, today).where(TEAM_EPISODE.client_id == client_id)
    return bool(db.session.scalar(sa.select(mine.exists())))


def in_intake_window(episode: Episode, now: datetime) -> bool:
    """`episode` is open and was entered within the intake window (as `in_intake` counts)."""
    return episode.discharged_on is None and episode.created_at >= now - INTAKE_WINDOW


def sees_every_client(user) -> bool:
    return not user.roles.isdisjoint(ALL_CLIENT_ROLES)


def visible_clients(user, today: date, now: datetime) -> ColumnElement[bool]:
    """A WHERE clause on `Client` that keeps exactly the clients `user` may see."""
    roles = user.roles
    if sees_every_client(user):
        return sa.true()
    clauses = []
    if Role.COUNSELOR in roles or Role.MEDICAL in roles:
        clauses.append(_own_clients(user, today, now))
    if Role.MEDICAL in roles:
        clauses.append(in_withdrawal_management())
    if Role.INTAKE in roles:
        clauses.append(in_intake(now))
    return sa.or_(*clauses) if clauses else sa.false()


def _own_clients(user, today: date, now: datetime) -> ColumnElement[bool]:
    """The clients of the user's care teams and grants. The small side drives: one set of ids
    read from their user indexes and joined to clients by primary key (not a test of every
    client)."""
    mine = sa.union_all(care_team_clients(user.id, today), emergency_access_clients(user.id, now))
    return Client.id.in_(mine)


def visible_in_withdrawal_management(user, today: date, now: datetime) -> ColumnElement[bool]:
    """`visible_clients` for rows already known to be clients' open episodes at withdrawal
    management (the withdrawal scores due): there, what medical staff see of withdrawal
    management is every client not restricted, without asking again per client for the
    episode at hand (which made PostgreSQL test every client of the clinic)."""
    if sees_every_client(user) or Role.MEDICAL not in user.roles:
        return visible_clients(user, today, now)
    # Per client of the episodes at hand (correlated), never a set to test every client against.
    team = care_team_clients(user.id, today).where(TEAM_EPISODE.client_id == Client.id)
    grant = emergency_access_clients(user.id, now).where(GRANT.client_id == Client.id)
    return sa.or_(
        Client.restricted.is_(False),
        team.correlate(Client).exists(),
        grant.correlate(Client).exists(),
    )


def sees_clinical(user) -> bool:
    """Admins alone see operational fields only; any clinical role sees clinical content."""
    return not user.roles.isdisjoint({Role.INTAKE, Role.COUNSELOR, Role.MEDICAL, Role.SUPERVISOR})


def staff_role_for(team_role: TeamRole) -> Role:
    """The staff role that may fill `team_role` on a care team: medical staff the medical place,
    counselors every other."""
    return Role.MEDICAL if team_role == TeamRole.MEDICAL else Role.COUNSELOR
