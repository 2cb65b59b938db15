"""Sign-in and password forms, and the password-policy validator the admin forms share."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from clinic.auth.accounts import organisation_names
from clinic.auth.passwords import MAX_LENGTH, password_problems


class PasswordPolicy:
    """Refuse a password the policy refuses, saying why (NIST SP 800-63B).

    `email` names the form field holding the account's email, or is a callable that takes the
    form and returns it.
    """

    def __init__(self, email="email"):
        self.email = email

    def __call__(self, form, field) -> None:
        email = self.email(form) if callable(self.email) else form[self.email].data
        problems = password_problems(field.data or "", email or "", organisation_names())
        if problems:
            raise ValidationError(" ".join(problems))


class LoginForm(FlaskForm):
    """An email and password to sign in with."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    # No Length(max): a long password is checked against its hash, never cut short.
    password = PasswordField("Password", validators=[DataRequired()])


def new_password_field(email="email") -> PasswordField:
    """The new-password field wherever a password is set; `email` as for `PasswordPolicy`."""
    return PasswordField(
        "New password",
        validators=[DataRequired(), Length(max=MAX_LENGTH), PasswordPolicy(email)],
        description="At least 15 characters. A few unrelated words make a strong password.",
    )


def confirm_password_field(field_name: str = "new_password") -> PasswordField:
    return PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo(field_name, "The two passwords differ.")],
    )


class ChangePasswordForm(FlaskForm):
    """The signed-in `user`'s own new password, after their current one."""

    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = new_password_field(email=lambda form: form.user.email)
    confirm_password = confirm_password_field()

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
