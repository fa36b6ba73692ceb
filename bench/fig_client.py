"""Client-core figures: the check, the batch and the list sync against bare baselines.

Every figure runs ours and a baseline doing the bare minimum of the same work in the same
run, on the same data, against one sandbox platform process on loopback (``Bench.platform``):
100,000 subjects with ``--quick`` (about 15,000 list entries), 6,500,000 in a full run
(about 1,000,000 list entries; generated once, about 2 minutes and 1.2 GB, then kept in
the temp folder). Checked subjects are listed subjects (they have records), read from the
platform's data file.

- ``online``: ``svc.checks.check()`` through the service (identifier validation, platform
  call, answer kept, audit entry, checked-subject row, one durable commit) vs the same GET
  on a bare keep-alive ``httpx.Client``; 200 / 500 checks each, interleaved in blocks of
  50. Rows for p50 and p95; target p50 ratio <= 3.
- ``naive``: ours (as ``online``) vs what a simple script does: ``httpx.get`` with a new
  client, so a new connection, per check; 100 / 300 checks each, p50. Target: ours at
  least 10x faster (ratio ours / baseline <= 0.1).
- ``offline``: ``check(..., offline=True)`` on the synced snapshot vs a bare indexed
  ``SELECT`` of the subject's records on the same SQLite file; 300 / 1,000 checks each.
  Rows for p50 and p99; target p99 ratio <= 5 and p99 < 2 ms.
- ``batch``: 2,000 / 10,000 subjects through ``svc.batch.run`` vs the same subjects as
  sequential single GETs on one keep-alive client. Target >= 10x faster (ratio <= 0.1).
``offline`` uses the synced desk of ``bench.fig_sync`` (the 1,000,000-entry sync runs once
per run). ``online``, ``naive`` and ``batch`` share another
desk that never syncs.
"""

from __future__ import annotations

import random
import sqlite3
import time

import httpx

from bench.core import ITEM, KEY, Bench, Row, ms, percentile, timed
from bench.fig_sync import synced as _synced

SEED = 1


def _subjects(bench: Bench) -> int:
    return bench.size(100_000, 6_500_000)


def _platform(bench: Bench):
    return bench.platform(_subjects(bench), seed=SEED)


