"""The log browser widget on a large generated log (bench/log_browser.py's generator):
opening shows the newest page, scrolling to the end fetches page after page (200 each,
never all at once) until every entry is in the table in order, and every filter shows
only matching rows, the same as a bare SQL query. 1,000,000 entries with
CREDITDESK_FULL=1, else 100,000. Times are the benchmark's (docs/BENCHMARKS.md), not here.

The desk context holds only what the browser touches: the real engine and protector of
the generated file, a real task runner.
"""

from __future__ import annotations

import os
import sqlite3
from types import SimpleNamespace

import pytest

from bench.log_browser import DATA_KEY, PERSON, cases, generate
from desktop.audit.query import LogFilter
from local_cache.db import FILE_NAME, open_engine
from local_cache.protect import Protector
from ui.context import DeskContext
from ui.supervisor.log_browser import LogBrowser
from ui.supervisor.log_model import PAGE
from ui.tasks import TaskRunner

pytestmark = pytest.mark.full

ENTRIES = 1_000_000 if os.environ.get("CREDITDESK_FULL") == "1" else 100_000
WAIT = 60000


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("biglog")
    protector = Protector(DATA_KEY)
    facts = generate(data_dir, ENTRIES, protector)
    engine = open_engine(data_dir)
    yield engine, protector, facts, sqlite3.connect(data_dir / FILE_NAME)
    engine.dispose()


@pytest.fixture
def browser(qtbot, big):
    engine, protector, _, _ = big
    services = SimpleNamespace(engine=engine, protector=protector,
                               settings={"counter_id": "SX-DEMO-01", "retention_days": 180})
    ctx = DeskContext(services, TaskRunner())  # type: ignore[arg-type]
    widget = LogBrowser(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    ctx.runner.wait(WAIT)


def test_opening_shows_the_newest_page_and_scrolling_fetches_page_by_page(qtbot, browser):
    model = browser.model
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=WAIT)
    assert model.rowCount() == PAGE
    assert model.log_row(0).seq == ENTRIES  # newest first
    qtbot.waitUntil(lambda: browser.total == ENTRIES, timeout=WAIT)
    loaded: list[int] = []
    model.sig_page_loaded.connect(loaded.append)
    scroll = browser.view.verticalScrollBar()
    while not model.exhausted:
        before = model.rowCount()
        scroll.setValue(scroll.maximum())  # what dragging the bar to the end does
        qtbot.waitUntil(lambda b=before: model.rowCount() > b or model.exhausted, timeout=WAIT)
    steps = [b - a for a, b in zip([PAGE, *loaded], loaded, strict=False)]
    assert model.rowCount() == ENTRIES
    assert len(loaded) >= ENTRIES // PAGE - 1  # one page per fetch, never everything at once
    assert set(steps[:-1]) == {PAGE} and steps[-1] <= PAGE
    assert all(model.log_row(i).seq == ENTRIES - i for i in range(0, ENTRIES, 997))
    assert model.log_row(ENTRIES - 1).seq == 1
    assert browser.status_label.text() == f"已显示 {ENTRIES} 条 / 共 {ENTRIES} 条"


def test_every_filter_shows_what_a_bare_query_finds(qtbot, browser, big):
    _, _, facts, raw = big
    model = browser.model
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=WAIT)
    for figure, flt, where, params in cases(facts):
        pages: list[int] = []
        model.sig_page_loaded.connect(pages.append)
        browser.apply_filter(flt)
        qtbot.waitUntil(lambda p=pages: bool(p), timeout=WAIT)
        model.sig_page_loaded.disconnect(pages.append)
        shown = [model.log_row(i).seq for i in range(model.rowCount())]
        expected = [s for (s,) in raw.execute(
            f"SELECT seq FROM audit WHERE {where} ORDER BY seq DESC LIMIT {PAGE}", params)]
        assert shown == expected and shown, figure
        assert browser.current_filter().subject == flt.subject, figure
    masked = PERSON[:6] + "*" * 8 + PERSON[14:]
    browser.apply_filter(LogFilter(subject=PERSON))
    qtbot.waitUntil(lambda: model.rowCount() > 0 and not model.fetching, timeout=WAIT)
    assert {model.log_row(i).subject_masked for i in range(model.rowCount())} == {masked}
