"""The snapshot's second side: a full resync fills it while offline checks keep reading
the live side, then makes it live in one transaction (local_cache/snapshot.py).

The existing tables stay side "a" with their rows; no meta ``snapshot_side`` means "a".

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add side "b" (empty), shaped like side "a"."""
    op.create_table(
        "snapshot_subjects_b",
        sa.Column("subject_key", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("district", sa.String(16), nullable=False),
        sa.Column("id_sealed", sa.Text, nullable=False),
        sa.Column("name_sealed", sa.Text, nullable=False),
    )
    op.create_table(
        "snapshot_records_b",
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
    op.create_index("ix_snapshot_records_b_subject", "snapshot_records_b", ["subject_key"])


def downgrade() -> None:
    """Back to one side: the live side's rows move to side "a" when "b" was live."""
    conn = op.get_bind()
    live = conn.exec_driver_sql(
        "SELECT value FROM meta WHERE key = 'snapshot_side'").scalar()
    if live == "b":
        for name in ("snapshot_subjects", "snapshot_records"):
            conn.exec_driver_sql(f"DELETE FROM {name}")
            conn.exec_driver_sql(f"INSERT INTO {name} SELECT * FROM {name}_b")
    conn.exec_driver_sql(
        "DELETE FROM meta WHERE key IN ('snapshot_side', 'resync_version', "
        "'resync_catalog_version', 'resync_catalog_json')")
    op.drop_index("ix_snapshot_records_b_subject", "snapshot_records_b")
    op.drop_table("snapshot_records_b")
    op.drop_table("snapshot_subjects_b")
