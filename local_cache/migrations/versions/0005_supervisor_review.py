"""Supervisor review: indexes for browsing the log newest first by filter column;
override follow-up notes; imported bundles of other desks.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_INDEXES = {
    "ix_audit_clerk_seq": ["clerk", "seq"],
    "ix_audit_item_seq": ["item", "seq"],
    "ix_audit_event_seq": ["event", "seq"],
    "ix_audit_verdict_seq": ["verdict", "seq"],
    "ix_audit_subject_seq": ["subject_key", "seq"],
}


def upgrade() -> None:
    """Add the browsing indexes."""
    for name, columns in _INDEXES.items():
        op.create_index(name, "audit", columns)
    op.create_table(
        "override_notes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("staff_id", sa.String(64), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_index("ix_override_notes_seq", "override_notes", ["seq", "id"])
    op.create_table(
        "imported_bundles",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("counter", sa.String(64), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("imported_at", sa.Float, nullable=False),
        sa.Column("from_day", sa.String(10), nullable=False),
        sa.Column("to_day", sa.String(10), nullable=False),
        sa.Column("entries", sa.Integer, nullable=False),
        sa.Column("masked", sa.Integer, nullable=False),
    )
    op.create_table(
        "imported_entries",
        sa.Column("counter", sa.String(64), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("bundle_id", sa.Integer, nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("clerk", sa.String(64), nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("item", sa.String(64), nullable=True),
        sa.Column("verdict", sa.String(16), nullable=True),
        sa.Column("source", sa.String(16), nullable=True),
        sa.Column("subject_masked", sa.String(32), nullable=True),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("purged", sa.Integer, nullable=False, server_default="0"),
        sa.Column("hash", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    """Remove them again."""
    op.drop_table("imported_entries")
    op.drop_table("imported_bundles")
    op.drop_index("ix_override_notes_seq", "override_notes")
    op.drop_table("override_notes")
    for name in _INDEXES:
        op.drop_index(name, "audit")
