"""Staff accounts, sign-in, sessions and the `users` command."""

from flask import Blueprint, Flask

bp = Blueprint("auth", __name__)

from clinic.auth import cli, guard, views  # noqa: E402, F401  (routes and checks on bp)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(cli.users)
