"""The supervisor's area as a supervisor uses it, against the real platform on loopback:
getting in (a clerk cannot; a supervisor signs in at the counter; every attempt logged),
the integrity verdict on an intact and on a tampered log (with the platform's anchors),
importing another desk's bundle (genuine: stored and browsable beside the local log;
tampered: refused, nothing stored), and retention (scheduled and by hand).

Each desk here has a counter of its own at the platform: anchors and signing keys are kept
per counter, and the session's platform is shared with other tests.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid

import pytest
import shiboken6
from sqlalchemy import select

from desktop.audit import retention
from desktop.audit.bundle_import import list_imports
from desktop.audit.export import CST, export
from desktop.bootstrap import bootstrap
from desktop.review import supervision
from desktop.runtime import DeskRuntime
from desktop.settings import FILE_NAME as SETTINGS_FILE
from desktop.settings_record import notice_outside_changes
from desktop.staff import accounts as staff
from local_cache import store
from local_cache.db import FILE_NAME, UnitOfWork
from local_cache.tables import audit
from sandbox.demo import CLERK, CLERK_PASSWORD, SUPERVISOR, SUPERVISOR_PASSWORD, make_desk
from tests.ui.test_main_window import open_window
from ui.context import DeskContext
from ui.supervisor.window import SupervisorGate, SupervisorWindow
from ui.tasks import TaskRunner

WAIT = 30000


def _desk(platform, root) -> DeskContext:
    services = make_desk(platform, root, counter=f"SX-T-{uuid.uuid4().hex[:8]}")
    return DeskContext(services, TaskRunner())


@pytest.fixture
def desk(qtbot, platform, tmp_path):
    """A desk with a counter of its own, nobody signed in yet."""
    ctx = _desk(platform, tmp_path / "desk")
    yield ctx
    ctx.runner.wait(WAIT)
    ctx.services.close()


def _as(ctx: DeskContext, who: str, password: str) -> DeskContext:
    ctx.sign_in(staff.authenticate(ctx.services.engine, who, password))
    return ctx


def _events(ctx: DeskContext) -> list[tuple[str, str]]:
    with ctx.services.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(audit.c.event, audit.c.clerk)
                                               .order_by(audit.c.seq))]


def _checked_and_anchored(ctx: DeskContext, samples) -> None:
    """Two real checks, and the log's head anchored at the platform."""
    svc = ctx.services
    for sample in (samples.prohibit[0], samples.clear[0]):
        svc.checks.check(sample.id, sample.item)
    with UnitOfWork(svc.engine) as uow:
        seq, head = store.audit_head(uow.conn)
        store.queue_anchor(uow.conn, svc.protector, svc.settings["counter_id"], seq, head)
        uow.commit()
    assert svc.outbox.flush(svc.client).sent >= 1


def _open(qtbot, ctx: DeskContext) -> SupervisorWindow:
    """The window as Ctrl+Shift+R opens it for a signed-in supervisor."""
    supervision.enter(ctx.services, ctx.user)
    window = SupervisorWindow(ctx)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.integrity.sig_verified, timeout=WAIT):
        window.show()
    return window


def test_a_clerk_is_refused_and_a_supervisor_signs_in_at_the_counter(qtbot, desk):
    _as(desk, CLERK, CLERK_PASSWORD)
    main = open_window(qtbot, desk)
    main.review_action.trigger()
    qtbot.waitUntil(lambda: main.findChild(SupervisorGate) is not None, timeout=WAIT)
    gate = main.findChild(SupervisorGate)
    assert ("supervisor.refused", CLERK) in _events(desk)
    gate.approval.staff_id.setText(SUPERVISOR)
    gate.approval.password.setText("wrong-password")
    gate.approval.approve()
    qtbot.waitUntil(lambda: gate.approval.error.text() != "", timeout=WAIT)
    assert main.review_window is None  # a wrong password opens nothing
    gate.approval.password.setText(SUPERVISOR_PASSWORD)
    gate.approval.approve()
    qtbot.waitUntil(lambda: main.review_window is not None, timeout=WAIT)
    review = main.review_window
    assert review.ctx.user.staff_id == SUPERVISOR and desk.user.staff_id == CLERK
    assert SUPERVISOR in review.windowTitle()
    assert ("supervisor.open", SUPERVISOR) in _events(desk)
    qtbot.waitUntil(lambda: review.integrity.check is not None, timeout=WAIT)  # ran on opening
    review.close()


