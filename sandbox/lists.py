"""List versions for delta sync: ``lists/changes`` paging, expiry sweep, test mutations.

Every change to a record gives it the next list version (unique, increasing), so a desk
that remembers the last version it applied can ask for exactly what came after. A record
whose expiry day has passed is re-versioned by a sweep, so time-based expiry reaches the
desks as a ``delete`` like a repair does.
"""

from __future__ import annotations

import datetime as dt
import random
import threading

from sqlalchemy import Engine, bindparam, func, insert, select, update

from desktop.domain import RecordKind, RecordState
from desktop.platform import schemas
from sandbox import catalog
from sandbox import schemas as control
from sandbox.storage import meta, records, subjects

MAX_PAGE = 10_000


class VersionUnknown(LookupError):
    """The desk asked for changes after a version this platform never issued."""


class ListVersions:
    """Hands out list versions; one writer at a time (the platform is one process)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()

    def current(self) -> int:
        """The newest list version."""
        with self._engine.connect() as conn:
            return conn.execute(select(func.coalesce(func.max(records.c.version), 0))).scalar_one()

    def sweep_expired(self, on: dt.date) -> int:
        """Mark records past their expiry as expired, each with a new version."""
        with self._lock, self._engine.begin() as conn:
            due = (
                conn.execute(
                    select(records.c.id)
                    .where(records.c.state == RecordState.ACTIVE.value)
                    .where(records.c.expires_on.is_not(None))
                    .where(records.c.expires_on <= on.isoformat())
                    .order_by(records.c.version)
                )
                .scalars()
                .all()
            )
            if due:
                start = self._newest(conn)
                conn.execute(
                    update(records)
                    .where(records.c.id == bindparam("rid"))
                    .values(version=bindparam("v"), state=RecordState.EXPIRED.value,
                            changed_on=on.isoformat()),
                    [{"rid": rid, "v": start + i} for i, rid in enumerate(due, 1)],
                )
                self._record_version(conn, start + len(due))
        return len(due)

    def changes(self, since: int, limit: int, on: dt.date) -> schemas.ChangesOut:
        """The page of changes after ``since``, in version order.

        From 0 this is the whole snapshot: records in force as ``upsert``, repaired and
        expired ones as ``delete`` (which a desk starting from empty simply skips). One
        rule for every page keeps a paged walk free of gaps and repeats.
        """
        newest = self.current()
        if since > newest:
            raise VersionUnknown(since)
        query = (
            select(
                records, subjects.c.name, subjects.c.kind.label("subject_kind"), subjects.c.district
            )
            .join(subjects, subjects.c.id == records.c.subject_id)
            .where(records.c.version > since)
            .order_by(records.c.version)
            .limit(limit + 1)
        )
        with self._engine.connect() as conn:
            rows = conn.execute(query).all()
        more = len(rows) > limit
        rows = rows[:limit]
        entries = []
        for r in rows:
            record = schemas.RecordOut(
                id=r.id,
                kind=r.kind,
                field=r.field,
                department=r.department,
                basis=r.basis,
                listed_on=dt.date.fromisoformat(r.listed_on),
                expires_on=dt.date.fromisoformat(r.expires_on) if r.expires_on else None,
                state=r.state,
            )
            live = record.to_domain(r.subject_id).counts_on(on)
            entries.append(
                schemas.ChangeEntry(
                    op="upsert" if live else "delete",
                    version=r.version,
                    subject_id=r.subject_id,
                    subject_name=r.name,
                    subject_kind=r.subject_kind,
                    district=r.district,
                    record=record,
                    changed_on=dt.date.fromisoformat(r.changed_on) if r.changed_on else None,
                )
            )
        version = rows[-1].version if more else newest
        return schemas.ChangesOut(
            version=version, catalog_version=catalog.CATALOG_VERSION, entries=entries, more=more
        )

    def mutate(self, n: int, seed: int | None, on: dt.date) -> control.MutateOut:
        """Change ``n`` random records: repair or expire live ones, re-list old ones."""
        rng = random.Random(seed)
        with self._lock, self._engine.begin() as conn:
            every = conn.execute(
                select(
                    records.c.id, records.c.subject_id, records.c.state, records.c.kind
                ).order_by(records.c.id)
            ).all()
            if not every:
                return control.MutateOut(changed=0, subject_ids=[], list_version=0)
            ids = [every[i] for i in sorted(rng.sample(range(len(every)), min(n, len(every))))]
            changes = []
            for rid, _sid, state, kind in ids:
                if state == RecordState.ACTIVE.value:
                    new_state = rng.choice([RecordState.REPAIRED, RecordState.EXPIRED]).value
                    values = {"state": new_state, "changed_on": on.isoformat()}
                    if new_state == RecordState.EXPIRED.value:
                        values["expires_on"] = on.isoformat()
                else:
                    years = 3 if kind != RecordKind.RED_LIST.value else 2
                    values = {
                        "state": RecordState.ACTIVE.value,
                        "changed_on": on.isoformat(),
                        "listed_on": on.isoformat(),
                        "expires_on": on.replace(year=on.year + years).isoformat()
                        if not (on.month == 2 and on.day == 29)
                        else (on + dt.timedelta(days=365 * years)).isoformat(),
                    }
                changes.append((rid, values))
            version = self._bump(conn, changes)
        return control.MutateOut(
            changed=len(changes),
            subject_ids=sorted({sid for _r, sid, _s, _k in ids}),
            list_version=version,
        )

    def mark(self, record_id: str, state: RecordState, on: dt.date) -> int:
        """Mark one record ``repaired`` (信用修复) or ``expired`` (today) with a new version,
        as the platform's departments do; test control for the reliability suite. Returns
        the new list version; raises LookupError for an unknown record."""
        if state not in (RecordState.REPAIRED, RecordState.EXPIRED):
            raise ValueError(f"a record is marked repaired or expired, not {state.value}")
        values = {"state": state.value, "changed_on": on.isoformat()}
        if state == RecordState.EXPIRED:
            values["expires_on"] = on.isoformat()
        with self._lock, self._engine.begin() as conn:
            found = conn.execute(select(records.c.id).where(records.c.id == record_id)).first()
            if found is None:
                raise LookupError(record_id)
            return self._bump(conn, [(record_id, values)])

    def add(self, subject_id: str, record: control.RecordIn, on: dt.date) -> tuple[str, int]:
        """List ``subject_id`` on ``record.kind`` from today, as a department does; test
        control. Returns the new record's id and list version; LookupError for an unknown
        subject."""
        years = 2 if record.kind == RecordKind.RED_LIST else 3
        expires = on + dt.timedelta(days=365 * years)
        with self._lock, self._engine.begin() as conn:
            if conn.execute(select(subjects.c.id).where(subjects.c.id == subject_id)).first() \
                    is None:
                raise LookupError(subject_id)
            version = self._newest(conn) + 1
            record_id = f"T{version:09d}"  # generated ids start with the kind's letter
            conn.execute(insert(records).values(
                id=record_id, subject_id=subject_id, kind=record.kind.value,
                field=record.field, department=record.department, basis=record.basis,
                listed_on=on.isoformat(), expires_on=expires.isoformat(),
                state=RecordState.ACTIVE.value, version=version, changed_on=on.isoformat()))
            self._record_version(conn, version)
        return record_id, version

    def _bump(self, conn, changes: list[tuple[str, dict]]) -> int:
        """Apply ``changes`` giving each record the next version; returns the newest."""
        version = self._newest(conn)
        for rid, values in changes:
            version += 1
            conn.execute(
                update(records).where(records.c.id == rid).values(version=version, **values)
            )
        if changes:
            self._record_version(conn, version)
        return version

    @staticmethod
    def _newest(conn) -> int:
        return conn.execute(select(func.coalesce(func.max(records.c.version), 0))).scalar_one()

    @staticmethod
    def _record_version(conn, version: int) -> None:
        conn.execute(update(meta).where(meta.c.key == "list_version").values(value=str(version)))
