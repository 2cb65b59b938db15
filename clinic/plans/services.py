"""A treatment plan's life: started from the signed assessment with suggestions, edited as a
draft, signed by its author, acknowledged by the client, co-signed by a supervisor, reviewed
into its next version. Every change is audited; callers commit."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified

from clinic.assessments.models import Assessment, InstrumentResult, assessment_instruments
from clinic.assessments.vocabulary import AssessmentStatus
from clinic.auth.models import User
from clinic.auth.services import full_names
from clinic.clients.levels import Level
from clinic.clients.models import CareTeamMember, Episode, SubstanceUse
from clinic.clients.vocabulary import Substance, TeamRole
from clinic.core import audit
from clinic.core.clock import clinic_today, to_local, utcnow
from clinic.core.errors import RuleError
from clinic.core.permissions import can
from clinic.core.text import clean_text
from clinic.extensions import db
from clinic.plans import library, rules
from clinic.plans.models import (
    ObjectiveProgress,
    PlanDeferral,
    PlanGoal,
    PlanIntervention,
    PlanObjective,
    PlanProblem,
    PlanReview,
    TreatmentPlan,
)
from clinic.plans.vocabulary import (
    MEDICAL_MODALITIES,
    AcknowledgedHow,
    Modality,
    PlanStatus,
    Progress,
)

PLAN_STARTED = audit.define("plan.started", "Treatment plan started")
PLAN_EDITED = audit.define("plan.edited", "Treatment plan draft edited")
PLAN_SIGNED = audit.define("plan.signed", "Treatment plan signed by its author")
PLAN_ACKNOWLEDGED = audit.define("plan.acknowledged", "Client acknowledgement recorded")
PLAN_COSIGNED = audit.define("plan.cosigned", "Treatment plan co-signed and active")
PLAN_REVIEWED = audit.define("plan.reviewed", "Treatment plan reviewed")


class PlanError(RuleError):
    """A plan change the rules refuse."""


class NotSignable(PlanError):  # noqa: N818 (a refusal, like the others)
    def __init__(self, findings: list[rules.Finding]):
        super().__init__("The plan cannot be signed yet: see what is missing below.")
        self.findings = findings


# --- Reading --------------------------------------------------------------------------------


def load_tree(plan_id: int) -> TreatmentPlan | None:
    """A plan with its whole tree, in a fixed number of queries whatever its size."""
    return db.session.scalar(
        sa.select(TreatmentPlan)
        .where(TreatmentPlan.id == plan_id)
        .options(
            selectinload(TreatmentPlan.deferrals),
            selectinload(TreatmentPlan.problems)
            .selectinload(PlanProblem.goals)
            .selectinload(PlanGoal.objectives)
            .selectinload(PlanObjective.interventions),
        )
        .execution_options(populate_existing=True)
    )


def plans_of(client_id: int) -> list[TreatmentPlan]:
    return list(
        db.session.scalars(
            sa.select(TreatmentPlan)
            .where(TreatmentPlan.client_id == client_id)
            .order_by(TreatmentPlan.episode_id.desc(), TreatmentPlan.number.desc())
        )
    )


def closed_episode_ids(client_id: int) -> set[int]:
    """The client's discharged episodes (their plans are no longer in force)."""
    return set(
        db.session.scalars(
            sa.select(Episode.id).where(
                Episode.client_id == client_id, Episode.discharged_on.is_not(None)
            )
        )
    )


def signed_assessment(episode_id: int) -> Assessment | None:
    """The latest signed assessment of the episode: what a plan is built on."""
    return db.session.scalar(
        sa.select(Assessment)
        .where(Assessment.episode_id == episode_id, Assessment.status == AssessmentStatus.SIGNED)
        .order_by(Assessment.signed_at.desc())
        .limit(1)
    )


def assessment_flags(assessment: Assessment) -> list[str]:
    """The flags of the instruments linked to the assessment, each once."""
    flags = db.session.scalars(
        sa.select(InstrumentResult.flags)
        .join(assessment_instruments)
        .where(assessment_instruments.c.assessment_id == assessment.id)
    ).all()
    return sorted({flag for each in flags for flag in each if flag in library.BY_FLAG})


