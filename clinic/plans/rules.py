"""The rules a treatment plan must meet (docs/clinical-rules.md §4), with no Flask and no database:
what stops a draft from being signed, which texts are stock phrases, when a review is due,
what a review carries over, and how two versions differ."""

import difflib
from dataclasses import dataclass
from datetime import date, timedelta

from clinic.plans.library import is_stock_text
from clinic.plans.vocabulary import CLOSED, Progress

NEEDS_ADDRESSING = 2  # a dimension rated this or more needs a problem or a deferral


@dataclass(frozen=True)
class Finding:
    """Something to fix (or, for warnings, to look at): where, and what."""

    where: str  # "plan", "problem 2", "problem 2 · goal 1 · objective 3"...
    message: str


def _walk(plan):
    """(label, problem, goal, objective, intervention) for every item, depth first."""
    for p, problem in enumerate(plan.problems, start=1):
        yield f"problem {p}", problem, None, None, None
        for g, goal in enumerate(problem.goals, start=1):
            goal_label = f"problem {p} · goal {g}"
            yield goal_label, problem, goal, None, None
            for o, objective in enumerate(goal.objectives, start=1):
                objective_label = f"{goal_label} · objective {o}"
                yield objective_label, problem, goal, objective, None
                for i, intervention in enumerate(objective.interventions, start=1):
                    yield (
                        f"{objective_label} · intervention {i}",
                        problem,
                        goal,
                        objective,
                        intervention,
                    )


def signing_problems(plan, ratings: dict[int, int | None], today: date) -> list[Finding]:
    """Everything that stops `plan` from being signed today; `ratings` are the dimension
    ratings of the assessment it is built on."""
    found: list[Finding] = []
    addressed = {problem.dimension for problem in plan.problems if problem.dimension}
    deferred = {deferral.dimension for deferral in plan.deferrals if deferral.reason.strip()}
    for dimension, rating in sorted(ratings.items()):
        needs = rating is not None and rating >= NEEDS_ADDRESSING
        if needs and dimension not in addressed | deferred:
            found.append(
                Finding(
                    "plan",
                    f"Dimension {dimension} is rated {rating}: address it with a problem "
                    "or defer it with a reason.",
                )
            )
    for field, label in (
        ("strengths", "the client's strengths"),
        ("preferences", "the client's preferences"),
        ("discharge_criteria", "discharge or transfer criteria"),
    ):
        if not (getattr(plan, field) or "").strip():
            found.append(Finding("plan", f"Write {label}, as discussed with the client."))
    if not plan.problems:
        found.append(Finding("plan", "A plan needs at least one problem."))
    for where, problem, goal, objective, intervention in _walk(plan):
        if intervention is not None:
            missing = [
                name
                for name, value in (
                    ("a modality", intervention.modality),
                    ("a frequency", (intervention.frequency or "").strip()),
                    ("a responsible staff member", intervention.responsible_id),
                )
                if not value
            ]
            if missing:
                found.append(Finding(where, f"Give {_and(missing)}."))
        elif objective is not None:
            if not (objective.text or "").strip():
                found.append(Finding(where, "Say what the objective is."))
            if not (objective.measure or "").strip():
                found.append(Finding(where, "Say how the objective is measured."))
            if objective.target_date is None:
                found.append(Finding(where, "Give a target date."))
            elif objective.target_date <= today:
                found.append(Finding(where, "The target date must be after today."))
            if not objective.interventions:
                found.append(Finding(where, "Add at least one intervention."))
        elif goal is not None:
            if not (goal.text or "").strip():
                found.append(Finding(where, "Say what the goal is."))
            if not (goal.client_words or "").strip():
                found.append(Finding(where, "Write the goal in the client's own words."))
            if not goal.objectives:
                found.append(Finding(where, "Add at least one objective."))
        else:
            if not (problem.statement or "").strip():
                found.append(Finding(where, "State the problem."))
            if not goal and not problem.goals:
                found.append(Finding(where, "Add at least one goal."))
    return found


def stock_texts(plan) -> list[Finding]:
    """Goals and objectives left exactly as the suggestion library wrote them (warnings)."""
    found = []
    for where, _problem, goal, objective, intervention in _walk(plan):
        if intervention is None and objective is not None:
            if is_stock_text(objective.text, "objective"):
                found.append(Finding(where, "This objective is the library's text, unedited."))
        elif goal is not None and objective is None and is_stock_text(goal.text, "goal"):
            found.append(Finding(where, "This goal is the library's text, unedited."))
    return found


def review_due(anchored_on: date, level_changed_on: date | None, interval_days: int) -> date:
    """When the active plan must next be reviewed: the level's interval after it was anchored
    (it took effect, or the review that started it), or on the day the level changed since."""
    if level_changed_on is not None:
        return level_changed_on
    return anchored_on + timedelta(days=interval_days)


def carried_over(status: Progress) -> bool:
    """Whether a review finding keeps the objective in the next version."""
    return status not in CLOSED


def plan_lines(plan, staff_names: dict[int, str]) -> list[str]:
    """A plan as lines of text, for comparing versions."""
    lines = []
    for field, label in (
        ("strengths", "Strengths"),
        ("preferences", "Preferences"),
        ("discharge_criteria", "Discharge or transfer criteria"),
    ):
        lines.append(f"{label}: {getattr(plan, field) or ''}")
    for deferral in plan.deferrals:
        lines.append(f"Deferred dimension {deferral.dimension}: {deferral.reason}")
    for where, problem, goal, objective, intervention in _walk(plan):
        if intervention is not None:
            modality = intervention.modality.label if intervention.modality else ""
            who = staff_names.get(intervention.responsible_id, "")
            lines.append(f"{where}: {modality}, {intervention.frequency or ''}, {who}")
        elif objective is not None:
            target = objective.target_date.isoformat() if objective.target_date else ""
            lines.append(
                f"{where}: {objective.text} | measure: {objective.measure or ''} | "
                f"target: {target} | {objective.status.label}"
            )
        elif goal is not None:
            lines.append(f"{where}: {goal.text} | in the client's words: {goal.client_words or ''}")
        else:
            lines.append(f"{where} ({problem.source}): {problem.statement}")
    return lines


@dataclass(frozen=True)
class Change:
    kind: str  # "same", "removed", "added"
    text: str


def compare(old: list[str], new: list[str]) -> list[Change]:
    """Line by line, what changed from `old` to `new`."""
    kinds = {" ": "same", "-": "removed", "+": "added"}
    return [
        Change(kinds[line[0]], line[2:]) for line in difflib.ndiff(old, new) if line[0] in kinds
    ]


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
