"""What move and discharge requests share: the refusal they raise and the decision that lands once.

A decision is one conditional UPDATE of the request (pending -> decided): of two decisions of one
request, racing or replayed, exactly one changes a row and the other is told.
"""

import sqlalchemy as sa

from clinic.care.models import RequestStatus
from clinic.core.clock import utcnow
from clinic.core.errors import RuleError
from clinic.core.permissions import can
from clinic.core.text import clean_text
from clinic.extensions import db


class TransitionError(RuleError):
    """A move the rules refuse."""


NO_OPEN_STAY = "The episode has no open stay on record: the level history needs a correction."


def decide_while_pending(row, *also, **values) -> None:
    """Apply `values` to a move or discharge request only while it is pending (and `also`
    holds): one statement, so of two decisions at once exactly one lands and the other is told."""
    model = type(row)
    done = db.session.execute(
        sa.update(model)
        .where(model.id == row.id, model.status == RequestStatus.PENDING, *also)
        .values(version=model.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        raise TransitionError("This request was decided a moment ago: reload the page.")
    db.session.expire(row)


def decline_request(row, note: str | None, *, actor, refused: str, ask_why: str) -> str:
    """A supervisor declines a waiting move or discharge, saying why (`ask_why` when they did
    not); `refused` when the policy does not let `actor` decide. Returns the note."""
    if not can(actor, "transition.decide", row):
        raise TransitionError(refused)
    note = clean_text(note)
    if not note:
        raise TransitionError(ask_why, "note")
    decide_while_pending(
        row,
        status=RequestStatus.DECLINED,
        decided_by_id=actor.id,
        decided_at=utcnow(),
        decision_note=note,
    )
    return note
