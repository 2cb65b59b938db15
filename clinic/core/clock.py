"""The one source of "now" for the portal, so that tests can move time instead of sleeping."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


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
