"""Settings for the clinic portal, read from the environment.

`CLINIC_ENV` picks one of the classes below (development by default); `DATABASE_URL` and
`SECRET_KEY` override their defaults. Production refuses to start without a real secret key.
"""

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent
INSTANCE = ROOT / "instance"

# Known to everyone who reads this file: fine on a laptop, refused in production.
DEVELOPMENT_SECRET_KEY = "development-only-key-never-use-in-production"  # noqa: S105


class Config:
    """Defaults shared by every environment."""

    CLINIC_ENV = "development"
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE / 'clinic.db'}"
    SQLALCHEMY_RECORD_QUERIES = False

    # The clinic's own time zone: timestamps are stored in UTC and shown in this one.
    CLINIC_TIMEZONE = "America/New_York"
    CLINIC_NAME = "Clinic Portal"

    # Sessions (HIPAA automatic logoff): enforced on the server, not by cookie expiry alone.
    SESSION_IDLE_TIMEOUT = timedelta(minutes=15)
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
    PERMANENT_SESSION_LIFETIME = SESSION_ABSOLUTE_TIMEOUT
    # The notice before the idle limit comes this long ahead; what a form held after the limit
    # (auth/held.py) is kept this long for its user to send again.
    SESSION_WARNING_BEFORE = timedelta(minutes=2)
    HELD_FORM_KEPT = timedelta(hours=8)
    SESSION_COOKIE_NAME = "clinic_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(0)

    # Sign-in throttling: after this many failures for one email within the window, further
    # attempts wait for a delay that doubles with each further failure, up to the cap.
    LOGIN_MAX_FAILURES = 5
    LOGIN_FAILURE_WINDOW = timedelta(minutes=15)
    LOGIN_LOCKOUT_BASE = timedelta(minutes=1)
    LOGIN_LOCKOUT_MAX = timedelta(hours=1)
    # This many failed sign-ins in a row disable the account until an admin re-enables it.
    LOGIN_DISABLE_AFTER = 100
    # This many refused record requests by one user in this window look like probing: further
    # refusals answer 429 and supervisors are told.
    PROBING_DENIALS = 30
    PROBING_WINDOW = timedelta(minutes=5)

    PASSWORD_HASH_METHOD = "scrypt:32768:8:1"  # noqa: S105 (a method name)

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the session's own timeouts bound a token's life
    BOOTSTRAP_SERVE_LOCAL = True

    # Number of proxies in front of the app whose X-Forwarded-* headers are trusted.
    TRUSTED_PROXY_HOPS = 0

    PAGE_SIZE = 25
    # The home page shows this many items of each kind of due work (all safety flags), each
    # kind linking to its worklist, which pages its items WORKLIST_PAGE_SIZE at a time.
    DUE_PREVIEW = 5
    # The home page's caseload table shows this many clients at most (the most intensive level
    # first); the client list has them all.
    CASELOAD_SHOWN = 100
    WORKLIST_PAGE_SIZE = 50

    # Assessment (docs/clinical-rules.md §2 and §3). A COWS is due this long after the last one
    # while a client is in withdrawal management; the intake assessment is expected signed this
    # long after the admission is entered.
    COWS_INTERVAL = timedelta(hours=8)
    INTAKE_ASSESSMENT_DUE = timedelta(hours=24)
    # AUDIT-C is positive at this total or more, by sex at birth (clients recorded as neither
    # are screened at the lower threshold).
    AUDITC_POSITIVE_AT = {"male": 4, "female": 3}  # noqa: RUF012
    # The screening questionnaires intake coordinators may give while the client is in their
    # intake window (docs/access-and-workflows.md §2); an empty tuple leaves them to counselors
    # and supervisors. Only screening questionnaires: the COWS stays with medical staff.
    INTAKE_INSTRUMENTS = ("PHQ9", "GAD7", "DAST10", "AUDITC")
    # Dimension -> rating -> minimum level; None keeps the defaults in assessments/placement.py.
    PLACEMENT_TABLE = None

    # Treatment plans (docs/clinical-rules.md §1 and §4): the first plan is due this long after the
    # admission is entered; reviews by the level's interval (days; None keeps care/levels.py's
    # defaults, e.g. {"RES": 7}); "review due soon" shows this many days ahead.
    FIRST_PLAN_DUE = timedelta(hours=72)

    # Level-of-care moves rest on an assessment signed this recently
    # (docs/access-and-workflows.md §4).
    TRANSITION_ASSESSMENT_WITHIN = timedelta(days=7)
    PLAN_REVIEW_DAYS = None
    PLAN_REVIEW_NOTICE_DAYS = 3

    # 42 CFR Part 2 (docs: ../shared/design/CLINICAL.md 5, 5b). The notice every disclosed
    # packet carries (the privacy officer may put the full statement here); how many years the
    # accounting of disclosures lists; how far ahead "consent expiring" shows.
    PART2_NOTICE = "42 CFR part 2 prohibits unauthorized use or disclosure of these records."
    ACCOUNTING_YEARS = 3
    CONSENT_EXPIRY_NOTICE = timedelta(days=14)


