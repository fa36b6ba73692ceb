"""Repositories over the cache tables: plain values in, plain rows out.

Every function takes the connection of the caller's unit of work, so a service can put
several writes (an outbox row and its audit entry) into one transaction. Sealing and
indexing of personal data happen here, with the ``Protector`` the caller hands in, so no
plaintext resident number or person name is ever bound to a statement.
"""

from __future__ import annotations

import json
import operator
import os
import time
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from local_cache import chain

# Change alerts are in ``alerts``; named here too, where callers have always found them.
from local_cache.alerts import acknowledge_alert as acknowledge_alert
from local_cache.alerts import open_alerts as open_alerts
from local_cache.alerts import seal_seen
from local_cache.db import note_row_queued
from local_cache.protect import Protector

# The snapshot's two sides and a full resync's swap are in ``snapshot``; its lookups are
# named here too, where callers have always found them.
from local_cache.snapshot import SnapshotRecord as SnapshotRecord
from local_cache.snapshot import SnapshotSubject as SnapshotSubject
from local_cache.snapshot import apply_changes as apply_changes
from local_cache.snapshot import clear_snapshot as clear_snapshot
from local_cache.snapshot import snapshot_lookup as snapshot_lookup
from local_cache.snapshot import snapshot_record_ids as snapshot_record_ids
from local_cache.tables import (
    audit,
    checked,
    meta,
    outbox,
    results,
)

# Statements built once and executed with their parameters passed separately: building
# one per call (``insert(t).values(**kw)``) made SQLAlchemy generate its cache key and
# match every value to a column again each time, most of a short write's cost. A built
# statement keeps its cache key, so its compiled form is found at once.


def _upsert(table, key: str, update_columns: Iterable[str]):
    stmt = sqlite_insert(table)
    return stmt.on_conflict_do_update(index_elements=[key],
                                      set_={c: stmt.excluded[c] for c in update_columns})


_GET_META = select(meta.c.value).where(meta.c.key == bindparam("key"))
_SET_META = _upsert(meta, "key", ["value"])
_INSERT_OUTBOX = insert(outbox)


# The writes of every check (its answer, its audit entry, the checked subject) and the
# reads it makes go to SQLite as plain SQL with positional parameters: even a prebuilt
# statement made SQLAlchemy process each parameter set again (most of a batch log's time,
# a quarter of a check's writes besides the fsync). The audit insert names every column of
# its table; the others name theirs by hand, and ``_insert_sql`` checks at import that each
# named column exists (a column added later must be added to their lists too).


def _insert_sql(table, columns: tuple[str, ...], key: str = "",
                update_columns: tuple[str, ...] = ()) -> str:
    for c in (*columns, *update_columns, *((key,) if key else ())):
        table.c[c]  # noqa: B018 - a KeyError at import for a column the table lacks
    sql = (f"INSERT INTO {table.name} ({', '.join(columns)}) "
           f"VALUES ({', '.join('?' * len(columns))})")
    if key:
        sql += (f" ON CONFLICT ({key}) DO UPDATE SET "
                + ", ".join(f"{c} = excluded.{c}" for c in update_columns))
    return sql


_RESULT_COLUMNS = ("check_id", "subject_key", "item", "verdict", "source", "checked_at",
                   "body_sealed")
_RESULT_SQL = _insert_sql(results, _RESULT_COLUMNS)
_AUDIT_COLUMNS = tuple(c.name for c in audit.c)
_AUDIT_SQL = _insert_sql(audit, _AUDIT_COLUMNS)
_AUDIT_HEAD_SQL = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"
_CHECKED_COLUMNS = ("subject_key", "id_sealed", "masked", "last_checked_at")
_CHECKED_SQL = _insert_sql(checked, _CHECKED_COLUMNS, "subject_key", ("last_checked_at",))
_CHECKED_SEEN_SQL = _insert_sql(checked, (*_CHECKED_COLUMNS, "seen_sealed"), "subject_key",
                                ("last_checked_at", "seen_sealed"))
_METAS_SQL: dict[int, str] = {}
_AUDIT_VALUES = operator.itemgetter(*_AUDIT_COLUMNS)  # an entry's dict as the SQL's tuple
# ``json.dumps(d, ensure_ascii=False, sort_keys=True)``, without making an encoder per call.
_DETAILS = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode

# ---------------------------------------------------------------------------- meta


def get_meta(conn: Connection, key: str, default: str | None = None) -> str | None:
    """A stored value of the ``meta`` table."""
    value = conn.execute(_GET_META, {"key": key}).scalar_one_or_none()
    return default if value is None else value


