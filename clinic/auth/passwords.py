"""The password policy, after NIST SP 800-63B section 3.1.1: long, not common, nothing else.

No composition rules and no truncation; a password is refused only when it is too short, too
long to be reasonable, on the blocklist of common passwords, trivially patterned, contains the
account's own email name, or is built from the organisation's own words (NIST's "context-specific
words, such as the name of the service"): the clinic's name, the product's name, or words like
"clinic" and "portal" with a year. Pure functions, no Flask.
"""

import re
import string
from functools import cache
from importlib import resources

MIN_LENGTH = 15
MAX_LENGTH = 256  # NIST asks that at least 64 be allowed

# Runs of keys or letters that people type as "a long password".
_SEQUENCES = (
    string.ascii_lowercase,
    "0123456789" * 3,
    "qwertyuiopasdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "qazwsxedcrfvtgbyhnujmikolp",
)
_TRAILING_DIGITS_AND_SYMBOLS = re.compile(r"[\d\W_]+$")
# Words an attacker tries first against a clinic's portal, together with a year.
SERVICE_WORDS = ("clinic", "portal", "recovery", "treatment")
PRODUCT_NAME = "Clinic Portal"
_YEAR = re.compile(r"(19|20)\d\d")


@cache
def common_passwords() -> frozenset[str]:
    """The shipped blocklist, lower case (see auth/data/common-passwords.txt)."""
    text = resources.files("clinic.auth").joinpath("data/common-passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def _is_repetition(value: str) -> bool:
    """True for "aaaa...", "abcabcabc..." and the like: one short unit said again and again."""
    for size in range(1, len(value) // 2 + 1):
        if len(value) % size == 0 and value[:size] * (len(value) // size) == value:
            return True
    return False


def _is_sequence(value: str) -> bool:
    return any(value in run or value in run[::-1] for run in _SEQUENCES)


def is_common(password: str) -> bool:
    """True when the password is a well-known one, or a well-known one with digits tacked on."""
    squeezed = "".join(password.lower().split())
    if squeezed in common_passwords() or _is_repetition(squeezed) or _is_sequence(squeezed):
        return True
    stem = _TRAILING_DIGITS_AND_SYMBOLS.sub("", squeezed)
    return len(stem) >= 4 and (stem in common_passwords() or _is_repetition(stem))


def _squeezed(text: str) -> str:
    return "".join(char for char in text.lower() if char.isalnum())


def is_organisation_word(password: str, organisation_names: tuple[str, ...] = ()) -> bool:
    """True when the password is built on the clinic's or the product's name, or on a word like
    "clinic" or "portal" together with a year."""
    squeezed = _squeezed(password)
    for name in (PRODUCT_NAME, *organisation_names):
        name = _squeezed(name)
        if len(name) >= 4 and name in squeezed:
            return True
    return bool(_YEAR.search(squeezed)) and any(word in squeezed for word in SERVICE_WORDS)


def password_problems(
    password: str, email: str = "", organisation_names: tuple[str, ...] = ()
) -> list[str]:
    """Return the reasons the password is refused, in words for the form; empty when it is fine.
    `organisation_names` are the clinic's own names (its CLINIC_NAME)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(
            f"Use at least {MIN_LENGTH} characters; a few unrelated words make a good one."
        )
    if len(password) > MAX_LENGTH:
        problems.append(f"Use at most {MAX_LENGTH} characters.")
    if password and is_common(password):
        problems.append("This password is too common or too predictable; choose another.")
    elif password and is_organisation_word(password, organisation_names):
        problems.append(
            "This password is built on the clinic's or the portal's name, which is guessed "
            "first; choose words of your own."
        )
    local_part = email.strip().lower().partition("@")[0]
    if len(local_part) >= 3 and local_part in password.lower():
        problems.append("The password must not contain your email name.")
    return problems
