"""The reference platform's tables (SQLAlchemy 2.x Core), for SQLite and PostgreSQL alike.

One ``MetaData``; the generator bulk-inserts into it and the API reads it. Dates are
stored as ISO strings so both engines compare and index them the same way.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    inspect,
    text,
)

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

subjects = Table(
    "subjects",
    metadata,
    Column("id", String(18), primary_key=True),
    Column("kind", String(16), nullable=False),  # organisation | person
    Column("name", String(128), nullable=False),
    Column("district", String(16), nullable=False),
    Column("grade_letter", String(1), nullable=False),
    Column("grade_score", Integer, nullable=False),
    Column("graded_on", String(10), nullable=False),
    # Subjects sharing an investor group are related parties (关联企业).
    Column("investor_group", Integer, nullable=True),
    Column("investor_role", String(16), nullable=True),  # investor | invested
)
Index("ix_subjects_group", subjects.c.investor_group)

records = Table(
    "records",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("subject_id", String(18), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("field", String(32), nullable=False),
    Column("department", String(64), nullable=False),
    Column("basis", Text, nullable=False),
    Column("listed_on", String(10), nullable=False),
    Column("expires_on", String(10), nullable=True),
    Column("state", String(16), nullable=False),
    # Monotonic list version of the record's last change; lists/changes pages by it.
    Column("version", Integer, nullable=False),
    # The day of that change (ISO), "" for a record as generated (its listed_on day).
    Column("changed_on", String(10), nullable=False, server_default=""),
)
Index("ix_records_subject", records.c.subject_id)
Index("ix_records_version", records.c.version, unique=True)
Index("ix_records_state_expiry", records.c.state, records.c.expires_on)

warnings = Table(
    "warnings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("subject_id", String(18), nullable=False),
    Column("level", String(8), nullable=False),
    Column("point", String(64), nullable=False),
    Column("since", String(10), nullable=False),
)
Index("ix_warnings_subject", warnings.c.subject_id)

# Years of the working-day calendar the operator published (``PUT /sandbox/calendar``); a
# year here replaces the chinese-calendar package's year in ``GET /v1/calendar``.
calendar_days = Table(
    "calendar_days",
    metadata,
    Column("day", String(10), primary_key=True),
    Column("year", Integer, nullable=False),
    Column("kind", String(8), nullable=False),  # holiday | workday | year (a marker row)
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("key_hash", String(64), primary_key=True),  # sha256 hex; the key is never stored
    Column("counter_id", String(64), nullable=False),
    Column("department", String(64), nullable=False),
    # The operator's keys (sandbox/keys.py): what the key is for, when it was issued and
    # when revoked (ISO times, UTC; empty revoked_at while the key is in force).
    Column("label", String(128), nullable=False, server_default=""),
    Column("created_at", String(32), nullable=False, server_default=""),
    Column("revoked_at", String(32), nullable=False, server_default=""),
)

feedback = Table(
    "feedback",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("idempotency_key", String(128), nullable=False, unique=True),
    Column("counter_id", String(64), nullable=False),
    Column("body_hash", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("received_at", String(32), nullable=False),
    # From the body, kept as columns so the loop can be followed by case and by letter:
    # the business system's case number and a fast-track's commitment letter.
    Column("check_id", String(64), nullable=False, server_default=""),
    Column("action", String(32), nullable=False, server_default=""),
    Column("case_no", String(64), nullable=False, server_default=""),
    Column("letter_no", String(64), nullable=False, server_default=""),
)

# One decision and one commitment closing per counter and check (sandbox/feedback_rules.py):
# the primary key is what refuses a second one, even from two posts racing.
feedback_decisions = Table(
    "feedback_decisions",
    metadata,
    Column("counter_id", String(64), primary_key=True),
    Column("check_id", String(64), primary_key=True),
    Column("slot", String(16), primary_key=True),  # decision | closing
    Column("action", String(32), nullable=False),
    Column("feedback_id", String(36), nullable=False),
)

reports = Table(
    "reports",
    metadata,
    Column("report_no", String(64), primary_key=True),
    Column("digest", String(128), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("subject_id", String(64), nullable=False),
    Column("counter_id", String(64), nullable=False),
    Column("issued_at", String(32), nullable=False),
    Column("registered_at", String(32), nullable=False),
    # SHA-256 of number and verification code: the code itself is never stored.
    Column("code_sha256", String(64), nullable=False),
    Column("subject_name", String(128), nullable=False),
    Column("verdict", String(16), nullable=False),
    Column("item_code", String(64), nullable=False),
    Column("item_name", String(128), nullable=False),
)


anchors = Table(
    "anchors",
    metadata,
    Column("counter_id", String(64), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("head_hash", String(64), nullable=False),
    Column("received_at", String(32), nullable=False),
)

# Public keys desks sign exported log bundles with; a reinstalled desk adds a new one.
desk_keys = Table(
    "desk_keys",
    metadata,
    Column("counter_id", String(64), primary_key=True),
    Column("public_key", String(64), primary_key=True),
    Column("algorithm", String(16), nullable=False),
    Column("registered_at", String(32), nullable=False),
)

# The highest head of each counter's audit chain seen in the X-Audit-Head header of its
# calls (sandbox/witness.py); only ever moves forward.
witnessed_heads = Table(
    "witnessed_heads",
    metadata,
    Column("counter_id", String(64), primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("head_hash", String(64), nullable=False),
    Column("seen_at", String(32), nullable=False),
)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL and a busy timeout for concurrent readers."""
    if url.startswith("sqlite"):
        # As many connections as FastAPI has worker threads (40), so no request waits on
        # the pool while SQLite itself could serve it; WAL readers do not block each other.
        pool = {} if url in ("sqlite://", "sqlite:///:memory:") else {
            "pool_size": 40, "max_overflow": 10}
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **pool
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # noqa: ANN001 - DBAPI callback
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_size=40, max_overflow=10, pool_pre_ping=True)


def create_all(engine: Engine) -> None:
    """Create the tables that are missing, and the columns later versions added."""
    metadata.create_all(engine)
    _add_missing_columns(engine)


# Columns added to existing tables after their first release: a platform database created
# before them gets them empty. A report registered without a code hash can then be
# verified by its PDF only (its code reads as unknown; see FeedbackStore.verify_report);
# feedback stored before its columns keeps them in its body only.
_ADDED = {"reports": ("code_sha256", "subject_name", "verdict", "item_code", "item_name"),
          "feedback": ("check_id", "action", "case_no", "letter_no"),
          "api_keys": ("label", "created_at", "revoked_at"),
          "records": ("changed_on",)}


def _add_missing_columns(engine: Engine) -> None:
    for name, columns in _ADDED.items():
        present = {c["name"] for c in inspect(engine).get_columns(name)}
        table = metadata.tables[name]
        with engine.begin() as conn:
            for column in columns:
                if column not in present:
                    kind = table.c[column].type.compile(engine.dialect)
                    conn.execute(text(f"ALTER TABLE {name} ADD COLUMN {column} {kind} "
                                      "NOT NULL DEFAULT ''"))
