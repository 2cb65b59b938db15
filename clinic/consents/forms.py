"""The forms of the Consents tab: a consent, its revocation, a release, an emergency disclosure,
the privacy notice and the review of an emergency disclosure."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from clinic.consents import rules, services
from clinic.consents.release import Item
from clinic.consents.vocabulary import (
    DISCLOSURE_PURPOSES,
    Category,
    ConsentKind,
    ExpiryKind,
    Purpose,
    RevocationMethod,
    SignatureMethod,
    Signer,
)
from clinic.core.clock import local_now
from clinic.core.forms import LongSelect, MultiCheckboxField, choices, optional_text, pick
from clinic.core.transaction import add_error

RECIPIENT_HELP = (
    "Add family members and other contacts on the Family tab; providers are in the directory."
)


def recipient_field() -> SelectField:
    return SelectField(
        "Recipient",
        choices=[],
        validators=[Optional()],
        widget=LongSelect(),
        description=RECIPIENT_HELP,
    )


class RecipientFields:
    recipient = recipient_field()
    recipient_name = optional_text(
        "Name of the person or organization",
        200,
        description="When the recipient is not in the lists.",
    )
    recipient_address = optional_text(
        "Recipient's address",
        300,
        description="Where it is sent; the directory's or contact's address when left empty.",
    )


class ConsentForm(RecipientFields, FlaskForm):
    """Every element of 42 CFR 2.31 (CLINICAL.md 5a), each with its own message."""

    kind = pick("Kind of consent", ConsentKind.choices(), required=False)
    disclosing_party = StringField(
        "Who may disclose",
        validators=[Optional(), Length(max=200)],
        description="The program, or a named part of it.",
    )
    categories = MultiCheckboxField("What information", choices=choices(Category.choices()))
    all_records = BooleanField("All my records (TPO consent only; never the counseling notes)")
    information_detail = TextAreaField(
        "The information, described specifically",
        validators=[Optional(), Length(max=2000)],
        description="For example: treatment plan and attendance since admission.",
    )
    purpose = pick("Purpose", Purpose.choices(), required=False)
    purpose_detail = optional_text(
        "The purpose, in words", 300, description="When the purpose is “Other”."
    )
    revocation_explained = BooleanField(
        "The right to revoke (shown on the consent) was explained to the client"
    )
    expiry = pick("Expires", ExpiryKind.choices(), required=False)
    expires_on = DateField(
        "Expiry date", validators=[Optional()], description="The last day the consent is in force."
    )
    signer = pick("Signed by", Signer.choices(), required=False)
    representative_name = optional_text("Representative's name", 120)
    representative_authority = optional_text(
        "Representative's authority", 200, description="For example guardian, health care proxy."
    )
    signature_method = pick("How it was signed", SignatureMethod.choices(), required=False)
    signed_on = DateField("Date signed", validators=[Optional()])

    def __init__(self, *args, recipients, in_treatment: bool, today, born_on, **kwargs):
        super().__init__(*args, **kwargs)
        self.recipient.choices = choices(recipients)
        self.in_treatment, self.today, self.born_on = in_treatment, today, born_on

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        draft = services.draft_of(self.data, self.in_treatment, self.born_on)
        found = rules.problems(draft, self.today)
        for field, message in found.items():
            if not self[field].errors:  # a date not understood says so already
                add_error(self, message, field)
        return valid and not found


class RevokeForm(FlaskForm):
    received_on = DateField(
        "Date of the revocation",
        validators=[Optional()],
        description="As the client dated it, or the day they said it.",
    )
    method = pick("How it was received", RevocationMethod.choices(), required=False)
    note = TextAreaField("Note", validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, signed_on, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.signed_on, self.today = signed_on, today

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        found = rules.revocation_problems(
            self.signed_on, self.received_on.data, self.method.data, self.today
        )
        for field, message in found.items():
            add_error(self, message, field)
        return valid and not found


class ReleaseForm(RecipientFields, FlaskForm):
    purpose = pick(
        "Purpose",
        [(purpose.value, purpose.label) for purpose in DISCLOSURE_PURPOSES],
    )
    items = MultiCheckboxField(
        "Information to send",
        choices=choices(Item.choices()),
        validators=[DataRequired("Choose the information to send.")],
    )

    def __init__(self, *args, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        self.recipient.choices = choices(recipients)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.recipient.data:
            add_error(self, "Choose the recipient.", "recipient")
            return False
        return valid


class EmergencyForm(FlaskForm):
    """A disclosure to medical personnel in a medical emergency, without consent (42 CFR 2.51)."""

    recipient_name = StringField(
        "Who received it",
        validators=[DataRequired("Enter who received the information."), Length(max=200)],
        description="Medical personnel, by name and role (for example Dr. A. Lee, ED physician).",
    )
    recipient_address = optional_text("Their facility and address", 300)
    nature = TextAreaField(
        "The nature of the emergency",
        validators=[DataRequired("Describe the medical emergency."), Length(max=2000)],
    )
    categories = MultiCheckboxField(
        "What information",
        choices=choices(
            [
                (category.value, category.label)
                for category in Category
                if category != Category.COUNSELING_NOTES
            ]
        ),
        validators=[DataRequired("Choose what was disclosed.")],
    )
    information = TextAreaField(
        "What was told, specifically",
        validators=[DataRequired("Describe what was disclosed."), Length(max=2000)],
    )
    disclosed_at = DateTimeLocalField(
        "When", validators=[InputRequired("Enter when it was disclosed.")], format="%Y-%m-%dT%H:%M"
    )

    def __init__(self, *args, not_before, **kwargs):
        super().__init__(*args, **kwargs)
        self.not_before = not_before  # on the clinic's wall clock: when the record was opened

    def validate_disclosed_at(self, field) -> None:
        if field.data > local_now():
            raise ValidationError("The time cannot be in the future.")
        if field.data < self.not_before:
            raise ValidationError(
                "This is before the client's record was opened here "
                f"({self.not_before:%Y-%m-%d %H:%M}): check the date."
            )


class PrivacyNoticeForm(FlaskForm):
    outcome = RadioField(
        "The written summary of the confidentiality rules (42 CFR 2.22)",
        choices=choices([("given", "Given to the client"), ("pending", "Not given yet")]),
        validators=[InputRequired("Say whether it was given.")],
        default="given",
    )
    given_at = DateTimeLocalField(
        "When it was given", validators=[Optional()], format="%Y-%m-%dT%H:%M"
    )
    reason = optional_text(
        "Why not yet", 300, description="For example: the client lacked capacity at admission."
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.outcome.data == "given" and self.given_at.data is None and not self.given_at.errors:
            add_error(self, "Enter when it was given.", "given_at")
            return False
        if self.outcome.data == "pending" and not (self.reason.data or "").strip():
            add_error(self, "Say why it has not been given yet.", "reason")
            return False
        return valid


class ReviewForm(FlaskForm):
    note = TextAreaField("Review note", validators=[Optional(), Length(max=2000)])
