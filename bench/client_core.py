"""Client-core figures, each against a bare baseline doing the same work in the same run.

``python -m bench.client_core [--subjects N] [--checks N] [--batch N]``

- online check: ``CheckService.check`` (validation, platform call, result kept, audit
  entry, all committed with synchronous=FULL) vs a bare keep-alive ``httpx.Client`` GET of
  the same endpoint;
- offline check: ``check(..., offline=True)`` vs a bare indexed ``SELECT`` on the same file;
- batch: ``BatchService.run`` over N rows vs N sequential single GETs on one keep-alive
  client;
- sync: ``SyncService.sync`` from empty vs a bare ``executemany`` insert plus index of the
  same entries read from a local file.

The platform is a sandbox child process on loopback. Prints a JSON list of figures.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from desktop.batch_files import InputTable
from desktop.bootstrap import bootstrap
from desktop.credentials import SecretStore
from sandbox.process import spawn
from sandbox.server import default_db_url

KEY = "bench-key-0123456789"
ITEM = "GOV_PROCUREMENT"


def _ms(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "p50": round(statistics.median(ordered) * 1000, 3),
        "p95": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 3),
        "p99": round(ordered[int(0.99 * (len(ordered) - 1))] * 1000, 3),
    }


def _timed(fn, items) -> list[float]:
    out = []
    for item in items:
        started = time.perf_counter()
        fn(item)
        out.append(time.perf_counter() - started)
    return out


def run(subjects: int, checks: int, batch: int) -> list[dict]:
    """Run every figure; returns rows with ours, baseline and ratio."""
    platform = spawn(
        default_db_url(1, subjects), seed=1, subjects=subjects, api_key=KEY, timeout=900
    )
    work = Path(tempfile.mkdtemp(prefix="creditdesk-bench-"))
    secrets = SecretStore(
        environ={
            "CREDITDESK_API_KEY": KEY,
            "CREDITDESK_DATA_KEY": base64.b64encode(os.urandom(32)).decode(),
        }
    )
    svc = bootstrap(
        work / "desk", {"platform_url": platform.url, "deadline": 30.0}, secrets=secrets
    )
    rows: list[dict] = []
    try:
        # --- sync from empty, and the entries for the bare baseline
        started = time.perf_counter()
        report = svc.sync.sync()
        ours_sync = time.perf_counter() - started
        dump = work / "entries.jsonl"
        with (
            httpx.Client(
                base_url=platform.url, headers={"Authorization": f"Bearer {KEY}"}, timeout=60
            ) as bare,
            dump.open("w", encoding="utf-8") as f,
        ):
            since, subjects_seen = 0, []
            while True:
                page = bare.get("/v1/lists/changes", params={"since": since, "limit": 1000}).json()
                for e in page["entries"]:
                    f.write(json.dumps(e, ensure_ascii=False) + "\n")
                    subjects_seen.append(e["subject_id"])
                since = page["version"]
                if not page["more"]:
                    break
        started = time.perf_counter()
        _bare_insert(dump, work / "bare.sqlite")
        bare_sync = time.perf_counter() - started
        rows.append(
            {
                "figure": f"sync {report.entries:,} entries from empty",
                "ours_s": round(ours_sync, 2),
                "baseline_s": round(bare_sync, 2),
                "ratio": round(ours_sync / bare_sync, 2),
            }
        )

        ids = sorted(set(subjects_seen))[: max(checks, batch)]
        sample = ids[:checks]
        # --- online check
        with httpx.Client(
            base_url=platform.url, headers={"Authorization": f"Bearer {KEY}"}
        ) as bare:
            for sid in sample[:30]:  # warm-up both
                svc.checks.check(sid, ITEM)
                bare.get(f"/v1/subjects/{sid}/credit", params={"item": ITEM})
            ours = _timed(lambda s: svc.checks.check(s, ITEM), sample)
            base = _timed(
                lambda s: bare.get(f"/v1/subjects/{s}/credit", params={"item": ITEM}), sample
            )
            rows.append(_latency_row("online check", ours, base))

            # --- batch vs sequential singles
            table = InputTable(
                header=["id"], rows=[[s] for s in ids[:batch]], id_column=0, encoding="utf-8"
            )
            started = time.perf_counter()
            svc.batch.run(table, ITEM)
            ours_batch = time.perf_counter() - started
            started = time.perf_counter()
            for sid in ids[:batch]:
                bare.get(f"/v1/subjects/{sid}/credit", params={"item": ITEM})
            base_batch = time.perf_counter() - started
            rows.append(
                {
                    "figure": f"batch of {len(ids[:batch]):,}",
                    "ours_s": round(ours_batch, 2),
                    "baseline_s": round(base_batch, 2),
                    "ratio": round(ours_batch / base_batch, 3),
                }
            )

        # --- offline check vs a bare indexed SELECT on the same file
        platform.stop()
        keys = [svc.protector.index(s) for s in sample]
        db = sqlite3.connect(work / "desk" / "creditdesk.sqlite")
        query = "SELECT * FROM snapshot_records WHERE subject_key = ?"
        for k in keys[:30]:
            db.execute(query, (k,)).fetchall()
        base = _timed(lambda k: db.execute(query, (k,)).fetchall(), keys)
        ours = _timed(lambda s: svc.checks.check(s, ITEM, offline=True), sample)
        rows.append(_latency_row("offline check", ours, base))
        db.close()
    finally:
        if platform.process.poll() is None:
            platform.stop()
        svc.close()
        shutil.rmtree(work, ignore_errors=True)
    return rows


def _latency_row(name: str, ours: list[float], base: list[float]) -> dict:
    o, b = _ms(ours), _ms(base)
    return {
        "figure": name,
        "ours_ms": o,
        "baseline_ms": b,
        "ratio_p50": round(o["p50"] / b["p50"], 2),
        "ratio_p99": round(o["p99"] / b["p99"], 2),
    }


def _bare_insert(dump: Path, target: Path) -> None:
    """The least a sync must do: parse the entries and bulk-insert them, then index."""
    db = sqlite3.connect(target)
    db.execute(
        "CREATE TABLE r (record_id TEXT PRIMARY KEY, subject_id TEXT, name TEXT, "
        "kind TEXT, field TEXT, department TEXT, basis TEXT, listed_on TEXT, "
        "expires_on TEXT, state TEXT, version INTEGER)"
    )
    with dump.open(encoding="utf-8") as f:
        rows = []
        for line in f:
            e = json.loads(line)
            r = e["record"]
            rows.append(
                (
                    r["id"],
                    e["subject_id"],
                    e["subject_name"],
                    r["kind"],
                    r["field"],
                    r["department"],
                    r["basis"],
                    r["listed_on"],
                    r["expires_on"],
                    r["state"],
                    e["version"],
                )
            )
    db.executemany("INSERT OR REPLACE INTO r VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
    db.execute("CREATE INDEX ix_r_subject ON r (subject_id)")
    db.commit()
    db.close()


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--checks", type=int, default=500)
    parser.add_argument("--batch", type=int, default=10_000)
    args = parser.parse_args()
    print(json.dumps(run(args.subjects, args.checks, args.batch), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
