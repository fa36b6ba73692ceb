"""``bench/load_sandbox.py`` against a real sandbox process (SQLite): every endpoint it
loads answers each request with its success status, so a feedback body, a batch body or a
credit path the platform refuses would show here as failed requests. (Its PostgreSQL run
empties the database it is given, so it is not run beside the other tests' platform.)"""

from __future__ import annotations

from bench.load_sandbox import ENDPOINTS, run_load


def test_each_endpoint_is_loaded_without_a_failed_request(tmp_path):
    got = run_load("sqlite", counters=3, seconds=0.5, subjects=2000, work=tmp_path)
    assert list(got["endpoints"]) == list(ENDPOINTS)
    for name, figures in got["endpoints"].items():
        assert figures["requests"] > 0, name
        assert figures["errors"] == 0, (name, figures["first_error"])
        assert figures["p50_ms"] <= figures["p99_ms"], name
    assert got["credit_subjects"] > 0
    assert list(tmp_path.iterdir()) == []  # its SQLite file went with its folder
