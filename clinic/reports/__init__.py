"""Reports for supervisors and administrators: caseloads, emergency access review."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from clinic.reports import views  # noqa: E402, F401  (registers the routes)
