"""Database foundations: declarative base, naming convention, UTC timestamps, SQLite set-up."""

from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa
from flask import has_request_context
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Fixed before the first migration, so that every constraint has a predictable name that a later
# migration can drop or alter (SQLite batch mode needs names).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(sa.TypeDecorator):
    """A timezone-aware UTC timestamp on every database.

    PostgreSQL stores `timestamptz`; SQLite has no time zone, so values are stored as naive UTC
    and made aware again on the way out. Naive datetimes are refused: they are always a bug.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def partial_index(name: str, *columns: str, where: str, unique: bool = False) -> sa.Index:
    """An index over the rows matching `where` only, on SQLite and PostgreSQL alike."""
    condition = sa.text(where)
    return sa.Index(
        name, *columns, unique=unique, sqlite_where=condition, postgresql_where=condition
    )


def partial_unique_index(name: str, *columns: str, where: str) -> sa.Index:
    """A unique partial index: how the database itself keeps "at most one open ..." rules."""
    return partial_index(name, *columns, where=where, unique=True)


def enum_column_type(enum_class: type[StrEnum], name: str) -> sa.Enum:
    """Store a StrEnum as its values in a VARCHAR guarded by a CHECK constraint."""
    return sa.Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(member.value) for member in enum_class),
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def configure_engine(engine: Engine) -> None:
    """Apply the per-connection settings a dialect needs (SQLite only, for now)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, decide when a transaction begins (see _sqlite_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection):
        # Requests read, then write (the audit log at least): a deferred transaction would fail
        # at once with "database is locked" when another worker writes first, whatever the
        # busy timeout. Taking the write lock up front makes the busy timeout apply. Work done
        # outside a request (commands, test set-up) is single-minded and begins deferred, so
        # that it never holds the write lock while it merely reads.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if has_request_context() else "BEGIN")
