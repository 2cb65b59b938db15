"""`flask --app wsgi plans ...`: treatment plan upkeep from the command line."""

import click
from flask.cli import AppGroup

from clinic.extensions import db
from clinic.plans.review_days import refresh_review_days


@click.group(cls=AppGroup)
def plans():
    """Treatment plan upkeep."""


@plans.command("refresh-reviews")
def refresh_reviews():
    """Work out every active plan's next review day again: run it after changing
    PLAN_REVIEW_DAYS or CLINIC_TIMEZONE."""
    written = refresh_review_days()
    db.session.commit()
    click.echo(f"Next review day written for {written} active plans.")
