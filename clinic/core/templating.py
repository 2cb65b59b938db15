"""What every template may use: clinic-time formatting and the permission check."""

from datetime import date, datetime

from flask import Flask, current_app

from clinic.core.clock import to_local, utcnow


def local_time(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Format a UTC timestamp in the clinic's time zone; empty for None."""
    if moment is None:
        return ""
    return to_local(moment, current_app.config["CLINIC_TIMEZONE"]).strftime(fmt)


def local_date(moment: datetime) -> date:
    """The calendar day, in the clinic's time zone, of a UTC timestamp."""
    return to_local(moment, current_app.config["CLINIC_TIMEZONE"]).date()


def clinic_today() -> date:
    """Today's date in the clinic's time zone."""
    return to_local(utcnow(), current_app.config["CLINIC_TIMEZONE"]).date()


def register_template_helpers(app: Flask) -> None:
    from clinic.auth.models import ROLE_LABELS
    from clinic.auth.permissions import template_can

    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(local_date, "local_date")
    app.add_template_global(template_can, "can")
    app.add_template_global(ROLE_LABELS, "ROLE_LABELS")
