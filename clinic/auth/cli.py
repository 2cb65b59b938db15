"""`flask --app wsgi users ...`: staff accounts from the command line."""

import sys

import click
from flask.cli import AppGroup

from clinic.auth import accounts
from clinic.auth.models import Role
from clinic.extensions import db


@click.group(cls=AppGroup)
def users():
    """Manage staff accounts."""


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    # Piped in: the first line, without its line ending (nothing else is stripped or cut).
    return sys.stdin.readline().rstrip("\r\n")


@users.command("create")
@click.argument("email")
@click.option("--name", "full_name", required=True, help="The person's full name.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice([role.value for role in Role]),
    help="A role; repeat for several.",
)
def create(email: str, full_name: str, roles: tuple[str, ...]) -> None:
    """Create an account for EMAIL; the password comes from a prompt or standard input."""
    password = _read_password()
    try:
        user = accounts.create_user(
            email,
            full_name,
            {Role(role) for role in roles},
            password,
            actor=None,
            must_change_password=False,
            via="cli",
        )
    except accounts.AccountError as error:
        db.session.rollback()
        raise click.ClickException(f"{error.field or 'account'}: {error}") from None
    db.session.commit()
    click.echo(f"Created {user.email} with roles {', '.join(sorted(roles))}.")