def get_metas(conn: Connection, *keys: str) -> dict[str, str]:
    """Several stored ``meta`` values in one query; keys not stored are left out."""
    sql = _METAS_SQL.get(len(keys))
    if sql is None:
        sql = _METAS_SQL[len(keys)] = (
            f"SELECT key, value FROM meta WHERE key IN ({', '.join('?' * len(keys))})")
    return dict(conn.exec_driver_sql(sql, keys).all()) if keys else {}


def set_meta(conn: Connection, **values: object) -> None:
    """Store several ``meta`` values."""
    if values:
        conn.execute(_SET_META, [{"key": k, "value": str(v)} for k, v in values.items()])


# ---------------------------------------------------------------------------- results, audit


def save_result(
    conn: Connection,
    protector: Protector,
    *,
    check_id: str,
    subject_id: str,
    item: str,
    verdict: str,
    source: str,
    body: str,
) -> None:
    """Keep an answer, sealed whole."""
    conn.exec_driver_sql(_RESULT_SQL, (check_id, protector.index(subject_id), item, verdict,
                                       source, time.time(), protector.seal(body)))


def load_result(conn: Connection, protector: Protector, check_id: str) -> str | None:
    """A kept answer's JSON, or None."""
    token = conn.execute(
        select(results.c.body_sealed).where(results.c.check_id == check_id)
    ).scalar_one_or_none()
    return protector.open(token) if token else None


ANCHOR_EVERY = 50  # entries between anchors of the chain head at the platform


def append_audit(conn: Connection, protector: Protector, *, counter: str, clerk: str,
                 event: str, subject_id: str | None = None, masked: str | None = None,
                 item: str | None = None, verdict: str | None = None,
                 source: str | None = None, details: dict | None = None) -> int:
    """Append a chained log entry; the subject appears only as keyed hash and masked form.

    Runs inside the caller's write transaction (BEGIN IMMEDIATE), so reading the chain
    head and appending to it cannot interleave with another writer. Every
    ``ANCHOR_EVERY`` entries the new head is queued for the platform (outbox, kind
    ``anchor``) so it survives offline periods.
    """
    seq, prev = audit_head(conn)
    row = _audit_row(protector, seq + 1, prev, counter, clerk, event, subject_id, masked,
                     item, verdict, source, details)
    conn.exec_driver_sql(_AUDIT_SQL, _AUDIT_VALUES(row))
    if row["seq"] % ANCHOR_EVERY == 0:
        queue_anchor(conn, protector, counter, row["seq"], row["hash"])
    return row["seq"]


def append_audit_many(conn: Connection, protector: Protector, entries: Iterable[dict]) -> int:
    """``append_audit`` for several entries (each a dict of its keyword arguments), in order.

    Reads the chain head once and inserts every entry in one statement; the entries, their
    hashes and the anchors queued are those ``append_audit`` called once per entry would
    make. Same transaction rule. Returns the last entry's sequence number (the head's when
    ``entries`` is empty).
    """
    seq, prev = audit_head(conn)
    key = protector.chain_key
    rows: list[dict] = []
    for e in entries:
        row = _audit_row(protector, seq + 1, prev, e["counter"], e["clerk"], e["event"],
                         e.get("subject_id"), e.get("masked"), e.get("item"),
                         e.get("verdict"), e.get("source"), e.get("details"), key)
        rows.append(row)
        seq, prev = row["seq"], row["hash"]
    if rows:
        conn.exec_driver_sql(_AUDIT_SQL, list(map(_AUDIT_VALUES, rows)))
        for row in rows:
            if row["seq"] % ANCHOR_EVERY == 0:
                queue_anchor(conn, protector, row["counter"], row["seq"], row["hash"])
    return seq


def _audit_row(protector: Protector, seq: int, prev: str, counter: str, clerk: str,
               event: str, subject_id: str | None, masked: str | None, item: str | None,
               verdict: str | None, source: str | None, details: dict | None,
               key: bytes | None = None) -> dict:
    """One chained entry as stored: its fields, salt, commitment and hashes."""
    at = repr(time.time())
    subject_key = protector.index(subject_id) if subject_id else None
    text = _DETAILS(details or {})
    salt = os.urandom(16).hex()
    commit = chain.commitment_of(salt, subject_key, masked, text)
    digest = chain.entry_hash_of(protector.chain_key if key is None else key, prev, commit,
                                 seq, at, counter, clerk, event, item, verdict, source)
    return {"seq": seq, "at": float(at), "counter": counter, "clerk": clerk, "event": event,
            "item": item, "verdict": verdict, "source": source, "subject_key": subject_key,
            "subject_masked": masked, "details": text, "salt": salt, "commitment": commit,
            "prev_hash": prev, "hash": digest, "purged": 0}


