"""The Plan tab: the current plan and its versions, the draft's editing, signatures, reviews,
version comparison and the print view.

Every page loads the client through `load_client` and renders through `render_chart` (the
audited read). A plan named in the URL must belong to the client in the URL; items named in a
form must belong to the plan (services refuse the others). Every form carries the plan's
version: a save against a version someone else changed meanwhile shows both, saves nothing.
"""

from flask import flash, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from clinic.assessments.models import Assessment
from clinic.assessments.placement import DIMENSIONS
from clinic.auth.services import verify_signer
from clinic.clients.chart import load_client, load_owned, render_chart
from clinic.clients.models import Client, Episode
from clinic.clients.services import open_episode
from clinic.core.clock import clinic_today
from clinic.core.pagination import record_id_arg
from clinic.core.permissions import can, deny
from clinic.core.transaction import add_error, attempt
from clinic.extensions import db
from clinic.plans import bp, library, rules, services
from clinic.plans.forms import (
    AcknowledgementForm,
    AddProblemForm,
    CosignForm,
    MedicalInterventionForm,
    PlanDetailsForm,
    ProblemForm,
    ReviewForm,
    SignForm,
)
from clinic.plans.models import PlanProblem, TreatmentPlan
from clinic.plans.services import NotSignable, SignedPlanError
from clinic.plans.vocabulary import AcknowledgedHow, Modality, PlanStatus, Progress


def _plan_url(plan: TreatmentPlan) -> str:
    return url_for("plans.show", client_id=plan.client_id, plan_id=plan.id)


def _load_plan(client: Client, plan_id: int, action: str = "plan.view") -> TreatmentPlan:
    """The whole tree of a plan version of this client (else an audited 404)."""
    return load_owned(client, services.load_tree(plan_id), action)


# --- The tab ----------------------------------------------------------------------------------


@bp.get("/clients/<int:client_id>/plans/")
def index(client_id: int):
    """The Plan tab: the episode's plan versions and how to start one."""
    client = load_client(client_id, "plan.view")
    plans = services.plans_of(client.id)
    episode = open_episode(client.id)
    current = next(
        (plan for plan in plans if plan.episode_id == getattr(episode, "id", None)), None
    )
    return render_chart(
        client,
        "plans/index.html",
        plans=plans,
        closed_episodes=services.closed_episode_ids(client.id),
        episode=episode,
        current=current,
        assessment=services.signed_assessment(episode.id) if episode else None,
        names=services.staff_names(plans, tree=False),
    )


@bp.post("/clients/<int:client_id>/plans/new")
def start(client_id: int):
    """Start the episode's plan from its latest signed assessment."""
    client = load_client(client_id, "plan.write")
    episode = open_episode(client.id)
    if episode is None:
        flash("The client has no open episode.", "warning")
        return redirect(url_for("plans.index", client_id=client.id))
    # A button without fields: a refusal is the outcome, said at the top of the tab.
    form = FlaskForm()
    outcome = attempt(
        form,
        lambda: services.start(episode, current_user._get_current_object()),
        race="A plan was started for this episode at the same moment; here it is.",
    )
    if not outcome:
        for message in form.form_errors:
            flash(message, "warning")
        return redirect(url_for("plans.index", client_id=client.id))
    flash(
        "Plan started from the signed assessment: edit the suggestions into this client's plan.",
        "success",
    )
    return redirect(_plan_url(outcome.value))


# --- One version ------------------------------------------------------------------------------


