"""Building instrument and assessment form posts as a browser sends them."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from clinic.assessments.instruments import INSTRUMENTS

NEW_YORK = ZoneInfo("America/New_York")


def local(moment: datetime) -> str:
    """A UTC moment as the datetime-local field sends it, in the clinic's zone."""
    return moment.astimezone(NEW_YORK).strftime("%Y-%m-%dT%H:%M")


def answer_code(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def instrument_post(code: str, answers: dict, at: datetime) -> dict:
    """The form for `code` with these answers (item key -> value); items left out stay blank."""
    form = {"administered_at": local(at)}
    for item in INSTRUMENTS[code].items:
        if item.key in answers:
            form[f"item_{item.key}"] = answer_code(answers[item.key])
    return form


def lowest(code: str) -> dict:
    """Every item at its first (lowest-scoring) answer."""
    return {item.key: item.choices[0].value for item in INSTRUMENTS[code].items}


def assessment_post(version: int, ratings=None, **fields) -> dict:
    """An assessment form: ratings 1-6 (None leaves a dimension unrated), each with a rationale
    when rated; `fields` add or replace anything else (instruments as a list of ids)."""
    ratings = ratings or {}
    form = {"version": str(version), "action": "save"}
    for number in range(1, 7):
        rating = ratings.get(number)
        form[f"d{number}_rating"] = "" if rating is None else str(rating)
        form[f"d{number}_rationale"] = f"Rationale {number}" if rating is not None else ""
    form.update({"chosen_level": "", "override_reason": "", "override_note": ""})
    form.update(fields)
    return form


def at(hour: int, minute: int = 0) -> datetime:
    """A moment on the test clock's day (2026-03-02), in UTC."""
    return datetime(2026, 3, 2, hour, minute, tzinfo=UTC)