def test_a_signed_in_supervisor_opens_it_directly_and_the_log_says_so(qtbot, desk):
    _as(desk, SUPERVISOR, SUPERVISOR_PASSWORD)
    main = open_window(qtbot, desk)
    main.review_action.trigger()
    qtbot.waitUntil(lambda: main.review_window is not None, timeout=WAIT)
    assert main.findChild(SupervisorGate) is None
    assert _events(desk)[-1] == ("supervisor.open", SUPERVISOR)
    review = main.review_window
    main.review_action.trigger()  # again: the open window comes forward, no second one
    assert main.review_window is review
    main.lock()  # locking closes it: whoever unlocks must not find the supervisor's area
    assert main.review_window is None
    qtbot.waitUntil(lambda: not shiboken6.isValid(review), timeout=WAIT)


def test_integrity_intact_then_tampered(qtbot, desk, samples):
    _as(desk, SUPERVISOR, SUPERVISOR_PASSWORD)
    _checked_and_anchored(desk, samples)
    window = _open(qtbot, desk)
    check = window.integrity.check
    assert check.result.ok and check.result.anchors_checked == 1 and check.note == ""
    assert "日志完整" in window.integrity.verdict.text()
    assert "比对 1 处" in window.integrity.facts.text()
    # someone edits the second entry's details in the file
    with sqlite3.connect(desk.services.settings.data_dir / FILE_NAME) as db:
        db.execute("UPDATE audit SET details = '{}' WHERE seq = 2")
    with qtbot.waitSignal(window.integrity.sig_verified, timeout=WAIT):
        window.integrity.run_button.click()
    assert not window.integrity.check.result.ok
    assert "已被改动：第 2 条" in window.integrity.verdict.text()
    assert "entry 2" in window.integrity.facts.text()


def test_integrity_without_the_platform_says_the_anchors_were_not_compared(qtbot, desk):
    _as(desk, SUPERVISOR, SUPERVISOR_PASSWORD)
    desk.services.settings.set_override("platform_url", "http://127.0.0.1:9")  # nobody there
    window = _open(qtbot, desk)
    assert window.integrity.check.result.ok
    assert "anchors not compared" in window.integrity.note.text()


@pytest.fixture
def bundle(platform, samples, tmp_path, qtbot):
    """Desk A (a counter of its own): two checks, anchored, exported as a signed bundle."""
    a = _desk(platform, tmp_path / "deskA")
    try:
        _checked_and_anchored(a, samples)
        today = dt.datetime.now(CST).date().isoformat()
        path = tmp_path / "deskA.jsonl"
        export(a.services.engine, a.services.protector, path, today, today,
               counter=a.services.settings["counter_id"], clerk=CLERK)
        a.services.outbox.flush(a.services.client)  # the signing key
        yield path, a.services.settings["counter_id"]
    finally:
        a.services.close()


def test_bundle_import_genuine_is_browsable_beside_the_local_log_tampered_is_refused(
        qtbot, desk, bundle, tmp_path):
    path, counter = bundle
    _as(desk, SUPERVISOR, SUPERVISOR_PASSWORD)
    window = _open(qtbot, desk)
    view = window.show_tab("bundles")
    tampered = tmp_path / "cut.jsonl"
    tampered.write_bytes(path.read_bytes().replace(b'"event":"check"', b'"event":"chek"', 1))
    with qtbot.waitSignal(view.sig_imported, timeout=WAIT) as refused:
        view.import_file(tampered)
    assert not refused.args[0].stored and "未导入" in view.message.text()
    assert list_imports(desk.services.engine) == []
    with qtbot.waitSignal(view.sig_loaded, timeout=WAIT) as loaded:
        view.import_file(path)
    assert [b["counter"] for b in loaded.args[0]] == [counter]
    assert "已核验并导入" in view.message.text() and counter in view.message.text()
    assert view.table.item(0, 0).text() == counter
    qtbot.waitUntil(lambda: view.other.model.rowCount() > 0, timeout=WAIT)
    rows = [view.other.model.log_row(i) for i in range(view.other.model.rowCount())]
    assert {r.desk for r in rows} == {counter}
    assert sum(r.event == "check" for r in rows) == 2
    assert counter in view.other_label.text()
    qtbot.waitUntil(lambda: view.local.model.rowCount() > 0, timeout=WAIT)
    local = [view.local.model.log_row(i) for i in range(view.local.model.rowCount())]
    assert {r.desk for r in local} == {"local"}


