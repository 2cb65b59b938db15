"""The form for one of the client's contacts."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from clinic.clients.vocabulary import Relationship
from clinic.core.forms import VersionedForm, email_field, optional_text, phone_field, pick


class ContactFields:
    name = StringField(
        "Name", validators=[DataRequired("Enter the person's name."), Length(max=120)]
    )
    relationship = pick("Relationship", Relationship.choices())
    relationship_detail = optional_text(
        "In the client's words", 60, description="For example aunt, grandmother, roommate."
    )
    phone = phone_field()
    email = email_field()
    address = optional_text("Address", 200)
    emergency_contact = BooleanField("Emergency contact")
    lives_with_client = BooleanField("Lives with the client")
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=2000)])


class ContactCreateForm(ContactFields, FlaskForm):
    pass


class ContactEditForm(ContactFields, VersionedForm):
    pass
