"""Screening instruments, the six-dimension assessment and the level-of-care recommendation."""

from flask import Blueprint

bp = Blueprint("assessments", __name__)

from clinic.assessments import due, views  # noqa: E402, F401  (registers routes and due items)
