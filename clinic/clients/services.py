"""Intake, admission, care teams and emergency access: the rules behind the client pages.

Every function adds to the caller's transaction and audits what it did; the caller commits.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from difflib import SequenceMatcher

import sqlalchemy as sa
from flask import g, has_request_context

from clinic.auth.models import User, UserRole
from clinic.auth.services import staff_named, staff_names_with_role, staff_with_role
from clinic.clients import access, contacts
from clinic.clients.levels import Level
from clinic.clients.models import (
    CareTeamMember,
    Client,
    ClientNameWord,
    EmergencyAccess,
    Episode,
    SubstanceUse,
    fold_name,
    generate_mrn,
    name_words,
    search_terms,
)
from clinic.clients.stays import LevelOfCareStay, StayReason
from clinic.clients.vocabulary import TeamRole
from clinic.core import audit
from clinic.core.clock import clinic_today, utcnow
from clinic.core.db import assign_changes
from clinic.core.errors import RuleError
from clinic.core.text import clean_text
from clinic.extensions import db

CLIENT_VIEWED = audit.define("client.viewed", "Client record opened")
CLIENTS_LISTED = audit.define("clients.listed", "Client list or search shown")
CLIENT_CREATED = audit.define("client.created", "Client record created")
CLIENT_UPDATED = audit.define("client.updated", "Client demographics changed")
CLIENT_RESTRICTED = audit.define("client.restricted", "Restricted-record flag changed")
DUPLICATE_OVERRIDDEN = audit.define(
    "client.duplicate_overridden", "New record created despite a possible duplicate"
)
EPISODE_ADMITTED = audit.define("episode.admitted", "Client admitted (episode opened)")
CARE_TEAM_CHANGED = audit.define("careteam.changed", "Care team changed")
EMERGENCY_GRANTED = audit.define("emergency.granted", "Emergency access to a client")
EMERGENCY_REVIEWED = audit.define("emergency.reviewed", "Emergency access reviewed")


class ClientError(RuleError):
    """A request about a client that the rules refuse."""


def client_is_visible(user, client_id: int) -> bool:
    """One query per user and client per request, however often pages and templates ask."""
    if access.sees_every_client(user):
        return db.session.get(Client, client_id) is not None
    cache = g.setdefault("visible_clients", {}) if has_request_context() else {}
    key = (user.id, client_id)
    if key not in cache:
        clause = access.visible_clients(user, clinic_today(), utcnow())
        query = sa.select(sa.exists().where(Client.id == client_id, clause))
        cache[key] = bool(db.session.scalar(query))
    return cache[key]


def visible_client_ids(user, client_ids: list[int]) -> set[int]:
    """Which of these clients the user may open, in one query."""
    if not client_ids:
        return set()
    query = sa.select(Client.id).where(Client.id.in_(client_ids), visible_clause(user))
    return set(db.session.scalars(query))


def visible_clause(user):
    return access.visible_clients(user, clinic_today(), utcnow())


# --- Duplicate check --------------------------------------------------------------------------


@dataclass(frozen=True)
class PossibleDuplicate:
    client: Client
    last_admitted_on: date | None
    in_treatment: bool = False
    last_discharged_on: date | None = None
    # How the birth date on record differs from the one searched for: None when it is the
    # same, "one day off" or "day and month swapped"; never shown for a search by name alone.
    birth_date_note: str | None = None

    @property
    def restricted(self) -> bool:
        return self.client.restricted


# Words of a surname that many unrelated surnames share ("de la Cruz", "de Jesús"): sharing one
# of them is not sharing a surname.
SURNAME_PARTICLES = frozenset(
    {"al", "bin", "da", "das", "de", "del", "della", "der", "di", "do", "dos", "du", "el"}
    | {"la", "las", "le", "los", "san", "st", "van", "von", "y"}
)
# A check by name alone lists at most this many records (the date of birth narrows it).
NAME_ONLY_LIMIT = 25


def _names_alike(a: str, b: str) -> bool:
    if a == b or sorted(a.split()) == sorted(b.split()):
        return True
    return SequenceMatcher(None, a, b).ratio() >= 0.8


def _surname_words(last: str | None) -> set[str]:
    return set(search_terms(last)) - SURNAME_PARTICLES


def _first_names_alike(typed: str, client: Client) -> bool:
    wanted = fold_name(typed)
    for known in (client.legal_first_name, client.preferred_name):
        folded = fold_name(known)
        if folded and (set(wanted.split()) & set(folded.split()) or _names_alike(wanted, folded)):
            return True
    return False


def _same_person_by_name(first: str, last: str, client: Client) -> bool:
    """A similar full name (case, accents, spacing and order ignored, small misspellings
    allowed), or a surname sharing a word with the client's (one of a compound or double
    surname: "Nguyen" and "O'Connor-Nguyễn") and a first name alike (legal or preferred)."""
    if _names_alike(fold_name(last, first), client.search_name):
        return True
    shared = _surname_words(last) & name_words(client.legal_last_name)
    return bool(shared) and _first_names_alike(first, client)


def birth_dates_near(born: date) -> dict[date, str | None]:
    """The birth dates a mistyped one may stand for, with how each differs: the date itself, the
    day before and after, and the day and month swapped when that is a date."""
    dates: dict[date, str | None] = {
        born - timedelta(days=1): "one day off",
        born + timedelta(days=1): "one day off",
    }
    try:
        swapped = born.replace(month=born.day, day=born.month)
    except ValueError:
        swapped = born
    if swapped != born:
        dates[swapped] = "day and month swapped"
    dates[born] = None
    return dates


def _duplicate_rows(condition, limit: int | None = None) -> list:
    last_admission = (
        sa.select(sa.func.max(Episode.admitted_on))
        .where(Episode.client_id == Client.id)
        .scalar_subquery()
    )
    in_treatment = (
        sa.select(Episode.id)
        .where(Episode.client_id == Client.id, Episode.discharged_on.is_(None))
        .exists()
    )
    last_discharge = (
        sa.select(sa.func.max(Episode.discharged_on))
        .where(Episode.client_id == Client.id)
        .scalar_subquery()
    )
    query = (
        sa.select(Client, last_admission, in_treatment, last_discharge)
        .where(condition)
        .order_by(Client.search_name, Client.id)
    )
    return db.session.execute(query.limit(limit) if limit else query).all()


def possible_duplicates(first: str, last: str, date_of_birth: date) -> list[PossibleDuplicate]:
    """Clients born on this date, a day before or after, or with day and month swapped, whose
    name is alike (see _same_person_by_name). Searches every client: a duplicate outside the
    user's access is still a duplicate, and is shown with the minimum needed to recognise it."""
    dates = birth_dates_near(date_of_birth)
    rows = _duplicate_rows(Client.date_of_birth.in_(sorted(dates)))
    return [
        PossibleDuplicate(client, admitted, bool(treated), discharged, dates[client.date_of_birth])
        for client, admitted, treated, discharged in rows
        if _same_person_by_name(first, last, client)
    ]


