"""The first release's schema.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create every table of the first release."""
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "snapshot_subjects",
        sa.Column("subject_key", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("district", sa.String(16), nullable=False),
        sa.Column("id_sealed", sa.Text, nullable=False),
        sa.Column("name_sealed", sa.Text, nullable=False),
    )
    op.create_table(
        "snapshot_records",
        sa.Column("record_id", sa.String(32), primary_key=True),
        sa.Column("subject_key", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("department", sa.String(64), nullable=False),
        sa.Column("basis", sa.Text, nullable=False),
        sa.Column("listed_on", sa.String(10), nullable=False),
        sa.Column("expires_on", sa.String(10), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_snapshot_records_subject", "snapshot_records", ["subject_key"])
    op.create_table(
        "results",
        sa.Column("check_id", sa.String(64), primary_key=True),
        sa.Column("subject_key", sa.String(64), nullable=False),
        sa.Column("item", sa.String(64), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("checked_at", sa.Float, nullable=False),
        sa.Column("body_sealed", sa.Text, nullable=False),
    )
    op.create_index("ix_results_subject", "results", ["subject_key", "checked_at"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("idempotency_key", sa.String(64), nullable=False, unique=True),
        sa.Column("check_id", sa.String(64), nullable=False),
        sa.Column("subject_key", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("payload_sealed", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.Float, nullable=False),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("feedback_id", sa.String(64), nullable=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("sent_at", sa.Float, nullable=True),
    )
    op.create_index("ix_outbox_state", "outbox", ["state", "next_attempt_at"])
    op.create_index("ix_outbox_check", "outbox", ["check_id"])
    op.create_table(
        "audit",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("counter", sa.String(64), nullable=False),
        sa.Column("clerk", sa.String(64), nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("subject_key", sa.String(64), nullable=True),
        sa.Column("subject_masked", sa.String(32), nullable=True),
        sa.Column("item", sa.String(64), nullable=True),
        sa.Column("verdict", sa.String(16), nullable=True),
        sa.Column("source", sa.String(16), nullable=True),
        sa.Column("details", sa.Text, nullable=False),
    )
    op.create_index("ix_audit_subject", "audit", ["subject_key"])
    op.create_index("ix_audit_at", "audit", ["at"])
    op.create_table(
        "checked",
        sa.Column("subject_key", sa.String(64), primary_key=True),
        sa.Column("id_sealed", sa.Text, nullable=False),
        sa.Column("masked", sa.String(32), nullable=False),
        sa.Column("last_checked_at", sa.Float, nullable=False),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("subject_key", sa.String(64), nullable=False),
        sa.Column("masked", sa.String(32), nullable=False),
        sa.Column("name_sealed", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("list_version", sa.Integer, nullable=False),
        sa.Column("raised_at", sa.Float, nullable=False),
        sa.Column("acknowledged", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    """Drop everything (only for tests of the migration itself)."""
    for table in ("alerts", "checked", "audit", "outbox", "results", "snapshot_records",
                  "snapshot_subjects", "meta"):
        op.drop_table(table)
