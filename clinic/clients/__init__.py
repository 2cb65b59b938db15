"""Clients, admissions (episodes), care teams, caseloads and emergency access."""

from flask import Blueprint

bp = Blueprint("clients", __name__)

from clinic.clients import due, views  # noqa: E402, F401  (registers routes and due items)
