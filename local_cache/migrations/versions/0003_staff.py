"""Staff accounts of the desk: clerks and supervisors, with scrypt password hashes.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the staff table."""
    op.create_table(
        "staff",
        sa.Column("staff_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("disabled", sa.Integer, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    """Drop it again."""
    op.drop_table("staff")
