"""Reusable WTForms validators for the portal's forms."""

import re
from datetime import date
from urllib.parse import urlsplit

from wtforms.validators import ValidationError

from clinic.core.clock import clinic_today


class PhoneNumber:
    """A phone number as people write it: digits with spaces, dashes, dots, brackets, a
    leading + and an optional extension; 7 to 15 digits before any extension."""

    _shape = re.compile(r"^\+?[\d\s().-]+(\s*(x|ext\.?)\s*\d{1,6})?$", re.IGNORECASE)

    def __call__(self, _form, field) -> None:
        value = (field.data or "").strip()
        if not value:
            return
        number = re.split(r"(?i)x|ext", value)[0]
        digits = re.sub(r"\D", "", number)
        if not self._shape.match(value) or not 7 <= len(digits) <= 15:
            raise ValidationError("Enter a phone number such as (406) 555-0134 or +1 406 555 0134.")


class PostalCode:
    _shape = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]{1,8}[A-Za-z0-9]$")

    def __call__(self, _form, field) -> None:
        value = (field.data or "").strip()
        if value and not self._shape.match(value):
            raise ValidationError("Enter a postal code such as 59601 or 59601-1234.")


class NotInFuture:
    def __init__(self, message: str = "This date is in the future."):
        self.message = message

    def __call__(self, _form, field) -> None:
        if field.data and field.data > clinic_today():
            raise ValidationError(self.message)


class PlausibleBirthDate:
    """In the past, and giving an age the program could serve (12 to 120 years)."""

    def __call__(self, _form, field) -> None:
        born: date | None = field.data
        if born is None:
            return
        today = clinic_today()
        if born >= today:
            raise ValidationError("The date of birth must be in the past.")
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        if age > 120:
            raise ValidationError(f"Check the year: that makes the client {age} years old.")
        if age < 12:
            raise ValidationError(f"Check the date: that makes the client {age} years old.")


WEB_SCHEMES = ("http", "https")


def web_address(value: str | None) -> str | None:
    """`value` when it is an http or https address with a host, else None: what a page may show
    as a link (anything else, a `javascript:` address say, is shown as text or not at all)."""
    if not value:
        return None
    try:
        parts = urlsplit(value.strip())
        host = parts.hostname
    except ValueError:  # a malformed address, such as an unclosed [IPv6 bracket
        return None
    if parts.scheme.lower() not in WEB_SCHEMES or not host:
        return None
    if any(char.isspace() or ord(char) < 32 for char in value.strip()):
        return None
    return value.strip()


class WebAddress:
    """An http or https address with a host name, such as https://example.org/."""

    def __call__(self, _form, field) -> None:
        value = (field.data or "").strip()
        if value and web_address(value) is None:
            raise ValidationError(
                "Enter a web address that starts with http:// or https://, such as "
                "https://example.org."
            )
