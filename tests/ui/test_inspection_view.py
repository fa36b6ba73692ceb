"""行政监管 in the window, with real widgets offscreen and the reference platform on loopback:
an inspector types a number and reads the class, the reasons, the records and the
frequency; offline the view says the class needs the platform; a list comes back D first
and is exported masked; the supervisor has the view as a tab; an inspector who signs in
gets the supervision window and never the counter."""

from __future__ import annotations

import csv
import json

import httpx
import openpyxl
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from desktop.staff import accounts as staff
from local_cache.tables import audit
from sandbox.demo import SUPERVISOR, SUPERVISOR_PASSWORD
from tests.ui.desks import synced_then_gone
from tests.ui.test_dialogs import audit_events
from ui.supervisor.inspection_view import InspectionView
from ui.supervisor.inspection_window import InspectionWindow

WAIT = 30000
INSPECTOR, INSPECTOR_PASSWORD = "insp-01", "inspector-pass-1"


def _add_inspector(ctx) -> staff.Staff:
    boss = staff.authenticate(ctx.services.engine, SUPERVISOR, SUPERVISOR_PASSWORD)
    staff.add(ctx.services.engine, INSPECTOR, "监管员", "inspector", INSPECTOR_PASSWORD, boss)
    return staff.authenticate(ctx.services.engine, INSPECTOR, INSPECTOR_PASSWORD)


@pytest.fixture
def inspector(ctx):
    ctx.sign_in(_add_inspector(ctx))
    return ctx


def _platform(platform, subject_id: str) -> dict:
    """The platform's own supervision answer, asked directly."""
    return httpx.get(f"{platform.url}/v1/subjects/{subject_id}/supervision",
                     headers={"Authorization": f"Bearer {platform.api_key}"}, timeout=30).json()


def _person(group):
    return next(s for s in group if s.kind.value == "person")


def _view(qtbot, ctx) -> InspectionView:
    view = InspectionView(ctx)
    qtbot.addWidget(view)
    view.resize(1100, 760)
    view.show()
    qtbot.waitExposed(view)
    return view


def _look_up(qtbot, view, text: str) -> None:
    view.id_edit.clear()
    qtbot.keyClicks(view.id_edit, text)
    with qtbot.waitSignals([view.sig_shown], timeout=WAIT, raising=False) as waited:
        qtbot.keyClick(view.id_edit, Qt.Key.Key_Return)  # Enter looks it up
    return waited


def test_a_d_class_subject_shows_class_reasons_records_and_frequency(qtbot, inspector,
                                                                       platform, samples):
    bad = _person(samples.prohibit)
    view = _view(qtbot, inspector)
    assert view.focusWidget() is view.id_edit  # typing starts at once
    _look_up(qtbot, view, bad.id)
    truth = _platform(platform, bad.id)
    assert truth["class"] == "D"
    assert view.banner.text() == "D 类 · 重点监管" and view.banner.isVisible()
    assert truth["frequency"] in view.frequency.text()
    for reason in truth["reasons"]:
        assert reason in view.reasons.text()
    shown = view.subject.text()
    assert bad.name in shown and bad.id[:6] + "********" + bad.id[-4:] in shown
    assert bad.id not in shown
    listed = [view.records_model.index(r, 0).data() for r in range(view.records_model.rowCount())]
    assert listed and any(kind in truth["reasons"] for kind in listed)
    with inspector.services.engine.connect() as conn:
        entry = conn.execute(select(audit).where(audit.c.event == "supervise")).one()
    assert entry.clerk == INSPECTOR and bad.id not in json.dumps(entry._asdict(), default=str)


def test_a_wrong_number_is_refused_in_both_languages(qtbot, inspector):
    view = _view(qtbot, inspector)
    view.id_edit.setText("12345")
    with qtbot.waitSignal(view.sig_failed, timeout=WAIT):
        view.look_button.click()
    assert "长度错误" in view.notice.text() and "wrong length" in view.notice.text()
    assert not view.banner.isVisible()
    assert "supervise" not in audit_events(inspector)


def _write(path, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["序号", "名称", "统一社会信用代码/身份证号"])
        writer.writerows(rows)


def test_a_list_comes_back_d_first_and_the_export_is_masked(qtbot, inspector, platform,
                                                            samples, tmp_path):
    good, bad = _person(samples.clear), _person(samples.prohibit)
    source = tmp_path / "plan.csv"
    _write(source, [["1", good.name, good.id], ["2", "号码太短", "12345"],
                    ["3", bad.name, bad.id]])
    view = _view(qtbot, inspector)
    assert not view.export_button.isEnabled()
    with qtbot.waitSignal(view.sig_listed, timeout=WAIT):
        view.run_list(source)
    model = view.plan_model
    rows = [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]
    assert [r[0] for r in rows] == ["3", "1", "2"]  # D first, the invalid row last
    assert rows[0][1] == "D" and rows[1][1] == _platform(platform, good.id)["class"]
    assert bad.id not in json.dumps(rows, ensure_ascii=False)
    assert "D 1" in view.plan_status.text()
    target = tmp_path / "plan-sorted.xlsx"
    with qtbot.waitSignal(view.sig_exported, timeout=WAIT):
        view.export_to(target)
    sheet = [[c.value for c in row] for row in openpyxl.load_workbook(target).active.iter_rows()]
    assert [r[0] for r in sheet[1:]] == ["3", "1", "2"]
    text = json.dumps(sheet, ensure_ascii=False)
    assert bad.id not in text and good.id not in text


