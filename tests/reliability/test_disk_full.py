"""A full disk under the cache file (issue 8, disk full).

The cache file is capped where it stands with SQLite's ``PRAGMA max_page_count`` (set on
every connection by an engine listener in this test; a real full disk gives SQLite the
same SQLITE_FULL). Then the clerk's operations run: a check, a feedback decision, an
audit entry (a supervisor's follow-up note), a delta sync, a credit report. Each must
fail with the bilingual DiskFullError (local_cache/db.py), leave no partial rows (audit
and outbox counts, results, snapshot version unchanged; the chain verifies; PRAGMA
integrity_check ok; no half-written PDF), and the desk keeps working: once the cap is
raised, the same operations succeed. The window shows the same message in its status
line and stays responsive. Real platform on loopback (in-process), real cache file.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import event, func, select, text

from desktop.audit import query as aq
from desktop.counter import flows
from desktop.review import supervision
from desktop.review.stats import add_override_note
from desktop.staff import accounts as staff
from local_cache.db import DiskFullError
from local_cache.tables import audit, outbox
from sandbox import credit
from sandbox.demo import (
    DEMO_SEED,
    DEMO_SUBJECTS,
    SUPERVISOR,
    SUPERVISOR_PASSWORD,
    fetch_samples,
    make_desk,
)
from sandbox.server import SandboxServer
from tests.reliability.conftest import sized
from tests.ui.conftest import (  # noqa: F401 - the window tests' desk and platform
    collect_on_the_gui_thread,
    ctx,
    platform,
    samples,
)
from tests.ui.test_main_window import WAIT, open_window

ROUNDS = sized(1, 5)  # times the whole set of operations is tried against a full disk
UNCAPPED = 1_073_741_823  # SQLite's default max_page_count
MAX_TRIES = 30  # operations that may still fit in the file's slack before one needs a page
NOTE = "跟进意见：" + "已电话回访申请人并核实其履行情况，" * 50  # ~1.5 KB: needs new pages


class Cap:
    """``PRAGMA max_page_count`` on every connection of ``engine``; SQLite never lowers
    it below the file's current size, so ``fill()`` caps the file where it stands."""

    def __init__(self, engine) -> None:
        self.engine, self.pages = engine, UNCAPPED
        event.listen(engine, "connect", self._apply)

    def _apply(self, dbapi_conn, _record) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count = {self.pages}")

    def set(self, pages: int) -> None:
        self.pages = pages
        self.engine.dispose()  # pooled connections reconnect with the new cap

    def fill(self) -> None:
        """Cap the file where it stands, then take its free pages with filler rows (a
        test-only table), large rows first, until SQLite reports the disk full."""
        with self.engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS _filler (x BLOB)")
        self.set(1)
        for size in (65536, 4000, 1000, 200, 50, 8):
            while True:
                try:
                    with self.engine.begin() as conn:
                        conn.exec_driver_sql("INSERT INTO _filler VALUES (zeroblob(?))", (size,))
                except DiskFullError:
                    break

    def free(self) -> None:
        self.set(UNCAPPED)


@pytest.fixture
def server(tmp_path):
    """A platform of our own: the test changes its records for the delta sync."""
    srv = SandboxServer(seed=DEMO_SEED, subjects=DEMO_SUBJECTS,
                        db_url=f"sqlite:///{tmp_path / 'platform.sqlite'}").start()
    yield srv
    srv.stop()


def state(desk) -> tuple:
    with desk.engine.connect() as conn:
        return (conn.execute(select(func.count()).select_from(audit)).scalar_one(),
                conn.execute(select(func.count()).select_from(outbox)).scalar_one(),
                desk.sync.version())


def intact(desk) -> bool:
    with desk.engine.connect() as conn:
        ok = conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    return ok and supervision.verify_log(desk, local=True).result.ok


