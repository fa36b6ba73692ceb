"""Staff administration (工作人员), a tab of the supervisor's area.

The desk's accounts (id, name, role, enabled, must change password) and the supervisor's
verbs: add, disable, re-enable, reset a password. The area's supervisor (``ctx.user``)
is the one acting; the core (``desktop.staff.admin``) keeps the guard rails (nobody
disables themselves, the last enabled supervisor stays, a reset is someone else's) and
writes the ``staff.*`` log entry with each change. Everything runs on ``ctx.runner``;
a refusal is said under the table in the core's two languages.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.staff import accounts, admin
from ui.context import DeskContext
from ui.session.password_dialog import NewPasswordFields
from ui.widgets import theme
from ui.widgets.approval import error_text
from ui.widgets.decision_dialog import DecisionDialog


def role_word(role: str) -> str:
    """The role's name in the current language."""
    words = {"clerk": QCoreApplication.translate("StaffRoles", "受理员"),
             "supervisor": QCoreApplication.translate("StaffRoles", "科室负责人"),
             "inspector": QCoreApplication.translate("StaffRoles", "监管人员"),
             "service": QCoreApplication.translate("StaffRoles", "服务账号（脚本）")}
    return words.get(role, role)


class _Buttons(QHBoxLayout):
    """Cancel and the dialog's own button (the default), on the right."""

    def __init__(self, dialog: DecisionDialog, ok: QPushButton) -> None:
        super().__init__()
        dialog.cancel_button = QPushButton(
            QCoreApplication.translate("StaffView", "取消(&Q)"))
        dialog.cancel_button.setAutoDefault(False)
        dialog.cancel_button.clicked.connect(dialog.reject)
        ok.setDefault(True)
        self.addStretch(1)
        self.addWidget(dialog.cancel_button)
        self.addWidget(ok)


class AddStaffDialog(DecisionDialog):
    """A new account: id, name, role, first password (typed twice)."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setWindowTitle(self.tr("新增工作人员账号"))
        self.setMinimumWidth(460)
        self.staff_id = QLineEdit()
        self.staff_id.setMaxLength(64)
        self.staff_id.setAccessibleName(self.tr("工号"))
        self.name = QLineEdit()
        self.name.setMaxLength(64)
        self.name.setAccessibleName(self.tr("姓名"))
        self.role = QComboBox()
        self.role.setAccessibleName(self.tr("角色"))
        for role in ("clerk", "supervisor", "inspector", "service"):
            self.role.addItem(role_word(role), role)
        form = QFormLayout()
        form.addRow(self.tr("工号(&I)："), self.staff_id)
        form.addRow(self.tr("姓名(&A)："), self.name)
        form.addRow(self.tr("角色(&R)："), self.role)
        self.password = NewPasswordFields(form)
        self.add_button = QPushButton(self.tr("新增(&O)"))
        self.add_button.setAccessibleName(self.tr("新增账号"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(_Buttons(self, self.add_button))
        self.add_button.clicked.connect(self.save)
        self.staff_id.setFocus()

    def busy_controls(self) -> list[QWidget]:
        return [self.staff_id, self.name, self.role, self.password.first,
                self.password.again, self.add_button, self.cancel_button]

    def save(self) -> None:
        """Add on the runner, approved by the area's supervisor."""
        differ = self.password.mismatch()
        if differ:
            self.error.setText(differ)
            return
        self.record(admin.add, self.ctx.services, self.staff_id.text().strip(),
                    self.name.text(), self.role.currentData(), self.password.text(),
                    self.ctx.user, done=self._added)

    def _added(self, person) -> None:
        self.password.clear()
        self.finish(person)


