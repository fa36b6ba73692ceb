"""The counter window's status bar: platform, outbox, last sync, who is signed in.

Every figure is read on the task runner (one read of each kind at a time): platform
health every 15 s (that is asking the platform); outbox counts, parked anchors and last
sync time whenever the core says they changed (``outbox_changed``: rows queued, sent or
refused; ``synced``), never by polling. A change heard while a read is out is read again
when it returns.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QStatusBar

from ui.context import DeskContext, disconnect_all
from ui.tasks import logged
from ui.widgets import theme

HEALTH_SECONDS = 15


def desk_state(ctx: DeskContext) -> tuple[dict[str, int], float | None]:
    """Outbox counts and the last completed sync (epoch seconds; meta ``last_sync_at``).

    ``counts["anchors_parked"]`` is how many anchors the platform refused: the log head
    did not reach it, which verification reports as a failure (docs/AUDIT.md)."""
    from desktop.audit.anchors import parked_anchors
    from local_cache import store

    svc = ctx.services
    counts = svc.outbox.counts()
    with svc.engine.connect() as conn:
        synced = store.get_meta(conn, "last_sync_at")
        counts["anchors_parked"] = len(parked_anchors(conn))
    return counts, float(synced) if synced else None


class DeskStatus(QObject):
    """Permanent status-bar labels and the timers that keep them current."""

    def __init__(self, ctx: DeskContext, bar: QStatusBar) -> None:
        super().__init__(bar)
        self.ctx = ctx
        self._health_busy = self._state_busy = False
        self._state_again = False  # a change was heard while a read was out
        self._evidence = 0  # bumped by every platform state shown; stale health answers lose
        self._outbox_counts: dict[str, int] | None = None
        self.platform_status, self.outbox_status = QLabel(), QLabel()
        self.sync_status, self.user_status = QLabel(), QLabel()
        self.anchor_status = QLabel()
        self.anchor_status.setVisible(False)
        for label, name in ((self.platform_status, self.tr("平台状态")),
                            (self.anchor_status, self.tr("日志锚点")),
                            (self.outbox_status, self.tr("反馈队列")),
                            (self.sync_status, self.tr("上次同步")),
                            (self.user_status, self.tr("当前工作人员"))):
            label.setAccessibleName(name)
            bar.addPermanentWidget(label)
        self.platform_status.setText(self.tr("… 正在连接平台"))
        self.outbox_status.setText(self.tr("反馈队列：…"))
        self.sync_status.setText(self.tr("上次同步：…"))
        self.show_user()
        ctx.events.outbox_changed.connect(self.refresh)
        ctx.events.synced.connect(self._synced)
        ctx.events.signed_in.connect(lambda _person: self.show_user())
        ctx.events.signed_out.connect(self.show_user)
        self._timers = []
        timer = QTimer(self)
        timer.timeout.connect(self.poll_health)
        timer.start(HEALTH_SECONDS * 1000)
        self._timers.append(timer)
        self.poll_health()
        self.refresh()

    def stop(self) -> None:
        """No more polling (the window is closing)."""
        for timer in self._timers:
            timer.stop()
        disconnect_all(((self.ctx.events.outbox_changed, self.refresh),
                        (self.ctx.events.synced, self._synced),
                        (self.ctx.events.signed_out, self.show_user)))

    def poll_health(self) -> None:
        """Ask the platform whether it is there (on the runner, one call at a time)."""
        if self._health_busy:
            return
        self._health_busy = True
        svc = self.ctx.services
        asked = self._evidence

        def settle(ok: bool) -> None:
            self._health_busy = False
            if asked == self._evidence:  # no check answered while the poll was out
                self.set_platform(ok)

        self.ctx.runner.submit(lambda: svc.client.health(), done=lambda _h: settle(True),
                               failed=lambda _e: settle(False))

    def set_platform(self, reachable: bool) -> None:
        """Show the platform as reachable or not (symbol and words, then colour).

        A health answer asked before a check's answer arrived is older news than that
        check and is dropped (a check answered offline must not be shown beside "在线").
        """
        self._evidence += 1
        self.platform_status.setText(self.tr("● 平台在线") if reachable
                                     else self.tr("○ 平台不可达（离线核查）"))
        self.platform_status.setStyleSheet(theme.label_style(theme.GOOD, bold=False)
                                           if reachable else theme.label_style(theme.FAILURE))

    def refresh(self) -> None:
        """Outbox counts and last sync time, read on the runner."""
        if self._state_busy:
            self._state_again = True
            return
        self._state_busy, self._state_again = True, False
        self.ctx.runner.submit(desk_state, self.ctx, done=self._show,
                               failed=self._state_failed)

    def _synced(self, _report: object) -> None:
        self.refresh()

    def _read_done(self) -> None:
        self._state_busy = False
        if self._state_again:  # something changed while we read: read once more
            self.refresh()

    def _state_failed(self, exc: BaseException) -> None:
        logged("reading the outbox and sync state")(exc)
        self._read_done()

    def syncing(self) -> None:
        """A sync is running."""
        self.sync_status.setText(self.tr("⟳ 正在同步…"))

    def _show(self, state) -> None:
        counts, synced = state
        self._outbox_counts = counts
        text = self.tr("反馈待发送 %1").replace("%1", str(counts.get("pending", 0)))
        if counts.get("failed"):
            text += " · " + self.tr("⚠ 失败 %1").replace("%1", str(counts["failed"]))
        self.outbox_status.setText(text)
        self.outbox_status.setStyleSheet(theme.FAILURE_STYLE if counts.get("failed") else "")
        parked = counts.get("anchors_parked", 0)
        self.anchor_status.setText(self.tr("⚠ 日志锚点被平台拒收 %1，请科室负责人核验日志")
                                   .replace("%1", str(parked)) if parked else "")
        self.anchor_status.setStyleSheet(theme.label_style(theme.FAILURE) if parked else "")
        self.anchor_status.setVisible(bool(parked))
        if synced is None:
            self.sync_status.setText(self.tr("从未同步"))
        else:
            when = dt.datetime.fromtimestamp(synced).strftime("%Y-%m-%d %H:%M")
            self.sync_status.setText(self.tr("上次同步 %1").replace("%1", when))
        self._read_done()

    def show_user(self) -> None:
        """Who is signed in."""
        person = self.ctx.user
        if person is None:
            self.user_status.setText(self.tr("未登录"))
            return
        role = self.tr("科室负责人") if person.is_supervisor else self.tr("受理员")
        self.user_status.setText(self.tr("%1：%2（%3）").replace("%1", role).replace(
            "%2", person.name).replace("%3", person.staff_id))
