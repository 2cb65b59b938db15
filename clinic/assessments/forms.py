"""Forms for instruments (built from the registry), the six-dimension assessment, safety
acknowledgements and addenda."""

from datetime import datetime

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from clinic.assessments.instruments import Instrument, Item
from clinic.assessments.placement import DIMENSIONS, RATINGS
from clinic.assessments.vocabulary import FINDINGS, AssessmentKind, OverrideReason
from clinic.clients.levels import level_choices
from clinic.core.clock import local_to_utc
from clinic.core.forms import MultiCheckboxField, VersionedForm, choices

NOTE_LENGTH = 10_000
YES, NO = "yes", "no"


def _answer_code(value) -> str:
    """How an answer travels in a form: yes/no for true/false, the number otherwise."""
    if isinstance(value, bool):
        return YES if value else NO
    return str(value)


def _answer_value(code: str):
    if code in (YES, NO):
        return code == YES
    return int(code) if code.lstrip("-").isdigit() else code


def item_field_name(item: Item) -> str:
    return f"item_{item.key}"


def _item_field(item: Item) -> RadioField:
    return RadioField(
        item.prompt,
        choices=choices((_answer_code(choice.value), choice.text) for choice in item.choices),
        validators=[InputRequired("Choose an answer.")],
    )


class InstrumentFormBase(FlaskForm):
    administered_at = DateTimeLocalField(
        "Given at",
        format="%Y-%m-%dT%H:%M",
        validators=[DataRequired("Give the date and time.")],
        description="The clinic's local time.",
    )

    instrument: Instrument

    def answers(self) -> dict:
        """The answers keyed as the registry keys items."""
        return {
            item.key: _answer_value(self[item_field_name(item)].data)
            for item in self.instrument.items
        }

    def item_fields(self):
        return [(item, self[item_field_name(item)]) for item in self.instrument.items]

    def administered_at_utc(self) -> datetime:
        return local_to_utc(self.administered_at.data, current_app.config["CLINIC_TIMEZONE"])


_FORM_CLASSES: dict[str, type[InstrumentFormBase]] = {}


def instrument_form_class(instrument: Instrument) -> type[InstrumentFormBase]:
    """One form class per instrument, with a required choice per item, built once."""
    if instrument.code not in _FORM_CLASSES:
        fields = {item_field_name(item): _item_field(item) for item in instrument.items}
        _FORM_CLASSES[instrument.code] = type(
            f"{instrument.code}Form", (InstrumentFormBase,), {"instrument": instrument, **fields}
        )
    return _FORM_CLASSES[instrument.code]


class StartAssessmentForm(FlaskForm):
    kind = SelectField("Kind", validators=[InputRequired()])


def _rating_field(number: int) -> SelectField:
    return SelectField(
        f"{number}. {DIMENSIONS[number]}",
        choices=choices(
            [
                ("", "Not rated yet"),
                *((str(value), f"{value} · {label}") for value, label in RATINGS.items()),
            ]
        ),
        validators=[Optional()],
        coerce=lambda value: None if value in (None, "") else int(value),
    )


def _rationale_field(number: int) -> TextAreaField:
    return TextAreaField(
        f"Rationale for dimension {number}",
        validators=[Optional(), Length(max=NOTE_LENGTH)],
        render_kw={"rows": 2},
    )


def _finding_field(label: str, help_text: str) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[Optional(), Length(max=NOTE_LENGTH)],
        description=help_text,
        render_kw={"rows": 3},
    )


LEVEL_OPTIONS = level_choices(blank="Not chosen yet")
REASON_OPTIONS = [("", "None: the recommended level"), *OverrideReason.choices()]


class _AssessmentFields(VersionedForm):
    linked = MultiCheckboxField("Instruments given in this episode", coerce=int)
    chosen_level = SelectField(
        "Level of care chosen", choices=choices(LEVEL_OPTIONS), validators=[Optional()]
    )
    override_reason = SelectField(
        "Reason for choosing another level",
        choices=choices(REASON_OPTIONS),
        validators=[Optional()],
    )
    override_note = TextAreaField(
        "Explanation", validators=[Optional(), Length(max=NOTE_LENGTH)], render_kw={"rows": 2}
    )


AssessmentForm = type(
    "AssessmentForm",
    (_AssessmentFields,),
    {
        **{f"d{number}_rating": _rating_field(number) for number in DIMENSIONS},
        **{f"d{number}_rationale": _rationale_field(number) for number in DIMENSIONS},
        **{name: _finding_field(label, text) for name, label, text in FINDINGS},
    },
)


def kind_choices(kinds: list[AssessmentKind]):
    return choices((kind.value, kind.label) for kind in kinds)


class AcknowledgeForm(FlaskForm):
    note = TextAreaField(
        "What was done",
        validators=[DataRequired("Say what was done."), Length(max=NOTE_LENGTH)],
        description="For example: safety plan reviewed with the client; on-call clinician told.",
        render_kw={"rows": 2},
    )


class AddendumForm(FlaskForm):
    text = TextAreaField(
        "Addendum",
        validators=[DataRequired("Write the addendum."), Length(max=NOTE_LENGTH)],
        render_kw={"rows": 3},
    )