def _page(client: Client, plan: TreatmentPlan, status: int = 200, conflict=None, **forms):
    """The plan page; `forms` replace the blank ones for the form that was posted."""
    assessment = db.session.get(Assessment, plan.assessment_id)
    episode = db.session.get(Episode, plan.episode_id)
    writer = can(current_user, "plan.write", client)
    editing = plan.editable and writer
    addressed = {problem.dimension for problem in plan.problems if problem.dimension}
    needing = {
        number: rating
        for number, rating in assessment.ratings.items()
        if rating is not None and rating >= rules.NEEDS_ADDRESSING and number not in addressed
    }
    details = forms.get("details") or PlanDetailsForm(obj=plan, formdata=None)
    if "details" not in forms:
        for deferral in plan.deferrals:
            details[f"defer_{deferral.dimension}"].data = deferral.reason
    add = forms.get("add") or AddProblemForm(formdata=None, version=plan.version)
    add.source.choices = _sources(plan, assessment)
    medical = forms.get("medical") or MedicalInterventionForm(formdata=None, version=plan.version)
    medical.objective_id.choices = [
        (objective.id, f"{where}: {objective.text}") for where, objective in _objectives(plan)
    ]
    page = render_chart(
        client,
        "plans/plan.html",
        plan=plan,
        assessment=assessment,
        dimensions=DIMENSIONS,
        needing=needing,
        editing=editing,
        checks=rules.signing_problems(plan, assessment.ratings, clinic_today())
        if plan.editable
        else [],
        stock=rules.stock_texts(plan),
        names=services.staff_names([plan]),
        review_due=services.review_due_on(plan, episode) if episode.is_open else None,
        episode_open=episode.is_open,
        details=details,
        add=add,
        medical=medical,
        sign=forms.get("sign") or SignForm(formdata=None, version=plan.version),
        acknowledgement=forms.get("acknowledgement")
        or AcknowledgementForm(formdata=None, version=plan.version, on=clinic_today()),
        cosign=forms.get("cosign") or CosignForm(formdata=None, version=plan.version),
        conflict_lines=rules.plan_lines(conflict, services.staff_names([conflict]))
        if conflict
        else None,
    )
    return page, status


def _sources(plan: TreatmentPlan, assessment: Assessment) -> list[tuple[str, str]]:
    options = [("", "Choose…")]
    substances = services.suggesting_for(plan.episode_id, plan.created_by_id).substances
    for number, rating in assessment.ratings.items():
        if rating is not None:
            suggestion, _dimension, _flag = services.suggestion_for(f"d{number}", substances)
            options.append(
                (f"d{number}", f"Dimension {number} (rated {rating}): {suggestion.problem}")
            )
    for flag in services.assessment_flags(assessment):
        options.append((f"f:{flag}", f"Screening flag {flag}: {library.BY_FLAG[flag].problem}"))
    options.append(("stated", "A need the client stated (blank)"))
    return options


def _objectives(plan: TreatmentPlan):
    for p, problem in enumerate(plan.problems, start=1):
        for g, goal in enumerate(problem.goals, start=1):
            for o, objective in enumerate(goal.objectives, start=1):
                yield f"{p}.{g}.{o}", objective


@bp.get("/clients/<int:client_id>/plans/<int:plan_id>")
def show(client_id: int, plan_id: int):
    """One plan version, with the forms its state allows."""
    client = load_client(client_id, "plan.view")
    return _page(client, _load_plan(client, plan_id))


def _versioned_post(client: Client, plan: TreatmentPlan, form, change, name: str, done: str):
    """Apply `change` to the plan under its version; the page again (with both versions on a
    conflict, or the refusal beside the form) when it does not go through."""
    if form.validate_on_submit():
        result = attempt(
            form,
            change,
            race="The plan changed at the same moment: reload the page.",
            versioned=plan,
            reload=lambda: services.load_tree(plan.id),
        )
        if result:
            flash(done, "success")
            return redirect(_plan_url(plan))
        if isinstance(result.error, SignedPlanError):
            return _refused(client, plan, form, name, 409)
        if result.conflict is not None:
            return _page(client, plan, 409, conflict=result.conflict, **{name: form})
    return _refused(client, plan, form, name, 200)


# Forms the plan page shows only in some states: their refusals are shown at the top instead.
STATEFUL_FORMS = ("acknowledgement", "cosign", "remove")


