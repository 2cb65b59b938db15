"""Caseload report (with CSV export) and the emergency access review list."""

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from clinic.clients import queries, services
from clinic.clients.forms import EmergencyReviewForm
from clinic.clients.levels import BY_INTENSITY
from clinic.clients.models import EmergencyAccess
from clinic.core import audit
from clinic.core.clock import clinic_today, utcnow
from clinic.core.csv_export import csv_response
from clinic.core.permissions import deny, require
from clinic.core.transaction import attempt, committed
from clinic.extensions import db
from clinic.reports import bp
from clinic.reports.caseload import CaseloadTable

# Possible probing stays on the emergency-access page this long.
PROBING_SHOWN_FOR = timedelta(days=30)

REPORT_VIEWED = audit.define("report.viewed", "Report viewed")
REPORT_EXPORTED = audit.define("report.exported", "Report exported")


@bp.get("/caseload")
@require("reports.caseload")
def caseload():
    """Open episodes per primary counselor and level of care, as a page or a CSV file."""
    table = CaseloadTable.build(queries.caseload_by_counselor())
    if request.args.get("format") == "csv":
        audit.record(REPORT_EXPORTED, detail={"report": "caseload"})
        return committed(
            csv_response(
                f"caseload-{clinic_today().isoformat()}.csv",
                ["Counselor", *[level.value for level in BY_INTENSITY], "Total"],
                table.csv_rows(),
            )
        )
    audit.record(REPORT_VIEWED, detail={"report": "caseload"})
    return committed(render_template("reports/caseload.html", table=table, levels=BY_INTENSITY))


@bp.get("/emergency-access")
@require("emergency.review")
def emergency_access():
    """Emergency accesses for supervisors to review, those not yet reviewed first."""
    grants = queries.emergency_grants()
    audit.record(
        REPORT_VIEWED,
        detail={
            "report": "emergency_access",
            "client_ids": sorted({grant.client_id for grant in grants}),
        },
    )
    return committed(
        render_template(
            "reports/emergency_access.html",
            grants=grants,
            form=EmergencyReviewForm(),
            probing=audit.recent(audit.PROBING, utcnow() - PROBING_SHOWN_FOR),
        )
    )


@bp.post("/emergency-access/<int:grant_id>/review")
@require("emergency.review")
def emergency_review(grant_id: int):
    """Mark one emergency access as reviewed, with an optional note."""
    grant = db.session.get(EmergencyAccess, grant_id)
    if grant is None:
        deny(404, "emergency.review")
    form = EmergencyReviewForm()
    if form.validate_on_submit():
        race = "This emergency access was reviewed by someone else a moment ago."
        outcome = attempt(
            form,
            lambda: services.review_emergency_access(grant, form.note.data, actor=current_user),
            race=race,
        )
        if outcome:
            flash("Marked as reviewed.", "success")
        else:
            # The list page has one note per grant: the refusal is the outcome, in a flash.
            flash(str(outcome.error) if outcome.error else race, "warning")
    return redirect(url_for("reports.emergency_access"))
