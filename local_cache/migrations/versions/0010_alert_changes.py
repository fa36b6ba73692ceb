"""Change alerts that say what changed: the lines of each alert, and what the desk last
saw of a checked subject's grade and warnings.

Revision ID: 0010
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Two sealed columns, empty for existing rows (an old alert keeps its summary only;
    a subject's grade and warnings are first remembered at its next online check)."""
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("changes_sealed", sa.Text, nullable=False,
                                   server_default=""))
    with op.batch_alter_table("checked") as batch:
        batch.add_column(sa.Column("seen_sealed", sa.Text, nullable=False, server_default=""))


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("checked") as batch:
        batch.drop_column("seen_sealed")
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("changes_sealed")
