"""The consent rules on their own (clinic/consents/rules.py): validity of each element, when a
consent is in force in the clinic's time zone, and what it covers."""

from datetime import UTC, date, datetime, timedelta

import pytest

from clinic.consents import rules
from clinic.consents.rules import Decision, Reason, Recipient
from clinic.consents.vocabulary import (
    Category,
    ConsentKind,
    ConsentStatus,
    ExpiryKind,
    Purpose,
    RecipientKind,
    Signer,
)

ZONE = "America/New_York"  # UTC-5 in winter
PROVIDER = Recipient(RecipientKind.PROVIDER, provider_id=7, name="Harbor Outpatient")
OTHER_PROVIDER = Recipient(RecipientKind.PROVIDER, provider_id=8, name="Elsewhere")
MOTHER = Recipient(RecipientKind.CONTACT, contact_id=3, name="Linda")


def terms(**overrides) -> rules.Terms:
    values = {
        "id": 1,
        "kind": ConsentKind.DISCLOSURE,
        "recipient": PROVIDER,
        "purpose": Purpose.CARE_COORDINATION,
        "categories": frozenset({Category.PLAN, Category.ATTENDANCE}),
        "all_records": False,
        "signed_on": date(2026, 11, 2),
        "last_day": date(2026, 12, 15),
        "revoked_at": None,
    }
    values.update(overrides)
    return rules.Terms(**values)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock moment in the clinic (EST, UTC-5), as UTC."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) + timedelta(hours=5)


# --- In force ----------------------------------------------------------------------------------


def test_a_consent_is_active_through_its_expiry_day_in_the_clinics_zone():
    consent = terms()
    assert rules.status(consent, local(date(2026, 12, 15), 23, 59), ZONE) == ConsentStatus.ACTIVE
    # 00:30 UTC on the 16th is still the 15th in the clinic.
    assert rules.status(consent, datetime(2026, 12, 16, 0, 30, tzinfo=UTC), ZONE) == (
        ConsentStatus.ACTIVE
    )
    assert rules.status(consent, local(date(2026, 12, 16), 0, 0), ZONE) == ConsentStatus.EXPIRED


def test_a_consent_is_in_force_from_the_start_of_the_day_it_was_signed():
    consent = terms()
    assert not rules.is_active(consent, local(date(2026, 11, 1), 23, 59), ZONE)
    assert rules.is_active(consent, local(date(2026, 11, 2), 0, 0), ZONE)


def test_a_revoked_consent_is_revoked_from_the_revocations_moment():
    revoked_at = local(date(2026, 11, 20), 10, 0)
    consent = terms(revoked_at=revoked_at)
    assert rules.status(consent, revoked_at - timedelta(seconds=1), ZONE) == ConsentStatus.ACTIVE
    assert rules.status(consent, revoked_at, ZONE) == ConsentStatus.REVOKED


def test_end_of_treatment_ends_with_the_discharge_day_and_a_readmission_does_not_revive_it():
    signed = date(2026, 10, 1)
    assert rules.last_day(ExpiryKind.END_OF_TREATMENT, signed, None, None) is None
    last = rules.last_day(ExpiryKind.END_OF_TREATMENT, signed, None, date(2026, 11, 10))
    assert last == date(2026, 11, 10)
    # The consent keeps its own episode's discharge: a later admission is another episode.
    consent = terms(last_day=last, ended_by_discharge=True)
    later = local(date(2026, 11, 20), 9)
    assert rules.status(consent, later, ZONE) == ConsentStatus.EXPIRED
    refused = rules.decide(
        [consent], PROVIDER, Purpose.CARE_COORDINATION, [Category.PLAN], later, ZONE
    )
    assert refused.reason == Reason.NOT_IN_FORCE
    assert "discharge on 2026-11-10" in refused.message


def test_one_year_lasts_to_the_day_before_the_anniversary():
    assert rules.one_year_after(date(2026, 3, 5)) == date(2027, 3, 4)
    assert rules.one_year_after(date(2028, 2, 29)) == date(2029, 2, 28)


def test_no_expiry_never_expires():
    consent = terms(kind=ConsentKind.TPO, last_day=None)
    assert rules.status(consent, local(date(2040, 1, 1), 12), ZONE) == ConsentStatus.ACTIVE


# --- Coverage ----------------------------------------------------------------------------------

NOW = local(date(2026, 12, 1), 10)


def decide(
    consents, recipient=PROVIDER, purpose=Purpose.CARE_COORDINATION, categories=(Category.PLAN,)
):
    return rules.decide(consents, recipient, purpose, categories, NOW, ZONE)