def test_retention_runs_on_schedule_and_by_hand_and_is_listed(qtbot, desk, samples):
    _as(desk, SUPERVISOR, SUPERVISOR_PASSWORD)
    desk.services.checks.check(samples.clear[0].id, samples.clear[0].item)
    runtime = DeskRuntime(desk.services, sync_every=0, retention_first=0)  # hourly, from now
    runtime.start()
    try:
        qtbot.waitUntil(lambda: ("retention.purge", "system") in _events(desk), timeout=WAIT)
    finally:
        runtime.stop(anchor=False)
    assert retention.purge_if_due(desk.services, "system") is None  # not due again today
    assert _events(desk).count(("retention.purge", "system")) == 1
    window = _open(qtbot, desk)
    view = window.retention
    window.show_tab("retention")
    qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=WAIT)
    assert "180 天" in view.summary.text() and "上次清除" in view.summary.text()
    view.purge_button.click()
    qtbot.waitUntil(lambda: view.table.rowCount() == 2, timeout=WAIT)
    assert ("retention.purge", SUPERVISOR) in _events(desk)


def test_retention_days_change_here_needs_the_floor_and_is_logged(qtbot, desk):
    _as(desk, SUPERVISOR, SUPERVISOR_PASSWORD)
    window = _open(qtbot, desk)
    view = window.retention
    window.show_tab("retention")
    settings_file = desk.services.settings.data_dir / SETTINGS_FILE
    before = settings_file.read_bytes() if settings_file.exists() else None
    view.days.setValue(30)
    view.days_button.click()
    qtbot.waitUntil(lambda: "below the floor" in view.message.text(), timeout=WAIT)
    assert "最低要求" in view.message.text() and view.days.value() == 180
    assert (settings_file.read_bytes() if settings_file.exists() else None) == before
    assert "settings.changed" not in [e for e, _ in _events(desk)]
    view.days.setValue(365)
    view.days_button.click()
    qtbot.waitUntil(lambda: "365" in view.message.text(), timeout=WAIT)
    assert desk.services.settings["retention_days"] == 365
    with desk.services.engine.connect() as conn:
        details = conn.execute(select(audit.c.details).where(
            audit.c.event == "settings.changed")).scalar_one()
    assert json.loads(details) == {"changes": {"retention_days": [180, 365]},
                                   "source": "desk", "approved_by": SUPERVISOR}


def test_the_integrity_tab_lists_settings_changed_outside_the_desk(qtbot, desk):
    _as(desk, SUPERVISOR, SUPERVISOR_PASSWORD)
    notice_outside_changes(desk.services)  # the window's start: the file as it is, known
    window = _open(qtbot, desk)
    qtbot.waitUntil(lambda: "未在本程序之外被改动" in window.integrity.settings_changes.text(),
                    timeout=WAIT)
    window.close()
    path = desk.services.settings.data_dir / SETTINGS_FILE
    edited = (json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}) | {
        "stale_hours": 720.0}
    path.write_text(json.dumps(edited), encoding="utf-8")
    # What the window does at start (ui/app.py), on a fresh reading of the file.
    fresh = bootstrap(desk.services.settings.data_dir, secrets=desk.services.secrets)
    try:
        notice_outside_changes(fresh)
    finally:
        fresh.close()
    window = _open(qtbot, desk)
    qtbot.waitUntil(lambda: "stale_hours" in window.integrity.settings_changes.text(),
                    timeout=WAIT)
    assert "72.0 → 720.0" in window.integrity.settings_changes.text()
    assert "本程序之外被改动" in window.integrity.settings_changes.text()
