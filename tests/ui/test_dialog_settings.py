"""The settings dialog: bad input is refused with nothing written; good input lands in
settings.json and in the log (old and new values, a proxy password blanked), the API key
only in the secret store (never in a file of the desk)."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from desktop.settings import FILE_NAME
from desktop.staff.credentials import API_KEY
from local_cache.tables import audit
from tests.ui.test_dialogs import WAIT, record_submits, show
from ui.session.settings_dialog import SettingsDialog

NEW_KEY = "ck-live-9f3b2e71d4a84c06b5e2"


def open_settings(qtbot, ctx) -> SettingsDialog:
    dialog = show(qtbot, SettingsDialog(ctx))
    qtbot.waitUntil(lambda: "设置" in dialog.key_status.text(), timeout=WAIT)
    return dialog


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_a_bad_url_is_refused_and_nothing_is_saved(qtbot, ctx, monkeypatch):
    settings_file = Path(ctx.services.settings.data_dir) / FILE_NAME
    before = settings_file.read_bytes() if settings_file.exists() else None
    dialog = open_settings(qtbot, ctx)
    handed = record_submits(monkeypatch, ctx.runner)
    dialog.platform_url.setText("ftp://credit.example.gov.cn")
    dialog.default_items.setText("GOV_PROCUREMENT, bad code!")
    dialog.api_key.setText(NEW_KEY)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    error = dialog.error.text()
    assert "平台地址必须以 http:// 或 https:// 开头" in error and "platform URL" in error
    assert "事项代码无效" in error and "BAD CODE!" in error
    assert dialog.isVisible() and not dialog.saved
    assert handed == []  # no save went to the runner: nothing can be written later
    assert (settings_file.read_bytes() if settings_file.exists() else None) == before
    assert ctx.services.secrets.get(API_KEY) != NEW_KEY


def test_good_settings_are_saved_and_the_key_goes_only_to_the_secret_store(qtbot, ctx):
    dialog = open_settings(qtbot, ctx)
    assert dialog.key_status.text() == "✔ 已设置"  # the demo desk has a key
    assert dialog.api_key.text() == ""  # never prefilled
    assert dialog.api_key.echoMode() == dialog.api_key.EchoMode.Password
    dialog.platform_url.setText("https://credit.example.gov.cn/")
    dialog.department.setEditText("柯桥区行政服务中心")
    dialog.idle_lock_minutes.setValue(5)
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.api_key.setText(NEW_KEY)
    with qtbot.waitSignal(ctx.events.language_changed, timeout=WAIT) as changed:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert changed.args == ["en"]
    assert dialog.saved and not dialog.isVisible()

    data_dir = Path(ctx.services.settings.data_dir)
    stored = json.loads((data_dir / FILE_NAME).read_text(encoding="utf-8"))
    assert stored["platform_url"] == "https://credit.example.gov.cn"
    assert stored["department"] == "柯桥区行政服务中心"
    assert stored["idle_lock_minutes"] == 5 and stored["language"] == "en"
    assert ctx.services.secrets.get(API_KEY) == NEW_KEY
    for path in files_under(data_dir):
        assert NEW_KEY.encode() not in path.read_bytes(), path


def test_the_opened_dialog_reports_through_finished_whether_it_saved(qtbot, ctx):
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.open()  # as the window opens it: window-modal, not blocking
    with qtbot.waitSignal(dialog.finished, timeout=WAIT) as finished:
        dialog.cancel_button.click()
    assert finished.args == [QDialog.DialogCode.Rejected] and not dialog.saved
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitUntil(lambda: "设置" in dialog.key_status.text(), timeout=WAIT)
    dialog.counter_id.setText("SX-COUNTER-07")
    with qtbot.waitSignal(dialog.finished, timeout=WAIT) as finished:
        dialog.save_button.click()
    assert finished.args == [QDialog.DialogCode.Accepted] and dialog.saved
    assert ctx.services.settings["counter_id"] == "SX-COUNTER-07"


def test_a_saved_change_is_logged_with_old_and_new_values(qtbot, ctx):
    old_url = ctx.services.settings["platform_url"]
    dialog = open_settings(qtbot, ctx)
    dialog.department.setEditText("柯桥区行政服务中心")
    dialog.proxy.setText("http://desk:Pr0xy-pw-77@10.0.0.1:3128")
    dialog.platform_url.setText(old_url)  # unchanged: not logged
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.saved, timeout=WAIT)
    with ctx.services.engine.connect() as conn:
        rows = conn.execute(select(audit.c.clerk, audit.c.details)
                            .where(audit.c.event == "settings.changed")).all()
    assert [(clerk, json.loads(details)) for clerk, details in rows] == [
        (ctx.services.settings["clerk_id"], {"source": "desk", "changes": {
            # old: what settings.json held (the demo desk's department is a run override)
            "department": ["", "柯桥区行政服务中心"],
            "proxy": ["", "http://desk:***@10.0.0.1:3128"]}})]
    for path in files_under(Path(ctx.services.settings.data_dir)):
        assert b"Pr0xy-pw-77" not in path.read_bytes() or path.name == FILE_NAME, path
