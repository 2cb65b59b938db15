"""The password policy (NIST SP 800-63B): length and a blocklist, no composition rules."""

import pytest

from clinic.auth.passwords import MAX_LENGTH, MIN_LENGTH, is_common, password_problems


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",  # lower case and spaces only: no composition rules
        "tangerine lamp oboe",
        "пароль очень длинный и хороший",  # any Unicode
        "a7 K!m2 pq9 zz0 w",
        "v" + "erylongpassphrase" * 3 + "x",  # 53 characters, no pattern
    ],
)
def test_good_passwords_are_accepted(password):
    assert password_problems(password, "carlos@clinic.example.org") == []


def test_length_limits_are_15_and_at_least_64():
    assert MIN_LENGTH == 15
    assert MAX_LENGTH >= 64
    assert password_problems("ab3 xy7 qrs tuv", "") == []  # exactly 15
    assert "at least 15 characters" in password_problems("ab3 xy7 qrs tu", "")[0]
    long_ok = ("tangerine lamp oboe " * 20)[: MAX_LENGTH - 1] + "z"
    assert password_problems(long_ok, "") == []
    assert any("at most" in problem for problem in password_problems(long_ok + "q", ""))


@pytest.mark.parametrize(
    "password",
    [
        "1qaz2wsx3edc4rfv",  # on the shipped list as it is
        "qwertyuiopasdfghjkl",  # a keyboard row
        "abcdefghijklmnopq",  # the alphabet
        "1234567890123456",  # counting
        "aaaaaaaaaaaaaaaa",  # one character
        "letmeinletmeinletmein",  # a word said again
        "Password12345678!",  # a common password with digits tacked on
        "Dragon 2026 2026 !!",
    ],
)
def test_common_and_predictable_passwords_are_refused(password):
    assert is_common(password)
    assert any("too common" in problem for problem in password_problems(password, ""))


def test_a_password_containing_the_email_name_is_refused():
    problems = password_problems("my Carlos.Ruiz password is long", " Carlos.Ruiz@Clinic.org ")
    assert problems == ["The password must not contain your email name."]


def test_every_reason_is_given_at_once():
    problems = password_problems("password", "password@clinic.example.org")
    assert len(problems) == 3