def _refused(client: Client, plan: TreatmentPlan, form, name: str, status: int):
    """The plan page again, keeping what was typed; refusals of forms the page may not show
    (the plan moved on) go to the top of the page."""
    if name in STATEFUL_FORMS:
        for message in form.form_errors:
            flash(message, "danger")
        form.form_errors.clear()
    kept = {name: form} if name != "remove" else {}
    return _page(client, _load_plan(client, plan.id), status, **kept)


@bp.post("/clients/<int:client_id>/plans/<int:plan_id>/details")
def details(client_id: int, plan_id: int):
    """Strengths, preferences, discharge criteria and deferred needs of a draft."""
    client = load_client(client_id, "plan.write")
    plan = _load_plan(client, plan_id)
    form = PlanDetailsForm()
    return _versioned_post(
        client,
        plan,
        form,
        lambda: services.save_details(plan, form.data, form.deferrals(), actor=current_user),
        "details",
        "Saved.",
    )


@bp.post("/clients/<int:client_id>/plans/<int:plan_id>/problems")
def add_problem(client_id: int, plan_id: int):
    """Add a problem to a draft, from a suggestion or a need the client stated."""
    client = load_client(client_id, "plan.write")
    plan = _load_plan(client, plan_id)
    form = AddProblemForm()
    form.source.choices = _sources(plan, db.session.get(Assessment, plan.assessment_id))
    episode = db.session.get(Episode, plan.episode_id)
    responsible = episode.primary_counselor_id or current_user.id
    return _versioned_post(
        client,
        plan,
        form,
        lambda: services.add_problem(plan, form.source.data, responsible, actor=current_user),
        "add",
        "Problem added.",
    )


def _load_problem(plan: TreatmentPlan, problem_id: int) -> PlanProblem:
    """A problem of this plan version (else an audited 404)."""
    problem = next((each for each in plan.problems if each.id == problem_id), None)
    if problem is None:
        deny(404, "plan.view", plan)
    return problem


@bp.route(
    "/clients/<int:client_id>/plans/<int:plan_id>/problems/<int:problem_id>",
    methods=["GET", "POST"],
)
def problem(client_id: int, plan_id: int, problem_id: int):
    """Edit one problem with its goals, objectives and interventions."""
    client = load_client(client_id, "plan.view")
    plan = _load_plan(client, plan_id)
    found = _load_problem(plan, problem_id)
    if not can(current_user, "plan.write", client):
        if request.method == "POST":
            deny(403, "plan.write", client)
        return redirect(_plan_url(plan))
    if not plan.editable:
        flash("This version is signed and can no longer change.", "danger")
        if request.method == "POST":
            return _page(client, plan, 409)
        return redirect(_plan_url(plan))
    team = services.team_choices(plan)
    if request.method == "GET":
        form = ProblemForm(obj=found, formdata=None)
        form.version.data = str(plan.version)
        form.dress(team)
        return _problem_page(client, plan, found, form)
    form = ProblemForm()
    form.dress(team)
    adding = request.form.get("add")
    if adding:
        # Another blank goal, objective or intervention: nothing is saved yet.
        form.add_entry(adding)
        form.dress(team)
        return _problem_page(client, plan, found, form)
    conflict = None
    if form.validate_on_submit():
        result = attempt(
            form,
            lambda: services.save_problem(plan, found, form.data, actor=current_user),
            race="The plan changed at the same moment: reload the page.",
            versioned=plan,
            reload=lambda: services.load_tree(plan.id),
        )
        if result:
            flash("Problem saved.", "success")
            return redirect(_plan_url(plan))
        conflict = result.conflict
    return _problem_page(client, plan, found, form, conflict, 409 if conflict else 200)


def _problem_page(client, plan, found, form, conflict=None, status=200):
    page = render_chart(
        client,
        "plans/problem.html",
        plan=plan,
        problem=found,
        form=form,
        conflict_lines=rules.plan_lines(conflict, services.staff_names([conflict]))
        if conflict
        else None,
    )
    return page, status


