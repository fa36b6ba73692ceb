"""The list snapshot for offline checks, on two sides: one live, one a resync fills.

Side "a" is ``snapshot_subjects``/``snapshot_records``, side "b" their ``_b`` twins (same
columns, same index). ``meta.snapshot_side`` names the live side (none stored: "a").
A delta sync applies its pages to the live side. A full resync fills the other side,
resumably (``meta.resync_version``: the version that side has reached; present while a
resync is under way), and ``swap`` makes it live in the transaction of its last page, so
offline checks read a whole snapshot before, during and after a resync, and one that
fails or is killed half way leaves the live side as it was.

Like ``store``, every function takes the connection of the caller's unit of work; lookups
are indexed (subject key) on either side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, delete, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from local_cache.tables import (
    meta,
    snapshot_records,
    snapshot_records_b,
    snapshot_subjects,
    snapshot_subjects_b,
)

SIDE_KEY = "snapshot_side"
RESYNC_KEY = "resync_version"  # the version the resync side reached; absent: no resync
# The catalogue a resync met, held back until its swap (the live one stays until then).
RESYNC_CATALOG_KEYS = ("resync_catalog_version", "resync_catalog_json")


@dataclass(frozen=True)
class SnapshotSubject:
    """A subject as the snapshot knows it (opened)."""

    id: str
    kind: str
    name: str
    district: str


@dataclass(frozen=True)
class SnapshotRecord:
    """A list entry of the snapshot."""

    record_id: str
    kind: str
    field: str
    department: str
    basis: str
    listed_on: str
    expires_on: str | None
    state: str


# The columns of a side's tables in the order the page's rows bind them, primary key first.
_SUBJECT_COLUMNS = ("subject_key", "kind", "district", "id_sealed", "name_sealed")
_RECORD_COLUMNS = ("record_id", "subject_key", "kind", "field", "department", "basis",
                   "listed_on", "expires_on", "state", "version")


class _Side:
    """One side's tables and its statements, built once (see ``store`` on why).

    A sync's page is written with plain SQL text and rows as tuples in columns' order
    (``exec_driver_sql``): SQLAlchemy then neither compiles nor matches parameters to
    columns, which was a sixth of a 1,000,000-entry sync."""

    def __init__(self, subjects, records) -> None:
        self.subjects, self.records = subjects, records
        self.upsert_subjects = _upsert_sql(subjects, _SUBJECT_COLUMNS)
        self.upsert_records = _upsert_sql(records, _RECORD_COLUMNS)
        self.delete_record = f"DELETE FROM {records.name} WHERE record_id = ?"
        self.subject = select(subjects).where(subjects.c.subject_key == bindparam("key"))
        self.records_of = (select(records).where(records.c.subject_key == bindparam("key"))
                           .order_by(records.c.record_id))


def _upsert_sql(table, names: tuple[str, ...]) -> str:
    """``INSERT`` of ``names`` (its parameters, in this order), ``ON CONFLICT`` of the first
    (the primary key) ``DO UPDATE`` of the others, as SQL text."""
    if set(names) != set(table.c.keys()) or table.primary_key.columns.keys() != [names[0]]:
        raise ValueError(f"{table.name}: the statement would not write every column")
    return (f"INSERT INTO {table.name} ({', '.join(names)}) "
            f"VALUES ({', '.join('?' * len(names))}) ON CONFLICT ({names[0]}) DO UPDATE SET "
            + ", ".join(f"{n} = excluded.{n}" for n in names[1:]))


SIDES = {"a": _Side(snapshot_subjects, snapshot_records),
         "b": _Side(snapshot_subjects_b, snapshot_records_b)}
_GET = select(meta.c.value).where(meta.c.key == bindparam("key"))
_FORGET = delete(meta).where(meta.c.key.in_(bindparam("keys", expanding=True)))


def live_side(conn: Connection) -> str:
    """The side offline checks read: "a" or "b"."""
    side = conn.execute(_GET, {"key": SIDE_KEY}).scalar_one_or_none()
    return side if side in SIDES else "a"


def other_side(side: str) -> str:
    """The side that is not ``side``."""
    return "b" if side == "a" else "a"


def tables(side: str):
    """``(subjects, records)`` of a side."""
    return SIDES[side].subjects, SIDES[side].records


def resync_version(conn: Connection) -> int | None:
    """The version a resync under way has reached on the resync side, or None."""
    value = conn.execute(_GET, {"key": RESYNC_KEY}).scalar_one_or_none()
    return None if value is None else int(value)


def begin_resync(conn: Connection) -> str:
    """Start a full resync from version 0 into the side that is not live (emptied now);
    returns that side. The live side is not touched."""
    side = other_side(live_side(conn))
    clear_snapshot(conn, side)
    conn.execute(_FORGET, {"keys": list(RESYNC_CATALOG_KEYS)})
    conn.execute(sqlite_insert(meta).on_conflict_do_update(
        index_elements=["key"], set_={"value": "0"}), {"key": RESYNC_KEY, "value": "0"})
    return side


def swap(conn: Connection, side: str) -> dict[str, str]:
    """Make the resync ``side`` live and end the resync; returns the catalogue it held
    back (``catalog_version`` and ``catalog_json``, empty when it met none), for the caller
    to store in the same transaction with the list version."""
    held = dict(conn.execute(select(meta.c.key, meta.c.value)
                             .where(meta.c.key.in_(RESYNC_CATALOG_KEYS))).all())
    conn.execute(_FORGET, {"keys": [RESYNC_KEY, *RESYNC_CATALOG_KEYS]})
    conn.execute(sqlite_insert(meta).on_conflict_do_update(
        index_elements=["key"], set_={"value": side}), {"key": SIDE_KEY, "value": side})
    if not held:
        return {}
    return {"catalog_version": held["resync_catalog_version"],
            "catalog_json": held["resync_catalog_json"]}


def apply_changes(conn: Connection, protector, entries: Sequence[dict],
                  side: str = "a") -> set[str]:
    """Apply one page of list changes to ``side``; returns the subject keys touched.

    Each entry: ``op``, ``version``, ``subject_id``, ``subject_name``, ``subject_kind``,
    ``district`` and the record's fields. Deletes of unknown records are no-ops, so a
    page applied twice (a crash between apply and commit is impossible, but a replayed
    page after a resync is not) leaves the same snapshot.
    """
    s = SIDES[side]
    keys, sealed = protect_page(protector, entries)
    subjects: dict[str, tuple] = {}
    upserts: list[tuple] = []
    deletes: list[tuple[str]] = []
    for key, e in zip(keys, entries, strict=True):
        if e["op"] == "delete":
            deletes.append((e["record_id"],))
            continue
        if key not in subjects:
            subjects[key] = (key, e["subject_kind"], e["district"], *sealed[key])
        upserts.append((e["record_id"], key, e["kind"], e["field"], e["department"],
                        e["basis"], e["listed_on"], e["expires_on"], e["state"],
                        e["version"]))
    if deletes:
        conn.exec_driver_sql(s.delete_record, deletes)
    if subjects:
        conn.exec_driver_sql(s.upsert_subjects, list(subjects.values()))
    if upserts:
        conn.exec_driver_sql(s.upsert_records, upserts)
    return set(keys)


def protect_page(protector, entries: Sequence[dict]) -> tuple[list[str], dict[str, tuple]]:
    """What a page must not hold in plaintext at rest: the lookup key (keyed hash) of each
    entry's identifier, in order, and for each subject the page upserts, its identifier
    and name sealed (once, however many of its records the page holds), by key."""
    keys = protector.index_many([e["subject_id"] for e in entries])
    firsts: dict[str, dict] = {}
    for key, e in zip(keys, entries, strict=True):
        if e["op"] != "delete" and key not in firsts:
            firsts[key] = e
    ids = protector.seal_many([e["subject_id"] for e in firsts.values()])
    names = protector.seal_many([e["subject_name"] for e in firsts.values()])
    return keys, dict(zip(firsts, zip(ids, names, strict=True), strict=True))


def clear_snapshot(conn: Connection, side: str = "a") -> None:
    """Empty one side of the snapshot."""
    subjects, records = tables(side)
    conn.execute(delete(records))
    conn.execute(delete(subjects))


def snapshot_lookup(conn: Connection, protector, subject_id: str, side: str | None = None
                    ) -> tuple[SnapshotSubject | None, list[SnapshotRecord]]:
    """The live snapshot's subject and records for one identifier (one indexed lookup
    each). ``side`` None reads the live side named in the caller's transaction, so a swap
    committed meanwhile is seen whole or not at all."""
    s = SIDES[side or live_side(conn)]
    key = protector.index(subject_id)
    row = conn.execute(s.subject, {"key": key}).first()
    subject = None
    if row is not None:
        subject = SnapshotSubject(
            protector.open(row.id_sealed), row.kind, protector.open(row.name_sealed), row.district
        )
    records = [
        SnapshotRecord(
            r.record_id, r.kind, r.field, r.department, r.basis, r.listed_on, r.expires_on, r.state
        )
        for r in conn.execute(s.records_of, {"key": key})
    ]
    return subject, records


def snapshot_record_ids(conn: Connection, side: str | None = None) -> dict[str, str]:
    """Every record id in the live snapshot (or ``side``) with its subject key."""
    records = SIDES[side or live_side(conn)].records
    return dict(conn.execute(select(records.c.record_id, records.c.subject_key)).all())
