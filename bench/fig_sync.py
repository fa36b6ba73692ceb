"""List-sync figures: the snapshot from empty and a delta, against bare baselines.

Same platform and data as ``bench.fig_client`` (``Bench.platform``, 100,000 subjects with
``--quick``, 6,500,000 in a full run: about 1,000,000 list entries).

- ``sync``: the whole snapshot from empty through ``svc.sync.sync()`` vs a bare
  ``executemany`` insert plus index of the same entries, read from a local JSON-lines file
  (fetched from the platform beforehand, not timed). Target ratio <= 4.
- ``delta``: 1,000 record changes on the platform (``POST /sandbox/changes``, not timed),
  then ``svc.sync.sync()`` on the synced desk; median of 3. Target < 1 s, no baseline.

``sync`` and ``delta`` (and ``bench.fig_client.offline``) share one synced desk: whichever
runs first syncs it (that sync is the ``sync`` figure's "ours") and keeps it on the
``Bench`` object, so the 1,000,000-entry sync runs once per run.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from bench.core import Bench, Row


def _platform(bench: Bench):
    from bench.fig_client import _platform as platform

    return platform(bench)


def _bare_client(url: str):
    from bench.fig_client import _bare_client as bare_client

    return bare_client(url)


@dataclass
class _Synced:
    svc: object
    url: str
    seconds: float
    entries: int
    path: Path


def synced(bench: Bench) -> _Synced:
    """The desk synced from empty, once per run (the sync figure's "ours")."""
    state = getattr(bench, "_client_synced", None)
    if state is None:
        url = _platform(bench).url
        svc = bench.desk("synced", url)
        started = time.perf_counter()
        report = svc.sync.sync()
        seconds = time.perf_counter() - started
        state = _Synced(svc, url, seconds, report.entries, bench.work / "synced" /
                        "creditdesk.sqlite")
        bench._client_synced = state
    return state



def sync(bench: Bench) -> list[Row]:
    """Sync from empty vs a bare executemany insert plus index from a local file."""
    state = synced(bench)
    dump = bench.work / "entries.jsonl"
    with _bare_client(state.url) as bare, dump.open("w", encoding="utf-8") as f:
        since = 0
        while True:
            page = bare.get("/v1/lists/changes", params={"since": since, "limit": 10_000})
            page = page.raise_for_status().json()
            for e in page["entries"]:
                f.write(json.dumps(e, ensure_ascii=False) + "\n")
            since = page["version"]
            if not page["more"]:
                break
    target = bench.work / "bare.sqlite"
    started = time.perf_counter()
    _bare_insert(dump, target)
    base = time.perf_counter() - started
    dump.unlink()
    target.unlink()
    return [Row(f"sync of {state.entries:,} entries from empty", round(state.seconds, 2),
                round(base, 2), "s", "ratio <= 4", state.seconds / base <= 4,
                note="vs bare executemany + index from a local file")]


def delta(bench: Bench) -> list[Row]:
    """1,000 platform changes, then a sync of the synced desk; median of 3."""
    state = synced(bench)
    runs = []
    entries = 0
    with _bare_client(state.url) as bare:
        for seed in range(3):
            bare.post("/sandbox/changes", json={"n": 1000, "seed": 100 + seed},
                      timeout=600).raise_for_status()
            started = time.perf_counter()
            report = state.svc.sync.sync()
            runs.append(time.perf_counter() - started)
            entries = max(entries, report.entries)
    seconds = statistics.median(runs)
    return [Row(f"delta sync of 1,000 changes ({state.entries:,}-entry snapshot)",
                round(seconds, 3), None, "s", "< 1 s", seconds < 1,
                note=f"median of 3; {entries:,} entries a sync")]


def _bare_insert(dump: Path, target: Path) -> None:
    """The least a sync must do: parse the entries and bulk-insert them, then index."""
    db = sqlite3.connect(target)
    db.execute("CREATE TABLE r (record_id TEXT PRIMARY KEY, subject_id TEXT, name TEXT, "
               "kind TEXT, field TEXT, department TEXT, basis TEXT, listed_on TEXT, "
               "expires_on TEXT, state TEXT, version INTEGER)")
    rows = []
    with dump.open(encoding="utf-8") as f:
        for line in f:
            e = json.loads(line)
            r = e["record"]
            rows.append((r["id"], e["subject_id"], e["subject_name"], r["kind"], r["field"],
                         r["department"], r["basis"], r["listed_on"], r["expires_on"],
                         r["state"], e["version"]))
    db.executemany("INSERT OR REPLACE INTO r VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
    db.execute("CREATE INDEX ix_r_subject ON r (subject_id)")
    db.commit()
    db.close()