class ResetPasswordDialog(DecisionDialog):
    """A temporary password for ``staff_id``, typed twice; the holder changes it at the
    next sign-in."""

    def __init__(self, ctx: DeskContext, staff_id: str, name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.staff_id = staff_id
        self.setWindowTitle(self.tr("重置密码"))
        self.setMinimumWidth(460)
        text = QLabel(self.tr("为 %1（%2）设置临时密码。请当面告知本人；本人下次登录时须"
                              "设置新密码。").replace("%1", name).replace("%2", staff_id))
        text.setWordWrap(True)
        form = QFormLayout()
        self.password = NewPasswordFields(form)
        self.reset_button = QPushButton(self.tr("重置(&O)"))
        self.reset_button.setAccessibleName(self.tr("重置密码"))
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(_Buttons(self, self.reset_button))
        self.reset_button.clicked.connect(self.save)
        self.password.first.setFocus()

    def busy_controls(self) -> list[QWidget]:
        return [self.password.first, self.password.again, self.reset_button,
                self.cancel_button]

    def save(self) -> None:
        """Reset on the runner, by the area's supervisor."""
        differ = self.password.mismatch()
        if differ:
            self.error.setText(differ)
            return
        self.record(admin.reset_password, self.ctx.services, self.staff_id,
                    self.password.text(), self.ctx.user, done=self._reset)

    def _reset(self, _none) -> None:
        self.password.clear()
        self.finish(self.staff_id)


class StaffView(QWidget):
    """The accounts and the verbs; ``sig_loaded(rows)`` after each reading."""

    sig_loaded = Signal(list)
    sig_changed = Signal(str)
    """A change went through (what the message line says)."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[dict] = []
        self.dialog: DecisionDialog | None = None
        title = QLabel(self.tr("本窗口的工作人员账号。停用的账号不能登录窗口或命令行；重置密码后，"
                               "本人须在下次登录时设置新密码。每项更改都记入日志。"))
        title.setWordWrap(True)
        self.table = QTableWidget(0, 5)
        self.table.setAccessibleName(self.tr("工作人员账号"))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setHorizontalHeaderLabels([self.tr("工号"), self.tr("姓名"), self.tr("角色"),
                                              self.tr("状态"), self.tr("须改密码")])
        self.add_button = QPushButton(self.tr("新增账号(&N)…"))
        self.disable_button = QPushButton(self.tr("停用(&D)"))
        self.enable_button = QPushButton(self.tr("重新启用(&E)"))
        self.reset_button = QPushButton(self.tr("重置密码(&P)…"))
        self.reload_button = QPushButton(self.tr("刷新"))
        self.message = QLabel()
        self.message.setAccessibleName(self.tr("工作人员管理信息"))
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.disable_button, self.enable_button, self.reset_button):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.reload_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.add_button.clicked.connect(self.add)
        self.disable_button.clicked.connect(lambda: self._act(admin.disable, "disable"))
        self.enable_button.clicked.connect(lambda: self._act(admin.enable, "enable"))
        self.reset_button.clicked.connect(self.reset_password)
        self.reload_button.clicked.connect(self.reload)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self._selection_changed()

    # ------------------------------------------------------------------ reading

    def reload(self) -> None:
        """Read the accounts on the runner."""
        self.ctx.runner.submit(accounts.list_staff, self.ctx.services.engine,
                               done=self._show, failed=self._failed)

    def _show(self, rows: list[dict]) -> None:
        keep = self.selected()
        self.rows = rows
        self.table.setRowCount(len(rows))
        yes, no = self.tr("⚠ 是（下次登录时设置）"), self.tr("否")
        for i, r in enumerate(rows):
            cells = [r["staff_id"], r["name"], role_word(r["role"]),
                     self.tr("✖ 已停用") if r["disabled"] else self.tr("✔ 启用"),
                     yes if r["must_change"] else no]  # yes: at the next sign-in
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if r["disabled"]:  # light grey rows, black text: the words say it too
                    item.setBackground(QColor(theme.ROW_BACKGROUND["cancelled"]))
                self.table.setItem(i, j, item)
            if keep is not None and r["staff_id"] == keep["staff_id"]:
                self.table.selectRow(i)
        if self.selected() is None and rows:
            self.table.selectRow(0)
        self._selection_changed()
        self.sig_loaded.emit(rows)

    def selected(self) -> dict | None:
        """The selected account's row, or None."""
        indexes = self.table.selectionModel().selectedRows()
        if not indexes or indexes[0].row() >= len(self.rows):
            return None
        return self.rows[indexes[0].row()]

    def select(self, staff_id: str) -> None:
        """Select ``staff_id``'s row (tests, screenshots)."""
        for i, r in enumerate(self.rows):
            if r["staff_id"] == staff_id:
                self.table.selectRow(i)
                self.table.setFocus()

    def _selection_changed(self) -> None:
        row = self.selected()
        mine = row is not None and self.ctx.user is not None and \
            row["staff_id"] == self.ctx.user.staff_id
        self.disable_button.setEnabled(row is not None and not row["disabled"] and not mine)
        self.enable_button.setEnabled(row is not None and bool(row["disabled"]))
        self.reset_button.setEnabled(row is not None and not mine)

    # ------------------------------------------------------------------ the verbs

    def _act(self, verb, kind: str) -> None:
        row = self.selected()
        if row is None:
            return
        self.message.clear()
        for b in (self.disable_button, self.enable_button):
            b.setEnabled(False)
        done = {"disable": self.tr("已停用 %1"), "enable": self.tr("已重新启用 %1")}[kind]
        self.ctx.runner.submit(verb, self.ctx.services, row["staff_id"], self.ctx.user,
                               done=lambda _r: self._changed(done.replace("%1", row["staff_id"])),
                               failed=self._failed)

    def add(self) -> None:
        """新增账号…: the add dialog (window-modal), then the list again."""
        self._open(AddStaffDialog(self.ctx, self),
                   lambda person: self.tr("已新增 %1（%2）").replace("%1", person.staff_id)
                   .replace("%2", role_word(person.role)))

    def reset_password(self) -> None:
        """重置密码…: a temporary password for the selected account."""
        row = self.selected()
        if row is None:
            return
        self._open(ResetPasswordDialog(self.ctx, row["staff_id"], row["name"], self),
                   lambda staff_id: self.tr("已重置 %1 的密码：本人下次登录时须设置新密码")
                   .replace("%1", staff_id))

    def _open(self, dialog: DecisionDialog, said) -> None:
        self.message.clear()
        self.dialog = dialog

        def closed(_result: int) -> None:
            if dialog.decision is not None:
                self._changed(said(dialog.decision))
            self.dialog = None
            dialog.deleteLater()
            self.table.setFocus()

        dialog.finished.connect(closed)
        dialog.open()

    def _changed(self, text: str) -> None:
        self.message.setStyleSheet(theme.OK_STYLE)
        self.message.setText("✔ " + text)
        self.sig_changed.emit(text)
        self.reload()

    def _failed(self, exc: BaseException) -> None:
        self.message.setStyleSheet(theme.ERROR_STYLE)
        self.message.setText(error_text(exc))
        self._selection_changed()
