"""The client services name the acting user explicitly: with no request (and so no signed-in
user) at all, each records the `actor` it is given, on the record and in the audit log."""

from datetime import date

import sqlalchemy as sa

from clinic.auth import accounts
from clinic.auth.models import Role
from clinic.clients import services
from clinic.clients.levels import Level
from clinic.clients.models import CareTeamMember
from clinic.clients.vocabulary import ReferralSource, SexAtBirth, TeamRole
from clinic.core.audit import AuditEvent
from clinic.core.clock import clinic_today
from clinic.extensions import db
from tests.factories import DEFAULT_PASSWORD


def audit_users(action: str) -> list[int | None]:
    query = sa.select(AuditEvent.user_id).where(AuditEvent.action == action)
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def test_intake_and_admission_record_their_actor(users):
    intake = users.make(roles=("intake",))
    record = services.create_client(
        {
            "legal_first_name": "  Ida ",
            "legal_last_name": "Bell",
            "date_of_birth": date(1980, 1, 2),
            "sex_at_birth": SexAtBirth.FEMALE,
            "phone": "   ",
            "not_a_demographic_field": "ignored",
        },
        confirmed_not_duplicate=False,
        actor=intake,
    )
    assert (record.created_by_id, record.legal_first_name, record.phone) == (intake.id, "Ida", None)
    episode = services.admit(
        record,
        admitted_on=clinic_today(),
        referral_source=ReferralSource.SELF,
        level=Level.RES,
        substances=[],
        payer=" ",
        member_id=" M-1 ",
        authorization_notes=None,
        actor=intake,
    )
    db.session.commit()
    assert (episode.admitted_by_id, episode.payer, episode.member_id) == (intake.id, None, "M-1")
    assert audit_users("client.created") == [intake.id]
    assert audit_users("episode.admitted") == [intake.id]


def test_edits_and_the_restricted_flag_record_their_actor(users, clients):
    supervisor = users.make(roles=("supervisor",))
    record = clients.make("Ida", "Bell")
    changed = services.update_client(
        record,
        {
            "legal_first_name": "Ida",
            "legal_last_name": "Bell",
            "date_of_birth": record.date_of_birth,
            "sex_at_birth": record.sex_at_birth,
            "pronouns": " she/her ",
        },
        actor=supervisor,
    )
    services.set_restricted(record, True, actor=supervisor)
    db.session.commit()
    assert changed == ["pronouns"]
    assert audit_users("client.updated") == [supervisor.id]
    assert audit_users("client.restricted") == [supervisor.id]


def test_care_team_changes_record_their_actor(users, clients):
    supervisor = users.make(roles=("supervisor",))
    counselor, therapist = users.make(), users.make()
    episode = clients.admit(clients.make(), counselor=counselor)
    member = services.add_to_team(episode, therapist, TeamRole.THERAPIST, actor=supervisor)
    services.remove_from_team(episode, member, actor=supervisor)
    db.session.commit()
    stored = db.session.get(CareTeamMember, member.id)
    assert (stored.added_by_id, stored.removed_by_id) == (supervisor.id, supervisor.id)
    assert audit_users("careteam.changed") == [supervisor.id, supervisor.id]


def test_emergency_access_records_who_asked_and_who_reviewed(users, clients):
    counselor = users.make()
    supervisor = users.make(roles=("supervisor",))
    record = clients.make()
    grant = services.grant_emergency_access(
        record, "Client collapsed in the lobby", actor=counselor
    )
    services.review_emergency_access(grant, "  ", actor=supervisor)
    db.session.commit()
    assert (grant.user_id, grant.reviewed_by_id, grant.review_note) == (
        counselor.id,
        supervisor.id,
        None,
    )
    assert audit_users("emergency.granted") == [counselor.id]
    assert audit_users("emergency.reviewed") == [supervisor.id]


def test_team_choices_are_active_staff_of_the_role_each_place_needs(users):
    counselor = users.make(roles=("counselor",), full_name="B Counselor")
    medical = users.make(roles=("medical",), full_name="A Medical")
    users.make(roles=("counselor",), active=False)
    users.make(roles=("supervisor",))
    assert services.staff_for_team_role(TeamRole.MEDICAL) == [medical]
    assert services.staff_for_team_role(TeamRole.PRIMARY_COUNSELOR) == [counselor]
    assert services.staff_for_team_role(TeamRole.THERAPIST) == [counselor]
    assert services.counselor_names() == [(counselor.id, "B Counselor")]


def test_account_changes_record_their_actor(users):
    admin = users.make(roles=("admin",))
    user = accounts.create_user(
        "new.person@clinic.example.org",
        "New Person",
        {Role.COUNSELOR},
        DEFAULT_PASSWORD + " again",
        actor=admin,
    )
    db.session.flush()
    accounts.reset_password(user, "quiet harbour lantern season", actor=admin)
    accounts.set_active(user, False, actor=admin)
    db.session.commit()
    assert audit_users("user.created") == [admin.id]
    assert audit_users("user.password_reset") == [admin.id]
    assert audit_users("user.deactivated") == [admin.id]
