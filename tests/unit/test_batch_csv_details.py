"""CSV details of a batch (issue 18, part 2): a header is a header whatever the encoding
and byte-order mark, the row limit counts data rows, full-width formula signs are
neutralised, and a result path that cannot be used is refused before any work."""

from __future__ import annotations

import codecs
import csv

import openpyxl
import pytest

from desktop.batch.files import MAX_ROWS, BatchFileError, read_table, validate_rows
from desktop.batch.output import check_target, neutralise, write_table
from tests.strategies import ric_check, uscc_check

RIC = "33060219900101123" + ric_check("33060219900101123")
RIC_2 = "33060319851231002" + ric_check("33060319851231002")
USCC = "91330602MA2BCDEF3" + uscc_check("91330602MA2BCDEF3")
HEADER = ["姓名", "身份证号码"]
ROWS = [["张三", RIC], ["李四", RIC_2]]
FULL_WIDTH = ["＝1+1", "＋1", "－1+2", "＠SUM(A1)", "\u3000＝1", "﹦1", "﹢1", "﹣1", "﹫x"]


def text_of(rows):
    return "".join(",".join(row) + "\r\n" for row in rows)


def assert_header_recognised(table):
    assert table.header == HEADER
    assert table.id_column == 1
    assert table.rows == ROWS
    assert all(check.error is None for check in validate_rows(table))


# --- a header whatever the encoding and mark ------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32"])
def test_header_of_utf16_without_a_mark_and_of_utf32_is_a_header(tmp_path, encoding):
    # UTF-16 saved without its mark, and UTF-32 (whose mark begins like UTF-16's): the
    # header must not come back as a row of mojibake reported as an invalid identifier.
    path = tmp_path / "list.csv"
    path.write_bytes(text_of([HEADER, *ROWS]).encode(encoding))
    assert_header_recognised(read_table(path))


def test_a_second_bom_is_not_glued_to_the_first_label(tmp_path):
    # A tool that adds a mark to a file that already had one: "\ufeff姓名" is not a label.
    path = tmp_path / "list.csv"
    path.write_bytes(codecs.BOM_UTF8 * 2 + text_of([HEADER, *ROWS]).encode())
    table = read_table(path)
    assert_header_recognised(table)
    assert table.encoding == "utf-8-sig"


def test_utf8_with_a_bom_and_one_damaged_row_keeps_its_header(tmp_path):
    # The mark says UTF-8; one name pasted in GBK is damage in that row, not a reason to
    # read the whole file (and its header) in another encoding.
    path = tmp_path / "list.csv"
    path.write_bytes(codecs.BOM_UTF8 + text_of([HEADER, ROWS[0]]).encode()
                     + text_of([ROWS[1]]).encode("gbk"))
    table = read_table(path)
    assert table.encoding == "utf-8-sig"
    assert table.header == HEADER and table.id_column == 1
    assert [row[1] for row in table.rows] == [RIC, RIC_2]
    assert table.rows[0][0] == "张三" and "\ufffd" in table.rows[1][0]


# --- the row limit counts data rows -----------------------------------------------------


def test_one_data_row_over_the_limit_without_a_header_is_refused(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text(f"{RIC}\r\n" * (MAX_ROWS + 1), encoding="utf-8")
    with pytest.raises(BatchFileError) as refused:
        read_table(path)
    assert f"{MAX_ROWS:,}" in str(refused.value) and "split" in str(refused.value)
    path.write_text(f"{RIC}\r\n" * MAX_ROWS, encoding="utf-8")
    table = read_table(path)
    assert len(table.rows) == MAX_ROWS and table.header == ["列1"]


# --- full-width formula signs -----------------------------------------------------------


@pytest.mark.parametrize("cell", FULL_WIDTH)
def test_full_width_formula_signs_are_neutralised(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["１２３", "Ａ公司", "（有限）", "＃1"])
def test_other_full_width_text_is_left_alone(cell):
    assert neutralise(cell) == cell


def test_full_width_formulas_in_csv_and_xlsx_results(tmp_path):
    rows = [[name, USCC] for name in FULL_WIDTH]
    write_table(tmp_path / "out.csv", ["名称", "统一社会信用代码"], rows)
    with open(tmp_path / "out.csv", encoding="utf-8-sig", newline="") as stream:
        back = list(csv.reader(stream))[1:]
    assert [row[0] for row in back] == ["'" + name for name in FULL_WIDTH]
    write_table(tmp_path / "out.xlsx", ["名称", "统一社会信用代码"], rows)
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx").worksheets[0]
    names = [sheet.cell(row=r, column=1).value for r in range(2, len(rows) + 2)]
    assert names == ["'" + name for name in FULL_WIDTH]


# --- a result path refused before any work ----------------------------------------------


def test_the_input_itself_is_refused_as_the_result(tmp_path):
    source = tmp_path / "申请人.csv"
    source.write_text(text_of([HEADER, *ROWS]), encoding="utf-8")
    (tmp_path / "sub").mkdir()
    for spelling in (source, tmp_path / "sub" / ".." / "申请人.csv"):
        with pytest.raises(BatchFileError) as refused:
            check_target(spelling, source)
        assert "输入文件" in str(refused.value) and "input file" in str(refused.value)
    check_target(tmp_path / "结果.csv", source)  # another name is fine


@pytest.mark.parametrize("name", ["out.pdf", "out.xls", "out"])
def test_an_unsupported_result_type_is_refused_by_the_check(tmp_path, name):
    with pytest.raises(BatchFileError) as refused:
        check_target(tmp_path / name, tmp_path / "in.csv")
    assert ".xlsx" in str(refused.value) and "支持" in str(refused.value)
