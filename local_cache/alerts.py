"""Change alerts and what they are compared against: the cache's half.

An alert is one row per subject while it is unread: changes found by later syncs are
added to the open alert's lines (``changes_sealed``, a sealed JSON list; what a line holds
is ``desktop.platform.changes``'s business), at most ``MAX_LINES`` of them: the newest,
after one line that counts the older ones dropped. ``checked.seen_sealed`` keeps what the
last online answer said of the subject's grade and warnings, with the row's key sealed in
it. Both are sealed: a line may name a related party or a department's point that
mentions a person.

Rows are read defensively: a cache file edited by hand (a value that cannot be opened, a
time that is not a number, lines that are not a list) gives an alert that says it cannot
be read, never an exception in the panel or the CLI.
"""

from __future__ import annotations

import json
import logging
import time

from sqlalchemy import Connection, func, insert, select, update

from local_cache import snapshot
from local_cache.protect import Protector, SealError
from local_cache.tables import alerts, checked

log = logging.getLogger(__name__)

UNREADABLE = "（无法读取）/ (unreadable)"
# The row's key inside the sealed ``seen`` (bound to its row, see ``seen_rows``).
SEEN_KEY = "subject_key"
# An unread alert keeps at most this many lines: the newest, after one ``dropped`` line
# that counts the older ones left out (a subject whose records churn every sync would
# otherwise grow one row, sealed and re-sealed whole at each sync, without bound).
MAX_LINES = 50
DROPPED = "dropped"


def watched(conn: Connection, keys: set[str], since: float) -> dict[str, str]:
    """Of ``keys``, the subjects this desk checked after ``since``: key -> masked form."""
    if not keys:
        return {}
    return dict(conn.execute(
        select(checked.c.subject_key, checked.c.masked)
        .where(checked.c.subject_key.in_(keys)).where(checked.c.last_checked_at >= since)
    ).all())


def held_records(conn: Connection, side: str, record_ids: list[str]) -> dict[str, dict]:
    """The snapshot's rows (on ``side``) for ``record_ids``, before a page changes them."""
    if not record_ids:
        return {}
    records = snapshot.tables(side)[1]
    rows = conn.execute(select(records).where(records.c.record_id.in_(record_ids)))
    return {r.record_id: dict(r._mapping) for r in rows}


def write_alert(conn: Connection, protector: Protector, *, subject_key: str, masked: str,
                lines: list[dict], version: int, side: str | None = None,
                name: str | None = None) -> bool:
    """Add ``lines`` to the subject's open alert, or open one; True when a new alert was
    opened. The name is the snapshot's (or ``name``, when the snapshot has none)."""
    side = side or snapshot.live_side(conn)
    subjects, records = snapshot.tables(side)
    held = conn.execute(select(subjects.c.name_sealed)
                        .where(subjects.c.subject_key == subject_key)).scalar_one_or_none()
    live = conn.execute(select(func.count()).select_from(records)
                        .where(records.c.subject_key == subject_key)).scalar_one()
    now = time.time()
    for row in conn.execute(select(alerts.c.id, alerts.c.changes_sealed)
                            .where(alerts.c.subject_key == subject_key)
                            .where(alerts.c.acknowledged == 0).order_by(alerts.c.id.desc())):
        before = _lines(protector, row.changes_sealed)
        if before is None:  # unreadable or from before lines: leave it, open a new one
            continue
        merged, total = capped(before + lines)
        conn.execute(update(alerts).where(alerts.c.id == row.id).values(
            changes_sealed=protector.seal(json.dumps(merged, ensure_ascii=False)),
            summary=_summary(total, live), list_version=version, raised_at=now,
            **({"name_sealed": held} if held else {})))
        return False
    lines, total = capped(lines)
    conn.execute(insert(alerts).values(
        subject_key=subject_key, masked=masked,
        name_sealed=held or protector.seal(name or ""),
        summary=_summary(total, live), list_version=version, raised_at=now,
        acknowledged=0, changes_sealed=protector.seal(json.dumps(lines, ensure_ascii=False))))
    return True


def capped(lines: list[dict]) -> tuple[list[dict], int]:
    """At most ``MAX_LINES`` lines: the newest, after a ``dropped`` line counting the older
    ones (earlier drops included); and how many changes the alert holds in all."""
    dropped = sum(_count(x) for x in lines if x.get("change") == DROPPED)
    real = [x for x in lines if x.get("change") != DROPPED]
    if dropped == 0 and len(real) <= MAX_LINES:
        return real, len(real)
    kept = real[-(MAX_LINES - 1):]
    dropped += len(real) - len(kept)
    return [{"change": DROPPED, "count": dropped, "date": None, "source": ""}, *kept], \
        dropped + len(kept)