def queue_anchor(conn: Connection, protector: Protector, counter: str, seq: int,
                 head: str) -> None:
    """Queue ``{counter, seq, head_hash}`` for the platform."""
    payload = json.dumps({"counter": counter, "seq": seq, "head_hash": head})
    add_outbox(conn, protector, idempotency_key=f"anchor-{counter}-{seq}",
               check_id=f"anchor-{seq}", subject_id=None, action="anchor", payload=payload,
               kind="anchor")


KEPT_WHOLE = ("retention.purge", "bridge.revoked")  # entries retention never empties


def purge_personal(conn: Connection, before: float) -> int:
    """Retention: drop personal fields and salts of entries older than ``before``.

    The commitments stay, so the chain still verifies; what the fields were is gone.
    The purges' own entries hold no personal data and are kept whole: they are the record
    of what retention removed and when. So are the local bridge's revocations (a client
    id, no personal data): the bridge refuses a revoked client by them for good.
    """
    result = conn.execute(
        update(audit).where(audit.c.at < before).where(audit.c.purged == 0)
        .where(audit.c.event.notin_(KEPT_WHOLE))
        .values(subject_key=None, subject_masked=None, details="{}", salt=None, purged=1)
    )
    return result.rowcount


def audit_head(conn: Connection) -> tuple[int, str]:
    """The newest entry's sequence number and hash (0, "") for an empty log."""
    last = conn.exec_driver_sql(_AUDIT_HEAD_SQL).first()
    return (last[0], last[1]) if last else (0, "")


def mark_checked(conn: Connection, protector: Protector, subject_id: str, masked: str,
                 seen: dict | None = None) -> None:
    """Remember that this desk checked the subject now (for change alerts), and with
    ``seen`` what an online answer said of its grade and warnings (``local_cache.alerts``);
    an offline answer (None) leaves the last one remembered."""
    key = protector.index(subject_id)
    values = (key, protector.seal(subject_id), masked, time.time())
    if seen is None:
        conn.exec_driver_sql(_CHECKED_SQL, values)
        return
    conn.exec_driver_sql(_CHECKED_SEEN_SQL, (*values, seal_seen(protector, key, seen)))


# ---------------------------------------------------------------------------- outbox


def add_outbox(
    conn: Connection,
    protector: Protector,
    *,
    idempotency_key: str,
    check_id: str,
    subject_id: str | None,
    action: str,
    payload: str,
    kind: str = "feedback",
) -> int:
    """Queue a message for the platform (feedback, anchor, report); the payload is sealed.
    Listeners hear of it when the unit of work commits (``db.when_rows_queued``)."""
    now = time.time()
    note_row_queued(conn)
    return conn.execute(
        _INSERT_OUTBOX,
        {
            "idempotency_key": idempotency_key,
            "check_id": check_id,
            "subject_key": protector.index(subject_id) if subject_id else "",
            "action": action,
            "kind": kind,
            "payload_sealed": protector.seal(payload),
            "state": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        },
    ).inserted_primary_key[0]


def due_outbox(conn: Connection, now: float, limit: int = 100) -> Sequence:
    """Pending rows whose next attempt is due, oldest first."""
    return conn.execute(
        select(outbox)
        .where(outbox.c.state == "pending")
        .where(outbox.c.next_attempt_at <= now)
        .order_by(outbox.c.id)
        .limit(limit)
    ).all()


def update_outbox(conn: Connection, row_id: int, **values: object) -> None:
    """Change an outbox row (state, attempts, errors, receipt)."""
    conn.execute(update(outbox).where(outbox.c.id == row_id).values(**values))


def outbox_counts(conn: Connection, kind: str | None = None) -> dict[str, int]:
    """Rows per state (pending, sent, failed), of one kind or of all."""
    counts = {"pending": 0, "sent": 0, "failed": 0}
    query = select(outbox.c.state, func.count()).group_by(outbox.c.state)
    if kind is not None:
        query = query.where(outbox.c.kind == kind)
    for state, n in conn.execute(query):
        counts[state] = n
    return counts


def failed_outbox(conn: Connection) -> Sequence:
    """Rows parked as failed, with their reasons."""
    return conn.execute(
        select(outbox).where(outbox.c.state == "failed").order_by(outbox.c.id)
    ).all()