def _having_a_word(words) -> sa.ColumnElement[bool]:
    return Client.id.in_(
        sa.select(ClientNameWord.client_id).where(ClientNameWord.word.in_(sorted(words)))
    )


def possible_duplicates_by_name(first: str, last: str) -> tuple[list[PossibleDuplicate], bool]:
    """The duplicate check without a date of birth: clients with a word of this surname and a
    word of this first name among their names (legal or preferred), then alike as in
    possible_duplicates; at most NAME_ONLY_LIMIT, and whether there were more. Two lookups on
    the name-word index; a misspelt name is found only with the date of birth."""
    surname = _surname_words(last) or set(search_terms(last))
    given = set(search_terms(first))
    if not (surname and given):
        return [], False
    rows = _duplicate_rows(
        sa.and_(_having_a_word(surname), _having_a_word(given)), limit=NAME_ONLY_LIMIT + 1
    )
    matches = [
        PossibleDuplicate(client, admitted, bool(treated), discharged)
        for client, admitted, treated, discharged in rows[:NAME_ONLY_LIMIT]
        if _same_person_by_name(first, last, client)
    ]
    return matches, len(rows) > NAME_ONLY_LIMIT


# --- Client records ---------------------------------------------------------------------------

DEMOGRAPHIC_FIELDS = (
    "legal_first_name",
    "legal_last_name",
    "preferred_name",
    "date_of_birth",
    "sex_at_birth",
    "gender_identity",
    "pronouns",
    "phone",
    "email",
    "address",
    "city",
    "state",
    "postal_code",
)


