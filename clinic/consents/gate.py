"""The one disclosure gate: every path that sends client information outside the program passes
here (CLINICAL.md 5, 5b; 42 CFR 2.31-2.33, 2.51).

`disclose` finds an active consent of the client's that names the recipient, covers the purpose
and every category of what is sent (rules.decide), and writes the Disclosure row in the caller's
transaction, beside the artefact that carries it out; or refuses with the reason, writes nothing
but the audit of the refusal (`disclosure.denied`), and keeps that. The consents it reads are
locked until the caller commits (SELECT ... FOR UPDATE on PostgreSQL; on SQLite a request that
changes holds the database's write lock from its first statement), so that a revocation recorded
meanwhile is either seen here or waits until the disclosure is recorded: a disclosure never lands
after a revocation of its consent.

A view that discloses is marked `@disclosure_path`; the gate refuses to run in a request whose
view is not marked, and tests/consents/test_disclosure_paths.py proves every marked route
refuses without consent. Nothing else creates a Disclosure (a test reads the sources for it).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, has_request_context, request

from clinic.clients.models import Client, Episode
from clinic.consents import rules
from clinic.consents.models import Consent, Disclosure
from clinic.consents.vocabulary import Category, Purpose
from clinic.core import audit, transaction
from clinic.core.audit import AuditEvent
from clinic.core.clock import utcnow
from clinic.extensions import db

DISCLOSED = audit.define("disclosure.made", "Client information disclosed under a consent")
DISCLOSURE_DENIED = audit.define("disclosure.denied", "Disclosure refused: no consent covers it")
EMERGENCY_DISCLOSED = audit.define(
    "disclosure.emergency", "Client information disclosed in a medical emergency (no consent)"
)


CONSENTED, EMERGENCY = "consent", "emergency"


def disclosure_path(view: Callable) -> Callable:
    """Mark a view as one that sends client information outside the program under a consent
    (it calls `disclose`). Put it under the route decorator."""
    view.discloses = CONSENTED
    return view


def emergency_path(view: Callable) -> Callable:
    """Mark the view that records a medical emergency disclosure (`disclose_in_emergency`), the
    one way out without a consent."""
    view.discloses = EMERGENCY
    return view


def _check_path(kind: str) -> None:
    if not has_request_context() or request.endpoint is None:
        return  # the command line (demo data) and tests of the gate itself
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "discloses", None) != kind:
        raise RuntimeError(
            f"{request.endpoint} calls the disclosure gate but is not marked as a {kind} "
            "disclosure path"
        )


def consent_terms(client_id: int, *, lock: bool = False) -> list[tuple[Consent, rules.Terms]]:
    """The client's consents with what the rules read of them, newest first (one statement;
    `lock`: FOR UPDATE of the consents, until the transaction ends)."""
    query = (
        sa.select(Consent, Episode.discharged_on)
        .outerjoin(Episode, Episode.id == Consent.episode_id)
        .where(Consent.client_id == client_id)
        .order_by(Consent.signed_on.desc(), Consent.id.desc())
        .execution_options(populate_existing=True)
    )
    if lock:
        query = query.with_for_update(of=Consent)
    return [
        (consent, consent.terms(discharged)) for consent, discharged in db.session.execute(query)
    ]


@dataclass(frozen=True)
class Result:
    """What the gate did: the Disclosure written, or the refusal (false)."""

    disclosure: Disclosure | None = None
    decision: rules.Decision | None = None

    def __bool__(self) -> bool:
        return self.disclosure is not None

    @property
    def message(self) -> str | None:
        return self.decision.message if self.decision is not None else None


def _recipient_columns(recipient: rules.Recipient) -> dict:
    return {
        "recipient_kind": recipient.kind,
        "provider_id": recipient.provider_id,
        "contact_id": recipient.contact_id,
        "recipient_name": recipient.name,
        "recipient_address": recipient.address,
    }


def _ordered(categories: Iterable[Category]) -> list[str]:
    wanted = set(categories)
    return [category.value for category in Category if category in wanted]


def _refuse(client: Client, decision: rules.Decision, detail: dict, by) -> Result:
    pending = [obj for obj in db.session.new if not isinstance(obj, AuditEvent)]
    if pending or any(db.session.is_modified(obj) for obj in db.session.dirty):
        raise RuntimeError("the disclosure gate is asked before anything else is written")
    audit.record(
        DISCLOSURE_DENIED,
        target=client,
        client_id=client.id,
        outcome="denied",
        detail={**detail, "reason": decision.reason},
        user=by,
    )
    transaction.keep()
    return Result(decision=decision)


def disclose(
    client: Client,
    recipient: rules.Recipient,
    purpose: Purpose,
    categories: Iterable[Category],
    by,
    artefact,
    *,
    information: str,
) -> Result:
    """Disclose `categories` of the client's records to `recipient` for `purpose`, carried by
    `artefact` (a model object not yet added, or one already stored when it is sent again): the
    Disclosure row and the artefact are added to the caller's transaction, or nothing is and the
    refusal says why. `information` describes what was sent, for the accounting."""
    _check_path(CONSENTED)
    categories = _ordered(categories)
    detail = {
        "recipient_kind": recipient.kind.value,
        "purpose": purpose.value,
        "categories": categories,
    }
    consents = consent_terms(client.id, lock=True)
    now = utcnow()
    decision = rules.decide(
        [terms for _consent, terms in consents],
        recipient,
        purpose,
        [Category(value) for value in categories],
        now,
        current_app.config["CLINIC_TIMEZONE"],
    )
    if not decision:
        return _refuse(client, decision, detail, by)
    db.session.add(artefact)
    db.session.flush()
    disclosure = Disclosure(
        client_id=client.id,
        consent_id=decision.consent_id,
        purpose=purpose,
        categories=categories,
        information=information,
        disclosed_at=now,
        disclosed_by_id=by.id,
        artefact_kind=artefact.ARTEFACT,
        artefact_id=artefact.id,
        **_recipient_columns(recipient),
    )
    db.session.add(disclosure)
    db.session.flush()
    audit.record(
        DISCLOSED,
        target=disclosure,
        client_id=client.id,
        detail={**detail, "consent": decision.consent_id},
        user=by,
    )
    return Result(disclosure=disclosure, decision=decision)


def disclose_in_emergency(
    client: Client,
    recipient: rules.Recipient,
    categories: Iterable[Category],
    by,
    *,
    nature: str,
    information: str,
    disclosed_at: datetime,
) -> Disclosure:
    """Record a disclosure made without consent to medical personnel in a bona fide medical
    emergency (42 CFR 2.51): who received it, the nature of the emergency, who disclosed it and
    when. It is listed in the accounting and waits for a supervisor's review."""
    _check_path(EMERGENCY)
    disclosure = Disclosure(
        client_id=client.id,
        consent_id=None,
        emergency=True,
        emergency_nature=nature,
        purpose=None,
        categories=_ordered(categories),
        information=information,
        disclosed_at=disclosed_at,
        disclosed_by_id=by.id,
        artefact_kind=EMERGENCY,
        artefact_id=None,
        **_recipient_columns(recipient),
    )
    db.session.add(disclosure)
    db.session.flush()
    audit.record(EMERGENCY_DISCLOSED, target=disclosure, client_id=client.id, user=by)
    return disclosure
