"""The directory's forms: a provider, and the search."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from clinic.core.forms import (
    MultiCheckboxField,
    VersionedForm,
    choices,
    email_field,
    optional_text,
    phone_field,
    pick,
)
from clinic.core.validators import WebAddress
from clinic.directory.vocabulary import Payer, ProviderKind


class ProviderFields:
    name = StringField(
        "Name", validators=[DataRequired("Enter the provider's name."), Length(max=160)]
    )
    kind = pick("Kind", ProviderKind.choices())
    contact_person = optional_text("Contact person", 120)
    phone = phone_field()
    email = email_field()
    address = optional_text("Address", 300)
    website = StringField(
        "Website",
        validators=[Optional(), Length(max=300), WebAddress()],
        description="An address starting with http:// or https://.",
    )
    payers = MultiCheckboxField("Accepts", choices=choices(Payer.choices()))
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=4000)])


class ProviderCreateForm(ProviderFields, FlaskForm):
    pass


class ProviderEditForm(ProviderFields, VersionedForm):
    pass


class DirectorySearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Name", validators=[Optional(), Length(max=120)])
    kind = pick("Kind", ProviderKind.choices(), required=False, blank="Every kind")
    status = SelectField(
        "Status",
        choices=choices(
            [("active", "Active"), ("inactive", "Inactive"), ("all", "Active and inactive")]
        ),
        validators=[Optional()],
        default="active",
    )
