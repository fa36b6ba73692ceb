"""The table models under Qt's model tester, with real batch output from the platform."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from PySide6.QtCore import QModelIndex, Qt

from desktop.batch.files import read_table
from desktop.counter.commitments import Commitment
from tests.ui.test_batch_window import ITEM, batch_rows, many_rows, write_csv
from ui.widgets.table_models import (
    ID_ROLE,
    PAGE,
    STATUS_ROLE,
    AlertsModel,
    BatchProxy,
    BatchResultModel,
    CommitmentsModel,
    sorting_proxy,
)

ROOT = QModelIndex()


@pytest.fixture
def result(ctx, samples, tmp_path):
    """A real batch result of 1,200 rows: sample subjects, then the invalid ones."""
    rows = many_rows(samples, 1200 - 6) + batch_rows(samples)[:6]
    rows = [[str(n + 1), *row[1:]] for n, row in enumerate(rows)]
    table = read_table(write_csv(tmp_path / "list.csv", rows))
    header, out, report = ctx.services.batch.run(table, ITEM)
    assert report.rows == 1200 and report.invalid > 0
    return header, out


def texts(model, column):
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_the_batch_model_pages_sorts_the_whole_result_and_passes_the_tester(
        qtmodeltester, result):
    header, rows = result
    model = BatchResultModel()
    model.set_result(header, rows)
    assert model.rowCount() == PAGE and model.total == 1200 and model.canFetchMore(ROOT)
    model.fetchMore(ROOT)
    assert model.rowCount() == 2 * PAGE
    qtmodeltester.check(model)  # fetches the rest; stays attached to check what follows
    assert model.rowCount() == 1200 and not model.canFetchMore(ROOT)
    model.set_result(header, rows)  # a new result: the first page again
    assert model.rowCount() == PAGE
    labels = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(header))]
    assert labels[:3] == header[:3]
    assert labels[3:] == ["核验", "主体名称", "结论", "措施", "核查编号", "来源"]

    # Sorting by the row number descending puts the last input row first, though it
    # was not fetched yet; the vertical header keeps the input row number.
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert model.index(0, 0).data() == "1200"
    assert model.headerData(0, Qt.Orientation.Vertical) == "1200"
    assert model.rowCount() == PAGE
    model.sort(-1)
    assert texts(model, 0)[:3] == [rows[0][0], rows[1][0], rows[2][0]]
    assert model.headerData(2, Qt.Orientation.Vertical) == "3"

    statuses = {model.index(r, 3).data(STATUS_ROLE) for r in range(model.rowCount())}
    while model.canFetchMore(ROOT):
        model.fetchMore(ROOT)
    statuses |= {model.index(r, 3).data(STATUS_ROLE) for r in range(model.rowCount())}
    assert statuses == {"valid", "invalid"}
    invalid = [r for r in range(model.rowCount()) if model.status(r) == "invalid"]
    assert all(model.index(r, 3).data().startswith("✖ ") for r in invalid)
    assert model.index(invalid[0], 3).data(Qt.ItemDataRole.BackgroundRole) is not None
    model.clear()
    assert model.rowCount() == 0 and model.columnCount() == 0


def test_the_batch_proxy_filters_every_row_and_passes_the_tester(qtmodeltester, result):
    header, rows = result
    model = BatchResultModel()
    proxy = BatchProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    model.set_result(header, rows)
    assert proxy.rowCount() == PAGE
    proxy.set_problems_only(True)  # looks through all 1,200 rows, not the first page
    assert proxy.rowCount() == sum(1 for r in rows if r[3] != "有效 / valid") > 0
    assert {proxy.index(r, 3).data(STATUS_ROLE) for r in range(proxy.rowCount())} == {"invalid"}
    proxy.set_filter("qz123", problems_only=False)  # in no code, check id or name
    assert proxy.rowCount() == 1 and proxy.index(0, 2).data() == "QZ12345"
    proxy.set_filter("")
    proxy.sort(0, Qt.SortOrder.DescendingOrder)  # the view's header click
    assert proxy.index(0, 0).data() == "1200"


def commitments(today):
    return [
        Commitment(7, "CN-2024-0007", "330602********1234", "王小明", "FOOD_LICENCE",
                   ["营业执照副本", "卫生许可"], today - dt.timedelta(days=3), "open"),
        Commitment(8, "CN-2024-0008", "91330602MA5C98HX6H", "绍兴某公司", "GOV_PROCUREMENT",
                   ["财务报表"], today + dt.timedelta(days=9), "open"),
    ]


def test_the_commitments_model_marks_overdue_in_words_and_passes_the_tester(qtmodeltester):
    today = dt.date.today()
    model = CommitmentsModel()
    model.set_commitments(commitments(today), today)
    qtmodeltester.check(model)
    state = CommitmentsModel.STATE_COLUMN
    assert model.index(0, state).data() == "⚠ 逾期"
    assert model.index(0, state).data(STATUS_ROLE) == "overdue"
    assert model.index(0, 0).data(ID_ROLE) == 7
    assert model.index(0, 4).data() == "营业执照副本、卫生许可"
    assert model.index(1, state).data() == "待补正"
    assert model.index(0, 1).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(1, 1).data(Qt.ItemDataRole.BackgroundRole) is None
    proxy = sorting_proxy(model)
    qtmodeltester.check(proxy)
    proxy.sort(state, Qt.SortOrder.AscendingOrder)
    assert proxy.index(0, 0).data() == "CN-2024-0007"  # overdue first
    proxy.setFilterFixedString("绍兴")
    assert proxy.rowCount() == 1 and proxy.index(0, 0).data() == "CN-2024-0008"
    model.set_commitments([], today)
    assert proxy.rowCount() == 0


def test_the_commitments_model_says_its_states_in_english_in_an_english_window(qapp):
    from ui.app import install_language

    today = dt.date.today()
    model = CommitmentsModel()
    done = dataclasses.replace(commitments(today)[1], state="fulfilled")
    model.set_commitments([*commitments(today), done], today)
    state = CommitmentsModel.STATE_COLUMN
    install_language(qapp, "en")
    try:
        assert [model.index(r, state).data() for r in range(3)] == [
            "⚠ Overdue", "Open", "Fulfilled"]
    finally:
        install_language(qapp, "zh_CN")
    assert model.index(2, state).data() == "已履行"


def test_the_alerts_model_shows_masked_ids_and_passes_the_tester(qtmodeltester):
    alerts = [
        {"id": 3, "masked": "330602********1234", "name": "王小明", "list_version": 9,
         "summary": "信用状态有变化，当前有效记录0条 / credit status changed, 0 record(s) in force",
         "raised_at": 1_700_000_100.0},
        {"id": 2, "masked": "91330602MA5C98HX6H", "name": "绍兴某公司", "list_version": 9,
         "summary": "信用状态有变化，当前有效记录2条 / credit status changed, 2 record(s) in force",
         "raised_at": 1_700_000_000.0},
    ]
    model = AlertsModel()
    model.set_alerts(alerts)
    qtmodeltester.check(model)
    assert texts(model, 0) == ["330602********1234", "91330602MA5C98HX6H"]
    assert model.index(1, 0).data(ID_ROLE) == 2
    assert model.index(0, 3).data() == dt.datetime.fromtimestamp(1_700_000_100).strftime(
        "%Y-%m-%d %H:%M")
    proxy = sorting_proxy(model)
    qtmodeltester.check(proxy)
    proxy.sort(3, Qt.SortOrder.AscendingOrder)
    assert proxy.index(0, 1).data() == "绍兴某公司"  # the older one first
