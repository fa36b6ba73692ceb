"""Hash chain over the audit log; outbox rows of several kinds (feedback, anchor, report).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the chain columns to audit and a kind to outbox rows."""
    with op.batch_alter_table("audit") as batch:
        batch.add_column(sa.Column("salt", sa.String(32), nullable=True))
        batch.add_column(sa.Column("commitment", sa.String(64), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("prev_hash", sa.String(64), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("hash", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("purged", sa.Integer, nullable=False, server_default="0"))
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False,
                                   server_default="feedback"))


def downgrade() -> None:
    """Remove them again."""
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("kind")
    with op.batch_alter_table("audit") as batch:
        for name in ("purged", "hash", "prev_hash", "commitment", "salt"):
            batch.drop_column(name)