def create_client(
    details: dict,
    *,
    confirmed_not_duplicate: bool,
    actor: User,
    emergency_contact: dict | None = None,
) -> Client:
    """Create a client record, with the emergency contact given at intake as the first of the
    client's contacts; refused while a likely duplicate is unconfirmed."""
    duplicates = possible_duplicates(
        details["legal_first_name"], details["legal_last_name"], details["date_of_birth"]
    )
    if duplicates and not confirmed_not_duplicate:
        raise ClientError(
            "A record with this or a close date of birth and a similar name exists. Check the "
            "possible matches; create a new record only if this is a different person.",
            "confirm_not_duplicate",
        )
    client = Client(created_by_id=actor.id, **_clean(details))
    client.mrn = _unused_mrn()
    db.session.add(client)
    db.session.flush()
    audit.record(CLIENT_CREATED, target=client, client_id=client.id, user=actor)
    if emergency_contact:
        contacts.add_contact(client.id, emergency_contact, actor=actor)
    if duplicates:
        audit.record(
            DUPLICATE_OVERRIDDEN,
            target=client,
            client_id=client.id,
            detail={"possible_duplicates": [match.client.id for match in duplicates]},
            user=actor,
        )
    return client


def _unused_mrn() -> str:
    for _ in range(20):
        mrn = generate_mrn()
        if db.session.scalar(sa.select(Client.id).where(Client.mrn == mrn)) is None:
            return mrn
    raise RuntimeError("could not find an unused record number")


def _clean(details: dict) -> dict:
    """Trimmed values, empty strings as None, only demographic fields."""
    return {name: clean_text(details.get(name)) for name in DEMOGRAPHIC_FIELDS}


def update_client(client: Client, details: dict, *, actor: User) -> list[str]:
    """Change demographics; returns the names of the fields that changed (for the audit)."""
    changed = assign_changes(client, _clean(details))
    if changed:
        audit.record(
            CLIENT_UPDATED,
            target=client,
            client_id=client.id,
            detail={"changed": changed},
            user=actor,
        )
    return changed


def set_restricted(client: Client, restricted: bool, *, actor: User) -> None:
    """Mark the record restricted (care team, supervisors and admins only) or not."""
    if client.restricted == restricted:
        return
    client.restricted = restricted
    audit.record(
        CLIENT_RESTRICTED,
        target=client,
        client_id=client.id,
        detail={"restricted": restricted},
        user=actor,
    )


# --- Episodes ---------------------------------------------------------------------------------


def open_episode(client_id: int) -> Episode | None:
    return db.session.scalar(
        sa.select(Episode).where(Episode.client_id == client_id, Episode.discharged_on.is_(None))
    )


