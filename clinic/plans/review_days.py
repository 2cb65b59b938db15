"""The active version's next review day, stored on the plan (`TreatmentPlan.next_review_on`) so
that reviews coming due are an index range, not a computation over every plan in Python.

It is derived (services.next_review: the level's interval after the version took effect, or the
day the level changed since) and written here alone: after every flush that makes a version
active, records a review, or adds or corrects a stay, for the episodes concerned; and in bulk by
`refresh_review_days` (`flask plans refresh-reviews`, after a change of PLAN_REVIEW_DAYS or
CLINIC_TIMEZONE, and after a bulk load). Written with Core, without a version change: nobody
edits it, so it never makes someone's form stale.
"""

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from clinic.clients.models import Episode
from clinic.clients.stays import LevelOfCareStay
from clinic.extensions import db
from clinic.plans.models import PlanReview, TreatmentPlan
from clinic.plans.services import next_review
from clinic.plans.vocabulary import PlanStatus

_CHANGED = "clinic.review_days_changed"
CHUNK = 5000


def _review_days(connection, episodes) -> list[dict]:
    """UPDATE parameters for the active version of `episodes` (a clause on Episode): its next
    review day, or None once it has been reviewed."""
    started_by = aliased(PlanReview)
    rows = connection.execute(
        sa.select(
            TreatmentPlan.id,
            sa.func.coalesce(started_by.reviewed_at, TreatmentPlan.cosigned_at),
            Episode.current_level,
            Episode.level_since,
            sa.exists().where(PlanReview.plan_id == TreatmentPlan.id),
        )
        .join(Episode, Episode.id == TreatmentPlan.episode_id)
        .outerjoin(started_by, started_by.next_plan_id == TreatmentPlan.id)
        .where(TreatmentPlan.status == PlanStatus.ACTIVE, episodes)
    ).all()
    return [
        {"plan": plan_id, "due": None if reviewed else next_review(anchored, level, since)}
        for plan_id, anchored, level, since, reviewed in rows
    ]


def _write(session: Session, connection, days: list[dict]) -> None:
    table = TreatmentPlan.__table__
    for start in range(0, len(days), CHUNK):
        connection.execute(
            table.update()
            .where(table.c.id == sa.bindparam("plan"))
            .values(next_review_on=sa.bindparam("due")),
            days[start : start + CHUNK],
        )
    written = {day["plan"] for day in days}
    for record in list(session.identity_map.values()):
        if isinstance(record, TreatmentPlan) and record.id in written:
            session.expire(record, ["next_review_on"])


def refresh_review_days() -> int:
    """Every open episode's next review day again; returns how many versions were written."""
    connection = db.session.connection()
    days = _review_days(connection, Episode.discharged_on.is_(None))
    _write(db.session, connection, days)
    return len(days)


@sa.event.listens_for(Session, "after_flush")
def _note_changes(session: Session, _context) -> None:
    """Remember what this flush did that moves a review day: a version made active, a review
    recorded, a stay added or changed (a new level, or a corrected one)."""
    episodes, plans = set(), set()
    for record in (*session.new, *session.dirty):
        if isinstance(record, LevelOfCareStay) or (
            isinstance(record, TreatmentPlan) and record.status == PlanStatus.ACTIVE
        ):
            episodes.add(record.episode_id)
        elif isinstance(record, PlanReview):
            plans.add(record.plan_id)
    if episodes or plans:
        noted = session.info.setdefault(_CHANGED, (set(), set()))
        noted[0].update(episodes)
        noted[1].update(plans)


@sa.event.listens_for(Session, "after_flush_postexec")
def _refresh_changed(session: Session, _context) -> None:
    noted = session.info.pop(_CHANGED, None)
    if not noted:
        return
    episodes, plans = noted
    reviewed = sa.select(TreatmentPlan.episode_id).where(TreatmentPlan.id.in_(plans))
    connection = session.connection()
    days = _review_days(connection, sa.or_(Episode.id.in_(episodes), Episode.id.in_(reviewed)))
    _write(session, connection, days)