def test_a_consent_covering_recipient_purpose_and_every_category_is_chosen():
    assert decide([terms()]) == Decision(consent_id=1)


def test_refusals_name_what_is_missing():
    assert decide([]).reason == Reason.NO_CONSENT
    assert decide([terms()], recipient=OTHER_PROVIDER).reason == Reason.NO_CONSENT
    purpose = decide([terms()], purpose=Purpose.PAYMENT)
    assert purpose.reason == Reason.PURPOSE
    assert "Care coordination" in purpose.message
    category = decide([terms()], categories=(Category.PLAN, Category.DRUG_SCREENS))
    assert category.reason == Reason.CATEGORY
    assert category.missing == (Category.DRUG_SCREENS,)
    assert "Drug screen results" in category.message
    expired = decide([terms(last_day=date(2026, 11, 30))])
    assert expired.reason == Reason.NOT_IN_FORCE
    assert "expired at the end of 2026-11-30" in expired.message
    revoked = decide([terms(revoked_at=NOW - timedelta(hours=1))])
    assert revoked.reason == Reason.NOT_IN_FORCE
    assert "revoked" in revoked.message


def test_one_consent_must_cover_the_whole_disclosure():
    plan_only = terms(id=1, categories=frozenset({Category.PLAN}))
    screens_only = terms(id=2, categories=frozenset({Category.DRUG_SCREENS}))
    both = decide([plan_only, screens_only], categories=(Category.PLAN, Category.DRUG_SCREENS))
    assert both.reason == Reason.CATEGORY
    assert decide([plan_only, screens_only], categories=(Category.DRUG_SCREENS,)).consent_id == 2


def test_the_tpo_class_covers_providers_for_treatment_payment_and_operations_only():
    tpo = terms(
        kind=ConsentKind.TPO,
        recipient=Recipient(RecipientKind.TPO_CLASS, name="TPO"),
        purpose=Purpose.TPO,
        categories=frozenset(),
        all_records=True,
        last_day=None,
    )
    assert decide([tpo], purpose=Purpose.PAYMENT, categories=(Category.DIAGNOSIS,)).consent_id == 1
    assert decide([tpo], purpose=Purpose.TREATMENT).consent_id == 1
    # A name typed at the release is not taken for a member of the class.
    named = Recipient(RecipientKind.NAMED, name="Blue Plan")
    assert decide([tpo], recipient=named, purpose=Purpose.OPERATIONS).reason == Reason.NO_CONSENT
    assert decide([tpo], purpose=Purpose.OTHER).reason == Reason.PURPOSE
    # Family members are never in the TPO class.
    assert decide([tpo], recipient=MOTHER, purpose=Purpose.TREATMENT).reason == Reason.NO_CONSENT


def test_counseling_notes_are_covered_by_their_own_consent_only():
    everything = terms(
        kind=ConsentKind.TPO,
        recipient=Recipient(RecipientKind.TPO_CLASS, name="TPO"),
        purpose=Purpose.TPO,
        categories=frozenset(),
        all_records=True,
        last_day=None,
    )
    notes = (Category.COUNSELING_NOTES,)
    refused = decide([everything], purpose=Purpose.TREATMENT, categories=notes)
    assert refused.reason == Reason.COUNSELING_NOTES
    own = terms(id=2, kind=ConsentKind.COUNSELING_NOTES, categories=frozenset(notes))
    assert decide([everything, own], categories=notes).consent_id == 2


def test_a_named_recipient_matches_by_name_whatever_the_case_and_spacing():
    typed = terms(recipient=Recipient(RecipientKind.NAMED, name="Dr.  Ana  Ruiz"))
    assert decide([typed], recipient=Recipient(RecipientKind.NAMED, name="dr. ana ruiz")).consent_id
    assert not decide([typed], recipient=Recipient(RecipientKind.NAMED, name="Dr. Ana"))


def test_the_newest_covering_consent_is_chosen():
    old = terms(id=1, signed_on=date(2026, 1, 5), last_day=date(2026, 12, 31))
    new = terms(id=2, signed_on=date(2026, 11, 5))
    assert decide([old, new]).consent_id == 2


# --- Validity of the elements --------------------------------------------------------------

TODAY = date(2026, 12, 1)


def draft(**overrides) -> rules.Draft:
    values = {
        "kind": ConsentKind.DISCLOSURE,
        "disclosing_party": "Clinic Portal",
        "categories": frozenset({Category.PLAN}),
        "all_records": False,
        "recipient_kind": RecipientKind.PROVIDER,
        "recipient_name": None,
        "purpose": Purpose.CARE_COORDINATION,
        "purpose_detail": None,
        "revocation_explained": True,
        "expiry": ExpiryKind.DATE,
        "expires_on": date(2027, 1, 1),
        "signer": Signer.CLIENT,
        "representative_name": None,
        "representative_authority": None,
        "signature_method": "paper",
        "signed_on": TODAY,
        "in_treatment": True,
    }
    values.update(overrides)
    return rules.Draft(**values)


