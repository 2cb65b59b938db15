"""Sign-in throttling: when does a run of failed sign-ins lock an email out, and until when.

Failures are rows in the database (see `LoginFailure`), so every gunicorn worker and every app
server sees the same count. The rule itself is pure and lives here.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    base_delay: timedelta = timedelta(minutes=1)
    max_delay: timedelta = timedelta(hours=1)

    @property
    def memory(self) -> timedelta:
        """How far back failures count towards the growing delay."""
        return max(timedelta(hours=24), self.max_delay * 2)


def locked_until(
    failures: Sequence[datetime], now: datetime, policy: ThrottlePolicy
) -> datetime | None:
    """Return when the lock-out ends, or None when a sign-in may be tried now.

    `failures` are the times of the failed attempts since the last successful sign-in, within
    `policy.memory`. Once `max_failures` of them fall inside `window`, the account is locked from
    the last failure for `base_delay`, doubled for every failure beyond the limit, up to
    `max_delay`.
    """
    if not failures:
        return None
    recent = [moment for moment in failures if moment > now - policy.window]
    if len(recent) < policy.max_failures:
        return None
    beyond = len(failures) - policy.max_failures
    delay = min(policy.base_delay * (2 ** min(beyond, 32)), policy.max_delay)
    until = max(failures) + delay
    return until if until > now else None
