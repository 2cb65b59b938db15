"""Database foundations: declarative base, naming convention, UTC timestamps, engine set-up.

Which transactions take the write lock. A request either reads (GET, HEAD, OPTIONS) or changes
(any other method); `clinic.core.transaction` says which, per request, through
`set_request_writes`, and the engine listeners here act on it:

- A request that changes begins `BEGIN IMMEDIATE` on SQLite at its first statement: it holds the
  database's one write lock before it reads what it decides on (a move, a plan, a sign-in), so
  the busy timeout applies and no other writer slips in between its read and its write.
- A request that reads begins a deferred `BEGIN`. In WAL mode it reads a snapshot while another
  connection holds the write lock, so readers run side by side and `/healthz` never waits. Such a
  transaction must write nothing (upgrading it would fail at once with SQLITE_BUSY_SNAPSHOT when a
  writer committed since it began): the statement guard below refuses INSERT, UPDATE and DELETE
  in it, on every database, so that a read that writes fails in the tests, not under load. What a
  read records is written after it, in a short transaction of its own that takes the lock
  (`transaction.keep`).
- Work outside a dispatched request (commands, test set-up) begins deferred, as it is
  single-minded and must not hold the lock while it merely reads. A request context that no
  request dispatched (a test's `test_request_context`) takes the lock, as changes do.

PostgreSQL has no database-wide write lock: every transaction there is a plain `BEGIN` (READ
COMMITTED), and the read-then-write paths rely on their unique indexes, row versions and locks.
"""

from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa
from flask import g, has_request_context
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


def partial_index(name: str, *columns, where: str, unique: bool = False) -> sa.Index:
    """An index over the rows matching `where` only, on SQLite and PostgreSQL alike (a column
    is a name, or an expression as `sa.text`)."""
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


_WRITES = "clinic_request_writes"
_WRITE_STATEMENTS = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class WriteInReadError(RuntimeError):
    """A request that reads ran a statement that writes, in its read transaction."""


def request_writes() -> bool:
    """Whether a transaction beginning now, here, takes the write lock (see the module's text)."""
    if not has_request_context():
        return False
    return g.get(_WRITES, True)


def set_request_writes(writes: bool) -> None:
    """Say whether this request's transactions from now on take the write lock."""
    setattr(g, _WRITES, writes)


def configure_engine(engine: Engine) -> None:
    """Apply the per-connection settings a dialect needs, and the read transactions' guard."""

    @event.listens_for(engine, "before_cursor_execute")
    def _refuse_writes_in_reads(_conn, _cursor, statement, _parameters, _context, _many):
        if not has_request_context() or request_writes():
            return
        if statement.lstrip()[:7].upper().startswith(_WRITE_STATEMENTS):
            raise WriteInReadError(
                "a request that reads wrote in its read transaction; record new rows for "
                f"`transaction.keep`, or take `transaction.write_lock()` first: {statement[:80]}"
            )

    if engine.dialect.name == "postgresql":

        @event.listens_for(engine, "connect")
        def _postgresql_on_connect(dbapi_connection, _record):
            # No JIT compilation: every query of the portal is a short indexed read, and past
            # jit_above_cost PostgreSQL spends tens of milliseconds compiling a plan that then
            # runs in a few (seen on the home pages' due counts at 100,000 clients).
            # Outside a transaction, so that no rollback undoes it (SQLAlchemy's recipe).
            autocommit = dbapi_connection.autocommit
            dbapi_connection.autocommit = True
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SET jit = off")
            dbapi_connection.autocommit = autocommit
            # No server-side prepared statements: after five runs psycopg prepares a query,
            # and PostgreSQL may then plan it once for any parameters (a generic plan), which
            # for the due queries' dates and ranges reads far more than the plan for the
            # values at hand (the supervisor's home at 10,000 clients: SQL 58 -> 40 ms).
            dbapi_connection.prepare_threshold = None

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
        # A deferred transaction that reads and then writes would fail at once with "database is
        # locked" (SQLITE_BUSY_SNAPSHOT) when another worker committed in between, whatever the
        # busy timeout: a transaction that may write takes the lock up front, and waits for it.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if request_writes() else "BEGIN")


def assign_changes(record, values: dict) -> list[str]:
    """Set on `record` each of `values` that differs from what it holds; returns the names of
    those that changed (for the audit), so that saving a form unchanged changes nothing."""
    changed = []
    for name, value in values.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed.append(name)
    return changed
