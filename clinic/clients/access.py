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
from sqlalchemy.sql.elements import ColumnElement

from clinic.auth.models import Role
from clinic.clients.levels import Level
from clinic.clients.models import CareTeamMember, Client, EmergencyAccess, Episode
from clinic.clients.vocabulary import TeamRole

AFTERCARE_FOLLOW_UP = timedelta(days=30)
INTAKE_WINDOW = timedelta(days=3)
EMERGENCY_ACCESS_LENGTH = timedelta(minutes=60)

ALL_CLIENT_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


def on_care_team(user_id: int, today: date) -> ColumnElement[bool]:
    episodes = (
        sa.select(Episode.client_id)
        .join(CareTeamMember, CareTeamMember.episode_id == Episode.id)
        .where(
            CareTeamMember.user_id == user_id,
            CareTeamMember.removed_at.is_(None),
            sa.or_(
                Episode.discharged_on.is_(None),
                Episode.discharged_on >= today - AFTERCARE_FOLLOW_UP,
            ),
        )
    )
    return Client.id.in_(episodes)


def in_withdrawal_management() -> ColumnElement[bool]:
    episodes = sa.select(Episode.client_id).where(
        Episode.discharged_on.is_(None), Episode.current_level == Level.WM
    )
    return sa.and_(Client.restricted.is_(False), Client.id.in_(episodes))


def in_intake(now: datetime) -> ColumnElement[bool]:
    open_episode = sa.select(Episode.client_id).where(Episode.discharged_on.is_(None))
    recent = open_episode.where(Episode.created_at >= now - INTAKE_WINDOW)
    return sa.and_(
        Client.restricted.is_(False),
        sa.or_(Client.id.not_in(open_episode), Client.id.in_(recent)),
    )


def in_intake_window(episode: Episode, now: datetime) -> bool:
    """`episode` is open and was entered within the intake window (as `in_intake` counts)."""
    return episode.discharged_on is None and episode.created_at >= now - INTAKE_WINDOW


def granted_emergency_access(user_id: int, now: datetime) -> ColumnElement[bool]:
    grants = sa.select(EmergencyAccess.client_id).where(
        EmergencyAccess.user_id == user_id, EmergencyAccess.expires_at > now
    )
    return sa.and_(Client.restricted.is_(False), Client.id.in_(grants))


def sees_every_client(user) -> bool:
    return not user.roles.isdisjoint(ALL_CLIENT_ROLES)


def visible_clients(user, today: date, now: datetime) -> ColumnElement[bool]:
    """A WHERE clause on `Client` that keeps exactly the clients `user` may see."""
    roles = user.roles
    if sees_every_client(user):
        return sa.true()
    clauses = []
    if Role.COUNSELOR in roles or Role.MEDICAL in roles:
        clauses.append(on_care_team(user.id, today))
        clauses.append(granted_emergency_access(user.id, now))
    if Role.MEDICAL in roles:
        clauses.append(in_withdrawal_management())
    if Role.INTAKE in roles:
        clauses.append(in_intake(now))
    return sa.or_(*clauses) if clauses else sa.false()


def sees_clinical(user) -> bool:
    """Admins alone see operational fields only; any clinical role sees clinical content."""
    return not user.roles.isdisjoint({Role.INTAKE, Role.COUNSELOR, Role.MEDICAL, Role.SUPERVISOR})


def staff_role_for(team_role: TeamRole) -> Role:
    """The staff role that may fill `team_role` on a care team: medical staff the medical place,
    counselors every other."""
    return Role.MEDICAL if team_role == TeamRole.MEDICAL else Role.COUNSELOR
