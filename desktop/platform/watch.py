"""Ongoing monitoring of the subjects this desk checked: the change alerts' sources.

List changes come with the delta sync, a page at a time: ``before_page`` notes which
entries concern a watched subject (checked in the last ``alert_days``) and the snapshot's
rows of their records before the page is applied; ``after_page`` turns them into lines
(``desktop.platform.changes``) and alerts, in the page's own transaction, so a crash
never loses or repeats one.

Warnings and grades have no feed. After a delta sync, ``compare_facts`` asks the
platform's batch endpoint about the most recently checked subjects whose last online
answer the desk remembers (at most ``FACTS_LIMIT``), in chunks of at most
``COMPARE_CHUNK`` per call (each answer is parsed, compared and committed on its own, so
no one piece holds the interpreter long), for the first item the desk's department is
offered (``desktop.catalogue.offered``; grades and warnings do not depend on the item).
It compares grade and warnings with that answer, raises alerts for what differs, and
remembers the new answer. Each comparison is one audit entry ``alerts.compared`` with
the item and the counts (subjects asked, answered, alerted), never an identifier: the
platform was asked about people, and the log says so. A platform that does not answer
costs nothing but the comparison of the chunks not answered: the remembered answers
stay, so the next sync finds the same differences.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import Connection, Engine

from desktop import catalogue
from desktop.platform import changes
from desktop.platform.client import PlatformClient
from desktop.platform.schemas import MAX_BATCH
from local_cache import alerts as alert_store
from local_cache import store
from local_cache.db import UnitOfWork
from local_cache.protect import Protector

log = logging.getLogger(__name__)

FACTS_LIMIT = MAX_BATCH  # subjects compared per sync, newest checked first
# Subjects per batch call: a 1,000-row answer parsed in one piece held the GIL for
# 15-40 ms (the window stutters); 200 keeps each piece short.
COMPARE_CHUNK = 200
EVENT = "alerts.compared"


@dataclass
class PageWatch:
    """A page's entries that concern watched subjects, and what the snapshot held."""

    masked: dict[str, str]  # subject key -> masked identifier
    entries: list[tuple[str, dict]]  # (subject key, entry)
    held: dict[str, dict]  # record id -> snapshot row before the page


def before_page(conn: Connection, protector: Protector, rows: list[dict], since: float,
                side: str) -> PageWatch | None:
    """What to compare after the page is applied; None when it touches no watched subject."""
    keyed = [(protector.index(r["subject_id"]), r) for r in rows]
    masked = alert_store.watched(conn, {k for k, _ in keyed}, since)
    if not masked:
        return None
    entries = [(k, r) for k, r in keyed if k in masked]
    held = alert_store.held_records(conn, side, [r["record_id"] for _, r in entries])
    return PageWatch(masked, entries, held)


def after_page(conn: Connection, protector: Protector, watch: PageWatch, version: int,
               side: str, today: dt.date) -> set[str]:
    """Alerts for the watched subjects the applied page changed; their keys."""
    lines: dict[str, list[dict]] = {}
    for key, entry in watch.entries:
        line = changes.record_line(watch.held.get(entry["record_id"]), entry, today)
        if line is not None:
            lines.setdefault(key, []).append(line)
    for key, found in lines.items():
        alert_store.write_alert(conn, protector, subject_key=key, masked=watch.masked[key],
                                lines=found, version=version, side=side)
    return set(lines)


def compare_facts(engine: Engine, protector: Protector, client: PlatformClient, *,
                  since: float, version: int, today: dt.date, department: str = "",
                  counter: str = "", clerk: str = "") -> set[str]:
    """Grade and warning changes of recently checked subjects; the keys alerted. The audit
    entry is written as ``counter`` and ``clerk``."""
    with engine.connect() as conn:
        rows = alert_store.seen_rows(conn, protector, since, FACTS_LIMIT)
        catalog, _ = catalogue.stored_or_shipped(conn)
    offered = catalogue.offered(catalog, department)
    if not rows or not offered:
        return set()
    item = offered[0].code
    alerted: set[str] = set()
    asked = answered = 0
    try:
        for start in range(0, len(rows), COMPARE_CHUNK):
            chunk = rows[start:start + COMPARE_CHUNK]
            asked += len(chunk)
            try:
                answer = client.batch(item, [subject_id for _k, subject_id, _m, _s in chunk])
            except Exception as exc:  # noqa: BLE001 - the sync itself succeeded
                log.warning("grades and warnings not compared after the sync: %s: %s",
                            type(exc).__name__, exc)
                break
            with UnitOfWork(engine) as uow:
                for (key, _sid, masked, seen), row in zip(chunk, answer.results, strict=True):
                    result = row.result
                    if result is None or not result.subject.known:
                        continue
                    answered += 1
                    now = changes.seen_of(seen["item"], result.grade, result.warnings)
                    found = changes.fact_lines(seen, now, today)
                    if found:
                        alert_store.write_alert(uow.conn, protector, subject_key=key,
                                                masked=masked, lines=found, version=version,
                                                name=result.subject.name)
                        alerted.add(key)
                    if now != seen:
                        alert_store.set_seen(uow.conn, protector, key, now)
                uow.commit()
    finally:
        if asked:  # the platform was asked about people: the log says how many, not who
            with UnitOfWork(engine) as uow:
                store.append_audit(uow.conn, protector, counter=counter, clerk=clerk,
                                   event=EVENT, item=item,
                                   details={"asked": asked, "answered": answered,
                                            "alerted": len(alerted),
                                            "list_version": version})
                uow.commit()
    return alerted
