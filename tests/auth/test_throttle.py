"""The throttling rule: 5 failures within 15 minutes lock the email out for a growing delay."""

from datetime import UTC, datetime, timedelta

from clinic.auth.throttle import ThrottlePolicy, locked_until

POLICY = ThrottlePolicy()
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def minutes(*offsets: float) -> list[datetime]:
    return [T0 + timedelta(minutes=offset) for offset in offsets]


def test_no_failures_no_lock():
    assert locked_until([], T0, POLICY) is None


def test_four_failures_do_not_lock():
    assert locked_until(minutes(0, 1, 2, 3), T0 + timedelta(minutes=3), POLICY) is None


def test_five_failures_within_the_window_lock_for_the_base_delay():
    failures = minutes(0, 1, 2, 3, 4)
    now = T0 + timedelta(minutes=4)
    assert locked_until(failures, now, POLICY) == T0 + timedelta(minutes=5)


def test_five_failures_spread_wider_than_the_window_do_not_lock():
    failures = minutes(0, 4, 8, 12, 16)
    assert locked_until(failures, T0 + timedelta(minutes=16), POLICY) is None


def test_the_lock_ends_when_its_delay_has_passed():
    failures = minutes(0, 1, 2, 3, 4)
    assert locked_until(failures, T0 + timedelta(minutes=5, seconds=1), POLICY) is None


def test_each_further_failure_doubles_the_delay():
    failures = minutes(0, 1, 2, 3, 4, 5)
    assert locked_until(failures, T0 + timedelta(minutes=5), POLICY) == T0 + timedelta(minutes=7)
    failures = minutes(0, 1, 2, 3, 4, 5, 7)
    assert locked_until(failures, T0 + timedelta(minutes=7), POLICY) == T0 + timedelta(minutes=11)


def test_the_delay_is_capped():
    failures = minutes(*range(0, 14)) + minutes(14.5)
    now = T0 + timedelta(minutes=14.5)
    assert locked_until(failures, now, POLICY) == now + POLICY.max_delay


def test_a_persistent_guesser_keeps_a_long_delay_after_the_window_empties():
    # Ten failures long ago and five more now: the delay reflects all fifteen.
    failures = minutes(*range(0, 10)) + minutes(*range(100, 105))
    now = T0 + timedelta(minutes=104)
    assert locked_until(failures, now, POLICY) == now + POLICY.max_delay