class DevelopmentConfig(Config):
    """A laptop or a demo: SQLite under instance/, demo data allowed."""


class TestingConfig(Config):
    """The test suite: the database comes from the test fixtures."""

    CLINIC_ENV = "testing"
    TESTING = True
    SECRET_KEY = "testing-key"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    # Still scrypt, at a cost that lets the suite create hundreds of accounts quickly.
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"  # noqa: S105 (a method name)


class ProductionConfig(Config):
    """A real clinic: secure cookies, a real secret key, no demo data."""

    CLINIC_ENV = "production"
    SECRET_KEY = None
    SESSION_COOKIE_SECURE = True
    # Set only over HTTPS, for this host and path "/": no subdomain can plant or read it.
    SESSION_COOKIE_NAME = "__Host-clinic_session"
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


class ConfigurationError(RuntimeError):
    """The environment does not describe a configuration the portal may run with."""


def config_for_environment(name: str | None = None) -> type[Config]:
    """Return the settings class that `CLINIC_ENV` (or `name`) names."""
    name = name or os.environ.get("CLINIC_ENV") or "development"
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigurationError(
            f"CLINIC_ENV must be one of {', '.join(CONFIGS)}, not {name!r}"
        ) from None


# Environment variables that override a setting, and how to read each.
ENVIRONMENT_OVERRIDES = {
    "SECRET_KEY": ("SECRET_KEY", str),
    "DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "CLINIC_TIMEZONE": ("CLINIC_TIMEZONE", str),
    "CLINIC_NAME": ("CLINIC_NAME", str),
    "TRUSTED_PROXY_HOPS": ("TRUSTED_PROXY_HOPS", int),
}


def settings_from_environment(environ: Mapping[str, str] | None = None) -> dict:
    """Build the settings for `CLINIC_ENV`, with the environment's overrides applied."""
    environ = os.environ if environ is None else environ
    base = config_for_environment(environ.get("CLINIC_ENV"))
    settings = {name: getattr(base, name) for name in dir(base) if name.isupper()}
    for variable, (setting, parse) in ENVIRONMENT_OVERRIDES.items():
        if environ.get(variable):
            try:
                settings[setting] = parse(environ[variable])
            except ValueError:
                raise ConfigurationError(
                    f"{variable} is not valid: {environ[variable]!r}"
                ) from None
    return settings


def check_production_settings(settings: dict) -> None:
    """Refuse settings that would be unsafe for real patient records."""
    if settings.get("CLINIC_ENV") != "production":
        return
    key = settings.get("SECRET_KEY") or ""
    if not key or key == DEVELOPMENT_SECRET_KEY:
        raise ConfigurationError("SECRET_KEY must be set to a secret value in production")
    if len(key) < 32:
        raise ConfigurationError("SECRET_KEY must be at least 32 characters in production")
