"""Staff administration: a reset password must be changed by its holder.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``staff.must_change`` (0 for every existing account)."""
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("must_change", sa.Integer, nullable=False,
                                   server_default="0"))


def downgrade() -> None:
    """Remove it: a pending reset then signs in with the temporary password."""
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("must_change")
