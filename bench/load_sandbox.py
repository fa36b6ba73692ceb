"""Load test of the reference platform: N concurrent counters checking credit for T seconds.

``python -m bench.load_sandbox [--counters 200] [--seconds 60] [--db sqlite|URL]``

Starts the sandbox as its own process on loopback, then runs, one after the other, the
same concurrency against ``/v1/health`` (the baseline: the same server stack with no
database work) and against ``/v1/subjects/{id}/credit`` (the figure). Reports throughput
and p50/p95/p99 latency of each and their ratio. Bounded in time and count; loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from sandbox.process import spawn

KEY = "load-test-key-0123456789"
MAX_REQUESTS = 2_000_000  # a hard cap on top of the time bound


@dataclass
class LoadResult:
    """One load run's figures."""

    endpoint: str
    requests: int
    errors: int
    seconds: float
    throughput: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


def _quantile(sorted_ms: list[float], q: float) -> float:
    if not sorted_ms:
        return float("nan")
    return sorted_ms[min(len(sorted_ms) - 1, int(q * len(sorted_ms)))]


async def _run(url: str, paths: list[str], counters: int, seconds: float) -> LoadResult:
    latencies: list[float] = []
    errors = 0
    count = 0
    limits = httpx.Limits(max_connections=counters, max_keepalive_connections=counters)
    async with httpx.AsyncClient(
        base_url=url, limits=limits, timeout=30, headers={"Authorization": f"Bearer {KEY}"}
    ) as client:
        deadline = time.monotonic() + seconds
        rng = random.Random(5)

        async def counter() -> None:
            nonlocal errors, count
            while time.monotonic() < deadline and count < MAX_REQUESTS:
                path = paths[rng.randrange(len(paths))]
                started = time.perf_counter()
                try:
                    response = await client.get(path)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append((time.perf_counter() - started) * 1000)
                count += 1
                errors += not ok

        began = time.monotonic()
        await asyncio.gather(*(counter() for _ in range(counters)))
        took = time.monotonic() - began
    latencies.sort()
    return LoadResult(
        endpoint=paths[0].split("?")[0].rsplit("/", 1)[-1] if paths else "",
        requests=count,
        errors=errors,
        seconds=round(took, 1),
        throughput=round(count / took, 1),
        p50_ms=round(statistics.median(latencies), 1) if latencies else float("nan"),
        p95_ms=round(_quantile(latencies, 0.95), 1),
        p99_ms=round(_quantile(latencies, 0.99), 1),
    )


def _subject_paths(url: str, items: list[str]) -> list[str]:
    """Credit paths for listed subjects and for subjects the platform does not know."""
    ids: list[str] = []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {KEY}"}) as client:
        body = client.get("/v1/lists/changes", params={"since": 0, "limit": 5000}).json()
        ids = sorted({e["subject_id"] for e in body["entries"]})
        samples = client.get("/sandbox/samples").json()
    ids += [s["id"] for kind in samples.values() for s in kind]
    return [f"/v1/subjects/{i}/credit?item={items[n % len(items)]}" for n, i in enumerate(ids)]


def run_load(db: str, counters: int, seconds: float, subjects: int) -> dict:
    """Start a sandbox on ``db``, run baseline and figure, stop it; return the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'load.sqlite'}" if db == "sqlite" else db
        child = spawn(url, seed=11, subjects=subjects, api_key=KEY)
        try:
            paths = _subject_paths(child.url, ["GOV_PROCUREMENT", "FOOD_LICENCE", "HONOUR"])
            baseline = asyncio.run(_run(child.url, ["/v1/health"], counters, seconds))
            figure = asyncio.run(_run(child.url, paths, counters, seconds))
        finally:
            child.stop()
    return {
        "backend": "sqlite" if db == "sqlite" else db.split(":", 1)[0],
        "counters": counters,
        "subjects": subjects,
        "baseline": asdict(baseline),
        "credit": asdict(figure),
        "throughput_ratio": round(figure.throughput / baseline.throughput, 2),
    }


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counters", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--subjects", type=int, default=20_000)
    parser.add_argument("--db", default="sqlite", help="sqlite, or a PostgreSQL URL")
    args = parser.parse_args()
    print(json.dumps(run_load(args.db, args.counters, args.seconds, args.subjects), indent=2))


if __name__ == "__main__":
    main()