def team_choices(plan: TreatmentPlan) -> list[tuple[int, str]]:
    """Who may be responsible for an intervention: the episode's current care team, and anyone
    already responsible in this version (a physician off the team stays where they are)."""
    on_team = sa.select(CareTeamMember.user_id).where(
        CareTeamMember.episode_id == plan.episode_id, CareTeamMember.removed_at.is_(None)
    )
    already = {
        intervention.responsible_id
        for problem in plan.problems
        for goal in problem.goals
        for objective in goal.objectives
        for intervention in objective.interventions
        if intervention.responsible_id
    }
    rows = db.session.execute(
        sa.select(User.id, User.full_name, User.id.in_(on_team))
        .where(sa.or_(User.id.in_(on_team), User.id.in_(already)))
        .order_by(User.full_name)
    ).all()
    return [
        (uid, name if member else f"{name} (not on the care team)") for uid, name, member in rows
    ]


def staff_names(plans: list[TreatmentPlan], *, tree: bool = True) -> dict[int, str]:
    """The names of everyone who signed the plans (and, with `tree`, of every responsible
    staff member in them, whose trees must be loaded): one query."""
    ids = set()
    if tree:
        ids = {
            intervention.responsible_id
            for plan in plans
            for problem in plan.problems
            for goal in problem.goals
            for objective in goal.objectives
            for intervention in objective.interventions
            if intervention.responsible_id
        }
    for plan in plans:
        ids |= {
            plan.created_by_id,
            plan.author_signed_by_id,
            plan.cosigned_by_id,
            plan.acknowledgement_recorded_by_id,
        }
    return full_names(ids)


# --- Starting ---------------------------------------------------------------------------------


def start(episode: Episode, author: User) -> TreatmentPlan:
    """The first plan of an episode, from its signed assessment, with suggestions filled in."""
    if not episode.is_open:
        raise PlanError("The episode is closed.")
    existing = db.session.scalar(
        sa.select(sa.func.count()).where(TreatmentPlan.episode_id == episode.id)
    )
    if existing:
        raise PlanError("This episode has a plan already: review it to start the next version.")
    assessment = signed_assessment(episode.id)
    if assessment is None:
        raise PlanError("Sign the assessment first: the plan is built from it.")
    context = suggesting_for(episode.id, author.id)
    plan = TreatmentPlan(
        client_id=episode.client_id,
        episode_id=episode.id,
        number=1,
        assessment_id=assessment.id,
        created_by_id=author.id,
        # What the client said in the assessment is where the plan's own words start from.
        strengths=assessment.strengths,
        preferences=assessment.preferences,
    )
    db.session.add(plan)
    position = 0
    for dimension, rating in sorted(assessment.ratings.items()):
        if rating is not None and rating >= rules.NEEDS_ADDRESSING:
            position += 1
            plan.problems.append(_suggested(f"d{dimension}", position, context, author.id))
    for flag in assessment_flags(assessment):
        position += 1
        plan.problems.append(_suggested(f"f:{flag}", position, context, author.id))
    db.session.flush()
    audit.record(
        PLAN_STARTED,
        target=plan,
        client_id=plan.client_id,
        detail={"assessment": assessment.id, "suggested_problems": position},
        user=author,
    )
    return plan


def suggestion_for(
    source: str, substances: tuple[Substance, ...] = ()
) -> tuple[library.Suggestion, int | None, str | None] | None:
    """The library entry a source names ("d3": dimension 3, "f:safety": a screening flag);
    withdrawal (dimension 1) follows the episode's `substances`."""
    if source.startswith("d") and source[1:].isdigit():
        dimension = int(source[1:])
        if dimension == 1:
            return library.withdrawal_suggestion(list(substances)), 1, None
        found = library.BY_DIMENSION.get(dimension)
        return (found, dimension, None) if found else None
    if source.startswith("f:") and source[2:] in library.BY_FLAG:
        return library.BY_FLAG[source[2:]], None, source[2:]
    return None


@dataclass(frozen=True)
class Suggesting:
    """What a suggestion is filled in with for this episode: its substances, who is
    responsible by default, and who for medical interventions (the team's medical member)."""

    substances: tuple[Substance, ...]
    responsible: int
    medical: int | None


