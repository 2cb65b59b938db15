"""Forms for treatment plans: the details, one problem with its goals, objectives and
interventions (nested lists), signatures, the client's acknowledgement and reviews."""

from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from clinic.core.forms import VersionedForm, choices, optional_id
from clinic.core.validators import NotInFuture
from clinic.plans.vocabulary import (
    MEDICAL_MODALITIES,
    REVIEW_FINDINGS,
    AcknowledgedHow,
    Modality,
)

TEXT = 5_000


def _text(label: str, rows: int = 2, **kwargs) -> TextAreaField:
    return TextAreaField(
        label, validators=[Optional(), Length(max=TEXT)], render_kw={"rows": rows}, **kwargs
    )


class PlanDetailsForm(VersionedForm):
    strengths = _text("Strengths", description="In the client's words where possible.")
    preferences = _text("Preferences", description="What the client wants, and how.")
    discharge_criteria = _text(
        "Discharge or transfer criteria", description="Discussed and agreed with the client."
    )
    # One per dimension; the page shows those rated 2 or more that have no problem.
    defer_1 = _text("Reason to defer dimension 1")
    defer_2 = _text("Reason to defer dimension 2")
    defer_3 = _text("Reason to defer dimension 3")
    defer_4 = _text("Reason to defer dimension 4")
    defer_5 = _text("Reason to defer dimension 5")
    defer_6 = _text("Reason to defer dimension 6")

    def deferrals(self) -> dict[int, str]:
        return {number: self[f"defer_{number}"].data for number in range(1, 7)}


class AddProblemForm(VersionedForm):
    source = SelectField("Add a problem", validators=[InputRequired()])


MODALITY_OPTIONS = [("", "Choose…"), *Modality.choices()]


class InterventionEntry(Form):
    id = HiddenField()
    modality = SelectField("Modality", choices=choices(MODALITY_OPTIONS), validators=[Optional()])
    frequency = StringField("Frequency", validators=[Optional(), Length(max=120)])
    responsible_id = SelectField(
        "Responsible", coerce=optional_id, validators=[Optional()], validate_choice=True
    )
    remove = BooleanField("Remove")


class ObjectiveEntry(Form):
    id = HiddenField()
    text = _text("Objective")
    measure = _text("How it is measured", rows=1)
    target_date = DateField("Target date", validators=[Optional()])
    remove = BooleanField("Remove")
    interventions = FieldList(FormField(InterventionEntry))


class GoalEntry(Form):
    id = HiddenField()
    text = _text("Goal")
    client_words = _text("In the client's own words")
    remove = BooleanField("Remove")
    objectives = FieldList(FormField(ObjectiveEntry))


class ProblemForm(VersionedForm):
    statement = _text("Problem")
    goals = FieldList(FormField(GoalEntry))

    def dress(self, team: list[tuple[int, str]]) -> None:
        """Give every intervention the choice of the care team (after entries are added)."""
        options = choices([("", "Choose…"), *((str(uid), name) for uid, name in team)])
        for goal in self.goals:
            for objective in goal.objectives:
                for intervention in objective.interventions:
                    intervention.responsible_id.choices = options

    def add_entry(self, path: str) -> bool:
        """Add a blank entry where an "add" button points: "goals", "goals-0-objectives",
        "goals-0-objectives-1-interventions". False for a path that names nothing."""
        parts = path.split("-")
        target = self
        try:
            for name, index in zip(parts[::2], [*parts[1::2], None], strict=True):
                field = target[name] if isinstance(target, Form) else getattr(target, name)
                if index is None:
                    if not isinstance(field, FieldList):
                        return False
                    field.append_entry()
                    return True
                target = field[int(index)].form
        except (KeyError, IndexError, ValueError, AttributeError, TypeError):
            return False
        return False


class SignForm(VersionedForm):
    password = PasswordField(
        "Your password, to sign", validators=[DataRequired("Enter your password to sign.")]
    )


class AcknowledgementForm(VersionedForm):
    on = DateField("Date", validators=[DataRequired("Give the date."), NotInFuture()])
    how = SelectField(
        "How",
        choices=choices([("", "Choose…"), *AcknowledgedHow.choices()]),
        validators=[DataRequired("Say how the client acknowledged it.")],
    )
    comment = _text("The client's comment", description="In the client's words.")


class CosignForm(VersionedForm):
    pass


class MedicalInterventionForm(VersionedForm):
    objective_id = SelectField("Objective", coerce=optional_id, validators=[InputRequired()])
    modality = SelectField(
        "Modality",
        choices=choices([(modality.value, modality.label) for modality in MEDICAL_MODALITIES]),
        validators=[InputRequired()],
    )
    frequency = StringField(
        "Frequency", validators=[DataRequired("Say how often."), Length(max=120)]
    )


class FindingEntry(Form):
    objective_id = HiddenField()
    status = SelectField(
        "Progress",
        choices=choices(
            [("", "Choose…"), *((status.value, status.label) for status in REVIEW_FINDINGS)]
        ),
        validators=[DataRequired("Record the progress.")],
    )
    note = _text("Note", rows=1)


class ReviewForm(VersionedForm):
    findings = FieldList(FormField(FindingEntry))
    note = _text("Review note", rows=3)
