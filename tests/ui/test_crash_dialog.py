"""Unexpected errors in the window (issue 17): logged to the data directory's log file,
said in a bilingual dialog, and "save diagnostics" writes the support zip on the task
runner. A window session leaves a private log with resident numbers masked. Real
platform (in-process, loopback), real SQLite files, real widgets offscreen."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import stat
import threading
import zipfile
from contextlib import closing

import pytest
from PySide6.QtCore import Qt, QTimer

from desktop import logfile
from desktop.audit import anchors
from desktop.counter import flows
from desktop.staff import session
from desktop.staff.credentials import API_KEY, DATA_KEY
from sandbox.demo import CLERK, CLERK_PASSWORD, SUPERVISOR_PASSWORD
from tests.pii_scan import leaks, needles, resident_numbers
from tests.ui.desks import create_first_supervisor
from tests.ui.test_main_window import drive
from ui import crash

WAIT = 30000
PARTS = {"README.txt", "versions.json", "settings.json", "status.json", "disk.json",
         "log-tail.txt"}


@pytest.fixture(autouse=True)
def no_log_left():
    yield
    logfile.shutdown()


def masked(number: str) -> str:
    return number[:6] + "*" * 8 + number[-4:]


def persons(samples) -> list:
    return [s for group in (samples.prohibit, samples.restrict, samples.alert,
                            samples.incentive, samples.clear) for s in group
            if s.kind == "person"]


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def crashes(qtbot, ctx):
    handler = crash.CrashHandler(ctx.services.settings.data_dir, ctx.runner)
    handler.install()
    yield handler
    handler.uninstall()
    if handler.dialog is not None:
        handler.dialog.close()


def dialog_of(qtbot, handler) -> crash.CrashDialog:
    qtbot.waitUntil(lambda: handler.dialog is not None and handler.dialog.isVisible(),
                    timeout=WAIT)
    return handler.dialog


def close(qtbot, handler) -> None:
    qtbot.mouseClick(handler.dialog.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: handler.dialog is None, timeout=WAIT)


@pytest.mark.xdist_group("bridge-port-27150")  # the window's bridge: default port
def test_a_window_session_leaves_a_private_log_with_numbers_masked(qtbot, platform, samples,
                                                                    tmp_path, monkeypatch):
    from ui import app

    person = next(s for s in samples.clear + samples.alert if s.kind == "person")
    monkeypatch.setenv("CREDITDESK_API_KEY", platform.api_key)
    monkeypatch.setenv("CREDITDESK_DATA_KEY", base64.b64encode(b"d" * 32).decode())
    (tmp_path / "settings.json").write_text(json.dumps({"platform_url": platform.url}))
    seen: dict = {}

    def checked_then_close(window) -> None:
        seen["verdict"] = window.outcome.verdict
        window.close()

    from PySide6.QtWidgets import QApplication

    drive(lambda: (d := QApplication.activeModalWidget()) and type(d).__name__ ==
          "SignInDialog" and d.mode == "first_run" and d, create_first_supervisor)
    drive(lambda: (w := app.current_window()) and w.outcome is not None and not w.checking
          and w, checked_then_close)
    assert app.run([], data_dir=tmp_path, check=(person.id, person.item)) == 0
    assert seen["verdict"] is not None
    log = tmp_path / "logs" / "creditdesk.log"
    assert log.is_file() and mode(log) == 0o600 and mode(log.parent) == 0o700
    text = log.read_text(encoding="utf-8")
    assert f"/v1/subjects/{masked(person.id)}/credit" in text  # the check's request, masked
    assert person.id not in text and resident_numbers(text) == []
    assert person.name not in text and "boss-pass-123" not in text


def test_a_failed_task_nobody_handles_is_logged_and_its_dialog_saves_diagnostics(
        qtbot, ctx, samples, crashes, tmp_path, monkeypatch):
    svc = ctx.services
    log = logfile.setup(svc.settings.data_dir)
    decided = next(s for s in samples.prohibit if s.kind == "person")
    flows.terminate(svc, svc.checks.check(decided.id, decided.item))  # a row in the outbox

    def job() -> None:
        raise RuntimeError(f"no answer for {decided.id}")

    ctx.runner.submit(job)  # no failed=: nobody handles it
    dialog = dialog_of(qtbot, crashes)
    words = dialog.message.text()
    assert "程序出现意外错误" in words and "An unexpected error occurred" in words
    assert "RuntimeError" in words
    assert dialog.save_button.text() == "保存诊断信息 / Save diagnostics"
    text = log.read_text(encoding="utf-8")
    assert "unexpected error in" in text and "Traceback" in text
    assert f"RuntimeError: no answer for {masked(decided.id)}" in text
    assert decided.id not in text

    target = tmp_path / "support" / "diagnostics.zip"
    target.parent.mkdir()
    monkeypatch.setattr(crash.QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(target), "Zip (*.zip)"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.saved_to is not None, timeout=WAIT)
    assert "已保存 / saved" in dialog.status.text() and str(target) in dialog.status.text()

    with zipfile.ZipFile(target) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    assert set(parts) == PARTS
    everyone = persons(samples)
    secrets = {svc.secrets.get(API_KEY): "API key", svc.secrets.get(DATA_KEY): "data key",
               CLERK_PASSWORD: "clerk password", SUPERVISOR_PASSWORD: "supervisor password"}
    wanted = needles([s.id for s in everyone], [s.name for s in everyone], secrets)
    assert leaks(parts, wanted) == []
    texts = {name: data.decode("utf-8") for name, data in parts.items()}
    assert [t for t in texts.values() if resident_numbers(t)] == []
    with closing(sqlite3.connect(svc.settings.data_dir / "creditdesk.sqlite")) as db:
        rows = db.execute("SELECT kind, state, count(*) FROM outbox GROUP BY kind, state"
                          ).fetchall()
    by_kind: dict = {}
    for kind, state, n in rows:
        by_kind.setdefault(kind, {})[state] = n
    status = json.loads(texts["status.json"])
    assert status["outbox"]["by_kind"] == by_kind and sum(by_kind["feedback"].values()) == 1
    assert f"RuntimeError: no answer for {masked(decided.id)}" in texts["log-tail.txt"]
    close(qtbot, crashes)


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_slot_or_a_thread_opens_one_dialog_at_a_time(qtbot, ctx, crashes):
    log = logfile.setup(ctx.services.settings.data_dir)

    def slot() -> None:
        raise ValueError("slot went wrong")

    def work() -> None:
        raise LookupError("thread went wrong")

    QTimer.singleShot(0, slot)  # on the GUI thread, through sys.excepthook
    dialog = dialog_of(qtbot, crashes)
    assert "ValueError" in dialog.message.text()
    thread = threading.Thread(target=work, name="worker-x")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: "thread went wrong" in log.read_text(encoding="utf-8"),
                    timeout=WAIT)
    assert crashes.dialog is dialog and crashes.gate.logged_only == 1  # logged, no 2nd box
    close(qtbot, crashes)

    thread = threading.Thread(target=work, name="worker-y")  # the gate is open again
    thread.start()
    thread.join()
    again = dialog_of(qtbot, crashes)
    assert again is not dialog and "LookupError" in again.message.text()
    text = log.read_text(encoding="utf-8")
    assert "ValueError: slot went wrong" in text and "thread worker-y" in text
    close(qtbot, crashes)


def test_a_background_job_that_fails_is_logged_not_swallowed(qtbot, ctx):
    """The API key was removed from the keyring: the desk runtime's sender cannot send the
    row it is woken for. The failure is in the log file with its traceback (it used to
    vanish), and the row stays queued for a later pass."""
    log = logfile.setup(ctx.services.settings.data_dir)
    ctx.services.secrets.delete(API_KEY)
    ctx.services.settings.set_override("sync_minutes", 0)  # only the sender is in play
    runtime = ctx.services.runtime
    runtime.start()  # as ui.app does after sign-in
    try:
        session.sign_in(ctx.services, CLERK, CLERK_PASSWORD)  # an entry: the log has a head
        anchors.queue_head_anchor(ctx.services, "system")  # a row: the sender wakes
        qtbot.waitUntil(lambda: "outbox sender: a pass failed"
                        in log.read_text(encoding="utf-8"), timeout=WAIT)
    finally:
        runtime.stop(anchor=False)
    assert ctx.services.outbox.counts("anchor")["pending"] == 1
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "SecretsUnavailable" in text
