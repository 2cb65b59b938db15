"""What every database connection is set to (clinic/core/db.py `configure_engine`)."""

import pytest
import sqlalchemy as sa

from clinic.extensions import db


def test_postgresql_connections_compile_no_plans_and_prepare_none(app):
    """JIT compilation costs tens of milliseconds on the home pages' counts at 100,000 clients,
    more than the queries themselves; a prepared statement's generic plan reads more than the
    plan for the values at hand."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL settings")
    with app.app_context():
        assert db.session.scalar(sa.text("SHOW jit")) == "off"
        assert db.session.connection().connection.driver_connection.prepare_threshold is None
        db.session.rollback()


def test_sqlite_connections_keep_foreign_keys_and_wait_for_the_lock(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    with app.app_context():
        assert db.session.scalar(sa.text("PRAGMA foreign_keys")) == 1
        assert db.session.scalar(sa.text("PRAGMA busy_timeout")) == 10000
        db.session.rollback()
