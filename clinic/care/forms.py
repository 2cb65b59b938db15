"""Forms for level-of-care moves and bed capacity."""

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from clinic.care.levels import BY_INTENSITY

NOTE = 5_000
LEVEL_OPTIONS = [("", "Choose…")] + [
    (level.value, f"{level.value} · {level.label}") for level in BY_INTENSITY
]


def _optional_id(value):
    return int(value) if value not in (None, "", "None") else None


class MoveRequestForm(FlaskForm):
    to_level = SelectField("Move to", validators=[DataRequired("Choose the level.")])
    justification = TextAreaField(
        "Justification",
        validators=[DataRequired("Say why the client should move."), Length(max=NOTE)],
        render_kw={"rows": 3},
    )
    assessment_id = SelectField(
        "Based on the assessment", coerce=_optional_id, validators=[Optional()]
    )
    override_reason = TextAreaField(
        "Reason, if the assessment recommends another level",
        validators=[Optional(), Length(max=NOTE)],
        render_kw={"rows": 2},
    )


class DecisionForm(FlaskForm):
    note = TextAreaField("Note", validators=[Optional(), Length(max=NOTE)], render_kw={"rows": 2})


class BedsForm(FlaskForm):
    level = SelectField("Level", validators=[InputRequired()])
    beds = IntegerField(
        "Beds",
        validators=[InputRequired("Give the number of beds."), NumberRange(min=0, max=10_000)],
    )
