"""Anchors in the window: refused anchors in the status bar and the integrity tab, the
anchor timer and sign-out queuing the head, against the real platform on loopback.

Each desk has a counter of its own at the platform: the platform remembers the highest
log head it witnessed per counter, and the session's platform is shared.
"""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import select

from desktop.runtime import DeskRuntime
from desktop.staff import accounts as staff
from desktop.staff import session
from local_cache import store
from local_cache.db import UnitOfWork
from local_cache.tables import outbox
from sandbox.demo import CLERK, CLERK_PASSWORD, make_desk
from tests.ui.test_main_window import open_window
from ui.context import DeskContext
from ui.supervisor.integrity_view import IntegrityView
from ui.tasks import TaskRunner

WAIT = 30000


@pytest.fixture
def desk(qtbot, platform, tmp_path):
    """A desk with a counter of its own, the demo clerk signed in."""
    services = make_desk(platform, tmp_path / "desk", counter=f"SX-A-{uuid.uuid4().hex[:8]}")
    ctx = DeskContext(services, TaskRunner())
    ctx.sign_in(staff.authenticate(services.engine, CLERK, CLERK_PASSWORD))
    yield ctx
    ctx.runner.wait(WAIT)
    services.close()


def _anchor_rows(ctx: DeskContext) -> list[tuple[str, str]]:
    with ctx.services.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(outbox.c.idempotency_key, outbox.c.state).where(outbox.c.kind == "anchor"))]


def _park_an_anchor(ctx: DeskContext) -> None:
    """An anchor signed for another counter, as an older desk queued them: refused 422."""
    svc = ctx.services
    with UnitOfWork(svc.engine) as uow:
        store.append_audit(uow.conn, svc.protector, counter=svc.settings["counter_id"],
                           clerk=CLERK, event="note")
        seq, head = store.audit_head(uow.conn)
        store.queue_anchor(uow.conn, svc.protector, "SX-NOT-MINE", seq, head)
        uow.commit()
    svc.outbox.flush(svc.client)
    assert [s for _k, s in _anchor_rows(ctx)] == ["failed"]


def test_the_status_bar_shows_refused_anchors(qtbot, desk):
    window = open_window(qtbot, desk)
    qtbot.waitUntil(lambda: "反馈待发送" in window.outbox_status.text(), timeout=WAIT)
    assert not window.status.anchor_status.isVisible()
    # Queued and refused on a worker thread, as the sender does: the refusal reaches the
    # status bar as an event from the core (nothing polls the outbox, nobody calls refresh).
    worker = threading.Thread(target=_park_an_anchor, args=(desk,))
    worker.start()
    worker.join(timeout=WAIT / 1000)
    qtbot.waitUntil(lambda: window.status.anchor_status.isVisible(), timeout=WAIT)
    assert "日志锚点被平台拒收 1" in window.status.anchor_status.text()
    assert window.status.anchor_status.accessibleName()


def test_the_integrity_tab_names_refused_anchors(qtbot, desk):
    _park_an_anchor(desk)
    view = IntegrityView(desk)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.sig_verified, timeout=WAIT):
        view.run()
    assert view.check.result.ok and not view.check.ok
    assert "锚点被平台拒收" in view.verdict.text()
    assert "SX-NOT-MINE" in view.facts.text() or "wrong_counter" in view.facts.text()
    assert "witnessed" in view.facts.text()  # what the platform has witnessed, said too