def _count(line: dict) -> int:
    value = line.get("count")
    return value if isinstance(value, int) and value > 0 else 0


def _summary(changes: int, live: int) -> str:
    # Plain text at rest: counts only, no names.
    return (f"信用状态有变化：{changes}项变动，当前有效记录{live}条 / credit status changed: "
            f"{changes} change(s), {live} record(s) in force")


def _lines(protector: Protector, sealed: object) -> list[dict] | None:
    """The lines of a stored alert; None when there are none to read (empty or damaged)."""
    if not isinstance(sealed, str) or not sealed:
        return None
    try:
        value = json.loads(protector.open(sealed))
    except (SealError, ValueError):
        return None
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else None


def acknowledge_alert(conn: Connection, alert_id: int) -> bool:
    """Mark an alert seen; False when there is no such open alert."""
    return conn.execute(update(alerts).where(alerts.c.id == alert_id)
                        .where(alerts.c.acknowledged == 0).values(acknowledged=1)).rowcount == 1


def open_alerts(conn: Connection, protector: Protector) -> list[dict]:
    """Unacknowledged alerts, newest first, names and lines opened.

    Each: ``id``, ``masked``, ``name``, ``summary``, ``changes`` (lines), ``readable``
    (False when the row's name or lines could not be read), ``list_version``,
    ``raised_at``.
    """
    out = []
    for r in conn.execute(select(alerts).where(alerts.c.acknowledged == 0)
                          .order_by(alerts.c.id.desc())):
        readable = True
        try:
            name = protector.open(r.name_sealed) if isinstance(r.name_sealed, str) else ""
        except SealError:
            name, readable = UNREADABLE, False
        lines = _lines(protector, r.changes_sealed)
        if lines is None:
            readable = readable and not r.changes_sealed  # an old alert has no lines
            lines = []
        out.append({"id": r.id, "masked": str(r.masked), "name": name,
                    "summary": str(r.summary), "changes": lines, "readable": readable,
                    "list_version": _number(r.list_version, int),
                    "raised_at": _number(r.raised_at, float)})
    return out


def _number(value: object, kind: type) -> int | float:
    try:
        return kind(value)
    except (TypeError, ValueError):
        return kind(0)


def seen_rows(conn: Connection, protector: Protector, since: float,
              limit: int) -> list[tuple[str, str, str, dict]]:
    """Subjects checked after ``since`` whose last online answer is remembered, newest
    first, at most ``limit``: ``(subject_key, identifier, masked, seen)``. A row whose
    sealed values cannot be opened is left out (it gets a new summary at its next check),
    and so is one whose sealed values belong to another row (copied or swapped in the
    file: the identifier's keyed hash, or the key ``seen`` was sealed with, is not the
    row's), with a warning: compared, it would raise an alert about the wrong person."""
    out = []
    for r in conn.execute(
            select(checked).where(checked.c.last_checked_at >= since)
            .where(checked.c.seen_sealed != "").order_by(checked.c.last_checked_at.desc())
            .limit(limit)):
        try:
            seen = json.loads(protector.open(r.seen_sealed))
            subject_id = protector.open(r.id_sealed)
        except (SealError, ValueError):
            continue
        if not (isinstance(seen, dict) and isinstance(seen.get("item"), str)):
            continue
        bound = seen.pop(SEEN_KEY, r.subject_key)  # sealed before the binding: none
        if protector.index(subject_id) != r.subject_key or bound != r.subject_key:
            log.warning("a checked row's sealed values belong to another row: left out of "
                        "the comparison (%s)", r.masked)
            continue
        out.append((r.subject_key, subject_id, r.masked, seen))
    return out


def set_seen(conn: Connection, protector: Protector, subject_key: str, seen: dict) -> None:
    """Remember ``seen`` as what the platform last said of the subject."""
    conn.execute(update(checked).where(checked.c.subject_key == subject_key).values(
        seen_sealed=seal_seen(protector, subject_key, seen)))


def seal_seen(protector: Protector, subject_key: str, seen: dict) -> str:
    """``seen`` sealed with the row's key in it, so it cannot pass for another row's."""
    return protector.seal(json.dumps({**seen, SEEN_KEY: subject_key}, ensure_ascii=False))
