"""Settings from the environment; production refuses to run with a missing or known key."""

import pytest

from clinic import create_app
from config import DEVELOPMENT_SECRET_KEY, ConfigurationError, settings_from_environment

GOOD_KEY = "k" * 16 + "a-real-secret-of-enough-length"


def test_development_is_the_default_with_sqlite_under_instance():
    settings = settings_from_environment({})
    assert settings["CLINIC_ENV"] == "development"
    assert settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert settings["SQLALCHEMY_DATABASE_URI"].endswith("instance/clinic.db")


def test_environment_variables_override_the_defaults():
    settings = settings_from_environment(
        {
            "CLINIC_ENV": "production",
            "DATABASE_URL": "postgresql+psycopg://u@db/clinic",
            "SECRET_KEY": GOOD_KEY,
            "CLINIC_TIMEZONE": "America/Denver",
            "TRUSTED_PROXY_HOPS": "1",
        }
    )
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/clinic"
    assert settings["SECRET_KEY"] == GOOD_KEY
    assert settings["CLINIC_TIMEZONE"] == "America/Denver"
    assert settings["TRUSTED_PROXY_HOPS"] == 1
    assert settings["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize("key", [None, "", DEVELOPMENT_SECRET_KEY, "too-short"])
def test_production_refuses_a_missing_or_unsafe_secret_key(monkeypatch, key):
    monkeypatch.setenv("CLINIC_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    if key is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app()


def test_production_starts_with_a_real_key(monkeypatch):
    monkeypatch.setenv("CLINIC_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("SECRET_KEY", GOOD_KEY)
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert not app.config["TESTING"]


@pytest.mark.parametrize(
    ("variable", "value"), [("CLINIC_ENV", "staging"), ("TRUSTED_PROXY_HOPS", "two")]
)
def test_nonsense_settings_are_refused_by_name(variable, value):
    with pytest.raises(ConfigurationError, match=variable):
        settings_from_environment({variable: value})
