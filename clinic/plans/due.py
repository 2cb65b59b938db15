"""Due work from treatment plans: the first plan, plans waiting for the client's
acknowledgement or a co-signature, reviewed versions to update, and reviews coming due or
overdue (from the stored review day, `TreatmentPlan.next_review_on`). Each a query over the
rows waiting (see `clinic.core.due`)."""

from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, current_app, url_for

from clinic.clients.due import client_name, episode_rows
from clinic.clients.models import Episode
from clinic.core.clock import to_local
from clinic.core.due import DUE, NOTICE, OVERDUE, DueItem, DueKind, register_due_kinds
from clinic.core.permissions import can
from clinic.plans.models import PlanReview, TreatmentPlan
from clinic.plans.vocabulary import PlanStatus


def _local_day(moment):
    return to_local(moment, current_app.config["CLINIC_TIMEZONE"]).date()


def first_plan_query(user, _today, now):
    """Open episodes with no plan in force yet: due within 72 hours of the admission, for the
    primary counselor; supervisors see every late one."""
    supervisor = can(user, "work.supervise")
    if not supervisor and not can(user, "work.counsel"):
        return None
    late = Episode.created_at <= now - current_app.config["FIRST_PLAN_DUE"]
    mine = Episode.primary_counselor_id == user.id
    return episode_rows(overdue=late, due_at=Episode.created_at).where(
        Episode.plan_in_force_at.is_(None), sa.or_(mine, late) if supervisor else mine
    )


def first_plan_item(row, _today, _now) -> DueItem:
    return DueItem(
        kind="first_plan",
        title="Treatment plan overdue" if row.overdue else "First treatment plan due",
        url=url_for("plans.index", client_id=row.client_id),
        severity=OVERDUE if row.overdue else NOTICE,
        client_name=client_name(row),
        due=_local_day(row.due_at + current_app.config["FIRST_PLAN_DUE"]),
        client_id=row.client_id,
    )


def signatures_query(user, _today, _now):
    """Signed drafts: the client's acknowledgement to record (primary counselor), then the
    co-signature (supervisors)."""
    supervisor = can(user, "work.supervise")
    counselor = can(user, "work.counsel")
    if not supervisor and not counselor:
        return None
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
    return (
        episode_rows(
            TreatmentPlan.id.label("plan_id"),
            TreatmentPlan.acknowledged_how,
            overdue=sa.false(),
            due_at=TreatmentPlan.author_signed_at,
            row_id=TreatmentPlan.id,
        )
        .join(TreatmentPlan, TreatmentPlan.episode_id == Episode.id)
        .where(
            TreatmentPlan.status == PlanStatus.DRAFT,
            TreatmentPlan.author_signed_at.is_not(None),
            sa.or_(*kinds),
        )
    )


def signatures_item(row, _today, _now) -> DueItem:
    return DueItem(
        kind="plan_signature",
        title="Plan awaiting co-signature"
        if row.acknowledged_how
        else "Record the client's acknowledgement",
        url=url_for("plans.show", client_id=row.client_id, plan_id=row.plan_id),
        severity=DUE,
        client_name=client_name(row),
        due=_local_day(row.due_at),
        client_id=row.client_id,
    )


def reviewed_drafts_query(user, _today, _now):
    """The primary counselor's next versions started by a review and not yet signed."""
    if not can(user, "work.counsel"):
        return None
    return (
        episode_rows(
            TreatmentPlan.id.label("plan_id"),
            overdue=sa.false(),
            due_at=PlanReview.reviewed_at,
            row_id=TreatmentPlan.id,
        )
        .join(TreatmentPlan, TreatmentPlan.episode_id == Episode.id)
        .join(PlanReview, PlanReview.next_plan_id == TreatmentPlan.id)
        .where(
            TreatmentPlan.status == PlanStatus.DRAFT,
            TreatmentPlan.author_signed_at.is_(None),
            Episode.primary_counselor_id == user.id,
        )
    )


def reviewed_drafts_item(row, _today, _now) -> DueItem:
    return DueItem(
        kind="plan_update",
        title="Update and sign the reviewed plan",
        url=url_for("plans.show", client_id=row.client_id, plan_id=row.plan_id),
        severity=DUE,
        client_name=client_name(row),
        due=_local_day(row.due_at),
        client_id=row.client_id,
    )


def reviews_query(user, today, _now):
    """Active versions whose review is due soon (primary counselor, PLAN_REVIEW_NOTICE_DAYS
    ahead) or overdue (and supervisors): by the current level's interval, and at once after a
    level change, as `services.refresh_review_day` stores it."""
    supervisor = can(user, "work.supervise")
    if not supervisor and not can(user, "work.counsel"):
        return None
    notice = timedelta(days=current_app.config["PLAN_REVIEW_NOTICE_DAYS"])
    due = TreatmentPlan.next_review_on
    rows = (
        episode_rows(
            TreatmentPlan.id.label("plan_id"),
            overdue=due < today,
            due_at=due,
            row_id=TreatmentPlan.id,
        )
        .join(TreatmentPlan, TreatmentPlan.episode_id == Episode.id)
        .where(TreatmentPlan.status == PlanStatus.ACTIVE)
    )
    mine = Episode.primary_counselor_id == user.id
    if not supervisor:
        return rows.where(mine, due <= today + notice)
    # Every overdue review (a range of the review-day index), and the supervisor's own coming
    # due: two indexed sets, not an OR that would read every active plan.
    return sa.union_all(
        rows.where(due < today),
        rows.where(mine, due >= today, due <= today + notice),
    )


def reviews_item(row, today, _now) -> DueItem:
    severity = OVERDUE if row.overdue else (DUE if row.due_at == today else NOTICE)
    return DueItem(
        kind="plan_review",
        title="Plan review overdue" if row.overdue else "Plan review due",
        url=url_for("plans.review", client_id=row.client_id, plan_id=row.plan_id),
        severity=severity,
        client_name=client_name(row),
        due=row.due_at,
        client_id=row.client_id,
    )


KINDS = (
    DueKind("first_plan", "First treatment plans", first_plan_query, first_plan_item),
    DueKind("plan_signature", "Plans to acknowledge or co-sign", signatures_query, signatures_item),
    DueKind("plan_update", "Reviewed plans to update", reviewed_drafts_query, reviewed_drafts_item),
    DueKind("plan_review", "Plan reviews", reviews_query, reviews_item),
)


def register(app: Flask) -> None:
    register_due_kinds(app, *KINDS)
