"""Form pieces every domain uses."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField, SelectChoice, SelectMultipleField
from wtforms.validators import InputRequired, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, Select, html_params

from clinic.core.errors import RuleError
from clinic.core.transaction import add_error
from clinic.extensions import db


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


@dataclass
class VersionedSave:
    saved: bool
    changed: list[str] = field(default_factory=list)
    conflict: object = None


def save_versioned(
    form: "VersionedForm", record, apply: Callable[[], list[str]], reload: Callable[[], object]
) -> VersionedSave:
    """Save a validated edit under optimistic locking; on a concurrent change, save nothing.

    `apply` changes the record and returns what changed (it may raise a domain error, which the
    caller handles); `reload` reads the record again. On conflict the form keeps what the user
    typed, carries the stored version so that the next save is deliberate, and says why; the
    page shows `conflict`, the stored record, beside it.
    """
    conflict = record if form.is_stale(record) else None
    if conflict is None:
        try:
            changed = apply()
            db.session.commit()
            return VersionedSave(saved=True, changed=changed)
        except StaleDataError:
            db.session.rollback()
            conflict = reload()
    form.version.data = str(conflict.version)
    add_error(
        form,
        "Someone else changed this record while you were editing it. The saved values are "
        "shown beside the form; check them, then save again to apply yours.",
    )
    return VersionedSave(saved=False, conflict=conflict)


def commit_or_explain(form: FlaskForm, change: Callable[[], object], race: str) -> bool:
    """Make `change` and commit it; True when saved. A refusal by the rules, or a database
    constraint or a record's version lost to a concurrent request (`race` says what happened),
    rolls everything back and is explained on the form, which keeps what the user typed."""
    try:
        change()
        db.session.commit()
    except RuleError as error:
        db.session.rollback()
        add_error(form, str(error), error.field)
    except (IntegrityError, StaleDataError):
        db.session.rollback()
        add_error(form, race)
    else:
        return True
    return False