@bp.post("/clients/<int:client_id>/plans/<int:plan_id>/problems/<int:problem_id>/remove")
def remove_problem(client_id: int, plan_id: int, problem_id: int):
    """Remove a problem from a draft."""
    client = load_client(client_id, "plan.write")
    plan = _load_plan(client, plan_id)
    found = _load_problem(plan, problem_id)
    form = CosignForm()  # the version only
    return _versioned_post(
        client,
        plan,
        form,
        lambda: services.remove_problem(plan, found, actor=current_user),
        "remove",
        "Problem removed.",
    )


@bp.post("/clients/<int:client_id>/plans/<int:plan_id>/medical")
def medical(client_id: int, plan_id: int):
    """Medical staff add a medication or medical-care intervention to a draft."""
    client = load_client(client_id, "plan.medical")
    plan = _load_plan(client, plan_id)
    form = MedicalInterventionForm()
    objectives = {objective.id: objective for _where, objective in _objectives(plan)}
    form.objective_id.choices = [(objective_id, str(objective_id)) for objective_id in objectives]
    return _versioned_post(
        client,
        plan,
        form,
        lambda: services.add_medical_intervention(
            plan,
            objectives[form.objective_id.data],
            Modality(form.modality.data),
            form.frequency.data,
            actor=current_user,
        ),
        "medical",
        "Medical intervention added.",
    )


# --- Signatures -------------------------------------------------------------------------------


@bp.post("/clients/<int:client_id>/plans/<int:plan_id>/sign")
def sign(client_id: int, plan_id: int):
    """The author signs the draft, entering their password again."""
    client = load_client(client_id, "plan.write")
    plan = _load_plan(client, plan_id)
    form = SignForm()
    if form.validate_on_submit():
        if form.is_stale(plan):
            add_error(form, "The plan changed since you opened it: read it again, then sign.")
            return _page(client, plan, 409, sign=form)
        try:  # refused before the password is checked, so that no failure is counted for it
            services.ensure_editable(plan)
        except SignedPlanError as error:
            add_error(form, str(error))
            return _page(client, plan, 200, sign=form)
        if not verify_signer(form, current_user):
            return _page(client, _load_plan(client, plan_id), 200, sign=form)
        signed = attempt(
            form,
            lambda: services.sign(plan, actor=current_user),
            race="The plan changed while you signed: read it again, then sign.",
        )
        if signed:
            flash("Plan signed. Record the client's acknowledgement next.", "success")
            return redirect(_plan_url(plan))
        if signed.error is None:  # lost to a concurrent edit
            return _page(client, _load_plan(client, plan_id), 409, sign=form)
        if isinstance(signed.error, NotSignable):
            return _page(client, _load_plan(client, plan_id), 200, sign=form)
    return _page(client, plan, 200, sign=form)


@bp.post("/clients/<int:client_id>/plans/<int:plan_id>/acknowledgement")
def acknowledgement(client_id: int, plan_id: int):
    """Record the client's acknowledgement of the signed version."""
    client = load_client(client_id, "plan.write")
    plan = _load_plan(client, plan_id)
    form = AcknowledgementForm()
    return _versioned_post(
        client,
        plan,
        form,
        lambda: services.acknowledge(
            plan,
            form.on.data,
            AcknowledgedHow(form.how.data),
            form.comment.data,
            actor=current_user,
        ),
        "acknowledgement",
        "Client's acknowledgement recorded.",
    )


