"""Forms for staff account administration and the audit log filter."""

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from clinic.auth.forms import confirm_password_field, new_password_field
from clinic.auth.models import ROLE_LABELS, Role
from clinic.core.forms import MultiCheckboxField, VersionedForm, choices

ROLE_CHOICES = [(role.value, ROLE_LABELS[role]) for role in Role]


def roles_field() -> MultiCheckboxField:
    return MultiCheckboxField(
        "Roles",
        choices=choices(ROLE_CHOICES),
        validators=[DataRequired("Choose at least one role.")],
    )


class UserFields:
    """Fields an account's create and edit forms share."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    full_name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    roles = roles_field()


class UserCreateForm(UserFields, FlaskForm):
    new_password = new_password_field()
    confirm_password = confirm_password_field()


class UserEditForm(UserFields, VersionedForm):
    pass


class PasswordResetForm(FlaskForm):
    """A temporary password for `user`, who must change it at their next sign-in."""

    new_password = new_password_field(email=lambda form: form.user.email)
    confirm_password = confirm_password_field()

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Name or email", validators=[Optional(), Length(max=120)])
    role = SelectField(
        "Role", choices=choices([("", "Any role"), *ROLE_CHOICES]), validators=[Optional()]
    )
    status = SelectField(
        "Status",
        choices=choices(
            [("", "Active and inactive"), ("active", "Active"), ("inactive", "Inactive")]
        ),
        validators=[Optional()],
    )


def _check_year(field) -> None:
    if field.data and not 2000 <= field.data.year <= 2999:
        raise ValidationError("Enter a date between the years 2000 and 2999.")


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    user = StringField("User email", validators=[Optional(), Length(max=254)])
    action = SelectField("Action", validators=[Optional()])
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])

    def validate_date_from(self, field) -> None:
        _check_year(field)

    def validate_date_to(self, field) -> None:
        _check_year(field)
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date is before the start date.")
