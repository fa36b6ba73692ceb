"""Load test of the reference platform: N concurrent counters for T seconds per endpoint.

``python -m bench.load_sandbox [--counters 200] [--seconds 60] [--db sqlite|URL]
[--endpoints health,credit,batch,feedback] [--work DIR] [--reset]``

Starts the sandbox as its own process on loopback (20,000 subjects, seed 11), then runs,
one after the other, the same concurrency against each endpoint, on keep-alive
connections (one asyncio httpx client with N connections, in this process):

- ``health``: ``GET /v1/health``, the baseline: the same server stack and client with no
  key check and no database work;
- ``credit``: ``GET /v1/subjects/{id}/credit?item=...`` over the listed subjects and the
  samples, cycling through three items (the counter's check: an async route reading the
  database per request);
- ``batch``: ``POST /v1/batch`` of 20 identifiers drawn from the same subjects;
- ``feedback``: ``POST /v1/feedback``, a ``proceeded`` decision for a new check id each
  time, with its own ``Idempotency-Key`` (a durable insert per request).

Prints the figures as JSON: per endpoint the requests, failed requests (anything but
the endpoint's success status, or no answer), throughput and p50/p95/p99 latency; and
credit's throughput as a share of health's. Bounded in time and count; loopback only.
``--reset`` empties a PostgreSQL database first (its public schema is dropped), so the
data set is made afresh; a SQLite database is always a new file in ``--work`` (or a
temporary folder).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from sandbox.process import spawn

KEY = "load-test-key-0123456789"
SEED, SUBJECTS = 11, 20_000
ITEMS = ["GOV_PROCUREMENT", "FOOD_LICENCE", "HONOUR"]
BATCH_IDS = 20
ENDPOINTS = ("health", "credit", "batch", "feedback")
MAX_REQUESTS = 2_000_000  # a hard cap on top of the time bound


@dataclass
class LoadResult:
    """One endpoint's figures under load."""

    endpoint: str
    requests: int
    errors: int
    seconds: float
    throughput: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    first_error: str = ""


# A request: method, path, JSON body or None, extra headers; and the status that is success.
Request = tuple[str, str, dict | None, dict]
Maker = Callable[[random.Random, int], Request]


def _quantile(sorted_ms: list[float], q: float) -> float:
    if not sorted_ms:
        return float("nan")
    return sorted_ms[min(len(sorted_ms) - 1, int(q * len(sorted_ms)))]


async def _run(url: str, endpoint: str, make: Maker, ok_status: int, counters: int,
               seconds: float) -> LoadResult:
    latencies: list[float] = []
    errors = 0
    count = 0
    first_error = ""
    # Idle connections are dropped after 2 s, before the server's 5 s keep-alive timeout
    # (uvicorn's default) closes them: otherwise a request sent on a connection the server
    # is closing that moment fails ("Server disconnected"), a race of the client's, not
    # the platform (seen on an overloaded machine, where a connection can idle for 5 s).
    limits = httpx.Limits(max_connections=counters, max_keepalive_connections=counters,
                          keepalive_expiry=2.0)
    async with httpx.AsyncClient(
        base_url=url, limits=limits, timeout=30, headers={"Authorization": f"Bearer {KEY}"}
    ) as client:
        deadline = time.monotonic() + seconds
        rng = random.Random(5)

        async def counter() -> None:
            nonlocal errors, count, first_error
            while time.monotonic() < deadline and count < MAX_REQUESTS:
                method, path, body, headers = make(rng, count)
                count += 1
                started = time.perf_counter()
                try:
                    response = await client.request(method, path, json=body, headers=headers)
                    ok = response.status_code == ok_status
                    problem = f"{response.status_code} {response.text[:200]}"
                except httpx.HTTPError as exc:
                    ok, problem = False, f"{type(exc).__name__}: {exc}"
                latencies.append((time.perf_counter() - started) * 1000)
                if not ok:
                    errors += 1
                    first_error = first_error or problem

        began = time.monotonic()
        await asyncio.gather(*(counter() for _ in range(counters)))
        took = time.monotonic() - began
    latencies.sort()
    return LoadResult(
        endpoint=endpoint,
        requests=count,
        errors=errors,
        seconds=round(took, 1),
        throughput=round(count / took, 1),
        p50_ms=round(statistics.median(latencies), 1) if latencies else float("nan"),
        p95_ms=round(_quantile(latencies, 0.95), 1),
        p99_ms=round(_quantile(latencies, 0.99), 1),
        first_error=first_error,
    )


