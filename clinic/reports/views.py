"""Caseload report (with CSV export) and the emergency access review list."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from sqlalchemy.orm import joinedload

from clinic.clients import queries, services
from clinic.clients.forms import EmergencyReviewForm
from clinic.clients.levels import BY_INTENSITY
from clinic.clients.models import EmergencyAccess
from clinic.clients.services import ClientError
from clinic.core import audit
from clinic.core.clock import clinic_today
from clinic.core.csv_export import csv_response
from clinic.core.permissions import deny, require
from clinic.extensions import db
from clinic.reports import bp
from clinic.reports.caseload import CaseloadTable

REPORT_VIEWED = audit.define("report.viewed", "Report viewed")
REPORT_EXPORTED = audit.define("report.exported", "Report exported")


@bp.get("/caseload")
@require("reports.caseload")
def caseload():
    table = CaseloadTable.build(queries.caseload_by_counselor())
    if request.args.get("format") == "csv":
        audit.record(REPORT_EXPORTED, detail={"report": "caseload"})
        db.session.commit()
        return csv_response(
            f"caseload-{clinic_today().isoformat()}.csv",
            ["Counselor", *[level.value for level in BY_INTENSITY], "Total"],
            table.csv_rows(),
        )
    audit.record(REPORT_VIEWED, detail={"report": "caseload"})
    page = render_template("reports/caseload.html", table=table, levels=BY_INTENSITY)
    db.session.commit()
    return page


@bp.get("/emergency-access")
@require("emergency.review")
def emergency_access():
    grants = db.session.scalars(
        sa.select(EmergencyAccess)
        .options(
            joinedload(EmergencyAccess.user),
            joinedload(EmergencyAccess.client),
            joinedload(EmergencyAccess.reviewed_by),
        )
        .order_by(EmergencyAccess.reviewed_at.is_not(None), EmergencyAccess.granted_at.desc())
        .limit(200)
    ).all()
    audit.record(
        REPORT_VIEWED,
        detail={
            "report": "emergency_access",
            "client_ids": sorted({grant.client_id for grant in grants}),
        },
    )
    page = render_template(
        "reports/emergency_access.html", grants=grants, form=EmergencyReviewForm()
    )
    db.session.commit()
    return page


@bp.post("/emergency-access/<int:grant_id>/review")
@require("emergency.review")
def emergency_review(grant_id: int):
    grant = db.session.get(EmergencyAccess, grant_id)
    if grant is None:
        deny(404, "emergency.review")
    form = EmergencyReviewForm()
    if form.validate_on_submit():
        try:
            services.review_emergency_access(grant, form.note.data)
            db.session.commit()
            flash("Marked as reviewed.", "success")
        except ClientError as error:
            db.session.rollback()
            flash(str(error), "warning")
    return redirect(url_for("reports.emergency_access"))