def admit(
    client: Client,
    *,
    admitted_on: date,
    referral_source,
    level: Level,
    substances: list[tuple],
    payer: str | None,
    member_id: str | None,
    authorization_notes: str | None,
    actor: User,
) -> Episode:
    """Open an episode with its first level-of-care stay. One open episode per client."""
    if open_episode(client.id) is not None:
        raise ClientError("This client already has an open episode; discharge it first.")
    if admitted_on > clinic_today():
        raise ClientError("The admission date cannot be in the future.", "admitted_on")
    if admitted_on < client.date_of_birth:
        raise ClientError("The admission date is before the date of birth.", "admitted_on")
    episode = Episode(
        client_id=client.id,
        admitted_on=admitted_on,
        referral_source=referral_source,
        payer=clean_text(payer),
        member_id=clean_text(member_id),
        authorization_notes=clean_text(authorization_notes),
        admitted_by_id=actor.id,
    )
    episode.substances = [
        SubstanceUse(rank=rank, substance=substance, route=route, frequency=frequency)
        for rank, (substance, route, frequency) in enumerate(substances, start=1)
    ]
    db.session.add(episode)
    db.session.flush()
    db.session.add(
        LevelOfCareStay(
            episode_id=episode.id,
            level=level,
            started_at=utcnow(),
            reason=StayReason.ADMISSION,
            requested_by_id=actor.id,
        )
    )
    audit.record(
        EPISODE_ADMITTED,
        target=episode,
        client_id=client.id,
        detail={"level": level.value, "admitted_on": admitted_on.isoformat()},
        user=actor,
    )
    return episode


# --- Care teams -------------------------------------------------------------------------------


def active_team(episode_id: int) -> list[CareTeamMember]:
    return list(
        db.session.scalars(
            sa.select(CareTeamMember)
            .where(CareTeamMember.episode_id == episode_id, CareTeamMember.removed_at.is_(None))
            .options(sa.orm.joinedload(CareTeamMember.user))
            .order_by(CareTeamMember.team_role, CareTeamMember.added_at)
        )
    )


def staff_for_team_role(team_role: TeamRole) -> list[User]:
    """Active staff who may fill a team role: medical staff for medical, else counselors."""
    return staff_with_role(access.staff_role_for(team_role))


def team_candidates(name: str, *, limit: int, also: int | None = None) -> list:
    """Active staff who may fill some care-team role (counselors, medical staff) whose name
    holds `name`, by name, at most `limit` + 1 (so the caller knows there are more); and the
    staff member `also` (the one a form posted) when eligible. (id, full name) rows, never
    every account."""
    roles = {access.staff_role_for(team_role) for team_role in TeamRole}
    eligible = sa.and_(
        User.active.is_(True),
        User.id.in_(sa.select(UserRole.user_id).where(UserRole.role.in_(roles))),
    )
    staff = sa.select(User.id, User.full_name).where(eligible)
    query = staff.order_by(User.full_name, User.id).limit(limit + 1)
    if name.strip():
        query = query.where(User.id.in_(staff_named(name)))
    found = list(db.session.execute(query))
    if also is not None and all(user.id != also for user in found):
        found += db.session.execute(staff.where(User.id == also)).all()
    return found


def counselor_names() -> list[tuple[int, str]]:
    """(id, full name) of active counselors (who may be primary counselors), for filters:
    columns only, no ORM objects."""
    return staff_names_with_role(access.staff_role_for(TeamRole.PRIMARY_COUNSELOR))


def add_to_team(
    episode: Episode, user: User, team_role: TeamRole, *, actor: User
) -> CareTeamMember:
    """Put `user` on the care team; a new primary counselor replaces the current one."""
    if not episode.is_open:
        raise ClientError("The episode is closed; its care team can no longer change.")
    if not user.active or access.staff_role_for(team_role) not in user.roles:
        raise ClientError("This person cannot fill that role on a care team.", "user_id")
    now = utcnow()
    team = active_team(episode.id)
    removed = []
    if any(member.user_id == user.id for member in team):
        current = next(member for member in team if member.user_id == user.id)
        if current.team_role == team_role:
            raise ClientError("This person already has that role on the team.", "user_id")
        if current.team_role == TeamRole.PRIMARY_COUNSELOR:
            raise ClientError(
                "This person is the primary counselor: assign another primary counselor first.",
                "user_id",
            )
        _remove(current, now, actor)
        removed.append(current.user_id)
    if team_role == TeamRole.PRIMARY_COUNSELOR:
        for member in team:
            if member.team_role == TeamRole.PRIMARY_COUNSELOR and member.removed_at is None:
                _remove(member, now, actor)
                removed.append(member.user_id)
    db.session.flush()
    member = CareTeamMember(
        episode_id=episode.id,
        user_id=user.id,
        team_role=team_role,
        added_at=now,
        added_by_id=actor.id,
    )
    db.session.add(member)
    db.session.flush()
    audit.record(
        CARE_TEAM_CHANGED,
        target=episode,
        client_id=episode.client_id,
        detail={"added": user.id, "team_role": team_role.value, "removed": removed},
        user=actor,
    )
    return member


