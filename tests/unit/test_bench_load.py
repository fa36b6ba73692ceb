"""The load figure's rows and targets (``bench/fig_load.py``): which row passes, and a
PostgreSQL run that cannot happen is said in a note instead of failing the figure. The
measurement itself (``bench/load_sandbox.py``) is stood in for by figures given here; it
runs for real in tests/integration/test_bench_load.py."""

from __future__ import annotations

import subprocess

import pytest

from bench import fig_load
from bench.core import Bench


def endpoint(name: str, throughput: float, p50: float, p99: float, errors: int = 0) -> dict:
    return {"endpoint": name, "requests": 1000, "errors": errors, "seconds": 30.0,
            "throughput": throughput, "p50_ms": p50, "p95_ms": p99 / 2, "p99_ms": p99,
            "first_error": "500 boom" if errors else ""}


def measured(credit_rps: float = 400.0, feedback_errors: int = 0) -> dict:
    return {"backend": "sqlite", "counters": 200, "seconds": 30, "subjects": 20_000,
            "credit_subjects": 5000, "batch_ids": 20,
            "credit_throughput_ratio": round(credit_rps / 800.0, 2),
            "endpoints": {"health": endpoint("health", 800.0, 150.0, 1200.0),
                          "credit": endpoint("credit", credit_rps, 220.0, 5000.0),
                          "batch": endpoint("batch", 60.0, 900.0, 4000.0),
                          "feedback": endpoint("feedback", 300.0, 400.0, 3000.0,
                                               feedback_errors)}}


@pytest.fixture
def bench(tmp_path):
    run = Bench(quick=False, work=tmp_path / "run")
    run.work.mkdir()
    yield run
    run.close()


def by_title(rows, part: str):
    return next(r for r in rows if part in r.figure)


def test_each_endpoint_has_a_p50_and_a_p99_row_against_health():
    rows = fig_load._rows(measured(), "SQLite")
    assert len(rows) == 6
    credit = by_title(rows, "credit check (5,000 subjects, 3 items) p50")
    assert (credit.ours, credit.baseline, credit.passed) == (220.0, 150.0, True)
    assert "400.0 req/s (0.5x health's)" in credit.note and "800.0 req/s" in credit.note
    p99 = by_title(rows, "batch of 20 p99")
    assert (p99.ours, p99.baseline, p99.passed) == (4000.0, 1200.0, None)
    assert "1,200 subjects/s" in by_title(rows, "batch of 20 p50").note


def test_credit_below_the_throughput_share_misses_its_target():
    rows = fig_load._rows(measured(credit_rps=240.0), "SQLite")  # 0.3x health
    assert by_title(rows, "credit check (5,000 subjects, 3 items) p50").passed is False


def test_a_failed_request_misses_its_endpoints_target_and_is_shown():
    rows = fig_load._rows(measured(feedback_errors=3), "SQLite")
    feedback = by_title(rows, "feedback p50")
    assert feedback.passed is False
    assert "3 of 1,000 failed (first: 500 boom)" in feedback.note
    assert by_title(rows, "credit check (5,000 subjects, 3 items) p50").passed is True


def test_without_a_postgresql_url_the_full_figure_says_so(bench, monkeypatch):
    monkeypatch.delenv(fig_load.PG_ENV, raising=False)
    calls = []
    monkeypatch.setattr(fig_load, "_measure", lambda _b, db, *_: calls.append(db) or measured())
    rows = fig_load.load(bench)
    assert calls == ["sqlite"] and len(rows) == 6
    assert f"PostgreSQL not measured: {fig_load.PG_ENV} is not set" in rows[0].note


def test_a_postgresql_run_that_fails_is_a_note_and_sqlite_still_counts(bench, monkeypatch):
    monkeypatch.setenv(fig_load.PG_ENV, "postgresql+psycopg:///nowhere")
    monkeypatch.setattr(fig_load, "_bench_database", lambda url: url + "_bench")  # no server

    def measure(_bench, db, *_):
        if db != "sqlite":
            raise RuntimeError("load_sandbox failed (1): ...\nOperationalError: no such db")
        return measured()

    monkeypatch.setattr(fig_load, "_measure", measure)
    rows = fig_load.load(bench)
    assert len(rows) == 6 and all("SQLite" in r.figure for r in rows)
    assert "PostgreSQL not measured: OperationalError: no such db" in rows[0].note


def test_with_a_postgresql_url_both_back_ends_have_rows(bench, monkeypatch):
    monkeypatch.setenv(fig_load.PG_ENV, "postgresql+psycopg:///somewhere")
    monkeypatch.setattr(fig_load, "_bench_database", lambda url: url + "_bench")  # no server
    calls = []
    monkeypatch.setattr(fig_load, "_measure", lambda _b, db, *_: calls.append(db) or measured())
    rows = fig_load.load(bench)
    assert calls == ["postgresql+psycopg:///somewhere_bench", "sqlite"]  # never the given one
    assert [r.figure.split(": ")[0] for r in rows] == (
        ["platform, 200 counters, SQLite"] * 6 + ["platform, 200 counters, PostgreSQL"] * 6)
    assert "PostgreSQL not" not in rows[0].note


def test_the_quick_figure_runs_sqlite_only(tmp_path, monkeypatch):
    monkeypatch.setenv(fig_load.PG_ENV, "postgresql+psycopg:///somewhere")
    calls = []
    monkeypatch.setattr(fig_load, "_measure",
                        lambda _b, db, counters, seconds: calls.append((db, counters, seconds))
                        or measured())
    run = Bench(quick=True, work=tmp_path / "quick")
    try:
        rows = fig_load.load(run)
    finally:
        run.close()
    assert calls == [("sqlite", 20, 4)]
    assert "PostgreSQL not run: --quick" in rows[0].note


def test_subprocess_timeout_is_a_note_too(bench, monkeypatch):
    monkeypatch.setenv(fig_load.PG_ENV, "postgresql+psycopg:///slow")

    def measure(_bench, db, *_):
        if db != "sqlite":
            raise subprocess.TimeoutExpired("load_sandbox", 1320)
        return measured()

    monkeypatch.setattr(fig_load, "_measure", measure)
    assert "PostgreSQL not measured" in fig_load.load(bench)[0].note
