"""``bench/load_sandbox.py`` against a real sandbox process (SQLite): every endpoint it
loads answers each request with its success status, so a feedback body, a batch body or a
credit path the platform refuses would show here as failed requests. (Its PostgreSQL run
empties the database it is given, so it is not run beside the other tests' platform.)"""

from __future__ import annotations

import os

import pytest
from sqlalchemy.engine import make_url

from bench.fig_load import PG_ENV, _bench_database
from bench.load_sandbox import ENDPOINTS, run_load


def test_each_endpoint_is_loaded_without_a_failed_request(tmp_path):
    got = run_load("sqlite", counters=3, seconds=0.5, subjects=2000, work=tmp_path)
    assert list(got["endpoints"]) == list(ENDPOINTS)
    for name, figures in got["endpoints"].items():
        assert figures["requests"] > 0, name
        assert figures["errors"] == 0, (name, figures["first_error"])
    assert got["credit_subjects"] > 0
    assert list(tmp_path.iterdir()) == []  # its SQLite file went with its folder


@pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"{PG_ENV} is not set: PostgreSQL "
                    "not tested (.ci/run starts one)")
def test_the_load_figure_uses_a_database_of_its_own_beside_the_given_one():
    from sqlalchemy import create_engine, text

    given = os.environ[PG_ENV]
    url = _bench_database(given)
    assert make_url(url).database == make_url(given).database + "_bench"
    engine = create_engine(url)
    try:
        with engine.connect() as conn:  # it exists and answers
            assert conn.execute(text("SELECT current_database()")).scalar() == \
                make_url(given).database + "_bench"
    finally:
        engine.dispose()