def _remove(member: CareTeamMember, now: datetime, actor: User) -> None:
    member.removed_at = now
    member.removed_by_id = actor.id


def remove_from_team(episode: Episode, member: CareTeamMember, *, actor: User) -> None:
    """Take someone off the team. The primary counselor is replaced, never just removed."""
    if member.episode_id != episode.id or member.removed_at is not None:
        raise ClientError("This person is not on the care team.")
    if member.team_role == TeamRole.PRIMARY_COUNSELOR:
        raise ClientError(
            "An episode always has a primary counselor: assign a new one instead of removing."
        )
    _remove(member, utcnow(), actor)
    audit.record(
        CARE_TEAM_CHANGED,
        target=episode,
        client_id=episode.client_id,
        detail={"removed": member.user_id, "team_role": member.team_role.value},
        user=actor,
    )


# --- Emergency access -------------------------------------------------------------------------


def grant_emergency_access(client: Client, reason: str, *, actor: User) -> EmergencyAccess:
    """Break the glass: 60 minutes of access to one client, audited and listed for review."""
    if client.restricted:
        raise ClientError("Emergency access is not available for this record.")
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ClientError("Say why you need access now (at least 10 characters).", "reason")
    now = utcnow()
    grant = EmergencyAccess(
        user_id=actor.id,
        client_id=client.id,
        reason=reason,
        granted_at=now,
        expires_at=now + access.EMERGENCY_ACCESS_LENGTH,
    )
    db.session.add(grant)
    db.session.flush()
    audit.record(
        EMERGENCY_GRANTED,
        target=grant,
        client_id=client.id,
        detail={"expires_at": grant.expires_at.isoformat()},
        user=actor,
    )
    return grant


EMERGENCY_SEARCHED = audit.define("emergency.searched", "Emergency access search")


def find_for_emergency(
    first: str, last: str, date_of_birth: date, reason: str, *, actor: User
) -> list[Client]:
    """The clients with exactly this legal name (case, accents and spacing aside) and date of
    birth, restricted records never among them; the search is audited with its reason's length
    and what it found, never the name searched for."""
    wanted = fold_name(last, first)
    found = list(
        db.session.scalars(
            sa.select(Client)
            .where(
                Client.date_of_birth == date_of_birth,
                Client.search_name == wanted,
                Client.restricted.is_(False),
            )
            .order_by(Client.id)
            .limit(10)
        )
    )
    audit.record(
        EMERGENCY_SEARCHED,
        detail={"client_ids": [client.id for client in found], "reason_length": len(reason)},
        user=actor,
    )
    return found


def emergency_grant_of(user: User, client_id: int) -> EmergencyAccess | None:
    """The user's unexpired emergency access to this client, if any (the chart's banner)."""
    return db.session.scalar(
        sa.select(EmergencyAccess)
        .where(
            EmergencyAccess.user_id == user.id,
            EmergencyAccess.client_id == client_id,
            EmergencyAccess.expires_at > utcnow(),
        )
        .order_by(EmergencyAccess.expires_at.desc())
        .limit(1)
    )


def review_emergency_access(grant: EmergencyAccess, note: str | None, *, actor: User) -> None:
    """A supervisor's review of a break-the-glass access, with an optional note; once only."""
    if grant.reviewed_at is not None:
        raise ClientError("This emergency access has already been reviewed.")
    grant.reviewed_at = utcnow()
    grant.reviewed_by_id = actor.id
    grant.review_note = clean_text(note)
    audit.record(EMERGENCY_REVIEWED, target=grant, client_id=grant.client_id, user=actor)
