"""Clients, their admissions (episodes), care teams and emergency access grants."""

import re
import secrets
import unicodedata
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship, validates

from clinic.clients.levels import Level
from clinic.clients.vocabulary import (
    DischargeType,
    ReferralSource,
    Route,
    SexAtBirth,
    Substance,
    TeamRole,
    UseFrequency,
)
from clinic.core.clock import utcnow
from clinic.core.db import UTCDateTime, enum_column_type, partial_index, partial_unique_index
from clinic.extensions import db

# Straight and typographic apostrophes (right and left quotation marks, modifier letters).
APOSTROPHES = "'\u2019\u2018\u02bc\u02bb`\u00b4"
_APOSTROPHE = re.compile(f"[{APOSTROPHES}]+")
# Anything but a letter, a digit or an apostrophe separates words: spaces, hyphens, dots, commas.
_SEPARATOR = re.compile(f"[^\\w{APOSTROPHES}]+|_+")
WORD_LENGTH = 200  # client_name_words.word: an 80-character name part folds to at most this


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def fold_name(*parts: str | None) -> str:
    """A name reduced for sorting and duplicate checks: no accents, case or extra spaces."""
    plain = _fold(" ".join(part for part in parts if part))
    return " ".join(plain.replace("-", " ").replace("'", "").split())


def name_words(*parts: str | None) -> set[str]:
    """The words a client is found by: each word of each name, folded like fold_name and split at
    spaces, hyphens and other punctuation. A word with apostrophes gives its pieces and the whole
    ("O'Connor-Nguyễn": "connor", "oconnor", "nguyen"). A one-letter piece ("o") is left out,
    the whole word starts with it, so a prefix search finds the same clients; a one-letter name
    standing alone (an initial) is kept."""
    words = set()
    for part in parts:
        for token in _SEPARATOR.split(_fold(part or "")):
            pieces = [piece for piece in _APOSTROPHE.split(token) if piece]
            if pieces:
                words.add("".join(pieces))
                words.update(piece for piece in pieces if len(piece) > 1)
    return {word[:WORD_LENGTH] for word in words}


def search_terms(text: str | None) -> list[str]:
    """What a search matches name words against: the folded words of the text, apostrophes
    dropped ("o'connor" finds "oconnor"), separators as in name_words."""
    joined = _APOSTROPHE.sub("", _fold(text or ""))
    return sorted({term[:WORD_LENGTH] for term in _SEPARATOR.split(joined) if term})


def display_name(preferred: str | None, first: str, last: str) -> str:
    """How staff address a client: preferred first name (else the legal one), legal last name."""
    return f"{preferred or first} {last}"


def generate_mrn() -> str:
    """A random 8-digit record number with a Luhn check digit (9 digits in all)."""
    body = f"{secrets.randbelow(10**8):08d}"
    return body + str(luhn_check_digit(body))


def luhn_check_digit(digits: str) -> int:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


