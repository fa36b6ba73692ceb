"""Another program holds the desk's write lock (a raw SQLite connection, as a long batch log
would): a check keeps asking for it and is kept once the lock is free; a command that
cannot get the lock within its patience exits 5 with the desk's bilingual words and writes
nothing. (Split from test_two_writers.py, whose platform and ledger helpers it shares.)
"""

from __future__ import annotations

import re
import sqlite3
import threading
from types import SimpleNamespace

from sqlalchemy import event

from desktop.staff.credentials import DATA_KEY
from local_cache import db
from local_cache.db import FILE_NAME, DatabaseBusyError
from sandbox.demo import CLERK, CLERK_PASSWORD, fetch_samples, make_desk
from sandbox.server import DEFAULT_COUNTER
from tests.reliability.test_two_writers import KEY, found_entries
from tests.reliability.test_two_writers import platform as platform  # noqa: F401 - fixture


def test_a_writer_waits_out_a_long_write_and_says_plainly_when_it_cannot(
        platform, tmp_path, monkeypatch, capsys, tally):
    """Another program holds the write lock (a raw SQLite connection here, as a long
    batch log would): a check keeps asking for it and is kept once the lock is free; a
    command that cannot get the lock within its patience exits 5 with the desk's
    bilingual words, no SQL and no "locked", and writes nothing. Event-driven: the lock is
    let go only after the waiting check was seen asking again twice."""
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 200)  # engines opened from here on
    samples = fetch_samples(platform)
    sample = samples.clear[0]
    desk = tmp_path / "desk"
    services = make_desk(SimpleNamespace(url=platform.url, api_key=KEY), desk)
    holder = None
    try:
        assert services.sync.sync().entries > 0
        retried, free = [0], threading.Event()

        def on_error(context) -> None:
            if context.statement == "BEGIN IMMEDIATE" and db._is_busy(
                    context.original_exception):
                retried[0] += 1
                if retried[0] >= 2:
                    free.set()

        event.listen(services.engine, "handle_error", on_error)
        holder = sqlite3.connect(desk / FILE_NAME, isolation_level=None,
                                 check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")

        def let_go() -> None:
            free.wait()
            holder.execute("COMMIT")

        releaser = threading.Thread(target=let_go)
        releaser.start()
        outcome = services.checks.check(sample.id, sample.item, offline=True)
        releaser.join()
        kept, _events, _ok, before = found_entries(desk / FILE_NAME)
        assert kept[("check", outcome.check_id)] == 1

        # Now the lock stays taken for longer than the command's patience.
        monkeypatch.setattr(db, "WRITE_PATIENCE_S", 1.0)
        monkeypatch.setenv("CREDITDESK_API_KEY", KEY)
        monkeypatch.setenv("CREDITDESK_DATA_KEY", services.secrets.get(DATA_KEY))
        monkeypatch.setenv("CREDITDESK_STAFF", CLERK)
        monkeypatch.setenv("CREDITDESK_STAFF_PASSWORD", CLERK_PASSWORD)
        holder.execute("BEGIN IMMEDIATE")
        from desktop.cli.desk import EXIT_NOT_SAVED
        from desktop.cli.main import main

        capsys.readouterr()
        code = main(["check", sample.id, "--item", sample.item, "--offline",
                     "--data-dir", str(desk), "--platform", platform.url,
                     "--counter", DEFAULT_COUNTER])
        out = capsys.readouterr()
        holder.execute("ROLLBACK")
        _k, _e, integrity, after = found_entries(desk / FILE_NAME)
    finally:
        if holder is not None:
            holder.close()
        services.close()
    tally(retries_before_kept=retried[0], entries_before=before, entries_after=after,
          exit_code=code, stderr=out.err.strip()[:200])
    assert retried[0] >= 2
    assert code == EXIT_NOT_SAVED
    assert DatabaseBusyError.zh in out.err and DatabaseBusyError.en in out.err
    assert not re.search(r"locked|SQL|Traceback", out.err + out.out)
    assert after == before and integrity == "ok"