def suggesting_for(episode_id: int, fallback: int) -> Suggesting:
    """The episode's substances (primary first) and care team, for suggestions: two queries."""
    substances = tuple(
        db.session.scalars(
            sa.select(SubstanceUse.substance)
            .where(SubstanceUse.episode_id == episode_id)
            .order_by(SubstanceUse.rank)
        )
    )
    team = dict(
        db.session.execute(
            sa.select(CareTeamMember.team_role, CareTeamMember.user_id).where(
                CareTeamMember.episode_id == episode_id, CareTeamMember.removed_at.is_(None)
            )
        ).all()
    )
    counselor = team.get(TeamRole.PRIMARY_COUNSELOR) or fallback
    return Suggesting(substances, counselor, team.get(TeamRole.MEDICAL))


def _suggested(source: str, position: int, context: Suggesting, added_by: int) -> PlanProblem:
    suggestion, dimension, flag = suggestion_for(source, context.substances)
    today = clinic_today()
    return PlanProblem(
        position=position,
        dimension=dimension,
        instrument_flag=flag,
        statement=suggestion.problem,
        goals=[
            PlanGoal(
                position=1,
                text=suggestion.goal,
                objectives=[
                    PlanObjective(
                        position=number,
                        text=objective.text,
                        measure=objective.measure,
                        target_date=today + timedelta(weeks=objective.weeks),
                        interventions=[
                            PlanIntervention(
                                position=index,
                                modality=modality,
                                frequency=frequency,
                                responsible_id=context.medical
                                if modality in MEDICAL_MODALITIES and context.medical
                                else context.responsible,
                                added_by_id=added_by,
                            )
                            for index, (modality, frequency) in enumerate(
                                objective.interventions, start=1
                            )
                        ],
                    )
                    for number, objective in enumerate(suggestion.objectives, start=1)
                ],
            )
        ],
    )


# --- Editing a draft --------------------------------------------------------------------------


class SignedPlanError(PlanError):
    """The version is signed (or its episode closed): it can no longer change."""


def _episode_open(plan: TreatmentPlan) -> None:
    discharged = db.session.scalar(
        sa.select(Episode.discharged_on).where(Episode.id == plan.episode_id)
    )
    if discharged is not None:
        raise SignedPlanError("The episode is closed: its plans can no longer change.")


def ensure_editable(plan: TreatmentPlan) -> None:
    """Refuse (SignedPlanError) unless the version is a draft of an open episode."""
    if not plan.editable:
        raise SignedPlanError("This version is signed and can no longer change.")
    _episode_open(plan)


def _touched(plan: TreatmentPlan, what: str, actor: User) -> None:
    plan.updated_at = utcnow()
    # Always an UPDATE of the plan row, so its version goes up and concurrent editors are told
    # (even when only its items changed, and even within one tick of the clock).
    flag_modified(plan, "updated_at")
    audit.record(
        PLAN_EDITED, target=plan, client_id=plan.client_id, detail={"part": what}, user=actor
    )


def save_details(
    plan: TreatmentPlan, data: Mapping, deferrals: dict[int, str], *, actor: User
) -> None:
    """Strengths, preferences, discharge criteria and the deferred dimensions."""
    ensure_editable(plan)
    for field in ("strengths", "preferences", "discharge_criteria"):
        setattr(plan, field, clean_text(data[field]))
    reasons = {dimension: clean_text(reason) for dimension, reason in deferrals.items()}
    plan.deferrals = [
        *(d for d in plan.deferrals if reasons.get(d.dimension) and _keep(d, reasons)),
        *(
            PlanDeferral(dimension=dimension, reason=reason)
            for dimension, reason in sorted(reasons.items())
            if reason and dimension not in {d.dimension for d in plan.deferrals}
        ),
    ]
    _touched(plan, "details", actor)


def _keep(deferral: PlanDeferral, reasons: dict[int, str | None]) -> bool:
    deferral.reason = reasons[deferral.dimension]
    return True