def test_full_disk_refuses_cleanly_and_recovers(server, tmp_path, tally):
    desk = make_desk(server, tmp_path / "desk")
    cap = Cap(desk.engine)
    attempts = refused = partial = unclear = recovered = fitted = 0
    try:
        samples = fetch_samples(server)
        boss = staff.require_supervisor(desk.engine, SUPERVISOR, SUPERVISOR_PASSWORD)
        sample = samples.prohibit[0]
        desk.sync.sync()
        outcome = desk.checks.check(sample.id, sample.item)
        flows.override(desk, outcome, "依法继续办理的理由", "《行政许可法》第三十条", boss)
        seq = aq.page(desk.engine, desk.protector, aq.LogFilter(event="intercept.override"))[0].seq

        pool = [x for group in (samples.clear, samples.alert, samples.incentive,
                                samples.restrict, samples.prohibit) for x in group]
        # Each operation gets fresh input on every try (``i``): a check of the same subject
        # or a note already written could reuse its own space and never meet the cap.
        operations = {
            "check": lambda i: desk.checks.check(pool[i % len(pool)].id,
                                                 pool[i % len(pool)].item),
            # One decision per check (issue 15): each try decides on a check of its own.
            "feedback": lambda i: flows.override(
                desk, outcome.model_copy(update={"check_id": f"{outcome.check_id}-{i}"}),
                f"依法继续办理的理由 {i}", "《行政许可法》第三十条", boss),
            "audit": lambda i: add_override_note(desk, seq, f"{NOTE}{i}", boss),
            "sync": lambda i: (server.platform.versions.mutate(sized(50, 200), i,
                                                               credit.today()),
                               desk.sync.sync()),
            "report": lambda i: desk.reports.print_report(outcome, sample.item,
                                                          tmp_path / f"report-{i}.pdf"),
        }
        tries = 0
        for _n in range(ROUNDS):
            cap.fill()
            for name, run in operations.items():
                # The disk fills up: what still fits in the file's slack is written whole;
                # the first operation that needs a new page is the one under test.
                for _ in range(MAX_TRIES):
                    tries += 1
                    before = state(desk)
                    reports = set(tmp_path.glob("report-*.pdf"))
                    try:
                        run(tries)
                    except DiskFullError as exc:
                        message = str(exc)
                        break
                    fitted += 1
                else:
                    pytest.fail(f"{name} never met the full disk")
                attempts += 1
                refused += 1
                if "磁盘空间已满" not in message or "disk is full" not in message:
                    unclear += 1
                if state(desk) != before or set(tmp_path.glob("report-*.pdf")) != reports:
                    partial += 1
                    print("PARTIAL", name, before, state(desk),
                          set(tmp_path.glob("report-*.pdf")) - reports)
                assert intact(desk), name
            cap.free()
            for name, run in operations.items():
                tries += 1
                before = state(desk)
                run(tries)
                assert state(desk) != before, name
                recovered += 1
            assert intact(desk)
    finally:
        desk.close()
    tally(attempts=attempts, refused=refused, unclear=unclear, partial_rows=partial,
          recovered=recovered, fitted_in_slack=fitted, crashed=0)
    assert (refused, unclear, partial) == (attempts, 0, 0)


def test_the_window_says_the_disk_is_full_and_keeps_working(qtbot, ctx, samples,  # noqa: F811
                                                            tally):
    """The clerk scans at the real window (offscreen) while the cache cannot grow."""
    window = open_window(qtbot, ctx)
    desk = ctx.services
    cap = Cap(desk.engine)
    pool = [x for group in (samples.clear, samples.alert, samples.incentive) for x in group]
    attempts = shown = partial = 0
    try:
        cap.fill()
        for sample in pool[:MAX_TRIES]:
            attempts += 1
            before = state(desk)
            window.item_picker.set_code(sample.item)
            window.lookup.setFocus()
            qtbot.keyClicks(window.lookup, sample.id)
            qtbot.keyClick(window.lookup, Qt.Key.Key_Return)
            qtbot.waitUntil(lambda: not window.checking, timeout=WAIT)
            if "无法核查" in window.message.text():
                break
        message = window.message.text()
        assert "磁盘空间已满" in message and "disk is full" in message, message
        assert "INSERT" not in message and "sqlite" not in message.lower()  # no raw SQL
        shown += 1
        partial += state(desk) != before
        assert intact(desk)
        # Still responsive: the button is back and the next scan is taken.
        assert window.check_button.isEnabled() and window.isVisible()
        cap.free()
        sample = pool[attempts % len(pool)]
        window.item_picker.set_code(sample.item)
        qtbot.keyClicks(window.lookup, sample.id)
        qtbot.keyClick(window.lookup, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not window.checking and window.outcome is not None,
                        timeout=WAIT)
        assert window.message.text().startswith("✔"), window.message.text()
        assert state(desk)[0] > before[0]  # the check is logged again
    finally:
        cap.free()
        window.close()
        window.idle_lock = None
    tally(attempts=attempts, disk_full_shown=shown, partial_rows=partial, recovered=1,
          crashed=0)
    assert partial == 0
