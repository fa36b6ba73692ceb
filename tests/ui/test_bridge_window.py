"""The local bridge with the real counter window (offscreen), the real reference platform on
loopback and the real bridge server on a free loopback port: a program pairs (the clerk and
a supervisor approve in the window's pairing dialog), hands checks in over HTTP, and learns
the verdict and the clerk's decision; a check that arrives while the clerk decides on
another is queued, shown as queued, never a second dialog, and answered after.

HTTP calls run on a worker thread: the bridge's POST waits for the window, which runs on
this (the GUI) thread."""

from __future__ import annotations

import gc
import json
import threading
from concurrent.futures import Future, ThreadPoolExecutor

import httpx
import pytest
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from desktop.counter.state_machine import Phase
from desktop.identifiers import mask
from local_cache.tables import audit
from sandbox.demo import SUPERVISOR, SUPERVISOR_PASSWORD
from tests.ui.desks import allow_pairing, bridged_window
from tests.ui.test_counter_queue import intercept_up, open_dialogs
from tests.ui.test_main_window import WAIT
from ui.app import install_language
from ui.bridge.pairing_dialog import PairingDialog
from ui.counter.confirm_dialog import ConfirmDialog

POOL = ThreadPoolExecutor(4, thread_name_prefix="test-http")


@pytest.fixture(autouse=True)
def in_chinese_and_collected_here(qapp):
    install_language(qapp, "zh_CN")
    yield
    gc.collect()


@pytest.fixture
def desk(qtbot, ctx):
    """The window with its bridge listening on a free port: (window, host, base URL)."""
    with bridged_window(qtbot, ctx) as parts:
        yield parts


def off_gui(qtbot, fn, *args, **kwargs):
    """``fn(*args)`` on a worker thread while the GUI thread keeps running; its result."""
    future: Future = POOL.submit(fn, *args, **kwargs)
    qtbot.waitUntil(future.done, timeout=WAIT)
    return future.result()


def pair(qtbot, host, base: str, system: str = "街道综合受理系统") -> str:
    """Pair a program (no Origin) through the window's dialog; its token. The clerk first
    allows new pairings (Ctrl+Shift+B, "允许新的配对")."""
    allow_pairing(qtbot, host.window_of())
    asked = off_gui(qtbot, httpx.post, f"{base}/v1/pairings", json={"system": system})
    assert asked.status_code == 202, asked.text
    body = asked.json()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), PairingDialog),
                    timeout=WAIT)
    dialog = QApplication.activeModalWidget()
    assert system in dialog.info.text() and dialog.code.text().replace(" ", "") == body["code"]
    dialog.approval.staff_id.setText(SUPERVISOR)
    dialog.approval.password.setText(SUPERVISOR_PASSWORD)
    dialog.approval.approve_button.click()
    qtbot.waitUntil(dialog.approve_button.isEnabled, timeout=WAIT)
    dialog.approve_button.click()
    qtbot.waitUntil(lambda: host.dialog is None, timeout=WAIT)  # approved, closed
    got = off_gui(qtbot, httpx.get, f"{base}/v1/pairings/{body['pairing_id']}").json()
    assert got["state"] == "approved" and got["token"]
    return got["token"]


def post_check(qtbot, base, token, sample, case_no=""):
    return off_gui(qtbot, httpx.post, f"{base}/v1/checks",
                   json={"id": sample.id, "item": sample.item, "case_no": case_no},
                   headers={"Authorization": f"Bearer {token}"})


def state_of(base, token, handle) -> dict:
    return httpx.get(f"{base}/v1/checks/{handle}",
                     headers={"Authorization": f"Bearer {token}"}).json()


