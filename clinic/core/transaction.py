"""Where a request commits: `attempt` for a change, `keep` for what a refusal or a read recorded.

Every write reads the same way: load -> authorize -> (verify the signer) -> `attempt(change)` ->
redirect, or the page again with the refusal beside the field. `attempt` is the one place a change
is committed; a refusal by the rules, a database constraint lost to a concurrent request, or a
record's version lost to a concurrent edit rolls everything back and is explained on the form,
which keeps what the user typed. Nothing else in a request commits, except `keep`: the audit of a
read (the chart shell), a failed password check that must count towards the throttle, a denial.

Reads run side by side; changes one at a time. `open_request` (before every request) sorts it:

- A request that changes (POST and every method but GET, HEAD and OPTIONS) works in one
  transaction that takes the write lock at its first statement (on SQLite `BEGIN IMMEDIATE`,
  `clinic.core.db`), so what it reads before deciding cannot change under it. `keep` and
  `attempt` commit it, as they always have.
- A request that reads works in a read transaction that takes no lock (a deferred `BEGIN`). What
  it records (`audit.record`: the read itself, a denial, an expired session) stays pending, not
  flushed (the session does not autoflush while reading), and `keep` (or `committed(page)`, once
  the page is rendered) first ends the read transaction, then writes those rows in a short
  transaction of its own that takes the lock, and commits it. A writer that committed meanwhile
  cannot make that write fail, as it would upgrading the read transaction (SQLITE_BUSY_SNAPSHOT);
  it can only make it wait, up to the busy timeout. If the write fails, `committed` raises and the
  page is not served: every read served is audited. Both commits keep what the session loaded
  (no expiry), so the page can go on rendering from the objects it read, and nothing is read
  twice. A read that would change or delete a loaded record, or write before `keep`, is a bug and
  fails loudly (here, and in the statement guard of `clinic.core.db`).
- A read that must decide on what it writes (a held form offered once; probing counted over the
  denials) does it `with write_lock():` the read transaction ends (what it recorded stays
  pending), the block runs in a transaction that holds the lock, autoflushing as a change does,
  and what it did is kept at its end.
- Error pages `discard()` what the request half did and then only read, so a 500 page never
  waits for the lock that the failed request may have timed out on.

PostgreSQL runs the same split (there a plain `BEGIN`, READ COMMITTED, for both transactions):
one behaviour, tested on both databases, for the cost of one more commit on an audited read.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import g, has_request_context, request
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from clinic.core.db import request_writes, set_request_writes
from clinic.core.errors import RuleError
from clinic.extensions import db

# Methods that read: they change nothing but the audit log (and what `write_lock` covers).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_READS = "clinic_request_reads"

T = TypeVar("T")

CONFLICT = (
    "Someone else changed this record while you were editing it. The saved values are shown "
    "beside the form; check them, then save again to apply yours."
)


@dataclass
class Outcome(Generic[T]):
    """What `attempt` did: true when the change was committed, with what the change returned.

    When it was not: `error` is the rules' refusal (already shown on the form), or `conflict` is
    the record as stored now, after a concurrent edit (the page shows it beside the form)."""

    saved: bool
    value: T | None = None
    error: RuleError | None = None
    conflict: Any = None

    def __bool__(self) -> bool:
        return self.saved


def attempt(
    form: FlaskForm,
    change: Callable[[], T],
    *,
    race: str,
    versioned: Any = None,
    reload: Callable[[], Any] | None = None,
) -> Outcome[T]:
    """Make `change` and commit it; the outcome carries its result.

    `race` says what happened when a concurrent request won (a unique index, a version). With
    `versioned` (a record edited under optimistic locking, on a `VersionedForm`), a form read at
    an older version saves nothing: `reload` reads the record again, the form takes the stored
    version so that the next save is deliberate, and the outcome carries the stored record."""
    if versioned is not None and form.is_stale(versioned):
        return _conflict(form, versioned)
    try:
        value = change()
        db.session.commit()
    except RuleError as error:
        db.session.rollback()
        add_error(form, str(error), error.field)
        return Outcome(saved=False, error=error)
    except StaleDataError:
        db.session.rollback()
        if versioned is not None:
            return _conflict(form, reload() if reload else versioned)
        add_error(form, race)
        return Outcome(saved=False)
    except IntegrityError:
        db.session.rollback()
        add_error(form, race)
        return Outcome(saved=False)
    return Outcome(saved=True, value=value)


def _conflict(form: FlaskForm, stored: Any) -> Outcome:
    form.version.data = str(stored.version)
    add_error(form, CONFLICT)
    return Outcome(saved=False, conflict=stored)


def open_request() -> None:
    """Before every request: a GET, HEAD or OPTIONS reads without the lock; others change."""
    _set_reads(request.method in SAFE_METHODS)


def keep() -> None:
    """Commit what the request recorded without changing a record: the audit of a read, a failed
    password check (it counts towards the throttle), a denial. In a request that reads, the read
    transaction ends first and the rows are written in a transaction of their own."""
    if not _reads():
        db.session.commit()
        return
    session = db.session()
    if not request_writes():
        _lock(session)
    try:
        with _keeping_loaded(session):
            session.commit()
    finally:
        _unlock(session)


def committed(page: T) -> T:
    """`keep` the request's audit records once the page is rendered, and return the page."""
    keep()
    return page


@contextmanager
def write_lock() -> Iterator[None]:
    """`with write_lock():` in a request that reads, the block holds the write lock, so that what
    it reads before it writes cannot change meanwhile; what it did is kept when it ends (unless
    the block kept it already). In a request that changes it has the lock anyway: nothing more."""
    if not _reads():
        yield
        return
    if not request_writes():
        _lock(db.session())
    yield
    if request_writes():
        keep()


def discard() -> None:
    """Drop what the request had half done (an error page follows, which only reads: it records
    through `write_lock` and `keep` as a read does)."""
    db.session.rollback()
    if has_request_context():
        _set_reads(True)


def _reads() -> bool:
    return has_request_context() and g.get(_READS, False)


def _set_reads(reads: bool) -> None:
    setattr(g, _READS, reads)
    set_request_writes(not reads)
    db.session.autoflush = not reads


def _lock(session: Session) -> None:
    """End the read transaction, keeping what it recorded for the transaction that follows, which
    takes the write lock."""
    changed = [obj for obj in session.dirty if session.is_modified(obj)] + list(session.deleted)
    if changed:
        raise RuntimeError(
            f"a request that reads changed {changed!r}: call transaction.write_lock() first"
        )
    pending = list(session.new)
    for obj in pending:
        session.expunge(obj)
    with _keeping_loaded(session):
        session.commit()  # writes nothing: there is nothing left to flush
    set_request_writes(True)
    session.autoflush = True
    session.add_all(pending)


def _unlock(session: Session) -> None:
    set_request_writes(False)
    session.autoflush = False


@contextmanager
def _keeping_loaded(session: Session) -> Iterator[None]:
    """Commit without expiring what the session loaded: the page goes on rendering from it."""
    expire = session.expire_on_commit
    session.expire_on_commit = False
    try:
        yield
    finally:
        session.expire_on_commit = expire


def add_error(form: FlaskForm, message: str, field: str | None = None) -> None:
    """Show `message` beside `field`, or at the top of the form when no field is named."""
    if field and field in form:
        form[field].errors = [*form[field].errors, message]
    else:
        form.form_errors.append(message)