def test_a_complete_consent_has_no_problems():
    assert rules.problems(draft(), TODAY) == {}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": None}, "kind"),
        ({"disclosing_party": None}, "disclosing_party"),
        ({"categories": frozenset()}, "categories"),
        ({"all_records": True}, "all_records"),
        ({"categories": frozenset({Category.COUNSELING_NOTES})}, "categories"),
        ({"kind": ConsentKind.COUNSELING_NOTES}, "categories"),
        ({"recipient_kind": None}, "recipient"),
        ({"recipient_kind": RecipientKind.TPO_CLASS}, "recipient"),
        ({"recipient_kind": RecipientKind.NAMED}, "recipient_name"),
        ({"kind": ConsentKind.FAMILY}, "recipient"),
        ({"purpose": None}, "purpose"),
        ({"purpose": Purpose.TPO}, "purpose"),
        ({"purpose": Purpose.OTHER}, "purpose_detail"),
        ({"kind": ConsentKind.TPO, "purpose": Purpose.FAMILY_INVOLVEMENT}, "purpose"),
        ({"revocation_explained": False}, "revocation_explained"),
        ({"expiry": None}, "expiry"),
        ({"expires_on": None}, "expires_on"),
        ({"expires_on": TODAY - timedelta(days=1)}, "expires_on"),
        ({"expiry": ExpiryKind.NONE}, "expiry"),
        ({"expiry": ExpiryKind.END_OF_TREATMENT, "in_treatment": False}, "expiry"),
        ({"signer": None}, "signer"),
        ({"signer": Signer.REPRESENTATIVE}, "representative_name"),
        ({"signer": Signer.REPRESENTATIVE}, "representative_authority"),
        ({"signature_method": None}, "signature_method"),
        ({"signed_on": None}, "signed_on"),
        ({"signed_on": TODAY + timedelta(days=1), "expires_on": date(2027, 1, 1)}, "signed_on"),
        ({"signed_on": date(1989, 12, 31), "born_on": date(1990, 1, 1)}, "signed_on"),
        ({"signed_on": date(2026, 1, 2), "expires_on": date(2026, 11, 30)}, "expires_on"),
        ({"signed_on": date(2025, 11, 30), "expiry": ExpiryKind.ONE_YEAR}, "signed_on"),
    ],
)
def test_each_missing_or_invalid_element_is_named_beside_its_field(overrides, field):
    assert field in rules.problems(draft(**overrides), TODAY)


def test_an_expiry_on_the_day_signed_is_valid():
    assert rules.problems(draft(expires_on=TODAY), TODAY) == {}


def test_a_year_signed_a_year_ago_today_is_still_in_force_today():
    signed = date(2025, 12, 2)
    assert rules.one_year_after(signed) == TODAY
    assert rules.problems(draft(signed_on=signed, expiry=ExpiryKind.ONE_YEAR), TODAY) == {}


def test_a_tpo_consent_may_cover_all_records_with_no_expiry():
    tpo = draft(
        kind=ConsentKind.TPO,
        recipient_kind=RecipientKind.TPO_CLASS,
        purpose=Purpose.TPO,
        categories=frozenset(),
        all_records=True,
        expiry=ExpiryKind.NONE,
        expires_on=None,
    )
    assert rules.problems(tpo, TODAY) == {}


def test_a_revocation_is_dated_from_the_signature_to_today():
    signed = date(2026, 11, 2)
    assert rules.revocation_problems(signed, TODAY, "writing", TODAY) == {}
    assert rules.revocation_problems(signed, signed, "oral", TODAY) == {}
    assert "received_on" in rules.revocation_problems(signed, date(2026, 11, 1), "oral", TODAY)
    assert "received_on" in rules.revocation_problems(signed, TODAY + timedelta(1), "oral", TODAY)
    assert "received_on" in rules.revocation_problems(signed, None, "oral", TODAY)
    assert "method" in rules.revocation_problems(signed, TODAY, None, TODAY)


def test_the_rules_module_imports_no_flask():
    import ast
    from pathlib import Path

    source = Path(rules.__file__).read_text()
    names = {
        alias.name.split(".")[0]
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (
            node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")]
        )
    }
    assert "flask" not in names
    assert not {name for name in names if name == "clinic"} - {
        "clinic"
    }  # only clinic.consents.vocabulary