def stream(base, token, handle, seen: list, stop: threading.Event) -> None:
    """Read the check's event stream into ``seen`` until its state is final."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.stream("GET", f"{base}/v1/checks/{handle}/events", headers=headers,
                      timeout=httpx.Timeout(5, read=60)) as answer:
        for line in answer.iter_lines():
            if line.startswith("data:"):
                seen.append(json.loads(line[5:]))
                if seen[-1]["state"] in ("decided", "failed", "refused", "cancelled"):
                    return
            if stop.is_set():
                return


def test_a_program_pairs_and_its_checks_queue_behind_the_clerks_decision(
        qtbot, desk, ctx, samples):
    window, host, base = desk
    token = pair(qtbot, host, base)
    first = next(s for s in samples.prohibit if s.kind == "person")
    second = next(s for s in samples.clear if s.kind == "organisation")

    answer = post_check(qtbot, base, token, first, case_no="SX-2026-00017")
    assert answer.status_code == 202, answer.text
    handle = answer.json()["handle"]
    seen: list = []
    stop = threading.Event()
    reader = POOL.submit(stream, base, token, handle, seen, stop)
    dialog = intercept_up(qtbot, window)
    assert window.outcome.subject.id == first.id

    queued = post_check(qtbot, base, token, second, case_no="SX-2026-00018")
    assert queued.status_code == 202 and queued.json()["state"] == "queued"
    assert queued.json()["queue_position"] == 1
    assert "排队待核查 1 位" in window.counter.queue_label.text()
    assert len(open_dialogs()) == 1 and QApplication.activeModalWidget() is dialog

    waiting = off_gui(qtbot, state_of, base, token, handle)
    assert waiting["state"] == "awaiting_decision" and waiting["case_no"] == "SX-2026-00017"
    assert waiting["verdict"]["verdict"] == "prohibit"
    assert waiting["verdict"]["step"] == "intercept"
    codes = [m["code"] for m in waiting["verdict"]["measures"]]
    assert codes == list(dict.fromkeys(m.code for m in window.outcome.measures))  # each once
    assert waiting["subject"]["masked"] == mask(first.id)
    assert first.id not in json.dumps(waiting)  # masked only: no birth date leaves the desk

    dialog.terminate_button.click()
    qtbot.waitUntil(lambda: window.outcome.subject.id == second.id
                    and window.counter.flow.phase is Phase.DONE, timeout=WAIT)
    qtbot.waitUntil(reader.done, timeout=WAIT)
    states = [s["state"] for s in seen]
    assert states[-1] == "decided" and "awaiting_decision" in states
    assert seen[-1]["decision"]["action"] == "terminated"
    after = off_gui(qtbot, state_of, base, token, queued.json()["handle"])
    assert after["state"] == "decided" and after["decision"]["action"] == "none"
    assert after["verdict"]["verdict"] == "clear"

    # The case number is in the check's audit entry (and the calling system with it).
    with ctx.services.engine.connect() as conn:
        details = [json.loads(d) for d in conn.execute(
            select(audit.c.details).where(audit.c.event == "check")).scalars()]
    assert {d.get("case_no") for d in details} >= {"SX-2026-00017", "SX-2026-00018"}


def test_strangers_learn_nothing_and_the_window_is_untouched(qtbot, desk, samples):
    window, host, base = desk
    sample = samples.prohibit[0]
    body = {"id": sample.id, "item": sample.item}
    no_token = off_gui(qtbot, httpx.post, f"{base}/v1/checks", json=body)
    forged = off_gui(qtbot, httpx.post, f"{base}/v1/checks", json=body,
                     headers={"Authorization": "Bearer not-a-token"})
    rebinding = off_gui(qtbot, httpx.post, f"{base}/v1/checks", json=body,
                        headers={"Host": f"creditdesk.evil.example:{base.rsplit(':', 1)[1]}"})
    page = off_gui(qtbot, httpx.post, f"{base}/v1/checks", json=body,
                   headers={"Origin": "http://evil.example"})
    assert [r.status_code for r in (no_token, forged, rebinding, page)] == [401, 401, 403, 403]
    for refused in (no_token, forged, rebinding, page):
        assert sample.id not in refused.text and sample.name not in refused.text
        assert "access-control-allow-origin" not in refused.headers
    assert window.outcome is None and window.counter.flow.phase is Phase.IDLE
    assert not open_dialogs()


def test_a_supervisor_revokes_a_paired_system_in_the_window(qtbot, desk, ctx, samples):
    window, host, base = desk
    token = pair(qtbot, host, base, system="案件管理系统")
    from ui.bridge.clients_dialog import ClientsDialog

    window.bridge_action.trigger()  # Ctrl+Shift+B
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ClientsDialog),
                    timeout=WAIT)
    dialog = QApplication.activeModalWidget()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=WAIT)
    assert dialog.table.item(0, 0).text() == "案件管理系统"
    assert dialog.table.item(0, 1).text() == "本机程序"
    assert dialog.table.item(0, 2).text() == SUPERVISOR
    dialog.table.selectRow(0)
    assert not dialog.revoke_button.isEnabled()  # a supervisor must approve first
    dialog.approval.staff_id.setText(SUPERVISOR)
    dialog.approval.password.setText(SUPERVISOR_PASSWORD)
    dialog.approval.approve_button.click()
    qtbot.waitUntil(dialog.revoke_button.isEnabled, timeout=WAIT)
    dialog.revoke_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 0, timeout=WAIT)
    sample = samples.clear[0]
    refused = post_check(qtbot, base, token, sample)
    assert refused.status_code == 401 and sample.id not in refused.text
    assert window.outcome is None
    with ctx.services.engine.connect() as conn:
        events = list(conn.execute(select(audit.c.event)).scalars())
    assert "bridge.paired" in events and "bridge.revoked" in events
    dialog.reject()


def test_a_restrict_backed_out_of_is_undecided_and_the_caller_is_told_at_once(
        qtbot, desk, samples):
    window, host, base = desk
    token = pair(qtbot, host, base)
    sample = samples.restrict[0]
    handle = post_check(qtbot, base, token, sample).json()["handle"]
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ConfirmDialog),
                    timeout=WAIT)
    QApplication.activeModalWidget().cancel_button.click()  # 返回: nothing recorded
    qtbot.waitUntil(lambda: off_gui(qtbot, state_of, base, token, handle)["state"]
                    == "decided", timeout=WAIT)
    decided = off_gui(qtbot, state_of, base, token, handle)
    assert decided["decision"]["action"] == "undecided"  # not leave to accept


def test_a_check_the_caller_was_told_was_refused_is_not_run_late(qtbot, desk, ctx, samples):
    window, host, base = desk
    token = pair(qtbot, host, base)
    sample = samples.clear[0]
    # The GUI thread does not turn for longer than the bridge waits (5 s): the caller is
    # told 503; when the window turns again, the request must not start a check after all.
    future = POOL.submit(httpx.post, f"{base}/v1/checks",
                         json={"id": sample.id, "item": sample.item},
                         headers={"Authorization": f"Bearer {token}"}, timeout=30)
    answer = future.result(timeout=30)  # blocks this (the GUI) thread on purpose
    assert answer.status_code == 503, answer.text
    assert answer.json()["error"]["code"] == "desk_unavailable"
    handle = answer.json().get("handle") or ""
    QApplication.processEvents()  # the window turns: the late hand-in is delivered now
    # Had it been taken, the counter would be checking from this very moment.
    assert window.outcome is None and window.counter.flow.phase is Phase.IDLE
    with ctx.services.engine.connect() as conn:
        checks = conn.execute(select(audit.c.event).where(audit.c.event == "check")).all()
    assert checks == []
    assert handle == "" or off_gui(qtbot, state_of, base, token, handle)["state"] == "refused"


def test_signing_out_closes_pairing(qtbot, desk, ctx):
    window, host, base = desk
    allow_pairing(qtbot, window)
    assert host.pairings.open_until() > 0
    from desktop.staff import session

    session.sign_out(ctx.services, ctx.user)  # publishes SignedOut on the bus
    qtbot.waitUntil(lambda: host.pairings.open_until() == 0, timeout=WAIT)
    refused = off_gui(qtbot, httpx.post, f"{base}/v1/pairings", json={"system": "某系统"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "pairing_closed"


def test_a_taken_port_is_said_on_the_status_line_in_the_windows_language(
        qtbot, qapp, ctx):
    import socket
    from types import SimpleNamespace

    from tests.ui.desks import free_port
    from ui.app import open_bridge

    holder = socket.socket()
    port = free_port()
    holder.bind(("127.0.0.1", port))
    holder.listen()
    ctx.services.settings.set_override("bridge_port", port)
    install_language(qapp, "en")
    from tests.ui.test_main_window import open_window

    window = open_window(qtbot, ctx)
    host = None
    try:
        host = open_bridge(ctx, SimpleNamespace(window=window))
        qtbot.waitUntil(lambda: "local bridge did not start" in window.message.text(),
                        timeout=WAIT)
        assert host.server is None
        assert not any("\u4e00" <= c <= "\u9fff" for c in window.message.text().split(":")[0])
    finally:
        holder.close()
        if host is not None:
            host.stop()
        window.close()
        window.idle_lock = None
        install_language(qapp, "zh_CN")
