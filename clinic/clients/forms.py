"""Forms for intake, client records, admission, care teams and emergency access."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    StopValidation,
)

from clinic.clients.levels import level_choices
from clinic.clients.vocabulary import (
    ReferralSource,
    Relationship,
    Route,
    SexAtBirth,
    Substance,
    TeamRole,
    UseFrequency,
)
from clinic.core.forms import VersionedForm, choices, optional_text, pick
from clinic.core.validators import NotInFuture, PhoneNumber, PlausibleBirthDate, PostalCode

LEVEL_CHOICES = level_choices()
SORT_CHOICES = [
    ("name", "Name"),
    ("mrn", "Record number"),
    ("dob", "Date of birth"),
    ("admitted", "Admission date"),
    ("level", "Level of care"),
]


class ClientSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Name or record number", validators=[Optional(), Length(max=120)])
    dob = DateField("Date of birth", validators=[Optional()])
    level = pick("Level of care", LEVEL_CHOICES, required=False, blank="Any level")
    # The counselor filter never lists every counselor: the name typed here is looked up on the
    # server, and the counselors it matches (a few) are offered in `counselor` below.
    counselor_name = StringField(
        "Find a counselor",
        validators=[Optional(), Length(max=120)],
        description="Part of a name, then Search.",
    )
    # The name `counselor`'s choices were found for: a name typed since is looked up again.
    counselor_found_for = HiddenField()
    counselor = SelectField("Primary counselor", validators=[Optional()], coerce=str)
    sort = SelectField("Sort by", choices=choices(SORT_CHOICES), validators=[Optional()])


class NameForTheSearch:
    """A name is needed: the duplicate check never runs on a date of birth alone."""

    field_flags = {"required": True}  # noqa: RUF012 (WTForms reads it from the class)

    def __call__(self, form, field) -> None:
        if field.data and field.data.strip():
            return
        if form.dob.raw_data and form.dob.raw_data[0].strip():
            raise StopValidation("Enter a name too: a date of birth alone is not searched.")
        raise StopValidation("This field is required.")


class IntakeSearchForm(FlaskForm):
    """Step one of intake: look for the person before creating a record, by name and, when it is
    known, date of birth."""

    class Meta:
        csrf = False

    first = StringField("Legal first name", validators=[NameForTheSearch(), Length(max=80)])
    last = StringField("Legal last name", validators=[NameForTheSearch(), Length(max=80)])
    dob = DateField(
        "Date of birth",
        validators=[Optional(), PlausibleBirthDate()],
        description="If known: without it only names are compared.",
    )


class ClientFields:
    legal_first_name = StringField("Legal first name", validators=[DataRequired(), Length(max=80)])
    legal_last_name = StringField("Legal last name", validators=[DataRequired(), Length(max=80)])
    preferred_name = optional_text("Preferred name", 80)
    date_of_birth = DateField("Date of birth", validators=[InputRequired(), PlausibleBirthDate()])
    sex_at_birth = pick("Sex assigned at birth", SexAtBirth.choices())
    gender_identity = optional_text("Gender identity", 60)
    pronouns = optional_text("Pronouns", 30, description="For example she/her, he/him, they/them.")
    phone = StringField("Phone", validators=[Optional(), Length(max=30), PhoneNumber()])
    email = EmailField("Email", validators=[Optional(), Length(max=254), Email()])
    address = optional_text("Street address", 200)
    city = optional_text("City", 80)
    state = optional_text("State", 40)
    postal_code = StringField("Postal code", validators=[Optional(), PostalCode()])


class NewClientForm(ClientFields, FlaskForm):
    # The emergency contact, when the client gives one at intake: it becomes the first of the
    # client's contacts (the Family tab keeps them all afterwards).
    emergency_name = optional_text("Emergency contact", 120)
    emergency_relationship = pick(
        "Relationship", Relationship.choices(), required=False, blank="Choose…"
    )
    emergency_phone = StringField(
        "Emergency contact phone", validators=[Optional(), Length(max=30), PhoneNumber()]
    )
    confirm_not_duplicate = BooleanField(
        "I have checked the possible matches above: this is a different person."
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        given = self.emergency_relationship.data or (self.emergency_phone.data or "").strip()
        if given and not (self.emergency_name.data or "").strip():
            self.emergency_name.errors = [
                *self.emergency_name.errors,
                "Enter the emergency contact's name, or leave all three empty.",
            ]
            return False
        return valid

    def emergency_contact(self) -> dict | None:
        """The emergency contact typed, as the Family tab stores it, or None."""
        if not (self.emergency_name.data or "").strip():
            return None
        return {
            "name": self.emergency_name.data,
            "relationship": self.emergency_relationship.data or Relationship.OTHER.value,
            "phone": self.emergency_phone.data,
            "emergency_contact": True,
        }


class EditClientForm(ClientFields, VersionedForm):
    pass


class AdmissionForm(FlaskForm):
    admitted_on = DateField(
        "Admitted on",
        validators=[InputRequired(), NotInFuture("The admission date cannot be in the future.")],
    )
    referral_source = pick("Referral source", ReferralSource.choices())
    level = pick("Initial level of care", LEVEL_CHOICES)
    substance_1 = pick("Primary substance", Substance.choices())
    route_1 = pick("Route", Route.choices())
    frequency_1 = pick("Frequency", UseFrequency.choices())
    substance_2 = pick("Second substance", Substance.choices(), required=False, blank="None")
    route_2 = pick("Route", Route.choices(), required=False)
    frequency_2 = pick("Frequency", UseFrequency.choices(), required=False)
    substance_3 = pick("Third substance", Substance.choices(), required=False, blank="None")
    route_3 = pick("Route", Route.choices(), required=False)
    frequency_3 = pick("Frequency", UseFrequency.choices(), required=False)
    payer = optional_text("Payer", 120, description="Insurer or funding source.")
    member_id = optional_text("Member id", 60)
    authorization_notes = TextAreaField(
        "Payer authorization notes", validators=[Optional(), Length(max=2000)]
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        seen = set()
        for rank in (1, 2, 3):
            substance = self[f"substance_{rank}"]
            if not substance.data:
                continue
            for part in ("route", "frequency"):
                field = self[f"{part}_{rank}"]
                if not field.data:
                    field.errors = [*field.errors, "Choose one for this substance."]
                    valid = False
            if substance.data in seen:
                substance.errors = [*substance.errors, "This substance is listed already."]
                valid = False
            seen.add(substance.data)
        return valid

    def substances(self) -> list[tuple[Substance, Route, UseFrequency]]:
        return [
            (
                Substance(self[f"substance_{rank}"].data),
                Route(self[f"route_{rank}"].data),
                UseFrequency(self[f"frequency_{rank}"].data),
            )
            for rank in (1, 2, 3)
            if self[f"substance_{rank}"].data
        ]


class CareTeamForm(FlaskForm):
    team_role = pick("Team role", TeamRole.choices())
    # Never a list of every account: the staff whose names hold what is typed here are offered
    # in `user_id` (a few), after "Find".
    staff_name = StringField("Find staff by name", validators=[Optional(), Length(max=120)])
    user_id = SelectField("Staff member", validators=[InputRequired("Choose one.")], coerce=str)


class EmergencyAccessForm(FlaskForm):
    reason = TextAreaField(
        "Why do you need this record now?",
        validators=[
            DataRequired(),
            Length(
                min=10, max=1000, message="Say why you need access now, in 10 to 1000 characters."
            ),
        ],
        description="Your access lasts 60 minutes, is recorded, and is reviewed by a supervisor.",
    )


class EmergencyFindForm(EmergencyAccessForm):
    """Break the glass for someone not yet on screen: the reason first, then the exact name and
    date of birth (nothing is shown before a reason is given)."""

    legal_first_name = StringField(
        "Legal first name", validators=[DataRequired("Enter the first name."), Length(max=80)]
    )
    legal_last_name = StringField(
        "Legal last name", validators=[DataRequired("Enter the last name."), Length(max=80)]
    )
    date_of_birth = DateField(
        "Date of birth", validators=[DataRequired("Enter the date of birth.")]
    )


class EmergencyReviewForm(FlaskForm):
    note = TextAreaField("Review note", validators=[Optional(), Length(max=1000)])
