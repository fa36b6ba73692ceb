"""The log browser's behaviour on a large log (bench/log_browser.py's generator): every
filter returns only matching rows, and pages chain newest to oldest without gaps or
duplicates. Size: 1,000,000 entries with CREDITDESK_FULL=1, else 100,000. No timings here
(those are bench/log_browser.py's, recorded in docs/BENCHMARKS.md)."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3

import pytest

from bench.log_browser import DATA_KEY, PERSON, cases, generate
from desktop.audit.export import CST
from desktop.audit.query import LogFilter, count, page
from local_cache.db import FILE_NAME, open_engine
from local_cache.protect import Protector

pytestmark = pytest.mark.full

ENTRIES = 1_000_000 if os.environ.get("CREDITDESK_FULL") == "1" else 100_000


@pytest.fixture(scope="module")
def log(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("large")
    protector = Protector(DATA_KEY)
    facts = generate(data_dir, ENTRIES, protector)
    engine = open_engine(data_dir)
    yield engine, protector, facts, sqlite3.connect(data_dir / FILE_NAME)
    engine.dispose()


def _matches(row, flt: LogFilter, person_masked: str) -> bool:
    day_of = dt.datetime.fromtimestamp(row.at, CST).date()
    if flt.start and day_of < flt.start or flt.end and day_of > flt.end:
        return False
    for name in ("clerk", "item", "verdict", "source"):
        if getattr(flt, name) is not None and getattr(row, name) != getattr(flt, name):
            return False
    if flt.event == "action." and not row.event.startswith("action."):
        return False
    if flt.event not in (None, "action.") and row.event != flt.event:
        return False
    return flt.subject is None or row.subject_masked == person_masked


def test_every_filter_returns_only_matching_rows_and_counts_agree(log):
    engine, protector, facts, raw = log
    masked = PERSON[:6] + "*" * 8 + PERSON[14:]
    for figure, flt, where, params in cases(facts):
        rows = page(engine, protector, flt)
        assert rows, figure
        assert all(_matches(r, flt, masked) for r in rows), figure
        seqs = [r.seq for r in rows]
        expected = [s for (s,) in raw.execute(
            f"SELECT seq FROM audit WHERE {where} ORDER BY seq DESC LIMIT 200", params)]
        assert seqs == expected, figure
    assert count(engine, protector, LogFilter()) == ENTRIES
    subject_total = raw.execute("SELECT count(*) FROM audit WHERE subject_key = ?",
                                (facts["person_key"],)).fetchone()[0]
    assert count(engine, protector, LogFilter(subject=PERSON)) == subject_total


@pytest.mark.parametrize("flt", [LogFilter(), LogFilter(verdict="prohibit"),
                                 LogFilter(event="action.", clerk="clerk03")],
                         ids=["all", "verdict", "prefix+clerk"])
def test_pages_chain_to_the_end_without_gaps_or_duplicates(log, flt):
    engine, protector, _, _ = log
    seen: list[int] = []
    before = None
    while True:
        rows = page(engine, protector, flt, before_seq=before, limit=500)
        if not rows:
            break
        seen += [r.seq for r in rows]
        before = rows[-1].seq
    assert seen == sorted(set(seen), reverse=True)
    assert len(seen) == count(engine, protector, flt)
    if flt == LogFilter():
        assert seen == list(range(ENTRIES, 0, -1))