def add_problem(plan: TreatmentPlan, source: str, responsible: int, *, actor: User) -> PlanProblem:
    """A problem from a suggestion ("d3", "f:safety") or a blank one for a stated need."""
    ensure_editable(plan)
    position = max((problem.position for problem in plan.problems), default=0) + 1
    if suggestion_for(source):
        context = suggesting_for(plan.episode_id, responsible)
        problem = _suggested(source, position, context, actor.id)
    elif source == "stated":
        problem = PlanProblem(position=position, statement="", goals=[PlanGoal(position=1)])
    else:
        raise PlanError("Choose where the problem comes from.", "source")
    plan.problems.append(problem)
    _touched(plan, "problem added", actor)
    return problem


def remove_problem(plan: TreatmentPlan, problem: PlanProblem, *, actor: User) -> None:
    ensure_editable(plan)
    plan.problems.remove(problem)
    _touched(plan, "problem removed", actor)


def save_problem(plan: TreatmentPlan, problem: PlanProblem, data: Mapping, *, actor: User) -> None:
    """The problem's statement and its whole subtree, as the form holds them: entries with an
    id update that item (ids from another problem are refused), entries without one are new,
    items missing or marked for removal are deleted."""
    ensure_editable(plan)
    problem.statement = clean_text(data["statement"]) or ""
    problem.goals = _merge(
        problem.goals, data["goals"], _goal_fields, lambda entry, item: _merge_children(entry, item)
    )
    for goal in problem.goals:
        for objective in goal.objectives:
            for intervention in objective.interventions:
                if intervention.added_by_id is None:  # new: added by whoever saves it
                    intervention.added_by_id = actor.id
    _touched(plan, "problem", actor)


def _goal_fields(goal: PlanGoal, entry: Mapping) -> None:
    goal.text = clean_text(entry["text"]) or ""
    goal.client_words = clean_text(entry["client_words"])


def _objective_fields(objective: PlanObjective, entry: Mapping) -> None:
    objective.text = clean_text(entry["text"]) or ""
    objective.measure = clean_text(entry["measure"])
    objective.target_date = entry["target_date"]


def _intervention_fields(intervention: PlanIntervention, entry: Mapping) -> None:
    intervention.modality = Modality(entry["modality"]) if entry["modality"] else None
    intervention.frequency = clean_text(entry["frequency"])
    intervention.responsible_id = entry["responsible_id"] or None


def _merge_children(entry: Mapping, item) -> None:
    if isinstance(item, PlanGoal):
        item.objectives = _merge(
            item.objectives, entry["objectives"], _objective_fields, _merge_children
        )
    elif isinstance(item, PlanObjective):
        item.interventions = _merge(
            item.interventions, entry["interventions"], _intervention_fields, None
        )


_CHILD = {
    _goal_fields: PlanGoal,
    _objective_fields: PlanObjective,
    _intervention_fields: PlanIntervention,
}


def _merge(existing: list, entries: list[Mapping], fill, descend) -> list:
    by_id = {item.id: item for item in existing}
    kept = []
    for position, entry in enumerate(
        (entry for entry in entries if not entry.get("remove")), start=1
    ):
        raw = entry.get("id")
        if raw:
            if not str(raw).isdigit() or int(raw) not in by_id:
                raise PlanError("The form refers to an item that is not part of this problem.")
            item = by_id[int(raw)]
        else:
            item = _CHILD[fill](position=position)
        item.position = position
        fill(item, entry)
        if descend:
            descend(entry, item)
        kept.append(item)
    return kept


def add_medical_intervention(
    plan: TreatmentPlan,
    objective: PlanObjective,
    modality: Modality,
    frequency: str,
    *,
    actor: User,
) -> PlanIntervention:
    """Medical staff add medication or medical care to an objective of a draft."""
    ensure_editable(plan)
    position = max((each.position for each in objective.interventions), default=0) + 1
    intervention = PlanIntervention(
        position=position,
        modality=modality,
        frequency=clean_text(frequency),
        responsible_id=actor.id,
        added_by_id=actor.id,
    )
    objective.interventions.append(intervention)
    _touched(plan, "medical intervention", actor)
    return intervention


# --- Signatures -------------------------------------------------------------------------------


