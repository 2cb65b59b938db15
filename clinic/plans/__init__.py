"""Individualized treatment plans: versions, signatures, reviews."""

from flask import Blueprint

bp = Blueprint("plans", __name__)

from clinic.plans import due, views  # noqa: E402, F401  (registers routes and due items)
