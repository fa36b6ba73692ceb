"""The local bridge's paired callers (desktop/bridge/pairing.py).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``bridge_clients`` (empty: every caller pairs anew)."""
    op.create_table(
        "bridge_clients",
        sa.Column("client_id", sa.String(32), primary_key=True),
        sa.Column("token_index", sa.String(64), nullable=False, unique=True),
        sa.Column("origin", sa.String(255), nullable=False),
        sa.Column("system", sa.String(64), nullable=False),
        sa.Column("approved_by", sa.String(64), nullable=False),
        sa.Column("clerk", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("revoked_at", sa.Float, nullable=True),
        sa.Column("revoked_by", sa.String(64), nullable=True),
        sa.Column("mac", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    """Remove it: every paired caller must pair again."""
    op.drop_table("bridge_clients")
