"""Form pieces every domain uses."""

from collections.abc import Iterable

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import HiddenField, SelectChoice, SelectMultipleField
from wtforms.validators import InputRequired, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, Select, html_params


def optional_id(value) -> int | None:
    """Coerce a select's value to a record id, with no choice made as None."""
    return int(value) if value not in (None, "", "None") else None


def choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """Select choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class LongSelect(Select):
    """A select for hundreds of options (every counselor, say), rendered in one pass.

    WTForms' own widget builds each option's attributes one by one, which costs milliseconds
    per page at a few hundred options.
    """

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        current = "" if field.data is None else str(field.data)
        options = "".join(
            f'<option value="{escape(choice.value)}"'
            f"{' selected' if str(choice.value) == current else ''}>{escape(choice.label)}</option>"
            for choice in field.choices
        )
        # Every value is escaped: by escape() above, and by html_params.
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{options}</select>")  # noqa: S704


class MultiCheckboxField(SelectMultipleField):
    """A set of checkboxes, one per choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class VersionedForm(FlaskForm):
    """A form editing a record under optimistic locking: it carries the version it was read at."""

    version = HiddenField(validators=[InputRequired()])

    def validate_version(self, field) -> None:
        if not (field.data or "").isdigit():
            raise ValidationError("The form is damaged; reload the page.")

    def is_stale(self, record) -> bool:
        """True when the record has changed since this form was filled in."""
        return int(self.version.data) != record.version
