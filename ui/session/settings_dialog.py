"""The desk's settings, edited by a person: platform, counter, display, idle lock, API key.

Input is checked before anything is written (errors in Chinese and English); then
``desktop.settings_record.save_settings`` writes ``settings.json`` and logs the change
(``settings.changed``, old and new values) on the runner. Retention is not here: changing
it needs a supervisor, so it lives in the supervisor's retention tab. The API key is
never a setting: a filled "更换接口密钥" field goes to the keyring (``SecretStore.set``),
is never shown or prefilled, and the dialog only says whether a key is set.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop import catalogue, settings_record
from desktop.bootstrap import Services
from desktop.counter.adoption import check_adopted
from desktop.platform import schemas
from desktop.staff.credentials import API_KEY
from ui.context import DeskContext
from ui.i18n import said
from ui.tasks import logged
from ui.widgets import theme
from ui.widgets.approval import error_text
from ui.widgets.decision_dialog import DecisionDialog

LANGUAGES = (("简体中文", "zh_CN"), ("English", "en"))
STALE_HOURS = (1.0, 720.0)
IDLE_MINUTES = (1, 120)
_ITEM = re.compile(r"^[A-Z0-9_]{2,64}$")


def has_api_key(svc: Services) -> bool:
    """Whether the keyring holds an API key (runs on the runner: the keyring may block)."""
    return bool(svc.secrets.get(API_KEY))


def desk_catalog(svc: Services) -> schemas.CatalogOut:
    """The catalogue the departments come from: the last sync's, else the shipped one
    (runner; no platform call, so the dialog works offline)."""
    with svc.engine.connect() as conn:
        return catalogue.stored_or_shipped(conn)[0]


def save_settings(svc: Services, changes: dict[str, Any], api_key: str,
                  ca_missing: str) -> None:
    """Store the new key (if any) and write the changed settings; nothing if the CA file
    is not there (``ca_missing`` is the message)."""
    ca = changes.get("ca_bundle")
    if ca and not Path(ca).is_file():
        raise FileNotFoundError(ca_missing)
    if "counter_id" in changes:  # not another counter than the one this desk adopted
        check_adopted(svc, changes["counter_id"])
    if api_key:
        svc.secrets.set(API_KEY, api_key)
        svc.runtime.wake()  # what waited for a key goes now, not after the sender's back-off
    if changes:
        settings_record.save_settings(svc, svc.settings["clerk_id"], **changes)


class SettingsDialog(DecisionDialog):
    """Edit the declared settings a person may change; ``saved`` after a successful save.
    Opened with ``open()``; ``finished`` says when it closed."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.saved = False
        self._asked = False
        s = ctx.services.settings
        self._old_language = s["language"]
        self.setWindowTitle(self.tr("设置"))
        self.setMinimumWidth(560)

        self.platform_url = self._line(s["platform_url"], self.tr("平台地址"))
        self.ca_bundle = self._line(s["ca_bundle"], self.tr("CA 证书文件"))
        self.ca_button = QPushButton(self.tr("选择(&B)…"))
        self.ca_button.setAccessibleName(self.tr("选择 CA 证书文件"))
        self.ca_button.setAutoDefault(False)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_bundle, 1)
        ca_row.addWidget(self.ca_button)
        self.proxy = self._line(s["proxy"], self.tr("代理服务器"))
        self.proxy.setPlaceholderText(self.tr("不使用代理时留空，例如 http://10.0.0.1:3128"))
        self.counter_id = self._line(s["counter_id"], self.tr("窗口编号"))
        # The departments the catalogue knows, filled on the runner (``_catalogue_known``);
        # anything typed is kept, and one that owns no item is warned about below.
        self.department = QComboBox()
        self.department.setEditable(True)
        self.department.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.department.setAccessibleName(self.tr("所属部门"))
        self.department.lineEdit().setPlaceholderText(self.tr("留空：办理全部事项"))
        self.department.setEditText(s["department"])
        self.department_warning = QLabel()
        self.department_warning.setWordWrap(True)
        self.department_warning.setAccessibleName(self.tr("所属部门提示"))
        self.department_warning.setStyleSheet(theme.label_style(theme.CAUTION, bold=False))
        self.department_warning.setVisible(False)
        self._catalog: schemas.CatalogOut | None = None
        self.default_items = self._line(s["default_items"], self.tr("常用事项代码"))
        self.default_items.setPlaceholderText(
            self.tr("用逗号分隔，例如 GOV_PROCUREMENT,FOOD_LICENCE"))
        self.language = QComboBox()
        self.language.setAccessibleName(self.tr("界面语言"))
        for label, code in LANGUAGES:
            self.language.addItem(label, code)
        self.language.setCurrentIndex(max(0, self.language.findData(s["language"])))
        self.idle_lock_minutes = QSpinBox()
        self.idle_lock_minutes.setAccessibleName(self.tr("无操作自动锁定（分钟）"))
        self.idle_lock_minutes.setRange(*IDLE_MINUTES)
        self.idle_lock_minutes.setSuffix(self.tr(" 分钟"))
        self.idle_lock_minutes.setValue(int(s["idle_lock_minutes"]))
        self.stale_hours = QDoubleSpinBox()
        self.stale_hours.setAccessibleName(self.tr("离线快照过期时限（小时）"))
        self.stale_hours.setRange(*STALE_HOURS)
        self.stale_hours.setDecimals(1)
        self.stale_hours.setSuffix(self.tr(" 小时"))
        self.stale_hours.setValue(float(s["stale_hours"]))
        self.key_status = QLabel(self.tr("正在读取…"))
        self.key_status.setAccessibleName(self.tr("接口密钥状态"))
        self.api_key = QLineEdit()
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setAccessibleName(self.tr("更换接口密钥"))
        self.api_key.setPlaceholderText(self.tr("留空则不更换"))

        platform = QGroupBox(self.tr("平台连接"))
        pf = QFormLayout(platform)
        pf.addRow(self.tr("平台地址(&U)："), self.platform_url)
        ca_label = QLabel(self.tr("CA 证书(&C)："))
        ca_label.setBuddy(self.ca_bundle)
        pf.addRow(ca_label, ca_row)
        pf.addRow(self.tr("代理(&X)："), self.proxy)
        restart = QLabel(self.tr("ⓘ 平台地址、证书与代理的更改在重新启动程序后生效。"))
        restart.setWordWrap(True)
        pf.addRow(restart)
        desk = QGroupBox(self.tr("本窗口"))
        df = QFormLayout(desk)
        df.addRow(self.tr("窗口编号(&N)："), self.counter_id)
        df.addRow(self.tr("所属部门(&D)："), self.department)
        df.addRow(self.department_warning)
        df.addRow(self.tr("常用事项(&I)："), self.default_items)
        df.addRow(self.tr("界面语言(&L)："), self.language)
        df.addRow(self.tr("无操作自动锁定(&M)："), self.idle_lock_minutes)
        df.addRow(self.tr("快照过期时限(&H)："), self.stale_hours)
        key = QGroupBox(self.tr("接口密钥（保存在系统密钥库，不在设置文件中）"))
        kf = QFormLayout(key)
        kf.addRow(self.tr("当前状态："), self.key_status)
        kf.addRow(self.tr("更换接口密钥(&K)："), self.api_key)

        self.save_button = QPushButton(self.tr("保存(&S)"))
        self.save_button.setAccessibleName(self.tr("保存设置"))
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.setAccessibleName(self.tr("取消，不保存"))
        self.cancel_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(platform)
        layout.addWidget(desk)
        layout.addWidget(key)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

        self.ca_button.clicked.connect(self._choose_ca)
        self.department.editTextChanged.connect(self._warn_department)
        self.save_button.clicked.connect(self._save)
        self.cancel_button.clicked.connect(self.reject)
        self.platform_url.setFocus()

    def _line(self, value: object, accessible: str) -> QLineEdit:
        field = QLineEdit(str(value))
        field.setAccessibleName(accessible)
        return field

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._asked:
            self._asked = True
            self.ctx.runner.submit(has_api_key, self.ctx.services, done=self._key_known,
                                   failed=self._key_unknown)
            self.ctx.runner.submit(desk_catalog, self.ctx.services,
                                   done=self._catalogue_known,
                                   failed=logged("reading the catalogue for the departments"))

    def _catalogue_known(self, catalog: schemas.CatalogOut) -> None:
        """Offer the catalogue's departments (an empty entry first: every item)."""
        self._catalog = catalog
        typed = self.department.currentText()
        self.department.blockSignals(True)
        self.department.clear()
        self.department.addItem(self.tr("（全部事项，不按部门筛选）"), "")
        for name in catalogue.departments(catalog):
            self.department.addItem(name, name)
        self.department.setCurrentIndex(-1)
        self.department.setEditText(typed)
        self.department.blockSignals(False)
        self._warn_department()

    def _department_text(self) -> str:
        """The department typed or chosen ('' for the "every item" entry)."""
        text = self.department.currentText().strip()
        index = self.department.findText(text)
        return str(self.department.itemData(index)) if index >= 0 else text

    def _warn_department(self, _text: str = "") -> None:
        """A department that owns no catalogue item is said, in both languages."""
        warning = ""
        if self._catalog is not None:
            warning = catalogue.department_warning(self._catalog, self._department_text())
        self.department_warning.setText("⚠ " + said(warning) if warning else "")
        label = self.department_warning
        if label.isVisibleTo(self) != bool(warning):
            label.setVisible(bool(warning))
            # Room for every line of the warning: a wrapped label in a form is otherwise
            # given one line's height (the dialog does not lay out height for width).
            self.layout().activate()
            label.setMinimumHeight(label.heightForWidth(label.width()) if warning else 0)
            self.adjustSize()

    def _key_known(self, present: bool) -> None:
        self.key_status.setText(self.tr("✔ 已设置") if present else self.tr("✖ 未设置"))

    def _key_unknown(self, exc: BaseException) -> None:
        self.key_status.setText(self.tr("？ 无法读取"))
        self.error.setText(error_text(exc))

    # ------------------------------------------------------------------ input

    def values(self) -> dict[str, Any]:
        """What the form says, normalised (not yet validated)."""
        items = [i.strip() for i in re.split(r"[,，;；]", self.default_items.text())]
        return {
            "platform_url": self.platform_url.text().strip().rstrip("/"),
            "counter_id": self.counter_id.text().strip(),
            "department": self._department_text(),
            "ca_bundle": self.ca_bundle.text().strip(),
            "proxy": self.proxy.text().strip(),
            "stale_hours": float(self.stale_hours.value()),
            "default_items": ",".join(i.upper() for i in items if i),
            "language": self.language.currentData(),
            "idle_lock_minutes": int(self.idle_lock_minutes.value()),
        }

    def problems(self, v: dict[str, Any]) -> list[str]:
        """Every reason the values cannot be saved, in Chinese and English."""
        out = []
        url = urlsplit(v["platform_url"])
        if url.scheme not in ("http", "https") or not url.hostname:
            out.append(self.tr("平台地址必须以 http:// 或 https:// 开头并含主机名 / "
                               "the platform URL must start with http:// or https:// "
                               "and name a host"))
        if v["proxy"]:
            proxy = urlsplit(v["proxy"])
            if proxy.scheme not in ("http", "https", "socks5", "socks5h") or not proxy.hostname:
                out.append(self.tr("代理地址必须形如 http://主机:端口 / the proxy must look "
                                   "like http://host:port"))
        if not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", v["counter_id"]):
            out.append(self.tr("窗口编号为1-64位字母、数字或 _.- / the counter id is 1-64 "
                               "letters, digits or _.-"))
        if len(v["department"]) > 64:
            out.append(self.tr("部门名称不超过64字 / the department is at most 64 characters"))
        bad = [i for i in v["default_items"].split(",") if i and not _ITEM.match(i)]
        if bad:
            out.append(self.tr("事项代码无效：%1 / invalid item codes: %1")
                       .replace("%1", ", ".join(bad)))
        if not STALE_HOURS[0] <= v["stale_hours"] <= STALE_HOURS[1]:
            out.append(self.tr("快照过期时限应在1到720小时之间 / "
                               "the snapshot limit is 1-720 hours"))
        if not IDLE_MINUTES[0] <= v["idle_lock_minutes"] <= IDLE_MINUTES[1]:
            out.append(self.tr("自动锁定应在1到120分钟之间 / the idle lock is 1-120 minutes"))
        if v["language"] not in {code for _, code in LANGUAGES}:
            out.append(self.tr("不支持的语言 / unsupported language"))
        key = self.api_key.text()
        if key and (key != key.strip() or len(key) < 8 or any(ord(c) < 33 for c in key)):
            out.append(self.tr("接口密钥格式不对（至少8位，不含空格）/ the API key looks wrong "
                               "(8+ characters, no spaces)"))
        return out

    # ------------------------------------------------------------------ saving

    def busy_controls(self) -> list[QWidget]:
        return [w for w in self.findChildren(QWidget)
                if isinstance(w, (QLineEdit, QPushButton, QComboBox, QSpinBox, QDoubleSpinBox))]

    def _save(self) -> None:
        if self._busy:
            return
        v = self.values()
        problems = self.problems(v)
        if problems:
            self.error.setText("\n".join("⚠ " + p for p in problems))
            return
        current = self.ctx.services.settings
        changes = {k: val for k, val in v.items() if current[k] != val}
        self._old_language = current["language"]
        ca_missing = self.tr("找不到 CA 证书文件：%1 / CA bundle not found: %1") \
            .replace("%1", v["ca_bundle"])
        self.record(save_settings, self.ctx.services, changes, self.api_key.text(), ca_missing,
                    done=self._saved)

    def _saved(self, _none: object) -> None:
        self.set_busy(False)
        self.api_key.clear()
        self.saved = True
        language = self.ctx.services.settings["language"]
        if language != self._old_language:
            self.ctx.events.language_changed.emit(language)
        self.finish(True)

    def _choose_ca(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, self.tr("选择 CA 证书文件"),
                                                self.ca_bundle.text(),
                                                self.tr("证书 (*.pem *.crt *.cer);;所有文件 (*)"))
        if chosen:
            self.ca_bundle.setText(chosen)
