"""Due items from treatment plans: the first plan, plans waiting for the client's
acknowledgement or a co-signature, and reviews coming due or overdue. One query each."""

from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, current_app, url_for
from sqlalchemy.orm import aliased

from clinic.clients.models import Client, Episode, display_name
from clinic.core.clock import to_local
from clinic.core.due import DUE, NOTICE, OVERDUE, DueItem, register_due_sources
from clinic.core.permissions import can
from clinic.extensions import db
from clinic.plans import services
from clinic.plans.models import PlanReview, TreatmentPlan
from clinic.plans.vocabulary import PlanStatus

# The review that started a version: its next review counts from then.
STARTED_BY = aliased(PlanReview, name="started_by")
CLIENT_NAME = (Client.id, Client.preferred_name, Client.legal_first_name, Client.legal_last_name)


def first_plan(user, _today, now) -> list[DueItem]:
    """Open episodes with no plan in force yet: due within 72 hours of the admission."""
    supervisor = can(user, "work.supervise")
    if not supervisor and not can(user, "work.counsel"):
        return []
    allowed = current_app.config["FIRST_PLAN_DUE"]
    in_force = sa.select(TreatmentPlan.episode_id).where(TreatmentPlan.status != PlanStatus.DRAFT)
    mine = Episode.primary_counselor_id == user.id
    if supervisor:  # and every late one
        mine = sa.or_(mine, Episode.created_at <= now - allowed)
    rows = db.session.execute(
        sa.select(*CLIENT_NAME, Episode.created_at)
        .join(Episode, sa.and_(Episode.client_id == Client.id, Episode.discharged_on.is_(None)))
        .where(Episode.id.not_in(in_force), mine)
        .order_by(Episode.created_at)
    ).all()
    zone = current_app.config["CLINIC_TIMEZONE"]
    return [
        DueItem(
            kind="first_plan",
            title="Treatment plan overdue"
            if now >= entered + allowed
            else "First treatment plan due",
            url=url_for("plans.index", client_id=client_id),
            severity=OVERDUE if now >= entered + allowed else NOTICE,
            client_name=display_name(preferred, first, last),
            due=to_local(entered + allowed, zone).date(),
            client_id=client_id,
        )
        for client_id, preferred, first, last, entered in rows
    ]


def signatures(user, _today, _now) -> list[DueItem]:
    """Signed drafts: the client's acknowledgement to record (primary counselor), then the
    co-signature (supervisors)."""
    supervisor = can(user, "work.supervise")
    counselor = can(user, "work.counsel")
    if not supervisor and not counselor:
        return []
    waiting = sa.and_(
        TreatmentPlan.status == PlanStatus.DRAFT, TreatmentPlan.author_signed_at.is_not(None)
    )
    kinds = []
    if counselor:
        kinds.append(
            sa.and_(
                TreatmentPlan.acknowledged_how.is_(None),
                Episode.primary_counselor_id == user.id,
            )
        )
    if supervisor:
        kinds.append(
            sa.and_(
                TreatmentPlan.acknowledged_how.is_not(None),
                TreatmentPlan.author_signed_by_id != user.id,
            )
        )
    rows = db.session.execute(
        sa.select(
            *CLIENT_NAME,
            TreatmentPlan.id,
            TreatmentPlan.acknowledged_how,
            TreatmentPlan.author_signed_at,
        )
        .join(TreatmentPlan, TreatmentPlan.client_id == Client.id)
        .join(Episode, Episode.id == TreatmentPlan.episode_id)
        .where(waiting, sa.or_(*kinds))
        .order_by(TreatmentPlan.author_signed_at)
    ).all()
    zone = current_app.config["CLINIC_TIMEZONE"]
    return [
        DueItem(
            kind="plan_signature",
            title="Plan awaiting co-signature" if how else "Record the client's acknowledgement",
            url=url_for("plans.show", client_id=client_id, plan_id=plan_id),
            severity=DUE,
            client_name=display_name(preferred, first, last),
            due=to_local(signed_at, zone).date(),
            client_id=client_id,
        )
        for client_id, preferred, first, last, plan_id, how, signed_at in rows
    ]


def reviewed_drafts(user, _today, _now) -> list[DueItem]:
    """The primary counselor's next versions started by a review and not yet signed."""
    if not can(user, "work.counsel"):
        return []
    rows = db.session.execute(
        sa.select(*CLIENT_NAME, TreatmentPlan.id, PlanReview.reviewed_at)
        .join(TreatmentPlan, TreatmentPlan.client_id == Client.id)
        .join(Episode, Episode.id == TreatmentPlan.episode_id)
        .join(PlanReview, PlanReview.next_plan_id == TreatmentPlan.id)
        .where(
            TreatmentPlan.status == PlanStatus.DRAFT,
            TreatmentPlan.author_signed_at.is_(None),
            Episode.discharged_on.is_(None),
            Episode.primary_counselor_id == user.id,
        )
        .order_by(PlanReview.reviewed_at)
    ).all()
    zone = current_app.config["CLINIC_TIMEZONE"]
    return [
        DueItem(
            kind="plan_update",
            title="Update and sign the reviewed plan",
            url=url_for("plans.show", client_id=client_id, plan_id=plan_id),
            severity=DUE,
            client_name=display_name(preferred, first, last),
            due=to_local(reviewed_at, zone).date(),
            client_id=client_id,
        )
        for client_id, preferred, first, last, plan_id, reviewed_at in rows
    ]


def reviews(user, today, _now) -> list[DueItem]:
    """Active plans whose review is due soon (primary counselor) or overdue (and supervisors):
    by the current level's interval, and at once after a level change."""
    supervisor = can(user, "work.supervise")
    if not supervisor and not can(user, "work.counsel"):
        return []
    reviewed = sa.select(PlanReview.plan_id)
    rows = db.session.execute(
        sa.select(
            *CLIENT_NAME,
            TreatmentPlan.id,
            sa.func.coalesce(STARTED_BY.reviewed_at, TreatmentPlan.cosigned_at),
            Episode.current_level,
            Episode.level_since,
            Episode.primary_counselor_id,
        )
        .join(TreatmentPlan, TreatmentPlan.client_id == Client.id)
        .join(Episode, Episode.id == TreatmentPlan.episode_id)
        .outerjoin(STARTED_BY, STARTED_BY.next_plan_id == TreatmentPlan.id)
        .where(
            TreatmentPlan.status == PlanStatus.ACTIVE,
            Episode.discharged_on.is_(None),
            TreatmentPlan.id.not_in(reviewed),
            sa.true() if supervisor else Episode.primary_counselor_id == user.id,
        )
    ).all()
    notice = timedelta(days=current_app.config["PLAN_REVIEW_NOTICE_DAYS"])
    items = []
    for client_id, preferred, first, last, plan_id, anchored, level, since, primary in rows:
        due = services.next_review(anchored, level, since)
        if due is None:
            continue
        mine = primary == user.id
        if today > due:
            severity = OVERDUE
        elif mine and today >= due - notice:
            severity = DUE if today == due else NOTICE
        else:
            continue
        items.append(
            DueItem(
                kind="plan_review",
                title="Plan review overdue" if severity == OVERDUE else "Plan review due",
                url=url_for("plans.review", client_id=client_id, plan_id=plan_id),
                severity=severity,
                client_name=display_name(preferred, first, last),
                due=due,
                client_id=client_id,
            )
        )
    return items


SOURCES = (first_plan, signatures, reviewed_drafts, reviews)


def register(app: Flask) -> None:
    register_due_sources(app, *SOURCES)