def _subject_ids(url: str) -> list[str]:
    """Listed subjects (up to 5,000) and the platform's samples (subjects it may not list)."""
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {KEY}"}) as client:
        body = client.get("/v1/lists/changes", params={"since": 0, "limit": 5000}).json()
        ids = sorted({e["subject_id"] for e in body["entries"]})
        samples = client.get("/sandbox/samples").json()
    return ids + [s["id"] for kind in samples.values() for s in kind]


def makers(ids: list[str]) -> dict[str, tuple[Maker, int]]:
    """Each endpoint's request maker and success status."""
    run = secrets.token_hex(4)  # check ids of this run: a reused database has older ones

    def health(_rng: random.Random, _n: int) -> Request:
        return "GET", "/v1/health", None, {}

    def credit(_rng: random.Random, n: int) -> Request:
        subject = ids[n % len(ids)]
        return "GET", f"/v1/subjects/{subject}/credit?item={ITEMS[n % len(ITEMS)]}", None, {}

    def batch(rng: random.Random, n: int) -> Request:
        body = {"item": ITEMS[n % len(ITEMS)], "subject_ids": rng.sample(ids, BATCH_IDS)}
        return "POST", "/v1/batch", body, {}

    def feedback(_rng: random.Random, n: int) -> Request:
        check = f"load-{run}-{n}"
        body = {"check_id": check, "subject_id": ids[n % len(ids)], "item": ITEMS[0],
                "verdict": "clear", "action": "proceeded", "clerk_id": "load-clerk",
                "occurred_at": dt.datetime.now(dt.UTC).isoformat()}
        return "POST", "/v1/feedback", body, {"Idempotency-Key": check}

    return {"health": (health, 200), "credit": (credit, 200), "batch": (batch, 200),
            "feedback": (feedback, 201)}


def _reset_postgres(url: str) -> None:
    from sqlalchemy import text

    from sandbox.storage import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def run_load(db: str, counters: int, seconds: float, subjects: int = SUBJECTS,
             endpoints: tuple[str, ...] = ENDPOINTS, work: Path | None = None,
             reset: bool = False) -> dict:
    """Start a sandbox on ``db`` ("sqlite" or a PostgreSQL URL), load each endpoint in
    turn, stop it; return the figures."""
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        if db == "sqlite":
            url = f"sqlite:///{Path(tmp) / 'load.sqlite'}"
        else:
            url = db
            if reset:
                _reset_postgres(url)
        child = spawn(url, seed=SEED, subjects=subjects, api_key=KEY, timeout=900)
        try:
            ids = _subject_ids(child.url)
            make = makers(ids)
            results = {name: asdict(asyncio.run(_run(child.url, name, *make[name], counters,
                                                     seconds)))
                       for name in endpoints}
        finally:
            child.stop()
    out = {"backend": "sqlite" if db == "sqlite" else db.split(":", 1)[0].split("+")[0],
           "counters": counters, "seconds": seconds, "subjects": subjects,
           "credit_subjects": len(ids), "batch_ids": BATCH_IDS, "endpoints": results}
    if "health" in results and "credit" in results:
        out["credit_throughput_ratio"] = round(
            results["credit"]["throughput"] / results["health"]["throughput"], 2)
    return out


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counters", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60, help="per endpoint")
    parser.add_argument("--subjects", type=int, default=SUBJECTS)
    parser.add_argument("--db", default="sqlite", help="sqlite, or a PostgreSQL URL")
    parser.add_argument("--endpoints", default=",".join(ENDPOINTS),
                        help=f"comma-separated, of: {', '.join(ENDPOINTS)}")
    parser.add_argument("--work", type=Path, help="folder for the SQLite database")
    parser.add_argument("--reset", action="store_true",
                        help="drop the PostgreSQL database's public schema first")
    args = parser.parse_args()
    endpoints = tuple(e for e in args.endpoints.split(",") if e)
    unknown = set(endpoints) - set(ENDPOINTS)
    if unknown:
        parser.error(f"unknown endpoints: {', '.join(sorted(unknown))}")
    print(json.dumps(run_load(args.db, args.counters, args.seconds, args.subjects, endpoints,
                              args.work, args.reset), indent=2))


if __name__ == "__main__":
    main()
