"""Workbooks other than .xlsx (.xls, WPS .et, .ods) and the grid limits, on files the
tests write: .xls by xlwt (BIFF8, as Excel 97-2003 and WPS save it), .ods zipped by hand."""

from __future__ import annotations

import openpyxl
import pytest

from desktop.batch import archive, sheets
from desktop.batch.files import BatchFileError, read_table, validate_rows
from tests.reliability import hostile_files as hf
from tests.strategies import ric_check, uscc_check

USCC = "91330602MA2BCDEF3" + uscc_check("91330602MA2BCDEF3")
RIC = "33060219900101123" + ric_check("33060219900101123")
ROWS = [["序号", "投标人名称", "统一社会信用代码/身份证号"],
        ["1", "绍兴某建设有限公司", USCC], ["2", "张三", RIC], ["3", "乱填", "不知道"]]


def _assert_list(table, kind: str) -> None:
    assert table.encoding == kind
    assert table.header == ROWS[0]
    assert [row[2] for row in table.rows] == [USCC, RIC, "不知道"]
    assert table.header[table.id_column] == "统一社会信用代码/身份证号"
    checks = validate_rows(table)
    assert [c.subject is not None for c in checks] == [True, True, False]


def test_an_xls_workbook_is_read(tmp_path):
    _assert_list(read_table(hf.xls(tmp_path / "名单.xls", ROWS)), "xls")


def test_a_wps_et_file_is_read_as_the_xls_it_is(tmp_path):
    et = tmp_path / "名单.et"
    et.write_bytes(hf.xls(tmp_path / "名单.xls", ROWS).read_bytes())
    _assert_list(read_table(et), "xls")


def test_an_ods_spreadsheet_is_read(tmp_path):
    _assert_list(read_table(hf.ods(tmp_path / "名单.ods", ROWS)), "ods")


def test_numbers_in_an_xls_keep_their_digits_and_lost_ones_stay_visible(tmp_path):
    path = hf.xls(tmp_path / "a.xls", [["证件号码", "序号"], [USCC, 7],
                                       [3.30602199001011e17, 8]])
    table = read_table(path)
    assert [row[1] for row in table.rows] == ["7", "8"]
    assert table.rows[1][0] == repr(3.30602199001011e17)  # not padded into a "valid" id
    assert validate_rows(table)[1].subject is None


def test_a_workbook_is_read_by_what_it_is_not_by_its_name(tmp_path):
    renamed = tmp_path / "名单.xlsx"
    renamed.write_bytes(hf.xls(tmp_path / "名单.xls", ROWS).read_bytes())
    _assert_list(read_table(renamed), "xls")


def test_a_workbook_written_by_hand_passes_the_archive_check(tmp_path):
    path = hf.good_xlsx(tmp_path / "a.xlsx", ROWS)
    assert "xl/worksheets/sheet1.xml" in archive.check_archive(path)
    _assert_list(read_table(path), "xlsx")


def test_a_row_wider_than_the_limit_is_refused(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["证件号码"])
    book.active.append([USCC])
    book.active.cell(row=3, column=sheets.MAX_COLUMNS + 1, value="x")
    book.save(tmp_path / "wide.xlsx")
    with pytest.raises(BatchFileError) as refused:
        read_table(tmp_path / "wide.xlsx")
    assert f"{sheets.MAX_COLUMNS + 1} 列" in str(refused.value)
    assert f"has {sheets.MAX_COLUMNS + 1} columns" in str(refused.value)


def test_a_grid_over_the_cell_limit_is_refused_while_read(tmp_path, monkeypatch):
    monkeypatch.setattr(sheets, "MAX_CELLS", 30)  # the real one needs 1.5 million cells
    rows = [["证件号码", "名称", "地址"]] + [[USCC, "甲", "乙"]] * 10
    path = hf.ods(tmp_path / "big.ods", rows)
    with pytest.raises(BatchFileError) as refused:
        read_table(path)
    assert "11 行 × 3 列" in str(refused.value) and "11 rows by 3 columns" in str(refused.value)
    assert len(read_table(hf.ods(tmp_path / "ok.ods", rows[:-1])).rows) == 9


def test_a_long_cell_in_an_xls_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(sheets, "MAX_CELL_CHARS", 100)  # BIFF8 itself stops at 32,767
    path = hf.xls(tmp_path / "a.xls", [["证件号码", "备注"], [USCC, "长" * 101]])
    with pytest.raises(BatchFileError) as refused:
        read_table(path)
    assert "101 字" in str(refused.value) and "101 characters" in str(refused.value)
