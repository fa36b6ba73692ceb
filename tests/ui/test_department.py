"""The department setting at the counter (issue 20, item 6), with real widgets offscreen
against the real reference platform: the picker offers the department's items, another
department's item handed in is refused in both languages, the settings dialog offers the
catalogue's departments and warns of one that owns no item; a desk that never synced
offers the catalogue it ships with."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt

from sandbox import catalog as platform_catalog
from tests.ui.desks import desk_for
from tests.ui.test_dialogs import WAIT, show
from tests.ui.test_main_window import open_window
from ui.session.settings_dialog import SettingsDialog

FINANCE = "市财政局"


def offered(picker) -> list[str]:
    return [str(picker.itemData(i)) for i in range(picker.count())]


def own_items(department: str) -> list[str]:
    """The reference catalogue's items of ``department`` (the platform's own data)."""
    return [i.code for i in platform_catalog.ITEMS if i.department == department]


def test_the_picker_offers_the_departments_items_only(qtbot, ctx, samples):
    ctx.services.settings.set_override("department", FINANCE)
    window = open_window(qtbot, ctx)
    try:
        assert sorted(offered(window.item_picker)) == sorted(own_items(FINANCE))
        window.item_picker.setEditText("FOOD_LICENCE")  # typed: not this desk's item
        assert window.item_picker.current_code() == ""
        # Handed in from elsewhere (--check, a link, the bridge): refused, both languages.
        sample = samples.clear[0]
        window.counter.run_check(sample.id, "FOOD_LICENCE")
        qtbot.waitUntil(lambda: "无法核查" in window.message.text(), timeout=WAIT)
        said = window.message.text()
        assert "市市场监督管理局" in said and FINANCE in said
        assert "not to this counter's department" in said
        assert window.outcome is None
    finally:
        window.close()
        window.idle_lock = None


def test_without_a_department_every_item_is_offered(qtbot, ctx):
    window = open_window(qtbot, ctx)
    try:
        assert sorted(offered(window.item_picker)) == sorted(i.code for i in platform_catalog.ITEMS)
    finally:
        window.close()
        window.idle_lock = None


def open_settings(qtbot, ctx) -> SettingsDialog:
    dialog = show(qtbot, SettingsDialog(ctx))
    qtbot.waitUntil(lambda: dialog.department.count() > 0, timeout=WAIT)
    return dialog


def test_settings_offer_the_catalogues_departments_and_warn_of_one_without_items(qtbot, ctx):
    dialog = open_settings(qtbot, ctx)
    listed = [dialog.department.itemText(i) for i in range(dialog.department.count())]
    departments = {i.department for i in platform_catalog.ITEMS}
    assert set(listed[1:]) == departments and len(listed) == len(departments) + 1
    assert "全部事项" in listed[0]
    assert not dialog.department_warning.isVisibleTo(dialog)

    dialog.department.setEditText("市财政")  # one character short: owns no item
    assert dialog.department_warning.isVisibleTo(dialog)
    warning = dialog.department_warning.text()
    assert "市财政" in warning and "全部事项" in warning and "every item is offered" in warning
    label = dialog.department_warning  # every line of it shown, none cut off
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()), timeout=WAIT)

    dialog.department.setCurrentIndex(dialog.department.findText(FINANCE))
    assert not dialog.department_warning.isVisibleTo(dialog)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.saved, timeout=WAIT)
    stored = json.loads((Path(ctx.services.settings.data_dir) / "settings.json")
                        .read_text(encoding="utf-8"))
    assert stored["department"] == FINANCE

    dialog = open_settings(qtbot, ctx)
    assert dialog.department.currentText() == FINANCE
    dialog.department.setCurrentIndex(0)  # "every item": saved as no department
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.saved, timeout=WAIT)
    assert ctx.services.settings["department"] == ""


def test_a_desk_that_never_synced_offers_the_catalogue_it_ships_with(qtbot, tmp_path):
    from sandbox.server import SandboxServer

    server = SandboxServer(seed=5, subjects=50).start()
    with desk_for(server, tmp_path / "desk") as context:
        server.stop()  # offline, and no catalogue was ever stored
        context.services.settings.set_override("department", "市人力资源和社会保障局")
        window = open_window(qtbot, context)
        try:
            picker = window.item_picker
            assert sorted(offered(picker)) == sorted(own_items("市人力资源和社会保障局"))
            assert picker.name_of("HONOUR") == platform_catalog.item("HONOUR").name
        finally:
            window.close()
            window.idle_lock = None


def test_a_business_system_is_told_why_another_departments_item_is_refused(
        qtbot, ctx, samples):
    from tests.ui.desks import bridged_window
    from tests.ui.test_bridge_window import off_gui, pair, post_check, state_of

    ctx.services.settings.set_override("department", FINANCE)
    sample = samples.clear[0]
    with bridged_window(qtbot, ctx) as (window, host, base):
        token = pair(qtbot, host, base)
        asked = post_check(qtbot, base, token, type(sample)(**{**sample.model_dump(),
                                                               "item": "FOOD_LICENCE"}))
        handle = asked.json()["handle"]
        qtbot.waitUntil(lambda: off_gui(qtbot, state_of, base, token, handle)["state"]
                        == "failed", timeout=WAIT)
        told = json.dumps(off_gui(qtbot, state_of, base, token, handle), ensure_ascii=False)
        assert "市市场监督管理局" in told and FINANCE in told, told
        assert window.outcome is None
