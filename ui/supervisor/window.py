"""The supervisor's area (监督审查): the log, the closed loop, overrides, integrity and
retention, other desks' bundles, the district overview, the supervision view (行政监管,
``ui.supervisor.inspection_view``), staff administration, each a tab.

Who may enter is decided by ``desktop.review.supervision.enter`` (a supervisor; every attempt is
logged). When a clerk is signed in at the counter, the supervisor signs in right there for
this window only (``SupervisorGate``): the window then acts as that supervisor (unmasking,
notes, purges are logged under their id), while the counter stays with the clerk.
The integrity check runs each time the window opens.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMainWindow,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.review import supervision
from desktop.staff.accounts import Staff
from ui.context import DeskContext
from ui.widgets.approval import SupervisorApproval, error_text


class SupervisorGate(QDialog):
    """Asks a supervisor to sign in for the review area (the signed-in person is a clerk)."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("监督审查：需要科室负责人"))
        self.approval = SupervisorApproval(ctx, self)
        text = QLabel(self.tr("监督审查只对科室负责人开放。请科室负责人在此输入工号和密码；"
                              "本次进入会记入日志。"))
        text.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.approval)
        layout.addWidget(buttons)
        buttons.rejected.connect(self.reject)
        self.approval.approved.connect(lambda _person: self.accept())

    @property
    def approver(self) -> Staff | None:
        """The supervisor who signed in here."""
        return self.approval.approver


class SupervisorWindow(QMainWindow):
    """The review area's tabs, acting as ``ctx.user`` (a supervisor)."""

    sig_opened = Signal()
    """The window was shown (the integrity check started)."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from ui.supervisor.bundle_view import BundleView
        from ui.supervisor.district_view import DistrictView
        from ui.supervisor.inspection_view import InspectionView
        from ui.supervisor.integrity_view import IntegrityView
        from ui.supervisor.log_browser import LogBrowser
        from ui.supervisor.override_review import OverrideReview
        from ui.supervisor.retention_view import RetentionView
        from ui.supervisor.staff_view import StaffView
        from ui.supervisor.stats_view import StatsView

        self.ctx = ctx
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # nothing of it outlives a close
        person = ctx.user
        self.setWindowTitle(self.tr("监督审查 — %1（%2）").replace("%1", person.name)
                            .replace("%2", person.staff_id))
        self.log = LogBrowser(ctx)
        self.stats = StatsView(ctx)
        self.overrides = OverrideReview(ctx)
        self.integrity = IntegrityView(ctx)
        self.retention = RetentionView(ctx)
        self.bundles = BundleView(ctx)
        self.districts = DistrictView(ctx)
        self.inspection = InspectionView(ctx)
        self.staff = StaffView(ctx)
        checks = QSplitter(Qt.Orientation.Vertical)
        checks.addWidget(self.integrity)
        checks.addWidget(self.retention)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.log, self.tr("日志(&1)"))
        self.tabs.addTab(self.stats, self.tr("闭环统计(&2)"))
        self.tabs.addTab(self.overrides, self.tr("依法继续办理复核(&3)"))
        self.tabs.addTab(checks, self.tr("完整性与保存期限(&4)"))
        self.tabs.addTab(self.bundles, self.tr("其他窗口日志(&5)"))
        self.tabs.addTab(self.districts, self.tr("信用地图(&6)"))
        self.tabs.addTab(self.inspection, self.tr("行政监管(&7)"))
        self.tabs.addTab(self.staff, self.tr("工作人员(&8)"))
        self.setCentralWidget(self.tabs)
        self._loaded: set[int] = set()
        self.tabs.currentChanged.connect(self._tab_shown)
        self.integrity.sig_verified.connect(lambda _c: self.retention.reload())
        self.resize(1200, 780)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Each opening verifies the log (the supervisor sees the verdict first thing)."""
        super().showEvent(event)
        if not event.spontaneous():
            self.integrity.run()
            self._tab_shown(self.tabs.currentIndex())
            self.sig_opened.emit()

    def _tab_shown(self, index: int) -> None:
        """Load a tab the first time it is shown (the log browser loads itself)."""
        if index in self._loaded:
            return
        self._loaded.add(index)
        widget = self.tabs.widget(index)
        for view in (self.stats, self.overrides, self.bundles, self.districts, self.retention,
                     self.staff):
            if view is widget or view.parent() is widget:
                view.reload()

    def show_tab(self, name: str) -> QWidget:
        """Switch to the tab holding attribute ``name`` (tests, screenshots)."""
        view = getattr(self, name)
        index = self.tabs.indexOf(view)
        if index < 0:
            index = self.tabs.indexOf(view.parentWidget())
        self.tabs.setCurrentIndex(index)
        return view


def open_review(ctx: DeskContext, parent: QWidget | None, shown) -> None:
    """Ctrl+Shift+R: enter as the signed-in supervisor, or ask one to sign in here.

    Calls ``shown(window, "")`` with the opened SupervisorWindow, or ``shown(None, text)``
    when it was refused or cancelled (``text`` says why; empty when cancelled).
    """
    def entered(person: Staff) -> None:
        window = SupervisorWindow(dataclasses.replace(ctx, user=person), parent)
        window.show()
        shown(window, "")

    def via_gate(_exc: BaseException | None = None) -> None:
        gate = SupervisorGate(ctx, parent)
        gate.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        gate.rejected.connect(lambda: shown(None, ""))
        gate.approval.approved.connect(approved)
        gate.open()

    def approved(person: Staff) -> None:
        ctx.runner.submit(supervision.enter, ctx.services, person,
                          done=lambda _r: entered(person),
                          failed=lambda e: shown(None, error_text(e)))

    user = ctx.user
    if user is not None and user.is_supervisor:
        ctx.runner.submit(supervision.enter, ctx.services, user, done=lambda _r: entered(user),
                          failed=lambda e: shown(None, error_text(e)))
    else:
        ctx.runner.submit(supervision.enter, ctx.services, user, failed=via_gate)
