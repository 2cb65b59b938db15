"""Staff accounts, sign-in, sessions and the `users` command."""

from flask import Blueprint, Flask
from flask_wtf.csrf import CSRFError

bp = Blueprint("auth", __name__)

from clinic.auth import cli, guard, views  # noqa: E402, F401  (routes and checks on bp)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(cli.users)
    # A form whose token expired keeps what it held (auth/held.py); this replaces core's page.
    app.register_error_handler(CSRFError, guard.form_token_expired)
    app.context_processor(guard.offered_form)