def _bare_client(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {KEY}"}, timeout=60)


def _ids(bench: Bench, n: int) -> list[str]:
    """``n`` distinct listed subjects, spread over the data set, in a fixed random order."""
    have = getattr(bench, "_client_ids", [])
    if len(have) >= n:
        return have[:n]
    _platform(bench)  # makes sure the data file exists
    from sandbox.server import default_db_url

    path = default_db_url(SEED, _subjects(bench)).removeprefix("sqlite:///")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        count = db.execute("SELECT max(rowid) FROM records").fetchone()[0]
        step = max(1, count // (3 * max(n, 10_000)))
        found = [r[0] for r in db.execute(
            "SELECT DISTINCT subject_id FROM records WHERE rowid % ? = 0", (step,))]
    finally:
        db.close()
    random.Random(7).shuffle(found)
    if len(found) < n:
        raise RuntimeError(f"only {len(found)} listed subjects for {n} checks")
    bench._client_ids = found
    return found[:n]


def _online_desk(bench: Bench):
    svc = getattr(bench, "_client_online", None)
    if svc is None:
        svc = bench._client_online = bench.desk("online", _platform(bench).url)
    return svc


def _interleaved(ours, base, items: list, block: int = 50) -> tuple[list[float], list[float]]:
    """Per-item seconds of ``ours`` and ``base``, alternating blocks so drift hits both."""
    o: list[float] = []
    b: list[float] = []
    for i in range(0, len(items), block):
        part = items[i:i + block]
        o += timed(ours, part)
        b += timed(base, part)
    return o, b


# ------------------------------------------------------------------------ figures


def online(bench: Bench) -> list[Row]:
    """Online check through the service vs a bare keep-alive GET, p50 and p95."""
    ids = _ids(bench, bench.size(200, 500))
    svc = _online_desk(bench)
    with _bare_client(_platform(bench).url) as bare:
        def ours(s):
            return svc.checks.check(s, ITEM)

        def base(s):
            return bare.get(f"/v1/subjects/{s}/credit", params={"item": ITEM}).raise_for_status()

        for s in ids[:30]:  # warm-up both
            ours(s)
            base(s)
        o, b = _interleaved(ours, base, ids)
    p50 = ms(percentile(o, 0.5)), ms(percentile(b, 0.5))
    p95 = ms(percentile(o, 0.95)), ms(percentile(b, 0.95))
    return [
        Row(f"online check p50 ({len(ids)} checks)", *p50, "ms", "ratio <= 3",
            p50[0] / p50[1] <= 3, note="vs bare keep-alive httpx GET"),
        Row(f"online check p95 ({len(ids)} checks)", *p95, "ms", "(p50 decides)", None,
            note="vs bare keep-alive httpx GET"),
    ]


def naive(bench: Bench) -> list[Row]:
    """Ours vs a new connection per check (``httpx.get``), p50."""
    ids = _ids(bench, bench.size(100, 300))
    svc = _online_desk(bench)
    url = _platform(bench).url
    headers = {"Authorization": f"Bearer {KEY}"}

    def ours(s):
        return svc.checks.check(s, ITEM)

    def base(s):
        return httpx.get(f"{url}/v1/subjects/{s}/credit", params={"item": ITEM},
                         headers=headers, timeout=60).raise_for_status()

    for s in ids[:10]:
        ours(s)
        base(s)
    o, b = _interleaved(ours, base, ids)
    ours_ms, base_ms = ms(percentile(o, 0.5)), ms(percentile(b, 0.5))
    return [Row(f"online check p50 vs new connection per check ({len(ids)})", ours_ms, base_ms,
                "ms", "ratio <= 0.1 (10x faster)", ours_ms / base_ms <= 0.1,
                note="baseline: httpx.get, new client each time")]


def offline(bench: Bench) -> list[Row]:
    """Offline check on the synced snapshot vs a bare indexed SELECT, p50 and p99."""
    state = _synced(bench)
    ids = _ids(bench, bench.size(300, 1000))
    svc = state.svc
    keys = {s: svc.protector.index(s) for s in ids}
    db = sqlite3.connect(state.path)
    query = "SELECT * FROM snapshot_records WHERE subject_key = ?"
    try:
        def ours(s):
            return svc.checks.check(s, ITEM, offline=True)

        def base(s):
            return db.execute(query, (keys[s],)).fetchall()

        for s in ids[:30]:
            ours(s)
            base(s)
        o, b = _interleaved(ours, base, ids)
    finally:
        db.close()
    p50 = ms(percentile(o, 0.5)), ms(percentile(b, 0.5))
    p99 = ms(percentile(o, 0.99)), ms(percentile(b, 0.99))
    size = f"{len(ids)} checks, {state.entries:,}-entry snapshot"
    return [
        Row(f"offline check p50 ({size})", *p50, "ms", "(p99 decides)", None,
            note="vs bare indexed SELECT"),
        Row(f"offline check p99 ({size})", *p99, "ms", "ratio <= 5 and < 2 ms",
            p99[0] / p99[1] <= 5 and p99[0] < 2, note="ours: durable audit write incl."),
    ]


def batch(bench: Bench) -> list[Row]:
    """A batch through the service vs the same subjects as sequential keep-alive GETs."""
    from desktop.batch.files import InputTable

    ids = _ids(bench, bench.size(2000, 10_000))
    svc = _online_desk(bench)
    table = InputTable(header=["id"], rows=[[s] for s in ids], id_column=0, encoding="utf-8")
    started = time.perf_counter()
    _, _, report = svc.batch.run(table, ITEM)
    ours = time.perf_counter() - started
    if report.checked != len(ids):
        raise RuntimeError(f"batch checked {report.checked} of {len(ids)}")
    with _bare_client(_platform(bench).url) as bare:
        bare.get(f"/v1/subjects/{ids[0]}/credit", params={"item": ITEM})
        started = time.perf_counter()
        for s in ids:
            bare.get(f"/v1/subjects/{s}/credit", params={"item": ITEM}).raise_for_status()
        base = time.perf_counter() - started
    return [Row(f"batch of {len(ids):,}", round(ours, 3), round(base, 3), "s",
                "ratio <= 0.1 (10x faster)", ours / base <= 0.1,
                note="vs sequential GETs, one keep-alive client")]
