"""Forms for level-of-care moves and bed capacity."""

from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from clinic.clients.levels import level_choices
from clinic.core.clock import local_to_utc
from clinic.core.forms import choices, optional_id

NOTE = 5_000
LEVEL_OPTIONS = level_choices(blank="Choose…")


class MoveRequestForm(FlaskForm):
    to_level = SelectField("Move to", validators=[DataRequired("Choose the level.")])
    justification = TextAreaField(
        "Justification",
        validators=[DataRequired("Say why the client should move."), Length(max=NOTE)],
        render_kw={"rows": 3},
    )
    assessment_id = SelectField(
        "Based on the assessment", coerce=optional_id, validators=[Optional()]
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


class DischargeForm(FlaskForm):
    discharge_type = SelectField(
        "Discharge type", validators=[DataRequired("Choose the discharge type.")]
    )
    reason = TextAreaField(
        "Reason", validators=[Optional(), Length(max=NOTE)], render_kw={"rows": 2}
    )
    living_situation = TextAreaField(
        "Where the client will live",
        validators=[Optional(), Length(max=NOTE)],
        render_kw={"rows": 1},
    )
    continuing_care = StringField(
        "Continuing-care level",
        validators=[Optional(), Length(max=200)],
        description="For example: outpatient at the program, IOP elsewhere, alumni group.",
    )
    meetings = TextAreaField(
        "Meetings",
        validators=[Optional(), Length(max=NOTE)],
        render_kw={"rows": 1},
        description="Which 12-step or other meetings, where and when.",
    )
    moud_continues = SelectField(
        "Medication for opioid use disorder continues",
        choices=choices([("", "Choose…"), ("yes", "Yes"), ("no", "No")]),
        validators=[Optional()],
    )
    moud_with = StringField("With whom", validators=[Optional(), Length(max=200)])
    left_at = DateTimeLocalField(
        "When the client left",
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        description="Against advice: the clinic's local time.",
    )
    follow_up = TextAreaField(
        "Follow-up attempt", validators=[Optional(), Length(max=NOTE)], render_kw={"rows": 1}
    )

    def details(self, timezone: str) -> dict:
        left = self.left_at.data
        return {
            "discharge_type": self.discharge_type.data,
            "reason": self.reason.data or "",
            "living_situation": self.living_situation.data,
            "continuing_care": self.continuing_care.data,
            "meetings": self.meetings.data,
            "moud_continues": {"yes": True, "no": False}.get(self.moud_continues.data),
            "moud_with": self.moud_with.data,
            "left_at": local_to_utc(left, timezone) if left else None,
            "follow_up": self.follow_up.data,
        }


class CorrectionForm(FlaskForm):
    level = SelectField("Correct level", validators=[DataRequired("Choose the level.")])
    reason = TextAreaField(
        "Why the level on record is wrong",
        validators=[Optional(), Length(max=NOTE)],
        render_kw={"rows": 2},
    )
