"""The one source of "now" for the portal, so that tests can move time instead of sleeping, and the
clinic's own calendar: today, and UTC instants shown in the clinic's time zone."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def _system_now() -> datetime:
    return datetime.now(UTC)


_source: Callable[[], datetime] = _system_now


def utcnow() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return _source()


def set_source(source: Callable[[], datetime] | None) -> None:
    """Replace the clock (tests only); `None` puts the system clock back."""
    global _source
    _source = source or _system_now


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    """`with at(moment):` "now" is `moment` inside the block (demo data recorded as of a past
    day through the same code as a user would), then the clock in use before."""
    global _source
    before = _source
    _source = lambda: moment  # noqa: E731
    try:
        yield
    finally:
        _source = before


def local_to_utc(moment: datetime, timezone: str) -> datetime:
    """A wall-clock time typed in the clinic (naive) as the aware UTC instant it names."""
    return moment.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def to_local(moment: datetime, timezone: str) -> datetime:
    """Convert an aware UTC datetime to the clinic's time zone for display."""
    return moment.astimezone(ZoneInfo(timezone))


def local_day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    """Return the UTC instants at which a calendar day in the clinic's zone starts and ends."""
    zone = ZoneInfo(timezone)
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    following = date.max if day == date.max else date.fromordinal(day.toordinal() + 1)
    end = datetime(following.year, following.month, following.day, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def local_time(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Format a UTC timestamp in the clinic's time zone; empty for None."""
    if moment is None:
        return ""
    return to_local(moment, current_app.config["CLINIC_TIMEZONE"]).strftime(fmt)


def local_date(moment: datetime) -> date:
    """The calendar day, in the clinic's time zone, of a UTC timestamp."""
    return to_local(moment, current_app.config["CLINIC_TIMEZONE"]).date()


def clinic_today() -> date:
    """Today's date in the clinic's time zone."""
    return to_local(utcnow(), current_app.config["CLINIC_TIMEZONE"]).date()


def local_now() -> datetime:
    """Now on the clinic's wall clock (naive, to the minute): what a date-time field shows."""
    return to_local(utcnow(), current_app.config["CLINIC_TIMEZONE"]).replace(
        tzinfo=None, second=0, microsecond=0
    )
