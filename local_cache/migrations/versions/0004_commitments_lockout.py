"""Open commitments of tolerance acceptances; sign-in lockout counters on staff.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the commitments table and the lockout columns."""
    op.create_table(
        "commitments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("letter_no", sa.String(64), nullable=False, unique=True),
        sa.Column("check_id", sa.String(64), nullable=False),
        sa.Column("subject_key", sa.String(64), nullable=False),
        sa.Column("masked", sa.String(32), nullable=False),
        sa.Column("name_sealed", sa.Text, nullable=False),
        sa.Column("outcome_sealed", sa.Text, nullable=False),
        sa.Column("item", sa.String(64), nullable=False),
        sa.Column("materials", sa.Text, nullable=False),
        sa.Column("due", sa.String(10), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, server_default="open"),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("closed_at", sa.Float, nullable=True),
    )
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("failed_attempts", sa.Integer, nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("locked_until", sa.Float, nullable=False,
                                   server_default="0"))


def downgrade() -> None:
    """Remove them again."""
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("locked_until")
        batch.drop_column("failed_attempts")
    op.drop_table("commitments")
