"""The desk's cache file: tables (SQLAlchemy 2.x Core).

Schema changes go through Alembic migrations (``local_cache/migrations``); a test checks
that the migrated schema equals these declarations. Columns ending ``_sealed`` hold
AES-GCM tokens, ``subject_key`` an HMAC of the identifier (see ``protect.py``).
"""

from __future__ import annotations

from sqlalchemy import Column, Float, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# The list snapshot from lists/changes, for offline checks.
snapshot_subjects = Table(
    "snapshot_subjects",
    metadata,
    Column("subject_key", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("district", String(16), nullable=False),
    Column("id_sealed", Text, nullable=False),
    Column("name_sealed", Text, nullable=False),
)

snapshot_records = Table(
    "snapshot_records",
    metadata,
    Column("record_id", String(32), primary_key=True),
    Column("subject_key", String(64), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("field", String(32), nullable=False),
    Column("department", String(64), nullable=False),
    Column("basis", Text, nullable=False),
    Column("listed_on", String(10), nullable=False),
    Column("expires_on", String(10), nullable=True),
    Column("state", String(16), nullable=False),
    Column("version", Integer, nullable=False),
)
Index("ix_snapshot_records_subject", snapshot_records.c.subject_key)

# The snapshot's second side (local_cache/snapshot.py): a full resync fills the side that
# is not live and makes it live in one transaction at its end (meta ``snapshot_side``),
# so offline checks answer from the old snapshot until then. Same columns as side "a".
snapshot_subjects_b = Table(
    "snapshot_subjects_b", metadata, *(c._copy() for c in snapshot_subjects.columns))
snapshot_records_b = Table(
    "snapshot_records_b", metadata, *(c._copy() for c in snapshot_records.columns))
Index("ix_snapshot_records_b_subject", snapshot_records_b.c.subject_key)

# Recent answers, whole, sealed (they carry names and numbers).
results = Table(
    "results",
    metadata,
    Column("check_id", String(64), primary_key=True),
    Column("subject_key", String(64), nullable=False),
    Column("item", String(64), nullable=False),
    Column("verdict", String(16), nullable=False),
    Column("source", String(16), nullable=False),
    Column("checked_at", Float, nullable=False),
    Column("body_sealed", Text, nullable=False),
)
Index("ix_results_subject", results.c.subject_key, results.c.checked_at)

# What the clerk decided, waiting to reach the platform exactly once in effect.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("idempotency_key", String(64), nullable=False, unique=True),
    Column("check_id", String(64), nullable=False),
    Column("subject_key", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("payload_sealed", Text, nullable=False),
    Column("kind", String(16), nullable=False, server_default="feedback"),  # or anchor, report
    Column("state", String(16), nullable=False),  # pending | sent | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", Float, nullable=False),
    Column("last_error", Text, nullable=True),
    Column("feedback_id", String(64), nullable=True),
    Column("created_at", Float, nullable=False),
    Column("sent_at", Float, nullable=True),
)
Index("ix_outbox_state", outbox.c.state, outbox.c.next_attempt_at)
Index("ix_outbox_check", outbox.c.check_id)

# The desk's own log; the audit issue adds the hash chain over these rows.
audit = Table(
    "audit",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("counter", String(64), nullable=False),
    Column("clerk", String(64), nullable=False),
    Column("event", String(32), nullable=False),
    Column("subject_key", String(64), nullable=True),
    Column("subject_masked", String(32), nullable=True),
    Column("item", String(64), nullable=True),
    Column("verdict", String(16), nullable=True),
    Column("source", String(16), nullable=True),
    Column("details", Text, nullable=False, default="{}"),
    # The chain (see docs/AUDIT.md): a salted commitment to the personal fields, and a
    # keyed hash over the entry, the commitment and the previous entry's hash.
    Column("salt", String(32), nullable=True),
    Column("commitment", String(64), nullable=False, server_default=""),
    Column("prev_hash", String(64), nullable=False, server_default=""),
    Column("hash", String(64), nullable=False, server_default=""),
    Column("purged", Integer, nullable=False, server_default="0"),
)
Index("ix_audit_subject", audit.c.subject_key)
Index("ix_audit_at", audit.c.at)
# The supervisor's log browser (desktop/audit/query.py): newest first per filter column.
Index("ix_audit_clerk_seq", audit.c.clerk, audit.c.seq)
Index("ix_audit_item_seq", audit.c.item, audit.c.seq)
Index("ix_audit_event_seq", audit.c.event, audit.c.seq)
Index("ix_audit_verdict_seq", audit.c.verdict, audit.c.seq)
Index("ix_audit_subject_seq", audit.c.subject_key, audit.c.seq)

# Subjects this desk checked, for change alerts after a sync (ongoing monitoring).
checked = Table(
    "checked",
    metadata,
    Column("subject_key", String(64), primary_key=True),
    Column("id_sealed", Text, nullable=False),
    Column("masked", String(32), nullable=False),
    Column("last_checked_at", Float, nullable=False),
    # What the last online answer said of grade and warnings (sealed JSON; "" none yet),
    # compared with the platform's answer after a sync (desktop/platform/watch.py).
    Column("seen_sealed", Text, nullable=False, server_default=""),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subject_key", String(64), nullable=False),
    Column("masked", String(32), nullable=False),
    Column("name_sealed", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("list_version", Integer, nullable=False),
    Column("raised_at", Float, nullable=False),
    Column("acknowledged", Integer, nullable=False, default=0),
    # What changed, line by line (sealed JSON list; "" for alerts raised before it).
    Column("changes_sealed", Text, nullable=False, server_default=""),
)

# The desk's staff (desktop/staff/accounts.py): who may sign in, and who may approve as supervisor.
# Only scrypt hashes of passwords are kept, never a password.
staff = Table(
    "staff",
    metadata,
    Column("staff_id", String(64), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("role", String(16), nullable=False),  # clerk | supervisor | service | inspector
    Column("password_hash", String(256), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("disabled", Integer, nullable=False, server_default="0"),
    Column("failed_attempts", Integer, nullable=False, server_default="0"),
    Column("locked_until", Float, nullable=False, server_default="0"),
    # 1 after a supervisor reset the password: the holder must choose a new one first.
    Column("must_change", Integer, nullable=False, server_default="0"),
)

# Commitments of tolerance acceptances (容缺受理) until fulfilled or breached. The subject
# appears as keyed hash and masked form; name and the whole check are sealed.
commitments = Table(
    "commitments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("letter_no", String(64), nullable=False, unique=True),
    Column("check_id", String(64), nullable=False),
    Column("subject_key", String(64), nullable=False),
    Column("masked", String(32), nullable=False),
    Column("name_sealed", Text, nullable=False),
    Column("outcome_sealed", Text, nullable=False),
    Column("item", String(64), nullable=False),
    Column("materials", Text, nullable=False),  # JSON list of material names
    Column("due", String(10), nullable=False),  # ISO date
    Column("state", String(16), nullable=False, server_default="open"),
    Column("created_at", Float, nullable=False),
    Column("closed_at", Float, nullable=True),
)

# Supervisor follow-up notes on intercept overrides (desktop/review/stats.py), by audit seq.
override_notes = Table(
    "override_notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("seq", Integer, nullable=False),
    Column("note", Text, nullable=False),
    Column("staff_id", String(64), nullable=False),
    Column("at", Float, nullable=False),
)
Index("ix_override_notes_seq", override_notes.c.seq, override_notes.c.id)

# Bundles of other desks' logs a supervisor imported after verifying them
# (desktop/audit/bundle_import.py); their entries are browsed with desk=<counter>.
imported_bundles = Table(
    "imported_bundles",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("counter", String(64), nullable=False),
    Column("file_name", String(255), nullable=False),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("imported_at", Float, nullable=False),
    Column("from_day", String(10), nullable=False),
    Column("to_day", String(10), nullable=False),
    Column("entries", Integer, nullable=False),
    Column("masked", Integer, nullable=False),
)

imported_entries = Table(
    "imported_entries",
    metadata,
    Column("counter", String(64), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("bundle_id", Integer, nullable=False),
    Column("at", Float, nullable=False),
    Column("clerk", String(64), nullable=False),
    Column("event", String(32), nullable=False),
    Column("item", String(64), nullable=True),
    Column("verdict", String(16), nullable=True),
    Column("source", String(16), nullable=True),
    Column("subject_masked", String(32), nullable=True),
    Column("details", Text, nullable=False),
    Column("purged", Integer, nullable=False, server_default="0"),
    Column("hash", String(64), nullable=False),
)

# Callers paired with the local bridge (desktop/bridge/pairing.py): never the token, only
# its keyed hash (``token_index``); ``mac`` is a keyed hash over the row's fields, so a row
# written into the file by hand authenticates nobody. Revoked rows stay (``revoked_at``).
bridge_clients = Table(
    "bridge_clients",
    metadata,
    Column("client_id", String(32), primary_key=True),
    Column("token_index", String(64), nullable=False, unique=True),
    Column("origin", String(255), nullable=False),  # "" for a program (no Origin header)
    Column("system", String(64), nullable=False),
    Column("approved_by", String(64), nullable=False),
    Column("clerk", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("revoked_at", Float, nullable=True),
    Column("revoked_by", String(64), nullable=True),
    Column("mac", String(64), nullable=False),
)