def sign(plan: TreatmentPlan, *, actor: User) -> None:
    """The author signs (their password already checked again: `auth.services.verify_signer`);
    the checks must all pass."""
    ensure_editable(plan)
    assessment = db.session.get(Assessment, plan.assessment_id)
    findings = rules.signing_problems(plan, assessment.ratings, clinic_today())
    if findings:
        raise NotSignable(findings)
    plan.stock_texts = len(rules.stock_texts(plan))
    plan.author_signed_by_id = actor.id
    plan.author_signed_at = utcnow()
    audit.record(
        PLAN_SIGNED,
        target=plan,
        client_id=plan.client_id,
        detail={"version": plan.number, "stock_texts": plan.stock_texts},
        user=actor,
    )


def acknowledge(
    plan: TreatmentPlan, on: date, how: AcknowledgedHow, comment: str | None, *, actor: User
) -> None:
    """Staff record that the client went through the signed plan (or declined to sign)."""
    _episode_open(plan)
    if not plan.is_draft or not plan.author_signed:
        raise PlanError("The client acknowledges the version its author has signed.")
    if plan.acknowledged:
        raise PlanError("The client's acknowledgement is already recorded.")
    if on > clinic_today():
        raise PlanError("The date cannot be in the future.", "on")
    signed_on = plan.author_signed_at.date()
    if on < signed_on - timedelta(days=1):
        raise PlanError("The date is before the plan was signed.", "on")
    plan.acknowledged_on = on
    plan.acknowledged_how = how
    plan.client_comment = clean_text(comment)
    plan.acknowledgement_recorded_by_id = actor.id
    audit.record(
        PLAN_ACKNOWLEDGED,
        target=plan,
        client_id=plan.client_id,
        detail={"how": how.value},
        user=actor,
    )


def cosign(plan: TreatmentPlan, *, actor: User) -> None:
    """A supervisor co-signs: the version becomes active and supersedes the one before."""
    if not can(actor, "plan.cosign", plan):
        raise PlanError("Only a supervisor co-signs a plan.")
    _episode_open(plan)
    if not plan.is_draft or not plan.author_signed or not plan.acknowledged:
        raise PlanError(
            "A plan is co-signed once its author has signed and the client acknowledged it."
        )
    if plan.author_signed_by_id == actor.id:
        raise PlanError("A supervisor co-signs a plan someone else wrote.")
    now = utcnow()
    previous = db.session.scalar(
        sa.select(TreatmentPlan).where(
            TreatmentPlan.episode_id == plan.episode_id, TreatmentPlan.status == PlanStatus.ACTIVE
        )
    )
    if previous is not None:
        previous.status = PlanStatus.SUPERSEDED
        previous.superseded_at = now
        db.session.flush()  # one active version at a time, also in the database
    plan.status = PlanStatus.ACTIVE
    plan.cosigned_by_id = actor.id
    plan.cosigned_at = now
    audit.record(
        PLAN_COSIGNED,
        target=plan,
        client_id=plan.client_id,
        detail={"version": plan.number, "supersedes": previous.number if previous else None},
        user=actor,
    )


# --- Reviews ----------------------------------------------------------------------------------


def review_interval(level: Level) -> int:
    configured = current_app.config["PLAN_REVIEW_DAYS"] or {}
    return configured.get(level.value, level.info.review_interval_days)


def next_review(
    anchored_at: datetime, level: Level | str | None, level_since: datetime | None
) -> date | None:
    """The next review of a version in force since `anchored_at` (its co-signature, or the
    review that started it), at the episode's current level."""
    if level is None:
        return None
    zone = current_app.config["CLINIC_TIMEZONE"]
    changed = level_since if level_since is not None and level_since > anchored_at else None
    return rules.review_due(
        to_local(anchored_at, zone).date(),
        to_local(changed, zone).date() if changed else None,
        review_interval(Level(level)),
    )


def review_due_on(plan: TreatmentPlan, episode: Episode) -> date | None:
    """When the active plan is next due for review (None: not active, or no level)."""
    if plan.status != PlanStatus.ACTIVE:
        return None
    reviewed = db.session.scalar(
        sa.select(PlanReview.reviewed_at).where(PlanReview.next_plan_id == plan.id)
    )
    return next_review(reviewed or plan.cosigned_at, episode.current_level, episode.level_since)


