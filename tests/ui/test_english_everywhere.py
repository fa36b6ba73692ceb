"""English everywhere: the window started in English, every dialog and view it can reach
walked (``tests.ui.english_walk``; openers in ``tests.ui.english_openers``, ``_roles`` for
the windows of issue 20 and ``_alerts`` for the change alerts), and no Chinese
left that is not data; core errors in English; the start-up windows in the language set
before the settings are opened."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.counter.flows import FlowError
from desktop.platform.answers import PlatformUnavailable
from desktop.staff import accounts as staff
from tests.ui import (
    english_openers,  # noqa: F401 - registers the openers
    english_openers_alerts,  # noqa: F401 - the alerts panel's
    english_openers_roles,  # noqa: F401 - the openers of issue 20's windows
)
from tests.ui.english_walk import OPENERS, WAIT, Walk
from ui import i18n
from ui.app import install_language


@pytest.fixture
def in_english(qapp):
    install_language(qapp, "en")
    assert i18n.current() == "en"
    yield
    install_language(qapp, "zh_CN")


def test_every_window_in_english_shows_no_chinese_but_data(qtbot, ctx, samples, tmp_path,
                                                          in_english):
    walk = Walk(qtbot, ctx, samples, tmp_path)
    walk.allow([ctx.services.client.catalog().model_dump(mode="json")])
    walk.allow([p["name"] for p in staff.list_staff(ctx.services.engine)])
    walk.allow(i18n.NATIVE_NAMES.values())  # a language menu names each in its own words
    for _name, open_one in OPENERS:
        open_one(walk)
        ctx.runner.wait(WAIT)
    assert len(walk.read_names) >= len(OPENERS)
    assert walk.offending == [], "\n".join(walk.offending)


def test_core_errors_are_english_in_english_and_bilingual_in_chinese(qapp, in_english):
    from ui.widgets.approval import error_text

    flow = FlowError("请填写理由", "a reason is required")
    assert error_text(flow) == "⚠ a reason is required"
    platform = PlatformUnavailable("平台无法连接", "the platform is unreachable")
    assert i18n.said(platform) == "the platform is unreachable"
    # A message built as one string: what follows the separator; a path keeps its slashes.
    settings = ValueError("设置文件无法读取：/tmp/a/settings.json / cannot read /tmp/a/s.json")
    assert i18n.said(settings) == "cannot read /tmp/a/s.json"
    assert i18n.said(ValueError("未知设置项 x（override）/ unknown setting x")) == \
        "unknown setting x"
    # Two bilingual parts in one text: both English parts.
    assert i18n.said("离线快照（1.0 小时前同步）/ offline snapshot 1.0 h old，已过时 / stale") == \
        "offline snapshot 1.0 h old, stale"
    install_language(qapp, "zh_CN")
    assert error_text(flow) == "⚠ 请填写理由 / a reason is required"


def test_the_start_language_is_the_setting_read_alone_else_the_systems(tmp_path):
    (tmp_path / "settings.json").write_text(
        json.dumps({"language": "en", "retention_days": -1}), encoding="utf-8")
    assert i18n.start_language(tmp_path) == "en"  # however wrong the rest of the file is
    (tmp_path / "settings.json").write_text("{not json", encoding="utf-8")
    assert i18n.start_language(tmp_path) == i18n.system_language()
    assert i18n.start_language(tmp_path / "none") == i18n.system_language()


def test_a_refused_start_is_said_in_the_language_of_the_settings(qapp, tmp_path):
    from ui.app import EXIT_INVALID, run

    data = tmp_path / "desk"
    data.mkdir()
    (data / "settings.json").write_text(json.dumps({"language": "en", "no_such": 1}),
                                        encoding="utf-8")
    seen: list[tuple[str, str]] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, read_and_close)
            return
        seen.append((box.windowTitle(), box.text()))
        box.button(QMessageBox.StandardButton.Ok).click()

    QTimer.singleShot(0, read_and_close)
    try:
        assert run(["creditdesk"], data_dir=data) == EXIT_INVALID
    finally:
        install_language(qapp, "zh_CN")
    [(title, text)] = seen
    assert title == "CreditDesk cannot start"
    assert "unknown setting no_such" in text and not i18n.has_cjk(title + text)
