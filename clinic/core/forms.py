"""Form pieces every domain uses."""

from collections.abc import Iterable

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    EmailField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, Select, html_params

from clinic.core.validators import PhoneNumber


def optional_id(value) -> int | None:
    """Coerce a select's value to a record id, with no choice made as None."""
    return int(value) if value not in (None, "", "None") else None


def choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """Select choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def optional_text(label: str, length: int, **kwargs) -> StringField:
    """A text field that may be left empty, at most `length` characters."""
    return StringField(label, validators=[Optional(), Length(max=length)], **kwargs)


def pick(label: str, pairs, *, required: bool = True, blank: str = "Choose…") -> SelectField:
    """A select of (value, label) pairs after a blank first choice."""
    validators = [InputRequired("Choose one.")] if required else [Optional()]
    return SelectField(label, choices=choices([("", blank), *pairs]), validators=validators)


def phone_field(label: str = "Phone") -> StringField:
    """An optional phone number, as people write them (core.validators.PhoneNumber)."""
    return StringField(label, validators=[Optional(), Length(max=30), PhoneNumber()])


def email_field(label: str = "Email") -> EmailField:
    """An optional email address."""
    return EmailField(
        label,
        validators=[
            Optional(),
            Length(max=254),
            Email("Enter an email address such as name@example.org."),
        ],
    )


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