def test_offline_the_view_says_the_class_needs_the_platform(qtbot, tmp_path):
    ctx, samples = synced_then_gone(tmp_path / "desk", seed=7, subjects=3000)
    try:
        ctx.sign_in(_add_inspector(ctx))
        bad = _person(samples.prohibit)
        view = _view(qtbot, ctx)
        _look_up(qtbot, view, bad.id)
        assert view.banner.text() == "监管类别需信用平台评定（离线）"
        assert "cannot be given while it cannot be reached" in view.notice.text()
        assert view.records_model.rowCount() > 0 and "离线不可得" in view.warnings_heading.text()
        assert not view.frequency.text()
    finally:
        ctx.runner.wait(WAIT)
        ctx.services.close()


def test_the_supervisor_has_the_view_as_a_tab(qtbot, ctx):
    from ui.supervisor.window import SupervisorWindow

    ctx.sign_in(staff.authenticate(ctx.services.engine, SUPERVISOR, SUPERVISOR_PASSWORD))
    window = SupervisorWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    view = window.show_tab("inspection")
    index = window.tabs.currentIndex()
    assert window.tabs.tabText(index) == "行政监管(&7)" and view.isVisible()
    ctx.runner.wait(WAIT)  # the integrity check of the opening
    window.close()


def test_an_inspector_signing_in_gets_the_supervision_window_not_the_counter(qtbot, inspector):
    from ui import app as ui_app
    from ui.counter.main_window import MainWindow

    seen: dict = {}
    collector = ui_app.GuiThreadCollector(QApplication.instance())
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(QApplication.instance().quit)  # a broken route fails, not hangs
    deadline.start(WAIT)

    def look() -> None:
        tops = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        windows = [w for w in tops if isinstance(w, InspectionWindow)]
        if not windows:
            return
        poll.stop()
        seen["counter"] = [w for w in tops if isinstance(w, MainWindow)]
        seen["title"] = windows[0].windowTitle()
        seen["focus"] = windows[0].view.id_edit.hasFocus()
        windows[0].close()  # the last window: the event loop ends

    poll = QTimer()
    poll.timeout.connect(look)
    poll.start(20)
    try:
        ui_app._run_window(QApplication.instance(), inspector, None, None, collector)
    finally:
        poll.stop()
        deadline.stop()
        collector.stop()
    assert seen["counter"] == [] and "行政监管" in seen["title"] and INSPECTOR in seen["title"]
    inspector.runner.wait(WAIT)
    assert audit_events(inspector)[-1] == "sign_out"


def test_the_counter_turns_an_inspector_away(qtbot, ctx):
    from tests.ui.test_main_window import open_window
    from ui.session.sign_in_dialog import SignInDialog

    _add_inspector(ctx)
    window = open_window(qtbot, ctx)
    try:
        window.sign_out()
        dialog = QApplication.activeModalWidget()
        qtbot.waitUntil(lambda: dialog.mode == "sign_in", timeout=WAIT)
        dialog.staff_id.setText(INSPECTOR)
        dialog.password.setText(INSPECTOR_PASSWORD)
        with qtbot.waitSignal(dialog.finished, timeout=WAIT):
            dialog.sign_in_button.click()
        qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), SignInDialog)
                        and QApplication.activeModalWidget() is not dialog, timeout=WAIT)
        assert ctx.user is None
        assert "监管检查人员不在受理窗口工作" in window.message.text()
        QApplication.activeModalWidget().reject()
    finally:
        window.close()
        window.idle_lock = None


def test_in_english_the_class_and_frequency_are_english(qtbot, qapp, inspector, samples,
                                                         tmp_path):
    from ui import i18n

    assert i18n.install(qapp, "en", cache=tmp_path / "cache")
    inspector.services.settings.set_override("language", "en")
    try:
        view = _view(qtbot, inspector)
        assert view.look_button.text() == "&Query"
        _look_up(qtbot, view, _person(samples.prohibit).id)
        assert view.banner.text() == "Class D · priority supervision"
        assert view.frequency.text() == ("Inspection frequency: drawn more often: at least "
                                         "once a quarter")
        assert view.records_model.index(0, 0).data() in ("blacklist",
                                                         "serious illegal and dishonest list")
        assert view.records_heading.text().startswith("Records in force (")
    finally:
        i18n.install(qapp, "zh_CN")


def test_an_inspector_changes_their_own_password_from_the_window_menu(qtbot, inspector):
    window = InspectionWindow(inspector)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.password_action in window.menuBar().actions()[0].menu().actions()
    assert window.password_action.shortcut().toString() == "Ctrl+Shift+P"
    with qtbot.waitActive(window):
        window.activateWindow()
    window.view.id_edit.setFocus()
    qtbot.keyClick(window.view.id_edit, Qt.Key.Key_P,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.password_dialog is not None, timeout=WAIT)
    dialog = window.password_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    new = "inspector-new-pass-2"
    dialog.old.setText(INSPECTOR_PASSWORD)
    dialog.new.first.setText(new)
    dialog.new.again.setText(new)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: window.password_dialog is None or bool(dialog.error.text()),
                    timeout=WAIT)
    assert window.password_dialog is None, dialog.error.text()
    assert staff.authenticate(inspector.services.engine, INSPECTOR, new).staff_id == INSPECTOR
    assert "密码已修改" in window.statusBar().currentMessage()
    window.close()
