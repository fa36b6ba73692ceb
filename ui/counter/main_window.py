"""The counter window: one lookup field, the item, the card, and what follows a verdict.

The clerk scans or types an identifier and presses Enter (what scanners and ID-card
readers send). The checks, the queue and the dialogs that follow a verdict are driven by
``ui.counter.driver`` through the core's ``desktop.counter.state_machine``; the card draws the
answer. Focus returns to the lookup field after every check and dialog. Every platform
call, database read or write and file write runs on ``ctx.runner``.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.counter.adoption import ensure_counter
from desktop.counter.check_service import CheckOutcome
from desktop.identifiers import mask
from desktop.staff import session
from ui.context import DeskContext
from ui.counter.commitment_status import CommitmentStatus, SignInNotice
from ui.counter.desk_status import DeskStatus
from ui.counter.driver import CounterDriver
from ui.counter.status_card import StatusCard
from ui.i18n import said
from ui.tasks import logged
from ui.widgets import theme
from ui.widgets.item_picker import ItemPicker
from ui.widgets.printing import ReportPrinter

VERDICTS = ("prohibit", "restrict", "alert", "incentive", "clear")
_SYMBOL = {"prohibit": "✖", "restrict": "⚠", "alert": "ℹ", "incentive": "★", "clear": "✔"}


class MainWindow(QMainWindow):
    """The counter window (一窗受理信用核查)."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.outcome: CheckOutcome | None = None
        self.last_decision: object | None = None  # what the last dialog returned
        self.checking = False
        self.idle_lock = None  # ui.session.idle_lock.IdleLock, set by ui.app
        self.docks: dict[str, QDockWidget] = {}
        self.batch_window = None
        self.verify_dialog = None
        self.review_window = None
        self.password_dialog = None
        self.printer = ReportPrinter(ctx, self)
        title = self.tr("一窗受理信用核查 CreditDesk")
        self.setWindowTitle(title + (self.tr(" — 演示") if ctx.is_demo else ""))
        self.setAccessibleName(title)
        self._build_body()
        self._build_status_bar()
        self._build_menus()
        self.adopt_counter()
        self.resize(960, 760)
        self.lookup.setFocus()

    # ------------------------------------------------------------------ layout

    def _build_body(self) -> None:
        body = QWidget()
        layout = QVBoxLayout(body)
        self.demo_banner = None
        if self.ctx.is_demo:
            self.demo_banner = QLabel(self.tr(
                "演示数据 / demo data — 示例账号 demo-clerk / demo-clerk-pass，"
                "科长 demo-sup / demo-sup-pass"))
            self.demo_banner.setAccessibleName(self.tr("演示模式"))
            self.demo_banner.setWordWrap(True)
            self.demo_banner.setStyleSheet(theme.DEMO_BANNER_STYLE)
            layout.addWidget(self.demo_banner)
        self.lookup_row = QWidget()
        row = QHBoxLayout(self.lookup_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.lookup = QLineEdit()
        self.lookup.setPlaceholderText(self.tr("扫描或输入统一社会信用代码 / 身份证号码，回车核查"))
        self.lookup.setAccessibleName(self.tr("主体号码"))
        self.lookup.setStyleSheet(theme.LOOKUP_STYLE)
        self.lookup.setClearButtonEnabled(True)
        self.item_picker = ItemPicker(self.ctx)
        self.check_button = QPushButton(self.tr("核查"))
        self.check_button.setAccessibleName(self.tr("核查"))
        self.check_button.clicked.connect(self.submit)
        for text, buddy in ((self.tr("号码(&N)"), self.lookup),
                            (self.tr("事项(&I)"), self.item_picker)):
            label = QLabel(text)
            label.setBuddy(buddy)
            row.addWidget(label)
            row.addWidget(buddy, 3 if buddy is self.lookup else 2)
        row.addWidget(self.check_button)
        layout.addWidget(self.lookup_row)
        self.commitment_notice = SignInNotice(self.ctx)  # what falls due, after sign-in
        self.commitment_notice.view_requested.connect(self.show_commitments)
        layout.addWidget(self.commitment_notice)
        if self.ctx.user is not None:  # signed in before the window opened (ui.app)
            self.commitment_notice.request()
        self.message = QLabel()
        self.message.setAccessibleName(self.tr("提示信息"))
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.message)
        self.counter = CounterDriver(self)  # the checks, their queue and dialogs
        layout.addWidget(self.counter.queue_label)
        self.card = StatusCard()
        self.card.fast_track_requested.connect(self.fast_track)
        layout.addWidget(self.card, 1)
        self.setCentralWidget(body)
        self.lookup.returnPressed.connect(self.submit)
        self.item_picker.activated.connect(lambda _i: self.lookup.setFocus())
        self.item_picker.lineEdit().returnPressed.connect(self._item_entered)

    def _build_status_bar(self) -> None:
        self.status = DeskStatus(self.ctx, self.statusBar())
        self.platform_status, self.outbox_status = (self.status.platform_status,
                                                    self.status.outbox_status)
        self.sync_status, self.user_status = self.status.sync_status, self.status.user_status
        self.commitment_status = CommitmentStatus(self.ctx, self.statusBar())

    def _action(self, menu, text: str, shortcut, slot, enabled: bool = True) -> QAction:
        action = QAction(text, self)
        keys = shortcut if isinstance(shortcut, list) else [shortcut]
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setToolTip(text)
        action.setEnabled(enabled)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        m = bar.addMenu(self.tr("核查(&C)"))
        self.check_action = QAction(self.tr("核查"), self)
        # Shown in the menu; the key itself is the fields' returnPressed (scanners send it).
        self.check_action.setShortcut(QKeySequence(Qt.Key.Key_Enter))
        self.check_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.check_action.triggered.connect(lambda _c=False: self.submit())
        m.addAction(self.check_action)
        self.print_action = self._action(m, self.tr("打印信用报告…"), "Ctrl+P",
                                         self.print_report, False)
        self.save_pdf_action = self._action(m, self.tr("另存为 PDF…"), "Ctrl+Shift+S",
                                            self.save_report_as, False)
        self.verify_action = self._action(m, self.tr("核验报告…"), "Ctrl+Shift+V",
                                          self.open_verify)
        m.addSeparator()
        self.ack_action = self._action(m, self.tr("确认已阅"), "Ctrl+K", self.acknowledge, False)
        self.fast_track_action = self._action(m, self.tr("容缺受理…"), "F8", self.fast_track,
                                              False)
        self.next_action = self._action(m, self.tr("下一位"), "F6", self.next_applicant, False)
        m.addSeparator()
        self.sync_action = self._action(m, self.tr("立即同步名单"), "F5", self.sync_now)
        self.batch_action = self._action(m, self.tr("批量核查…"), "Ctrl+B", self.open_batch)
        m.addSeparator()
        self._action(m, self.tr("退出"), "Ctrl+Q", self.close)
        w = bar.addMenu(self.tr("窗口(&W)"))
        self.commitments_action = self._action(w, self.tr("承诺跟踪"), "Ctrl+M",
                                               lambda: self.toggle_dock("commitments"))
        self.alerts_action = self._action(w, self.tr("变动提醒"), "Ctrl+L",
                                          lambda: self.toggle_dock("alerts"))
        self.review_action = self._action(w, self.tr("监督审查…"), "Ctrl+Shift+R",
                                          self.open_review)
        self.bridge_action = self._action(w, self.tr("已连接的业务系统…"), "Ctrl+Shift+B",
                                          self.open_bridge_clients)
        w.addSeparator()
        self.settings_action = self._action(w, self.tr("设置…"), "Ctrl+,", self.open_settings)
        self.password_action = self._action(w, self.tr("修改我的密码…"), "Ctrl+Shift+P",
                                            self.change_password)
        self.lock_action = self._action(w, self.tr("锁定"), "Ctrl+Shift+L", self.lock)
        self.sign_out_action = self._action(w, self.tr("注销"), "Ctrl+Shift+O", self.sign_out)
        if self.ctx.is_demo:
            self._build_samples_menu(bar.addMenu(self.tr("示例 (Samples)(&S)")))
        h = bar.addMenu(self.tr("帮助(&H)"))
        self._action(h, self.tr("键盘快捷键"), "F1", self.show_shortcuts)
        self._action(h, self.tr("关于"), "Shift+F1", self.show_about)

    def _build_samples_menu(self, menu) -> None:
        self.samples_menu = menu
        words = self.card.verdict_words()
        for verdict in VERDICTS:
            sub = menu.addMenu(f"{_SYMBOL[verdict]} {words[verdict]}")
            for s in getattr(self.ctx.demo.samples, verdict):
                action = sub.addAction(f"{s.name} · {mask(s.id)} · {s.item}")
                action.triggered.connect(lambda _c=False, sid=s.id, item=s.item:
                                         self.run_check(sid, item, "samples"))

    # ------------------------------------------------------------------ the check

    def run_check(self, identifier: str, item: str, source: str = "channel") -> None:
        """Check ``identifier`` for ``item`` (samples, ``--check``, the single-instance
        channel): at once when the counter is free, else queued and shown as queued."""
        self.counter.run_check(identifier, item, source)

    def submit(self) -> None:
        """Enter in the lookup field (refused while a check runs)."""
        self.counter.submit()

    def _item_entered(self) -> None:
        """Enter in the item field: check if a number waits, else go back to the field."""
        if self.lookup.text().strip():
            self.submit()
        else:
            self.lookup.setFocus()

    def acknowledge(self) -> None:
        """Ctrl+K: the clerk has read the alert."""
        self.counter.acknowledge()

    def next_applicant(self) -> None:
        """F6: done with the answer on screen; the next queued check starts."""
        self.counter.next_applicant()

    def fast_track(self) -> None:
        """F8: offer tolerance acceptance (容缺受理) for an incentive verdict."""
        self.counter.fast_track()

    def _say(self, text: str, colour: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(theme.label_style(colour) if colour else "")

    # ------------------------------------------------------------------ reports, sync

    def print_report(self) -> None:
        """Ctrl+P: the report of the check on screen, through print preview."""
        if self.outcome is not None:
            self.printer.print_report(self.outcome, self.item_picker.name_of(self.outcome.item))

    def save_report_as(self) -> None:
        """Ctrl+Shift+S: the report of the check on screen as a PDF file."""
        if self.outcome is not None:
            self.printer.save_as(self.outcome, self.item_picker.name_of(self.outcome.item))

    def sync_now(self) -> None:
        """F5: sync the list snapshot on the runner."""
        self.sync_action.setEnabled(False)
        self.status.syncing()
        svc = self.ctx.services
        self.ctx.runner.submit(lambda: svc.sync.sync(), done=self._synced,
                               failed=self._sync_failed)

    def _synced(self, report) -> None:
        self.sync_action.setEnabled(True)  # the panels hear of it from the core (synced)
        self._say(self.tr("✔ 同步完成：%1 条变更，%2 条变动提醒").replace(
            "%1", str(report.entries)).replace("%2", str(report.alerts)), "")
        self.status.refresh()

    def _sync_failed(self, exc: BaseException) -> None:
        self.sync_action.setEnabled(True)
        self._say(self.tr("✖ 同步失败：%1").replace("%1", said(exc)), theme.FAILURE)
        self.status.refresh()

    # ------------------------------------------------------------------ other windows

    def toggle_dock(self, which: str) -> QDockWidget:
        """Ctrl+M commitments, Ctrl+L change alerts: dock panels, made on first use."""
        dock = self.docks.get(which)
        if dock is None:
            if which == "commitments":
                from ui.counter.commitments_panel import CommitmentsPanel as Panel
                title = self.tr("承诺跟踪")
            else:
                from ui.counter.alerts_panel import AlertsPanel as Panel
                title = self.tr("变动提醒")
            dock = QDockWidget(title, self)
            dock.setObjectName(which)
            dock.setAccessibleName(title)
            dock.setWidget(Panel(self.ctx, dock))
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            self.docks[which] = dock
        elif dock.isVisible():
            dock.hide()
            self.lookup.setFocus()
            return dock
        dock.show()
        dock.widget().refresh()
        dock.widget().setFocus()
        return dock

    def show_commitments(self) -> None:
        """The commitments panel, shown (not toggled) and focused."""
        dock = self.docks.get("commitments")
        if dock is None or not dock.isVisible():
            self.toggle_dock("commitments")
        else:
            dock.widget().refresh()
            dock.widget().setFocus()

    def open_bridge_clients(self) -> None:
        """Ctrl+Shift+B: the business systems paired over the local bridge."""
        if self.ctx.bridge is None or self.ctx.bridge.pairings is None:
            self._say(self.tr("本地接口未运行 / the local bridge is not running"), theme.CAUTION)
            return
        from ui.bridge.clients_dialog import ClientsDialog

        ClientsDialog(self.ctx.bridge, self).open()

    def open_batch(self) -> None:
        """Ctrl+B: the batch window (a top-level window; Qt deletes it with this one)."""
        if self.batch_window is None:
            from ui.batch.window import BatchWindow

            self.batch_window = BatchWindow(self.ctx, self)  # its own window, owned by this one
        self.batch_window.show()
        self.batch_window.activateWindow()

    def open_verify(self) -> None:
        """Ctrl+Shift+V: verify a printed report by its QR code, number and code, or PDF."""
        from ui.counter.verify_report_dialog import VerifyReportDialog

        if self.verify_dialog is None:  # one dialog, kept: a check may still be answering
            self.verify_dialog = VerifyReportDialog(self.ctx, self)
            self.verify_dialog.finished.connect(lambda _r: self.lookup.setFocus())
        self.verify_dialog.show()
        self.verify_dialog.activateWindow()
        self.verify_dialog.source.setFocus()

    def open_review(self) -> None:
        """Ctrl+Shift+R: the supervisor's review area (a supervisor signs in if need be)."""
        from ui.supervisor.window import open_review

        if self.review_window is not None and shiboken6.isValid(self.review_window):
            self.review_window.activateWindow()
            return
        open_review(self.ctx, self, self._review_opened)

    def _review_opened(self, window, text: str) -> None:
        self.review_window = window
        if window is None and text:
            self._say(text, theme.ERROR)

    def adopt_counter(self, ask: bool = False) -> None:
        """Learn (or check) the counter the API key belongs to, on the runner; a refusal
        (another counter) is said in the window, in both languages."""
        self.ctx.runner.submit(ensure_counter, self.ctx.services, ask=ask,
                               failed=self._counter_refused)

    def _counter_refused(self, exc: BaseException) -> None:
        from desktop.counter.adoption import CounterMismatch

        if isinstance(exc, CounterMismatch):
            self._say(said(exc), theme.ERROR)
        else:  # offline or no key yet: asked again when the settings are saved
            logged("learning the counter of the API key")(exc)

    def open_settings(self) -> None:
        """Ctrl+,: the settings dialog (window-modal; read when it finished)."""
        from ui.session.settings_dialog import SettingsDialog

        if not self.counter.flow.free:  # a language change would rebuild the window under it
            self._say(self.tr("请等本次核查结束 / wait for the check to finish"), theme.CAUTION)
            return
        dialog = SettingsDialog(self.ctx, self)
        dialog.finished.connect(lambda _r: self._settings_closed(dialog))
        dialog.open()

    def _settings_closed(self, dialog) -> None:
        if dialog.saved:
            self.adopt_counter(ask=True)  # a new API key may belong to another counter
            if self.idle_lock is not None:
                self.idle_lock.set_minutes(self.ctx.services.settings["idle_lock_minutes"])
            self.item_picker.reload()
            self.status.poll_health()
        dialog.deleteLater()
        self.lookup.setFocus()

    def change_password(self) -> None:
        """窗口 → 修改我的密码…: the signed-in person changes their own password."""
        from ui.session.password_dialog import ChangePasswordDialog

        if self.ctx.user is None:
            return
        dialog = ChangePasswordDialog(self.ctx, self)
        self.password_dialog = dialog
        dialog.finished.connect(lambda _r: self._password_closed(dialog))
        dialog.open()

    def _password_closed(self, dialog) -> None:
        if dialog.decision is not None:
            self._say(self.tr("密码已修改 / password changed"), theme.OK)
        self.password_dialog = None
        dialog.deleteLater()
        self.lookup.setFocus()

    def set_idle_lock(self, lock) -> None:
        """Use ``lock`` (ui.session.idle_lock.IdleLock); locking closes the review window."""
        self.idle_lock = lock
        lock.locked.connect(self.close_review)

    def close_review(self) -> None:
        """Close the supervisor's area: it acts as the supervisor, so it must not stay open
        for whoever unlocks or signs in next."""
        if self.review_window is not None and shiboken6.isValid(self.review_window):
            self.review_window.close()  # deletes itself (WA_DeleteOnClose)
        self.review_window = None

    def lock(self) -> None:
        """Ctrl+Shift+L: lock the window now."""
        if self.idle_lock is None:
            from ui.session.idle_lock import IdleLock

            self.set_idle_lock(IdleLock(self.ctx, self))
        self.idle_lock.lock_now()

    def sign_out(self) -> None:
        """Log the sign-out, then ask who signs in next; nobody closes the window."""
        from ui.session.sign_in_dialog import SignInDialog

        if not self.counter.flow.free:  # its answer belongs to the clerk who asked
            self._say(self.tr("请等本次核查结束 / wait for the check to finish"), theme.CAUTION)
            return
        self.close_review()
        person = self.ctx.user
        if person is not None:
            self.ctx.runner.submit(session.sign_out, self.ctx.services, person)
        self.ctx.user = None
        self.ctx.events.signed_out.emit()
        self.card.clear()
        self.outcome = None
        self.counter.signed_out()
        self.status.show_user()
        dialog = SignInDialog(self.ctx, self)  # who signs in next (window-modal)
        dialog.finished.connect(lambda _r: self._signed_in_again(dialog))
        dialog.open()

    def _signed_in_again(self, dialog) -> None:
        from ui.session.sign_in_dialog import SignInDialog

        dialog.deleteLater()
        if dialog.person is None:
            self.close()
            return
        if dialog.person.is_inspector:  # the supervision view is a window of its own
            self.ctx.runner.submit(session.sign_out, self.ctx.services, dialog.person)
            self.ctx.user = None
            self.status.show_user()
            self._say(self.tr("监管检查人员不在受理窗口工作：请关闭本程序，重新打开后登录，"
                              "即进入行政监管窗口"), theme.CAUTION)
            again = SignInDialog(self.ctx, self)
            again.finished.connect(lambda _r: self._signed_in_again(again))
            again.open()
            return
        self.status.show_user()
        self.counter.resume()
        self.lookup.setFocus()

    def show_shortcuts(self) -> None:
        """F1: the keyboard path, listed."""
        lines = [f"{a.text()}\t{a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)}"
                 for a in self.actions() if not a.shortcut().isEmpty()]
        QMessageBox.information(self, self.tr("键盘快捷键"),
                                self.tr("回车\t核查") + "\n" + "\n".join(lines))

    def show_about(self) -> None:
        """Shift+F1: what this is."""
        from desktop import __version__

        QMessageBox.about(self, self.tr("关于"), self.tr(
            "一窗受理信用核查客户端 CreditDesk %1").replace("%1", __version__))

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Stop the status bar's timer and close the windows this one owns; the sender
        and the timed jobs belong to the process (``desktop.runtime``), not the window."""
        self.status.stop()
        self.commitment_status.stop()
        self.close_review()
        if self.batch_window is not None:
            self.batch_window.close()
        super().closeEvent(event)
