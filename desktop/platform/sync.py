"""List sync: keep the offline snapshot equal to the platform's lists.

Pages of ``lists/changes`` are applied in transactions of a few pages (about half a
second of work each), and the version reached is stored in the same transaction, so a
crash or a network cut resumes from the last committed page with no gap and no repeat.
The next page is fetched while one is applied, so memory holds two pages at most and a
1,000,000-entry snapshot syncs from empty like a small one. A platform that no longer
knows our version (410), or ``full``, gets a full resync: it fills the snapshot's other
side (``local_cache/snapshot.py``), resumably, and swaps it in with the list version and
catalogue in the transaction of its last page; offline checks answer from the old
snapshot until then, and after a failure or a kill. In a delta sync, subjects this
desk checked in the last days whose records changed become change alerts that say what
changed, and after it their grades and warnings are compared with the platform's answer
(ongoing monitoring, ``watch.py``); a resync raises none.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy import Engine

from desktop import workdays
from desktop.events import AlertsFound, EventBus, Synced
from desktop.platform import watch
from desktop.platform.client import PlatformClient, PlatformError, VersionUnknown
from local_cache import snapshot, store
from local_cache.db import UnitOfWork
from local_cache.protect import Protector

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncReport:
    """What one sync did."""

    pages: int
    entries: int
    version: int
    full: bool
    alerts: int


# Pages applied in one write transaction: a group is committed once it has been open this
# long (and at the last page). A commit per 1,000-entry page was a fifth of a 1,000,000-
# entry sync (its fsync); a check at the counter waits at most about this long for the
# cache's write lock while a sync runs.
GROUP_SECONDS = 0.5


class SyncService:
    """Brings the snapshot up to the platform's newest list version."""

    def __init__(
        self,
        engine: Engine,
        protector: Protector,
        client: PlatformClient,
        *,
        page_size: int = 1000,
        alert_days: int = 30,
        now: Callable[[], float] = time.time,
        events: EventBus | None = None,
        department: Callable[[], str] = lambda: "",
        counter: Callable[[], str] = lambda: "",
        clerk: Callable[[], str] = lambda: "",
    ) -> None:
        """``department``, ``counter`` and ``clerk`` are read at each sync: the item the
        grade and warning comparison asks for, and who its audit entry names."""
        self._engine, self._protector, self._client = engine, protector, client
        self._department, self._counter, self._clerk = department, counter, clerk
        self._page_size, self._alert_days, self._now = page_size, alert_days, now
        self._events = events
        self._one_at_a_time = threading.Lock()  # F5 during the scheduled sync waits for it

    def version(self) -> int:
        """The list version the snapshot has reached."""
        with self._engine.connect() as conn:
            return int(store.get_meta(conn, "list_version", "0"))

    def sync(
        self, *, full: bool = False, progress: Callable[[int, int], None] | None = None,
        stop: threading.Event | None = None,
    ) -> SyncReport:
        """Sync from the stored version (or from 0 with ``full``); resumable at any page.

        A full resync cut short (an error, a kill, ``stop``) goes on from where it got at
        the next call, full or not; the live snapshot is untouched until it ends.

        ``progress(entries, version)`` follows the pages applied; a group of pages is
        committed together (see ``GROUP_SECONDS``), so a crash may take back the last
        group's progress, never more. Two syncs never overlap: a second caller waits for
        the first, then brings the snapshot up from where it left it. Once ``stop`` is set
        (the desk is closing) the sync ends after the page it is applying, with what it
        applied committed; the next sync goes on from there.
        """
        with self._one_at_a_time:
            report = self._sync(full, progress, stop)
            if not (stop is not None and stop.is_set()):
                self.sync_calendar()
            return report

    def sync_calendar(self) -> bool:
        """Keep the platform's working-day calendar (``desktop.workdays``) in the cache.

        Returns True when one was kept. A platform that serves none (404), or one that does
        not pass the calendar's checks, leaves the kept one as it was: the list sync itself
        has succeeded, and due dates then count with the calendar already known."""
        try:
            served = self._client.calendar()
            calendar = workdays.checked(frozenset(served.years), frozenset(served.holidays),
                                        frozenset(served.workdays))
        except (PlatformError, workdays.CalendarError):
            return False
        with UnitOfWork(self._engine) as uow:
            store.set_meta(uow.conn, **{workdays.META_KEY: calendar.to_json()})
            uow.commit()
        return True

    def _sync(self, full: bool, progress: Callable[[int, int], None] | None,
              stop: threading.Event | None) -> SyncReport:
        with self._engine.connect() as conn:
            pending, live = snapshot.resync_version(conn), snapshot.live_side(conn)
            since = int(store.get_meta(conn, "list_version", "0"))
        if pending is not None:  # a resync was cut short: it goes on, whatever was asked
            full, side, since = True, snapshot.other_side(live), pending
        elif full:
            side, since = self._begin_resync(), 0
        else:
            side = live
        # From empty nothing "changed" for the clerk, nor in a resync (the old snapshot is
        # not compared): no alerts.
        quiet = full or since == 0
        pages = entries = 0
        alerted: set[str] = set()  # subjects with a change alert from this sync
        today = dt.date.fromtimestamp(self._now())
        watch_since = self._now() - self._alert_days * 86400
        known_catalog: int | None = None  # catalogue version stored by this sync
        uow: UnitOfWork | None = None
        group_started = 0.0
        # The next page is asked for while this one is applied: the platform builds it and
        # the network carries it meanwhile, which was a third of a sync's time.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-fetch") as fetcher:
            ahead: Future = fetcher.submit(self._client.changes, since, self._page_size)
            try:
                while True:
                    try:
                        page = ahead.result()
                    except VersionUnknown:
                        # The platform was reset or restored: our version means nothing
                        # there. What this sync applied since its last commit goes too; the
                        # live snapshot keeps answering while the other side is rebuilt.
                        if uow is not None:
                            uow.__exit__(None, None, None)
                            uow = None
                        side = self._begin_resync()
                        full, since, quiet, known_catalog = True, 0, True, None
                        ahead = fetcher.submit(self._client.changes, since, self._page_size)
                        continue
                    if page.more:
                        ahead = fetcher.submit(self._client.changes, page.version,
                                               self._page_size)
                    catalog = None
                    if page.catalog_version != known_catalog:
                        if uow is not None:  # the catalogue comes over the network: unlock
                            uow.commit()
                            uow.__exit__(None, None, None)
                            uow = None
                        catalog = self._new_catalog(page.catalog_version, full)
                        known_catalog = page.catalog_version
                    if uow is None:
                        uow = UnitOfWork(self._engine).__enter__()
                        group_started = time.monotonic()
                    rows = [_flatten(e) for e in page.entries]
                    seen = None if quiet else watch.before_page(
                        uow.conn, self._protector, rows, watch_since, side)
                    snapshot.apply_changes(uow.conn, self._protector, rows, side)
                    if seen is not None:
                        alerted |= watch.after_page(uow.conn, self._protector, seen,
                                                    page.version, side, today)
                    store.set_meta(uow.conn, **self._reached(uow.conn, page, catalog, full, side))
                    if not page.more or time.monotonic() - group_started >= GROUP_SECONDS:
                        uow.commit()
                        uow.__exit__(None, None, None)
                        uow = None
                    pages += 1
                    entries += len(page.entries)
                    since = page.version
                    if progress:
                        progress(entries, since)
                    if page.more and stop is not None and stop.is_set():
                        if uow is not None:  # what was applied stays: resumable from here
                            uow.commit()
                            uow.__exit__(None, None, None)
                            uow = None
                        return SyncReport(pages, entries, since, full, len(alerted))
                    if not page.more:
                        if full:  # the old side is not read any more: give its room back
                            self._empty(snapshot.other_side(side))
                        elif not quiet and not (stop is not None and stop.is_set()):
                            alerted |= self._compare_facts(watch_since, since, today)
                        alerts = len(alerted)
                        report = SyncReport(pages, entries, since, full, alerts)
                        if self._events is not None:
                            self._events.publish(Synced(report))
                            if alerts:
                                self._events.publish(AlertsFound(alerts))
                        return report
            finally:
                if uow is not None:  # an error: the open group is rolled back
                    uow.__exit__(None, None, None)

    def _compare_facts(self, watch_since: float, version: int, today: dt.date) -> set[str]:
        """The grade and warning comparison after a delta sync, best-effort: the pages are
        committed, so any failure here (the platform, the cache while writing the alerts)
        is logged and the sync still ends as it succeeded; the remembered answers of what
        was not compared stay, and the next sync compares them again."""
        try:
            return watch.compare_facts(
                self._engine, self._protector, self._client, since=watch_since,
                version=version, today=today, department=self._department(),
                counter=self._counter(), clerk=self._clerk())
        except Exception as exc:  # noqa: BLE001 - see the docstring
            log.warning("grades and warnings not compared after the sync: %s: %s",
                        type(exc).__name__, exc)
            return set()

    def _reached(self, conn, page, catalog, full: bool, side: str) -> dict[str, object]:
        """The meta values to store with ``page``, in its transaction. A resync stores how
        far its side got and sets aside the catalogue it met; its last page makes its side
        live with the list version and that catalogue, all in this one transaction."""
        if full and page.more:
            values: dict[str, object] = {snapshot.RESYNC_KEY: page.version}
            if catalog is not None:
                values.update(resync_catalog_version=catalog.version,
                              resync_catalog_json=catalog.model_dump_json())
            return values
        values = dict(snapshot.swap(conn, side)) if full else {}
        values["list_version"] = page.version
        if catalog is not None:
            values.update(catalog_version=catalog.version,
                          catalog_json=catalog.model_dump_json())
        if not page.more:
            # ``snapshot_rebuilding`` was set by desks before the two sides, whose resync
            # emptied the live snapshot; any sync that ends clears it.
            values.update(last_sync_at=self._now(), snapshot_rebuilding="")
        return values

    def _begin_resync(self) -> str:
        with UnitOfWork(self._engine) as uow:
            side = snapshot.begin_resync(uow.conn)
            uow.commit()
        return side

    def _empty(self, side: str) -> None:
        with UnitOfWork(self._engine) as uow:
            snapshot.clear_snapshot(uow.conn, side)
            uow.commit()

    def _new_catalog(self, catalog_version: int, resync: bool):
        """The catalogue from the platform when its version moved on, else None (a
        resync compares with the one it set aside, else with the live one)."""
        with self._engine.connect() as conn:
            held = store.get_meta(conn, "resync_catalog_version") if resync else None
            stored = held or store.get_meta(conn, "catalog_version")
        return None if stored == str(catalog_version) else self._client.catalog()


def _flatten(entry) -> dict:
    # The kinds and states are StrEnums: str() is their value, at a fifth of ``.value``'s
    # cost (three per entry of a 1,000,000-entry sync).
    r = entry.record
    return {
        "op": entry.op,
        "version": entry.version,
        "subject_id": entry.subject_id,
        "subject_name": entry.subject_name,
        "subject_kind": str(entry.subject_kind),
        "district": entry.district,
        "record_id": r.id,
        "kind": str(r.kind),
        "field": r.field,
        "department": r.department,
        "basis": r.basis,
        "listed_on": r.listed_on.isoformat(),
        "expires_on": r.expires_on.isoformat() if r.expires_on else None,
        "state": str(r.state),
        "changed_on": entry.changed_on.isoformat() if entry.changed_on else None,
    }
