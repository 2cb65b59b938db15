"""Staff accounts, sign-in, sessions and permissions."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from clinic.auth import guard, views  # noqa: E402, F401  (registers the routes and checks)
