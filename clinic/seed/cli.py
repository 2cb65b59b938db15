"""`flask --app wsgi seed ...`: demo data for a laptop (never in production)."""

import click
from flask import current_app
from flask.cli import AppGroup

from clinic.extensions import db
from clinic.seed import demo


@click.group(cls=AppGroup)
def seed():
    """Load demo or synthetic data (refused in production)."""


@seed.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing, successfully, when data exists.")
def seed_demo(if_empty: bool) -> None:
    """Load the demo clinic: one user per role (see README.md)."""
    if current_app.config["CLINIC_ENV"] == "production":
        raise click.ClickException("demo data is never loaded in production")
    if not demo.database_is_empty():
        if if_empty:
            click.echo("The database already has data; demo data not loaded.")
            return
        raise click.ClickException("the database already has data; demo data not loaded")
    users = demo.load_demo()
    db.session.commit()
    click.echo(f"Loaded demo data: {len(users)} users. Demo logins are listed in README.md.")
