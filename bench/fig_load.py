"""The reference platform under many concurrent counters (``bench/load_sandbox.py``).

``load``: ``python -m bench.load_sandbox`` in a child process (its own interpreter, the
run's child environment) starts a sandbox on loopback with 20,000 subjects and sends, for
a fixed time per endpoint and with N counters at once (one asyncio httpx client, N
keep-alive connections), ``GET /v1/health`` (the baseline: the same server stack and
client, no key check, no database work), then the counter's credit check, a 20-id batch
POST and a feedback POST. Full: 200 counters, 30 s per endpoint, on SQLite and, when
``CREDITDESK_TEST_PG_URL`` names a PostgreSQL database, on PostgreSQL too: in a database of
the bench's own beside it (``<name>_bench``, made from the given one's server the first
time, emptied before each run; the given database itself is never touched: ``export
CREDITDESK_TEST_PG_URL=$(bash .ci/postgres.sh)``); quick: 20 counters, 4 s per endpoint,
SQLite only.

Rows per back-end: p50 and p99 of each endpoint against health's p50 and p99; the
throughputs are in the notes. Targets: no failed request on any endpoint, and credit
checks at >= 0.4x health's requests per second. Why 0.4: health is the bare server, so the
ratio is the price of a check's own work (key, identifier, indexed reads, verdict); 0.4
allows that work 1.5x the bare request's, and fails the thread-pool hop per check that
the async read route removed (0.29 then, 0.48-0.52 after). Client and server share the
machine's cores: these are figures of the whole loop, latency at N counters is queueing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.core import Bench, Row

ROOT = Path(__file__).resolve().parent.parent
PG_ENV = "CREDITDESK_TEST_PG_URL"
MIN_RATIO = 0.4


def _measure(bench: Bench, db: str, counters: int, seconds: float) -> dict:
    work = bench.work / "load"
    work.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "bench.load_sandbox", "--counters", str(counters), "--seconds",
         str(seconds), "--db", db, "--work", str(work), "--reset"], cwd=ROOT,
        env=bench.child_env(), capture_output=True, text=True, encoding="utf-8",
        timeout=4 * seconds + 1200)
    if done.returncode:
        raise RuntimeError(f"load_sandbox failed ({done.returncode}): {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def _rows(got: dict, name: str, extra: str = "") -> list[Row]:
    ends = got["endpoints"]
    health = ends["health"]
    where = (f"{got['counters']} counters, {got['seconds']:g} s per endpoint, "
             f"{got['subjects']:,} subjects, {name}")
    base = f"baseline: GET /v1/health (no key, no database) at {health['throughput']:,} req/s"

    def fails(e: dict) -> str:
        first = f" (first: {e['first_error']})" if e["first_error"] else ""
        return f"{e['errors']} of {e['requests']:,} failed{first}"

    ratio = got["credit_throughput_ratio"]
    what = {
        "credit": (f"credit check ({got['credit_subjects']:,} subjects, 3 items)",
                   f"ours: GET /v1/subjects/{{id}}/credit at {ends['credit']['throughput']:,} "
                   f"req/s ({ratio:g}x health's)"),
        "batch": (f"batch of {got['batch_ids']}",
                  f"ours: POST /v1/batch of {got['batch_ids']} ids at "
                  f"{ends['batch']['throughput']:,} req/s "
                  f"({ends['batch']['throughput'] * got['batch_ids']:,.0f} subjects/s)"),
        "feedback": ("feedback", f"ours: POST /v1/feedback, a new check's decision each "
                                 f"(a durable insert) at {ends['feedback']['throughput']:,} "
                                 "req/s"),
    }
    rows = []
    for key, (title, ours) in what.items():
        e = ends[key]
        if key == "credit":
            target = f"throughput >= {MIN_RATIO}x health, none failed"
            passed = ratio >= MIN_RATIO and e["errors"] == health["errors"] == 0
        else:
            target, passed = "none failed", e["errors"] == 0
        note = (f"{where}; {ours}, {fails(e)}; {base}, {fails(health)}"
                + (extra if key == "credit" else ""))
        rows.append(Row(f"platform, {got['counters']} counters, {name}: {title} p50",
                        e["p50_ms"], health["p50_ms"], "ms", target, passed, note=note))
        rows.append(Row(f"platform, {got['counters']} counters, {name}: {title} p99",
                        e["p99_ms"], health["p99_ms"], "ms", "(p50 row decides)", None,
                        note=f"baseline: health's p99; p95 {e['p95_ms']:,} ms"))
    return rows


def _bench_database(given: str) -> str:
    """The URL of ``<given database>_bench`` on the same server, made the first time (the
    load client's ``--reset`` empties it; the given database, which tests use, is left
    alone)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(given)
    name = f"{url.database}_bench"
    engine = create_engine(given, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                            {"name": name}).first() is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - said in the row's note, SQLite still runs
        first = str(exc).strip().splitlines()[0][:200]
        raise RuntimeError(f"cannot make the bench's database {name}: {first}") from exc
    finally:
        engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def load(bench: Bench) -> list[Row]:
    counters, seconds = bench.size(20, 200), bench.size(4, 30)
    pg = os.environ.get(PG_ENV)
    pg_got, why = None, ""
    if bench.quick:
        why = "; PostgreSQL not run: --quick runs SQLite only"
    elif not pg:
        why = (f"; PostgreSQL not measured: {PG_ENV} is not set (export "
               f"{PG_ENV}=$(bash .ci/postgres.sh))")
    else:
        try:
            pg_got = _measure(bench, _bench_database(pg), counters, seconds)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            why = f"; PostgreSQL not measured: {str(exc).strip().splitlines()[-1][:300]}"
    rows = _rows(_measure(bench, "sqlite", counters, seconds), "SQLite", why)
    if pg_got is not None:
        rows += _rows(pg_got, "PostgreSQL")
    return rows