def test_the_anchor_job_and_sign_out_queue_the_head(qtbot, desk):
    counter = desk.services.settings["counter_id"]
    session.sign_in(desk.services, CLERK, CLERK_PASSWORD)  # an entry, so there is a head
    every = {job.name: job.every for job in desk.services.runtime.jobs}
    assert every["anchor"] == 10 * 60  # anchor_minutes' default
    runtime = DeskRuntime(desk.services, sync_every=0, anchor_every=0.2)
    runtime.start()
    try:
        qtbot.waitUntil(lambda: len(_anchor_rows(desk)) == 1, timeout=WAIT)
    finally:
        runtime.stop(anchor=False)
    seq = desk.services.audit_head()[0]
    assert _anchor_rows(desk)[0][0] == f"anchor-{counter}-{seq}"
    session.sign_out(desk.services, desk.user)  # the sign-out entry, then its head
    seq = desk.services.audit_head()[0]
    assert f"anchor-{counter}-{seq}" in [k for k, _s in _anchor_rows(desk)]


def test_the_window_adopts_the_counter_its_key_belongs_to(qtbot, platform, tmp_path):
    """A desk whose counter was never set: the window asks the platform on the runner at
    start, and the key's counter becomes the desk's (settings.json, logged)."""
    from desktop.bootstrap import bootstrap
    from desktop.staff.credentials import API_KEY, SecretStore
    from local_cache.tables import audit

    counter, key = f"SX-B-{uuid.uuid4().hex[:8]}", f"key-{uuid.uuid4().hex}"
    platform.platform.add_key(key, counter, "绍兴市行政服务中心")
    secrets = SecretStore(memory=True)
    secrets.set(API_KEY, key)
    services = bootstrap(tmp_path / "desk", {"platform_url": platform.url}, secrets=secrets)
    boss = staff.add(services.engine, "boss", "科长", "supervisor", "boss-pass-1234", None)
    staff.add(services.engine, CLERK, "受理员", "clerk", CLERK_PASSWORD, boss)
    ctx = DeskContext(services, TaskRunner())
    ctx.sign_in(staff.authenticate(services.engine, CLERK, CLERK_PASSWORD))
    window = None

    def changed() -> list:
        with services.engine.connect() as conn:
            return conn.execute(select(audit.c.counter, audit.c.details)
                                .where(audit.c.event == "settings.changed")).all()

    try:
        assert services.settings["counter_id"] == "SX-COUNTER-01"
        window = open_window(qtbot, ctx)
        qtbot.waitUntil(lambda: len(changed()) == 1, timeout=WAIT)
        assert services.settings["counter_id"] == counter
        assert changed()[0][0] == counter and '"source": "platform"' in changed()[0][1]
        saved = (tmp_path / "desk" / "settings.json").read_text(encoding="utf-8")
        assert counter in saved
    finally:
        if window is not None:
            window.close()  # its status bar timer stops, so the runner can finish
        ctx.runner.wait(WAIT)
        services.close()


def test_the_settings_dialog_refuses_another_counter_than_the_adopted_one(desk):
    from desktop.counter.adoption import CounterMismatch, ensure_counter
    from ui.session.settings_dialog import save_settings

    svc = desk.services
    ensure_counter(svc)  # what the window does at start
    mine = svc.settings["counter_id"]
    with pytest.raises(CounterMismatch) as refused:
        save_settings(svc, {"counter_id": "SX-SOMEWHERE-ELSE"}, "", "")
    assert mine in str(refused.value) and "SX-SOMEWHERE-ELSE" in str(refused.value)
    assert svc.settings["counter_id"] == mine
    assert not (svc.settings.data_dir / "settings.json").exists()  # nothing written


def test_at_exit_the_head_is_anchored_at_the_platform(desk):
    """What the desk runtime runs at exit (``DeskRuntime.stop`` calls ``anchor_now``)."""
    from desktop.audit.anchors import anchor_now

    svc = desk.services
    session.sign_in(svc, CLERK, CLERK_PASSWORD)
    seq = anchor_now(svc, CLERK)
    counter = svc.settings["counter_id"]
    assert (f"anchor-{counter}-{seq}", "sent") in _anchor_rows(desk)
    assert seq in [a.seq for a in svc.client.anchors(counter).anchors]
    assert svc.client.witness(counter).seq >= seq  # the anchor's own call carried the head
