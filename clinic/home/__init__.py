"""The signed-in home page and the public health check."""

from flask import Blueprint

bp = Blueprint("home", __name__)

from clinic.home import views  # noqa: E402, F401  (registers the routes)