class Client(db.Model):
    """A person the program serves. Demographics only; clinical records hang off episodes."""

    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    mrn: Mapped[str] = mapped_column(sa.String(12), unique=True, default=generate_mrn)
    legal_first_name: Mapped[str] = mapped_column(sa.String(80))
    legal_last_name: Mapped[str] = mapped_column(sa.String(80))
    preferred_name: Mapped[str | None] = mapped_column(sa.String(80))
    date_of_birth: Mapped[date]
    sex_at_birth: Mapped[SexAtBirth] = mapped_column(enum_column_type(SexAtBirth, "sex_at_birth"))
    gender_identity: Mapped[str | None] = mapped_column(sa.String(60))
    pronouns: Mapped[str | None] = mapped_column(sa.String(30))
    phone: Mapped[str | None] = mapped_column(sa.String(30))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    address: Mapped[str | None] = mapped_column(sa.String(200))
    city: Mapped[str | None] = mapped_column(sa.String(80))
    state: Mapped[str | None] = mapped_column(sa.String(40))
    postal_code: Mapped[str | None] = mapped_column(sa.String(12))
    # Restricted records (staff, public figures...) are seen by their care team and supervisors
    # only: no intake access, no emergency access, no details in duplicate checks.
    restricted: Mapped[bool] = mapped_column(default=False)
    # Folded "last first" and "first last" forms, for sorting and duplicate checks. Searches by
    # name go through client_name_words (any word of any name, not only the first).
    search_name: Mapped[str] = mapped_column(sa.String(200), index=True)
    search_name_reversed: Mapped[str] = mapped_column(sa.String(200), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    episodes: Mapped[list["Episode"]] = relationship(
        back_populates="client", order_by="Episode.admitted_on.desc()", lazy="raise"
    )
    # Loaded only when a name changes (the validator below compares the words); never read by
    # lists, which search client_name_words in SQL.
    name_words: Mapped[list["ClientNameWord"]] = relationship(
        cascade="all, delete-orphan", lazy="select"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (sa.Index("ix_clients_dob_name", "date_of_birth", "search_name"),)

    @validates("legal_first_name", "legal_last_name", "preferred_name")
    def _refresh_search_names(self, key: str, value: str | None) -> str | None:
        first = value if key == "legal_first_name" else self.legal_first_name
        last = value if key == "legal_last_name" else self.legal_last_name
        preferred = value if key == "preferred_name" else self.preferred_name
        self.search_name = fold_name(last, first)
        self.search_name_reversed = fold_name(first, last)
        self._refresh_name_words(name_words(first, last, preferred))
        return value

    def _refresh_name_words(self, wanted: set[str]) -> None:
        # Rows whose word stays are kept, so that an unchanged word is neither deleted nor
        # inserted again (its primary key is the client and the word). Loading them must not
        # flush this half-made change first (a second UPDATE, a second version).
        session = object_session(self)
        if session is None:
            current = list(self.name_words)
        else:
            with session.no_autoflush:
                current = list(self.name_words)
        kept = [row for row in current if row.word in wanted]
        have = {row.word for row in kept}
        self.name_words = kept + [ClientNameWord(word=word) for word in sorted(wanted - have)]

    @property
    def display_name(self) -> str:
        return display_name(self.preferred_name, self.legal_first_name, self.legal_last_name)

    @property
    def legal_name(self) -> str:
        return f"{self.legal_first_name} {self.legal_last_name}"

    def age_on(self, day: date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class ClientNameWord(db.Model):
    """One word of a client's legal or preferred names (see name_words), so that a search by
    any word of a compound or double surname ("nguyen", "connor") is a range on one index.

    Kept by the ORM (Client's validator) rather than by triggers: the words are folded like
    fold_name (accents, Unicode case), which neither SQLite nor PostgreSQL without extensions
    can do in SQL. Code that writes names with Core statements writes the words too (the scale
    seed does); migration 20261201_2323 filled them in for the clients already there."""

    __tablename__ = "client_name_words"

    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), primary_key=True)
    word: Mapped[str] = mapped_column(sa.String(WORD_LENGTH), primary_key=True)

    # The search: word ranges, answered from the index alone (it holds the client id).
    __table_args__ = (sa.Index("ix_client_name_words_word", "word", "client_id"),)


class Episode(db.Model):
    """One admission, from admission to discharge."""

    __tablename__ = "episodes"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    admitted_on: Mapped[date]
    referral_source: Mapped[ReferralSource] = mapped_column(
        enum_column_type(ReferralSource, "referral_source")
    )
    payer: Mapped[str | None] = mapped_column(sa.String(120))
    member_id: Mapped[str | None] = mapped_column(sa.String(60))
    authorization_notes: Mapped[str | None] = mapped_column(sa.Text)
    discharged_on: Mapped[date | None]
    discharge_type: Mapped[DischargeType | None] = mapped_column(
        enum_column_type(DischargeType, "discharge_type")
    )
    discharge_reason: Mapped[str | None] = mapped_column(sa.Text)
    admitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    # Copies kept by database triggers (migration 0003), never written by the application: the
    # level and start of the open stay (of the last stay once discharged) and the active primary
    # counselor. Lists, caseloads and the caseload report read them without joining the history.
    current_level: Mapped[Level | None] = mapped_column(enum_column_type(Level, "current_level"))
    level_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    primary_counselor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Kept by triggers on assessments and treatment_plans (migration 20261202_0110), for the due
    # work's indexes: when the intake assessment was signed, when a plan first took effect...
    intake_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    plan_in_force_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # ... and when the latest COWS and CIWA-Ar were given (triggers on instrument_results).
    last_cows_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_ciwa_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    client: Mapped[Client] = relationship(back_populates="episodes", lazy="raise")
    substances: Mapped[list["SubstanceUse"]] = relationship(
        back_populates="episode",
        order_by="SubstanceUse.rank",
        cascade="all, delete-orphan",
        lazy="raise",
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        # At most one open episode per client, enforced by the database.
        partial_unique_index(
            "uq_episodes_one_open_per_client", "client_id", where="discharged_on IS NULL"
        ),
        # The caseload report and the counselor filter: open episodes by counselor and level.
        partial_index(
            "ix_episodes_open_caseload",
            "primary_counselor_id",
            "current_level",
            where="discharged_on IS NULL",
        ),
        # The level filter and the census: open episodes at a level.
        partial_index(
            "ix_episodes_open_level", "current_level", "client_id", where="discharged_on IS NULL"
        ),
        # Due work: open episodes still waiting for a signed intake assessment, or a plan.
        partial_index(
            "ix_episodes_open_intake_unsigned",
            "created_at",
            where="discharged_on IS NULL AND intake_signed_at IS NULL",
        ),
        partial_index(
            "ix_episodes_open_no_plan",
            "created_at",
            where="discharged_on IS NULL AND plan_in_force_at IS NULL",
        ),
        # The intake coordinator's window: open episodes by when they were entered (what their
        # admissions still wait for, consents/due.py). "created_at IS NOT NULL" (always true)
        # keeps SQLite from taking it for the kinds whose own partial indexes serve them better:
        # only a query bounding created_at implies it.
        partial_index(
            "ix_episodes_open_created",
            "created_at",
            where="discharged_on IS NULL AND created_at IS NOT NULL",
        ),
        # The census and the caseload totals: per level, from the index alone (discharged_on,
        # NULL here, is in it because SQLite counts only indexed columns towards covering).
        partial_index(
            "ix_episodes_open_by_level",
            "current_level",
            "level_since",
            "primary_counselor_id",
            "discharged_on",
            where="discharged_on IS NULL",
        ),
        # Withdrawal scores due (assessments/due.py): open episodes at a level, never scored
        # first, then by when last scored, so that the most urgent few are the index's first.
        *(
            partial_index(
                f"ix_episodes_open_{code}_due",
                "current_level",
                sa.text(f"({column} IS NOT NULL)"),
                sa.text(f"coalesce({column}, level_since)"),
                "id",
                where="discharged_on IS NULL",
            )
            for code, column in (("cows", "last_cows_at"), ("ciwa", "last_ciwa_at"))
        ),
        # Admissions and discharges today and this week: two range counts.
        sa.Index("ix_episodes_admitted_on", "admitted_on"),
        partial_index(
            "ix_episodes_discharged_on", "discharged_on", where="discharged_on IS NOT NULL"
        ),
        sa.CheckConstraint(
            "discharged_on IS NULL OR discharged_on >= admitted_on",
            name="discharge_after_admission",
        ),
        sa.CheckConstraint(
            "(discharged_on IS NULL) = (discharge_type IS NULL)", name="discharge_has_type"
        ),
    )

    @property
    def is_open(self) -> bool:
        return self.discharged_on is None


class SubstanceUse(db.Model):
    """A substance the client uses, ranked (1 is the primary substance) for one episode."""

    __tablename__ = "substance_uses"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(sa.ForeignKey("episodes.id"), index=True)
    rank: Mapped[int]
    substance: Mapped[Substance] = mapped_column(enum_column_type(Substance, "substance"))
    route: Mapped[Route] = mapped_column(enum_column_type(Route, "route"))
    frequency: Mapped[UseFrequency] = mapped_column(enum_column_type(UseFrequency, "frequency"))

    episode: Mapped[Episode] = relationship(back_populates="substances", lazy="raise")

    __table_args__ = (
        sa.UniqueConstraint("episode_id", "rank", name="uq_substance_uses_episode_rank"),
        sa.CheckConstraint("rank BETWEEN 1 AND 3", name="rank_range"),
    )


class CareTeamMember(db.Model):
    """A member of staff on an episode's care team; removal keeps the row as history."""

    __tablename__ = "care_team_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(sa.ForeignKey("episodes.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    team_role: Mapped[TeamRole] = mapped_column(enum_column_type(TeamRole, "team_role"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    user = relationship("User", foreign_keys=[user_id], lazy="raise")

    __table_args__ = (
        partial_unique_index(
            "uq_care_team_members_one_primary",
            "episode_id",
            where="team_role = 'primary_counselor' AND removed_at IS NULL",
        ),
        partial_unique_index(
            "uq_care_team_members_once_per_episode",
            "episode_id",
            "user_id",
            where="removed_at IS NULL",
        ),
        # Who sees which client: the teams a user is on now, from the index alone.
        partial_index(
            "ix_care_team_members_active_user", "user_id", "episode_id", where="removed_at IS NULL"
        ),
    )


class EmergencyAccess(db.Model):
    """Break-the-glass: time-limited access to one client, with the reason, for review."""

    __tablename__ = "emergency_accesses"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str | None] = mapped_column(sa.Text)

    user = relationship("User", foreign_keys=[user_id], lazy="raise")
    client: Mapped[Client] = relationship(lazy="raise")
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id], lazy="raise")

    # Supervisors' due work: the grants not yet reviewed, oldest first.
    __table_args__ = (
        partial_index(
            "ix_emergency_accesses_unreviewed", "granted_at", where="reviewed_at IS NULL"
        ),
    )
