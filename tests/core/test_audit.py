"""The audit log: written with the change, append-only in the ORM and in the database."""

import pytest
import sqlalchemy as sa

from clinic.core import audit
from clinic.core.audit import AuditEvent
from clinic.extensions import db


def make_event() -> AuditEvent:
    event = audit.record(audit.ACCESS_DENIED, outcome="denied", detail={"path": "/x"})
    db.session.commit()
    return event


def test_an_event_records_when_and_what(app):
    event = make_event()
    assert event.at.tzinfo is not None
    assert event.action == "access.denied"
    assert event.detail == {"path": "/x"}


def test_undeclared_actions_are_refused(app):
    with pytest.raises(ValueError, match="undeclared audit action"):
        audit.record("client.teleported")


def test_events_cannot_be_changed_through_the_orm(app):
    event = make_event()
    event.outcome = "success"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(event)
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_events SET outcome = 'success'", "DELETE FROM audit_events"],
)
def test_the_database_itself_refuses_changes(app, statement):
    make_event()
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        db.session.execute(sa.text(statement))
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 1


def test_denied_access_is_audited_with_the_permission(client, login_as):
    user = login_as("counselor")
    assert client.get("/admin/audit").status_code == 403
    [event] = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "access.denied")
    ).all()
    assert event.user_id == user.id
    assert event.outcome == "denied"
    assert event.detail == {"status": 403, "path": "/admin/audit", "permission": "audit.view"}
