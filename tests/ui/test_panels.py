"""The commitments and change-alerts panels with real commitments and real alerts."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select, update

from desktop.counter import flows
from desktop.identifiers import mask
from local_cache import store
from local_cache.tables import commitments, outbox
from sandbox.demo import SUPERVISOR, SUPERVISOR_PASSWORD, fetch_samples
from sandbox.server import SandboxServer
from tests.ui.desks import desk_for
from ui.counter.alerts_panel import AlertsPanel
from ui.counter.commitments_panel import CommitmentsPanel
from ui.widgets.table_models import STATUS_ROLE, CommitmentsModel

STATE = CommitmentsModel.STATE_COLUMN


def open_commitments(ctx, samples, tmp_path, n=2) -> list[str]:
    """Fast-track ``n`` eligible incentive organisations; returns the letter numbers."""
    svc = ctx.services
    letters = []
    for sample in [s for s in samples.incentive if s.kind.value == "organisation"][:n]:
        outcome = svc.checks.check(sample.id, sample.item)
        plan = flows.plan_fast_track(svc, outcome)
        assert plan.eligible, plan.reason
        code = plan.tolerance.tolerable_materials[0].code
        done = flows.fast_track(svc, outcome, plan, [code], tmp_path / f"{sample.id}.pdf")
        letters.append(done.letter_no)
    assert len(letters) == n
    return letters


def make_overdue(ctx, letter_no: str) -> None:
    with ctx.services.engine.begin() as conn:
        conn.execute(update(commitments).where(commitments.c.letter_no == letter_no)
                     .values(due=(dt.date.today() - dt.timedelta(days=2)).isoformat()))


def shown_letters(panel) -> list[str]:
    return [panel.proxy.index(r, 0).data() for r in range(panel.proxy.rowCount())]


def outbox_row(ctx, row_id):
    with ctx.services.engine.connect() as conn:
        return conn.execute(select(outbox).where(outbox.c.id == row_id)).one()


def make_panel(qtbot, cls, ctx):
    panel = cls(ctx)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.refreshed, timeout=30000):
        panel.show()
    panel.activateWindow()
    qtbot.waitActive(panel)
    return panel


def test_commitments_overdue_first_then_fulfilled_and_breached(
        qtbot, qtmodeltester, ctx, samples, tmp_path):
    first, second = open_commitments(ctx, samples, tmp_path)
    make_overdue(ctx, second)
    panel = make_panel(qtbot, CommitmentsPanel, ctx)
    qtmodeltester.check(panel.model)
    qtmodeltester.check(panel.proxy)

    assert shown_letters(panel) == [second, first]  # the overdue one first
    assert panel.proxy.index(0, STATE).data() == "⚠ 逾期"  # a word, not only a colour
    assert panel.proxy.index(0, STATE).data(STATUS_ROLE) == "overdue"
    assert panel.proxy.index(1, STATE).data() == "待补正"
    assert "逾期 1" in panel.count_label.text()
    assert not panel.fulfil_button.isEnabled()  # nothing chosen yet
    names = {s.id: s.name for s in samples.incentive}
    assert set(panel.proxy.index(r, 1).data() for r in range(2)) <= set(names.values())

    # Fulfilled: keyboard to the second row, Alt+F.
    panel.select_row(1)
    with qtbot.waitSignal(panel.closed, timeout=30000) as closed, \
            qtbot.waitSignal(panel.refreshed, timeout=30000):
        qtbot.keyClick(panel.view, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    fulfilled = closed.args[0]
    row = outbox_row(ctx, fulfilled)
    assert (row.action, row.state) == ("commitment_fulfilled", "pending")
    assert shown_letters(panel) == [second]
    assert first in panel.message.text()

    # Breached needs a supervisor's confirmation: cancelling changes nothing.
    panel.select_row(0)
    panel.breach_button.click()
    dialog = panel.breach_dialog
    assert second in dialog.question.text()
    with qtbot.waitSignal(dialog.finished, timeout=30000):
        dialog.cancel_button.click()
    assert shown_letters(panel) == [second]

    panel.select_row(0)
    panel.breach_button.click()
    dialog = panel.breach_dialog
    dialog.approval.staff_id.setText(SUPERVISOR)
    dialog.approval.password.setText(SUPERVISOR_PASSWORD)
    with qtbot.waitSignal(dialog.approval.approved, timeout=30000):
        dialog.approval.approve_button.click()
    with qtbot.waitSignal(panel.closed, timeout=30000) as closed, \
            qtbot.waitSignal(panel.refreshed, timeout=30000):
        dialog.confirm_button.click()
    breached = closed.args[0]
    assert outbox_row(ctx, breached).action == "commitment_breached"
    assert shown_letters(panel) == [] and "0" in panel.count_label.text()

    # Both reach the platform.
    assert ctx.services.outbox.flush(ctx.services.client).failed == 0
    assert outbox_row(ctx, fulfilled).state == outbox_row(ctx, breached).state == "sent"
    assert outbox_row(ctx, fulfilled).feedback_id and outbox_row(ctx, breached).feedback_id
    with ctx.services.engine.connect() as conn:
        states = dict(conn.execute(select(commitments.c.letter_no, commitments.c.state)).all())
    assert states == {first: "fulfilled", second: "breached"}


@pytest.fixture(scope="module")
def changing_platform(tmp_path_factory):
    """A platform of its own (its lists get changed), on its own small database."""
    root = tmp_path_factory.mktemp("changing")
    server = SandboxServer(seed=29, subjects=600, db_url=f"sqlite:///{root / 'p.sqlite'}")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def desk(qtbot, changing_platform, tmp_path):
    with desk_for(changing_platform, tmp_path / "desk") as context:
        yield context


def test_alerts_appear_after_a_sync_and_leave_when_acknowledged(
        qtbot, qtmodeltester, desk, changing_platform):
    svc = desk.services
    found = fetch_samples(changing_platform)
    listed = {s.id: s.item for group in (found.prohibit, found.restrict, found.alert)
              for s in group}
    assert listed
    for subject, item in listed.items():
        svc.checks.check(subject, item)
    assert svc.sync.sync().alerts == 0  # from empty nothing "changed"
    panel = make_panel(qtbot, AlertsPanel, desk)
    qtmodeltester.check(panel.model)
    qtmodeltester.check(panel.proxy)
    assert panel.proxy.rowCount() == 0 and not panel.ack_button.isEnabled()

    changed = httpx.post(f"{changing_platform.url}/sandbox/changes",
                         json={"n": 100_000, "seed": 3},  # every record of the data set
                         headers={"Authorization": f"Bearer {changing_platform.api_key}"},
                         timeout=60).json()
    due = set(listed) & set(changed["subject_ids"])
    assert due
    synced = []
    desk.events.synced.connect(synced.append)
    with qtbot.waitSignal(panel.refreshed, timeout=60000) as refreshed:
        desk.runner.submit(svc.sync.sync)  # as the window does: the core announces it
    assert len(synced) == 1 and synced[0].alerts == len(due) == refreshed.args[0]
    masked = sorted(panel.proxy.index(r, 0).data() for r in range(panel.proxy.rowCount()))
    assert masked == sorted(mask(s) for s in due)
    assert f"未阅提醒 {len(due)} 条" in panel.count_label.text()

    panel.select_row(0)
    gone = panel.selected()[0]
    with qtbot.waitSignal(panel.acknowledged, timeout=30000) as acked, \
            qtbot.waitSignal(panel.refreshed, timeout=30000):
        qtbot.keyClick(panel.view, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    assert acked.args[0] == 1
    assert panel.proxy.rowCount() == len(due) - 1
    with svc.engine.connect() as conn:
        still_open = store.open_alerts(conn, svc.protector)
    assert gone["id"] not in {a["id"] for a in still_open} and len(still_open) == len(due) - 1