@bp.post("/clients/<int:client_id>/plans/<int:plan_id>/cosign")
def cosign(client_id: int, plan_id: int):
    """A supervisor co-signs: the version becomes the active plan."""
    client = load_client(client_id, "plan.cosign")
    plan = _load_plan(client, plan_id)
    form = CosignForm()
    if not form.validate_on_submit():
        return _page(client, plan, 200, cosign=form)
    if form.is_stale(plan):
        add_error(form, "The plan changed since you opened it: read it again, then co-sign.")
        return _page(client, plan, 409, cosign=form)
    if attempt(
        form,
        lambda: services.cosign(plan, actor=current_user),
        race="Another version became active at the same moment: reload the page.",
    ):
        flash("Plan co-signed: it is now the active plan.", "success")
        return redirect(_plan_url(plan))
    return _page(client, _load_plan(client, plan_id), 200, cosign=form)


# --- Reviews, comparison, print ---------------------------------------------------------------


@bp.route("/clients/<int:client_id>/plans/<int:plan_id>/review", methods=["GET", "POST"])
def review(client_id: int, plan_id: int):
    """Review the active plan: progress on every objective, then the next version."""
    client = load_client(client_id, "plan.write")
    plan = _load_plan(client, plan_id)
    if plan.status != PlanStatus.ACTIVE:
        flash("Only the active plan is reviewed.", "warning")
        return redirect(_plan_url(plan))
    if request.method == "GET" and not db.session.get(Episode, plan.episode_id).is_open:
        # (a post is refused by the service, beside the form)
        flash("The client has been discharged: the plan is no longer reviewed.", "warning")
        return redirect(_plan_url(plan))
    objectives = list(_objectives(plan))
    form = ReviewForm()
    if request.method == "GET":
        form = ReviewForm(formdata=None, version=plan.version)
        for _where, objective in objectives:
            form.findings.append_entry({"objective_id": str(objective.id)})
    if form.validate_on_submit():
        findings = {}
        for entry in form.findings:
            raw = entry.objective_id.data or ""
            # Anything but a plausible id names no objective: the service refuses id 0.
            key = int(raw) if raw.isdigit() and len(raw) <= 12 else 0
            findings[key] = (Progress(entry.status.data), entry.note.data)
        if form.is_stale(plan):
            add_error(form, "The plan changed since you opened it: reload the page.")
        elif started := attempt(
            form,
            lambda: services.review(plan, findings, form.note.data, actor=current_user),
            race="A review was recorded at the same moment: reload the page.",
        ):
            flash(
                "Review recorded. The next version carries the open objectives over: update it, "
                "then sign.",
                "success",
            )
            return redirect(_plan_url(started.value))
    labels = {objective.id: (where, objective) for where, objective in objectives}
    return render_chart(client, "plans/review.html", plan=plan, form=form, labels=labels)


@bp.get("/clients/<int:client_id>/plans/<int:plan_id>/compare")
def compare(client_id: int, plan_id: int):
    """What changed between two versions, line by line."""
    client = load_client(client_id, "plan.view")
    plan = _load_plan(client, plan_id)
    other_id = record_id_arg("with") or plan.previous_id
    if other_id is None:
        flash("This is the first version: there is nothing to compare it with.", "info")
        return redirect(_plan_url(plan))
    other = _load_plan(client, other_id)
    older, newer = sorted((other, plan), key=lambda each: (each.episode_id, each.number))
    names = services.staff_names([older, newer])
    return render_chart(
        client,
        "plans/compare.html",
        older=older,
        newer=newer,
        changes=rules.compare(rules.plan_lines(older, names), rules.plan_lines(newer, names)),
    )


@bp.get("/clients/<int:client_id>/plans/<int:plan_id>/print")
def print_view(client_id: int, plan_id: int):
    """The client's copy, with the Part 2 notice and signature lines."""
    client = load_client(client_id, "plan.view")
    plan = _load_plan(client, plan_id)
    return render_chart(
        client,
        "plans/print.html",
        plan=plan,
        episode_open=db.session.get(Episode, plan.episode_id).is_open,
        names=services.staff_names([plan]),
        assessment=db.session.get(Assessment, plan.assessment_id),
        dimensions=DIMENSIONS,
    )
