"""Due work from consents: consents expiring within 14 days, clients in treatment with no consent
recorded since admission, the privacy notice not yet given, and emergency disclosures waiting
for a supervisor's review. Each a query over the rows waiting (see `clinic.core.due`)."""

import sqlalchemy as sa
from flask import Flask, current_app, url_for

from clinic.clients import access
from clinic.clients.due import client_name, client_rows, episode_rows
from clinic.clients.models import Client, Episode
from clinic.clients.services import visible_clause
from clinic.consents.models import Consent, Disclosure, EmergencyReview, PrivacyNotice
from clinic.core.due import DUE, NOTICE, OVERDUE, DueItem, DueKind, register_due_kinds
from clinic.core.permissions import can


def _whose(user, now):
    """The open episodes whose consent paperwork is the user's: a counselor's own (as primary
    counselor, on the caseload index), an intake coordinator's admissions of the intake window
    (on `ix_episodes_open_created`, so that the window is read, not every admission); None: not
    their work."""
    if can(user, "work.counsel"):
        return Episode.primary_counselor_id == user.id
    if can(user, "work.intake"):
        # "created_at IS NOT NULL" (always true) names the index of open episodes by entry.
        return sa.and_(
            Episode.created_at.is_not(None),
            Episode.created_at >= now - access.INTAKE_WINDOW,
            visible_clause(user),
        )
    return None


def expiring_query(user, today, _now):
    """Consents of clients in treatment whose last day is within the next 14 days (configurable),
    for the primary counselor (supervisors: every one)."""
    if can(user, "work.supervise"):
        mine = sa.true()
    elif can(user, "work.counsel"):
        mine = Episode.primary_counselor_id == user.id
    else:
        return None
    horizon = today + current_app.config["CONSENT_EXPIRY_NOTICE"]
    return (
        episode_rows(
            Consent.id.label("consent_id"),
            Consent.recipient_name,
            overdue=sa.false(),
            due_at=Consent.expires_on,
            row_id=Consent.id,
        )
        .join(Consent, Consent.client_id == Client.id)
        .where(
            Consent.revoked_at.is_(None),
            Consent.expires_on.is_not(None),
            Consent.expires_on >= today,
            Consent.expires_on <= horizon,
            mine,
        )
    )


def expiring_item(row, today, _now) -> DueItem:
    days = (row.due_at - today).days
    when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
    return DueItem(
        kind="consent_expiring",
        title=f"Consent for {row.recipient_name} expires {when}",
        url=url_for("consents.consent", client_id=row.client_id, consent_id=row.consent_id),
        severity=DUE if days <= 3 else NOTICE,
        client_name=client_name(row),
        due=row.due_at,
        client_id=row.client_id,
    )


def needed_query(user, today, now):
    """Clients in treatment with no consent signed since admission: nobody has asked them yet
    whom the program may tell (overdue from the day after admission)."""
    whose = _whose(user, now)
    if whose is None:
        return None
    recorded = (
        sa.select(Consent.id)
        .where(Consent.client_id == Episode.client_id, Consent.signed_on >= Episode.admitted_on)
        .correlate(Episode)
        .exists()
    )
    return episode_rows(overdue=Episode.admitted_on < today, due_at=Episode.admitted_on).where(
        whose, ~recorded
    )


def needed_item(row, _today, _now) -> DueItem:
    return DueItem(
        kind="consent_needed",
        title="Ask the client about consents (none recorded this admission)",
        url=url_for("consents.index", client_id=row.client_id),
        severity=OVERDUE if row.overdue else NOTICE,
        client_name=client_name(row),
        due=row.due_at,
        client_id=row.client_id,
    )


def notice_query(user, today, now):
    """Open episodes whose privacy notice (42 CFR 2.22) is not recorded as given."""
    whose = _whose(user, now)
    if whose is None:
        return None
    return (
        episode_rows(
            PrivacyNotice.pending_reason,
            overdue=Episode.admitted_on < today,
            due_at=Episode.admitted_on,
        )
        .outerjoin(PrivacyNotice, PrivacyNotice.episode_id == Episode.id)
        .where(whose, PrivacyNotice.given_at.is_(None))
    )


def notice_item(row, _today, _now) -> DueItem:
    title = "Give the privacy notice (42 CFR 2.22)"
    if row.pending_reason:
        title += f": not yet, {row.pending_reason}"
    return DueItem(
        kind="privacy_notice",
        title=title,
        url=url_for("consents.index", client_id=row.client_id, _anchor="privacy-notice"),
        severity=OVERDUE if row.overdue else NOTICE,
        client_name=client_name(row),
        due=row.due_at,
        client_id=row.client_id,
    )


def emergency_query(user, _today, _now):
    """Supervisors: disclosures made in a medical emergency not yet reviewed, oldest first."""
    if not can(user, "emergency_disclosures.review"):
        return None
    reviewed = (
        sa.select(EmergencyReview.id)
        .where(EmergencyReview.disclosure_id == Disclosure.id)
        .correlate(Disclosure)
        .exists()
    )
    return (
        client_rows(due_at=Disclosure.disclosed_at, row_id=Disclosure.id)
        .select_from(Disclosure)
        .join(Client, Client.id == Disclosure.client_id)
        .where(Disclosure.emergency.is_(True), ~reviewed)
    )


def emergency_item(row, _today, _now) -> DueItem:
    return DueItem(
        kind="emergency_disclosure",
        title="Emergency disclosure to review",
        url=url_for("consents.emergency_reviews"),
        severity=DUE,
        client_name=client_name(row),
        client_id=row.client_id,
    )


KINDS = (
    DueKind("consent_expiring", "Consents expiring soon", expiring_query, expiring_item),
    DueKind("consent_needed", "Consents to ask about", needed_query, needed_item),
    DueKind("privacy_notice", "Privacy notices to give", notice_query, notice_item),
    DueKind(
        "emergency_disclosure", "Emergency disclosures to review", emergency_query, emergency_item
    ),
)


def register(app: Flask) -> None:
    register_due_kinds(app, *KINDS)
