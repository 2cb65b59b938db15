"""Where a request commits: `attempt` for a change, `keep` for what a refusal or a read recorded.

Every write reads the same way: load -> authorize -> (verify the signer) -> `attempt(change)` ->
redirect, or the page again with the refusal beside the field. `attempt` is the one place a change
is committed; a refusal by the rules, a database constraint lost to a concurrent request, or a
record's version lost to a concurrent edit rolls everything back and is explained on the form,
which keeps what the user typed. Nothing else in a request commits, except `keep`: the audit of a
read (the chart shell), a failed password check that must count towards the throttle, a denial.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from clinic.core.errors import RuleError
from clinic.extensions import db

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


def keep() -> None:
    """Commit what the request recorded without changing a record: the audit of a read, a failed
    password check (it counts towards the throttle), a denial."""
    db.session.commit()


def committed(page: T) -> T:
    """`keep` the request's audit records once the page is rendered, and return the page."""
    keep()
    return page


def add_error(form: FlaskForm, message: str, field: str | None = None) -> None:
    """Show `message` beside `field`, or at the top of the form when no field is named."""
    if field and field in form:
        form[field].errors = [*form[field].errors, message]
    else:
        form.form_errors.append(message)
