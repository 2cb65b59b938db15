"""`flask --app wsgi seed ...`: demo data for a laptop, synthetic data for benchmarks (never in
production)."""

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from clinic.clients.models import Client
from clinic.extensions import db
from clinic.seed import demo, scale


@click.group(cls=AppGroup)
def seed():
    """Load demo or synthetic data (refused in production)."""


def refuse_in_production(what: str) -> None:
    if current_app.config["CLINIC_ENV"] == "production":
        raise click.ClickException(f"{what} is never loaded in production")


@seed.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing, successfully, when data exists.")
def seed_demo(if_empty: bool) -> None:
    """Load the demo clinic: one user per role (see README.md), more counselors, ~40 clients."""
    refuse_in_production("demo data")
    if not demo.database_is_empty():
        if if_empty:
            click.echo("The database already has data; demo data not loaded.")
            return
        raise click.ClickException("the database already has data; demo data not loaded")
    users = demo.load_demo()
    db.session.commit()
    clients = db.session.scalar(sa.select(sa.func.count()).select_from(Client))
    click.echo(
        f"Loaded demo data: {len(users)} users and {clients} clients. "
        "Demo logins are listed in README.md."
    )


@seed.command("scale")
@click.option(
    "--clients",
    "client_count",
    type=click.IntRange(1, 1_000_000),
    default=10_000,
    show_default=True,
    help="How many synthetic clients to create.",
)
@click.option(
    "--history/--no-history",
    default=True,
    show_default=True,
    help="Give the clients their assessments, results, plans and requests (clinic mostly up "
    "to date); without, nothing is done yet and everything is due.",
)
def seed_scale(client_count: int, history: bool) -> None:
    """Load synthetic staff and clients for benchmarks, into a database without clients."""
    refuse_in_production("synthetic data")
    problem = scale.existing_data_problem()
    if problem:
        raise click.ClickException(f"{problem}; nothing loaded")
    result = scale.load_scale(client_count, history=history)
    db.session.commit()
    rows = ", ".join(f"{count} {table}" for table, count in result.rows.items())
    click.echo(
        f"Loaded synthetic data in {result.seconds:.1f} s: {result.rows.total()} rows ({rows})."
    )
    click.echo(
        f"Accounts such as {scale.SUPERVISOR_EMAIL} and {scale.FIRST_COUNSELOR_EMAIL} share the "
        "password SCALE_PASSWORD in clinic/seed/scale.py."
    )
