"""The worklist's filters: a GET form, so a filtered list is a link that can be shared."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from clinic.clients.levels import level_choices
from clinic.core.due import DUE, OVERDUE, SEVERITY_LABELS
from clinic.core.forms import choices


class WorklistFilterForm(FlaskForm):
    class Meta:
        csrf = False

    counselor = StringField(
        "Primary counselor (part of the name)", validators=[Optional(), Length(max=120)]
    )
    level = SelectField(
        "Level of care", choices=choices(level_choices("Any level")), validators=[Optional()]
    )
    severity = SelectField(
        "How late",
        choices=choices(
            [("", "Everything"), (OVERDUE, SEVERITY_LABELS[OVERDUE]), (DUE, SEVERITY_LABELS[DUE])]
        ),
        validators=[Optional()],
    )