def review(
    plan: TreatmentPlan,
    findings: dict[int, tuple[Progress, str | None]],
    note: str | None,
    *,
    actor: User,
) -> TreatmentPlan:
    """Record progress on every objective of the active version and start the next version,
    carrying over what is still open."""
    if plan.status != PlanStatus.ACTIVE:
        raise PlanError("Only the active plan is reviewed.")
    _episode_open(plan)
    if db.session.scalar(
        sa.select(sa.func.count()).where(
            TreatmentPlan.episode_id == plan.episode_id, TreatmentPlan.status == PlanStatus.DRAFT
        )
    ):
        raise PlanError("A next version is already being written: finish it first.")
    objectives = [o for p in plan.problems for g in p.goals for o in g.objectives]
    if {o.id for o in objectives} - set(findings):
        raise PlanError("Record progress on every objective.")
    if set(findings) - {o.id for o in objectives}:
        raise PlanError("The form refers to an objective that is not part of this plan.")
    episode = db.session.get(Episode, plan.episode_id)
    assessment = signed_assessment(plan.episode_id)
    following = TreatmentPlan(
        client_id=plan.client_id,
        episode_id=plan.episode_id,
        number=plan.number + 1,
        assessment_id=assessment.id if assessment else plan.assessment_id,
        previous_id=plan.id,
        strengths=plan.strengths,
        preferences=plan.preferences,
        discharge_criteria=plan.discharge_criteria,
        created_by_id=actor.id,
        deferrals=[PlanDeferral(dimension=d.dimension, reason=d.reason) for d in plan.deferrals],
    )
    for problem in plan.problems:
        goals = []
        for goal in problem.goals:
            carried = [
                _carry(objective, findings[objective.id][0])
                for objective in goal.objectives
                if rules.carried_over(findings[objective.id][0])
            ]
            if carried:
                goals.append(
                    PlanGoal(
                        position=len(goals) + 1,
                        text=goal.text,
                        client_words=goal.client_words,
                        objectives=carried,
                    )
                )
        if (
            not goals
            and problem.dimension
            and not any(d.dimension == problem.dimension for d in following.deferrals)
        ):
            # Every objective met or discontinued: the need stays assessed, and is recorded as
            # resolved rather than silently missing from the next version.
            following.deferrals.append(
                PlanDeferral(
                    dimension=problem.dimension,
                    reason=f"Resolved at the review of {clinic_today().isoformat()}: "
                    "its objectives were met or discontinued.",
                )
            )
        if goals:
            following.problems.append(
                PlanProblem(
                    position=len(following.problems) + 1,
                    dimension=problem.dimension,
                    instrument_flag=problem.instrument_flag,
                    statement=problem.statement,
                    goals=goals,
                )
            )
    db.session.add(following)
    db.session.flush()
    record = PlanReview(
        plan_id=plan.id,
        next_plan_id=following.id,
        reviewed_by_id=actor.id,
        note=clean_text(note),
        findings=[
            ObjectiveProgress(objective_id=objective_id, status=status, note=clean_text(text))
            for objective_id, (status, text) in findings.items()
        ],
    )
    db.session.add(record)
    audit.record(
        PLAN_REVIEWED,
        target=plan,
        client_id=plan.client_id,
        detail={
            "next_version": following.number,
            "level": episode.current_level.value if episode.current_level else None,
            "carried": sum(1 for status, _ in findings.values() if rules.carried_over(status)),
        },
        user=actor,
    )
    return following


def _carry(objective: PlanObjective, status: Progress) -> PlanObjective:
    return PlanObjective(
        position=objective.position,
        text=objective.text,
        measure=objective.measure,
        target_date=objective.target_date,
        status=status,
        carried_from_id=objective.id,
        interventions=[
            PlanIntervention(
                position=each.position,
                modality=each.modality,
                frequency=each.frequency,
                responsible_id=each.responsible_id,
                added_by_id=each.added_by_id,
            )
            for each in objective.interventions
        ],
    )
