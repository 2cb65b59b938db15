"""CIWA-Ar: alcohol withdrawal scored like the COWS, and its total kept on the assessment.

- `instrument_results.code` may now be 'CIWAAR' (the CHECK constraint is rebuilt; on SQLite that
  rebuilds instrument_results, which carries no triggers of its own).
- `assessments.ciwa_total`: the latest CIWA-Ar linked to the assessment, which sets a floor under
  dimension 1 as the COWS does. Added with ALTER TABLE ADD COLUMN, not a batch rebuild, so that
  migration 0004's triggers on assessments survive (tests/test_migrations.py lists them).

Downgrade drops the column and restores the old codes; it refuses while CIWA-Ar results exist
(their rows would break the old constraint), so such a database keeps its data.

Revision ID: 20261201_2245
Revises: 0008
Create Date: 2026-12-01
"""

from alembic import op

revision = "20261201_2245"
down_revision = "0008"
branch_labels = None
depends_on = None

OLD_CODES = ("COWS", "PHQ9", "GAD7", "DAST10", "AUDITC", "RULER")
NEW_CODES = (*OLD_CODES, "CIWAAR")


def _codes(codes: tuple[str, ...]) -> str:
    return "code IN ({})".format(", ".join(f"'{code}'" for code in codes))


def _known_codes(codes: tuple[str, ...]) -> None:
    with op.batch_alter_table("instrument_results", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_instrument_results_known_code"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_instrument_results_known_code"), _codes(codes)
        )


def upgrade():
    op.execute("ALTER TABLE assessments ADD COLUMN ciwa_total INTEGER")
    _known_codes(NEW_CODES)


def downgrade():
    _known_codes(OLD_CODES)
    op.execute("ALTER TABLE assessments DROP COLUMN ciwa_total")
