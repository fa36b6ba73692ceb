"""The file side of a batch check: real CSV and XLSX files as Chinese offices produce them."""

from __future__ import annotations

import csv
import re

import openpyxl
import pytest

from desktop.batch.files import BatchFileError, InputTable, read_table, validate_rows
from desktop.batch.output import neutralise, write_table
from desktop.identifiers import IdentifierKind
from tests.strategies import ric_check, uscc_check

RIC = "33060219900101123" + ric_check("33060219900101123")
RIC_2 = "33060319851231002" + ric_check("33060319851231002")
RIC_BAD_CHECK = RIC[:17] + ("0" if RIC[17] != "0" else "1")
LEGACY_15 = "330602900101123"  # first-generation card: born 1990-01-01
USCC = "91330602MA2BCDEF3" + uscc_check("91330602MA2BCDEF3")
USCC_2 = "91330603MA2XYW123" + uscc_check("91330603MA2XYW123")
LOST_DIGITS = 3.30602199001011e17  # what Excel keeps of an 18-digit id typed as a number

FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "-1+2", "@SUM(A1)", "\t=1"]


def write_csv(path, rows, *, encoding="utf-8", delimiter=","):
    text = "\r\n".join(delimiter.join(row) for row in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path, rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def is_bilingual(message: str) -> bool:
    zh, _, en = message.partition(" / ")
    return bool(re.search(r"[\u4e00-\u9fff]", zh)) and bool(re.search(r"[a-z]{3}", en))


# --- reading: encodings and delimiters ---------------------------------------------------


def test_gbk_csv_from_chinese_excel(tmp_path):
    path = write_csv(
        tmp_path / "投标人.csv",
        [["序号", "企业名称", "统一社会信用代码"], ["1", "绍兴市越城区某建设有限公司", USCC],
         ["2", "浙江柯桥纺织股份公司", USCC_2]],
        encoding="gbk",
    )
    table = read_table(path)
    assert table.encoding == "gb18030"
    assert table.header == ["序号", "企业名称", "统一社会信用代码"]
    assert table.id_column == 2
    assert table.rows[0][1] == "绍兴市越城区某建设有限公司"
    assert [row[2] for row in table.rows] == [USCC, USCC_2]


def test_utf8_csv_with_bom(tmp_path):
    path = write_csv(
        tmp_path / "a.csv", [["姓名", "身份证号码"], ["张三", RIC], ["李四", RIC_2]],
        encoding="utf-8-sig",
    )
    table = read_table(path)
    assert table.encoding == "utf-8-sig"
    assert table.header == ["姓名", "身份证号码"]  # no BOM glued to the first label
    assert table.id_column == 1
    assert len(table.rows) == 2


def test_plain_utf8_tab_separated_with_commas_in_cells(tmp_path):
    path = write_csv(
        tmp_path / "a.txt",
        [["单位名称", "地址", "信用代码"], ["某公司", "绍兴市, 越城区", USCC],
         ["另一公司", "上虞区, 百官街道", USCC_2]],
        delimiter="\t",
    )
    table = read_table(path)
    assert table.encoding == "utf-8"
    assert table.rows[0] == ["某公司", "绍兴市, 越城区", USCC]
    assert table.id_column == 2


def test_semicolon_separated(tmp_path):
    path = write_csv(tmp_path / "a.csv", [["name", "uscc"], ["A", USCC], ["B", USCC_2]],
                     delimiter=";")
    assert read_table(path).rows == [["A", USCC], ["B", USCC_2]]


def test_excel_unicode_text_export_is_utf16(tmp_path):
    path = write_csv(tmp_path / "a.txt", [["姓名", "证件号码"], ["张三", RIC]],
                     encoding="utf-16", delimiter="\t")
    table = read_table(path)
    assert table.encoding == "utf-16"
    assert table.rows == [["张三", RIC]]


# --- reading: workbooks ------------------------------------------------------------------


def test_xlsx_id_column_not_first_with_numeric_cells(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [
        ["姓名", "备注", "身份证号码"],
        ["张三", None, RIC],
        ["李四", "旧身份证", int(LEGACY_15)],  # Excel keeps 15 digits exactly
        ["王五", "输入成了数字", LOST_DIGITS],
        ["赵六", 42, RIC_2],
    ])
    table = read_table(path)
    assert table.encoding == "xlsx"
    assert table.id_column == 2
    assert [row[2] for row in table.rows] == [RIC, LEGACY_15, "3.30602199001011e+17", RIC_2]
    assert table.rows[0][1] == "" and table.rows[3][1] == "42"

    checks = validate_rows(table)
    assert checks[1].subject is not None and checks[1].subject.converted_from_15
    lost = checks[2]
    assert lost.subject is None
    assert "文本" in lost.error and "format the column as text" in lost.error
    assert is_bilingual(lost.error)
    assert checks[3].subject is not None


def test_xlsx_reads_cached_values_not_formulas(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["名称", "统一社会信用代码"])
    workbook.active.append(["=CONCAT(\"a\",\"b\")", USCC])
    workbook.save(tmp_path / "a.xlsx")
    table = read_table(tmp_path / "a.xlsx")
    # openpyxl stores no cached value, so the formula cell reads as empty, never as code.
    assert table.rows == [["", USCC]]


def test_workbook_renamed_to_csv_is_explained(tmp_path):
    write_xlsx(tmp_path / "a.xlsx", [["统一社会信用代码"], [USCC]])
    (tmp_path / "a.csv").write_bytes((tmp_path / "a.xlsx").read_bytes())
    with pytest.raises(BatchFileError, match="xlsx"):
        read_table(tmp_path / "a.csv")


def test_damaged_workbook(tmp_path):
    (tmp_path / "a.xlsx").write_bytes(b"not a zip file")
    with pytest.raises(BatchFileError) as info:
        read_table(tmp_path / "a.xlsx")
    assert is_bilingual(str(info.value))


# --- header and identifier column --------------------------------------------------------


def test_file_without_header_found_by_content(tmp_path):
    path = write_csv(tmp_path / "a.csv", [["张三", "13800000000", RIC], ["李四", "", RIC_2]])
    table = read_table(path)
    assert table.header == ["列1", "列2", "列3"]
    assert table.id_column == 2
    assert len(table.rows) == 2


def test_first_row_missing_its_id_is_data_not_header(tmp_path):
    path = write_csv(tmp_path / "a.csv", [["张三", ""], ["李四", RIC], ["王五", RIC_2]])
    table = read_table(path)
    assert table.header == ["列1", "列2"]
    assert [row[0] for row in table.rows] == ["张三", "李四", "王五"]
    assert validate_rows(table)[0].error.startswith("未输入号码")


def test_content_tie_goes_to_leftmost_column(tmp_path):
    path = write_csv(tmp_path / "a.csv", [["a", "b"], [USCC, RIC], [USCC_2, RIC_2]])
    assert read_table(path).id_column == 0


@pytest.mark.parametrize(
    "label",
    ["统一社会信用代码", "身份证号码", "公民身份号码", "证照号码", " Subject_ID ", "USCC",
     "＊身份证号码（必填）", "投标人统一社会信用代码", "代码"],
)
def test_header_name_beats_content(tmp_path, label):
    # The other column holds more valid identifiers, but the header names the column.
    path = write_csv(tmp_path / "a.csv", [
        ["联系人号码", label], [RIC, USCC], [RIC_2, "typo"], [RIC, ""],
    ])
    assert read_table(path).id_column == 1


def test_specific_header_beats_a_generic_id_column(tmp_path):
    path = write_csv(tmp_path / "a.csv", [["ID", "统一社会信用代码"], ["1", USCC], ["2", USCC_2]])
    assert read_table(path).id_column == 1


def test_named_column_without_any_identifier_yields_to_content(tmp_path):
    path = write_csv(tmp_path / "a.csv", [["代码", "说明"], ["A001", USCC], ["A002", USCC_2]])
    table = read_table(path)
    assert table.header == ["代码", "说明"]
    assert table.id_column == 1


def test_empty_rows_skipped_short_rows_padded_trailing_columns_trimmed(tmp_path):
    path = write_csv(tmp_path / "a.csv", [
        ["名称", "统一社会信用代码", "备注", ""], ["", "", "", ""],
        ["甲", USCC], ["乙", USCC_2, "x"],
    ])
    table = read_table(path)
    assert table.header == ["名称", "统一社会信用代码", "备注"]
    assert table.rows == [["甲", USCC, ""], ["乙", USCC_2, "x"]]


# --- validation --------------------------------------------------------------------------


def test_invalid_rows_keep_their_order_and_bilingual_reason(tmp_path):
    path = write_csv(tmp_path / "a.csv", [
        ["姓名", "证件号码"], ["甲", RIC], ["乙", RIC_BAD_CHECK], ["丙", ""], ["丁", "12345"],
        ["戊", USCC], ["己", "3.30602E+17"],
    ])
    checks = validate_rows(read_table(path))
    assert [c.index for c in checks] == [0, 1, 2, 3, 4, 5]
    assert [c.subject is not None for c in checks] == [True, False, False, False, True, False]
    assert checks[0].subject.kind is IdentifierKind.RESIDENT_ID and checks[0].error is None
    assert checks[4].subject.kind is IdentifierKind.USCC
    assert "校验位" in checks[1].error and "check character" in checks[1].error
    assert "长度" in checks[3].error and "wrong length" in checks[3].error
    assert "文本格式" in checks[5].error and "enter it again" in checks[5].error
    for check in checks:
        assert check.error is None or is_bilingual(check.error)
        assert RIC not in repr(check) and RIC_BAD_CHECK not in repr(check)


def test_table_repr_does_not_show_resident_numbers():
    table = InputTable(["证件号码"], [[RIC]], 0, "utf-8")
    assert RIC not in repr(table)


# --- writing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1+2", "'-1+2"), ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("  =1", "'  =1"), ("\u3000@x", "'\u3000@x"),
        ("-5", "'-5"), ("绍兴市某公司", "绍兴市某公司"), ("a=b", "a=b"), (USCC, USCC), ("", ""),
        (-5, -5), (1.5, 1.5), (None, None), (True, True),
    ],
)
def test_neutralise(cell, expected):
    assert neutralise(cell) == expected


def test_csv_output_neutralises_formulas_and_opens_in_excel(tmp_path):
    out = tmp_path / "结果.csv"
    rows = [[name, USCC, "通过"] for name in FORMULAS] + [["绍兴市某公司", RIC, -3]]
    write_table(out, ["=名称", "统一社会信用代码", "结论"], rows)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(out, encoding="utf-8-sig", newline="") as stream:
        back = list(csv.reader(stream))
    assert back[0][0] == "'=名称"
    for row, name in zip(back[1:6], FORMULAS, strict=True):
        assert row[0] == "'" + name
        assert row[1] == USCC
    assert back[6] == ["绍兴市某公司", RIC, "-3"]


def test_xlsx_output_neutralises_formulas_and_keeps_ids_as_text(tmp_path):
    out = tmp_path / "结果.xlsx"
    rows = [[name, USCC] for name in FORMULAS] + [["#N/A", int(LEGACY_15)], ["\x01=1", RIC]]
    write_table(out, ["名称", "统一社会信用代码"], rows)
    sheet = openpyxl.load_workbook(out).worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    names = [sheet.cell(row=r, column=1).value for r in range(2, 7)]
    assert all(name.startswith("'") for name in names)
    assert names == ["'" + name for name in FORMULAS]
    assert sheet["A7"].value == "#N/A" and sheet["A7"].data_type == "s"
    assert sheet["B7"].value == LEGACY_15 and sheet["B7"].data_type == "s"
    assert sheet["A8"].value == "'=1"  # control character dropped, then neutralised
    assert sheet["B8"].value == RIC and sheet["B8"].data_type == "s"


def test_output_round_trips_through_read_table(tmp_path):
    out = tmp_path / "out.xlsx"
    write_table(out, ["名称", "统一社会信用代码"], [["甲", USCC], ["乙", USCC_2]])
    table = read_table(out)
    assert table.id_column == 1 and table.rows == [["甲", USCC], ["乙", USCC_2]]


def test_write_replaces_existing_file_and_leaves_no_temp(tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("old", encoding="utf-8")
    write_table(out, ["a"], [["b"]])
    assert out.read_bytes() == b"\xef\xbb\xbfa\r\nb\r\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_failed_write_keeps_the_old_file(tmp_path, suffix):
    class Broken:
        def __str__(self):
            raise RuntimeError("boom")

    out = tmp_path / f"out{suffix}"
    out.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        write_table(out, ["a"], [["fine"], [Broken()]])
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_write_into_missing_folder_is_refused(tmp_path):
    with pytest.raises(BatchFileError) as info:
        write_table(tmp_path / "nope" / "out.csv", ["a"], [["b"]])
    assert is_bilingual(str(info.value))
    assert not (tmp_path / "nope").exists()


# --- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a.xlsb", "a.json", "noext"])
def test_unsupported_suffix(tmp_path, name):
    path = tmp_path / name
    path.write_text("统一社会信用代码\n" + USCC, encoding="utf-8")
    for call in (lambda: read_table(path), lambda: write_table(path, ["a"], [])):
        with pytest.raises(BatchFileError) as info:
            call()
        message = str(info.value)
        assert is_bilingual(message)
        assert "不支持" in message and "unsupported" in message
        assert ".csv" in message and ".xlsx" in message


@pytest.mark.parametrize(
    ("name", "content"),
    [("a.csv", b""), ("a.csv", b"\xef\xbb\xbf\r\n , \r\n"), ("a.xlsx", None)],
)
def test_empty_file(tmp_path, name, content):
    path = tmp_path / name
    if content is None:
        openpyxl.Workbook().save(path)
    else:
        path.write_bytes(content)
    with pytest.raises(BatchFileError) as info:
        read_table(path)
    assert "文件为空" in str(info.value) and "empty" in str(info.value)


def test_header_without_data_rows(tmp_path):
    path = write_csv(tmp_path / "a.csv", [["名称", "统一社会信用代码"]])
    with pytest.raises(BatchFileError) as info:
        read_table(path)
    assert "没有数据行" in str(info.value) and "no data rows" in str(info.value)


def test_missing_id_column(tmp_path):
    path = write_csv(tmp_path / "a.csv", [["名称", "电话"], ["甲", "0575-88888888"], ["乙", ""]])
    with pytest.raises(BatchFileError) as info:
        read_table(path)
    message = str(info.value)
    assert is_bilingual(message)
    assert "未找到证件号码列" in message and "no identifier column" in message


def test_missing_file(tmp_path):
    with pytest.raises(BatchFileError, match="file not found"):
        read_table(tmp_path / "none.csv")


def test_errors_never_show_a_whole_resident_number(tmp_path):
    messages = []
    for path in (tmp_path / f"{RIC}.csv", tmp_path / f"{RIC}.xlsx", tmp_path / f"{RIC}.doc"):
        with pytest.raises(BatchFileError) as info:
            read_table(path)
        messages.append(str(info.value))
    (tmp_path / f"{RIC}.xlsx").write_bytes(b"broken " + RIC.encode())
    with pytest.raises(BatchFileError) as info:
        read_table(tmp_path / f"{RIC}.xlsx")
    messages.append(str(info.value))
    with pytest.raises(BatchFileError) as info:
        write_table(tmp_path / RIC / "out.csv", ["a"], [])
    messages.append(str(info.value))
    messages.append(str(BatchFileError(f"号码 {RIC} 与 {LEGACY_15}", f"ids {RIC_2.lower()}")))
    for message in messages:
        assert not re.search(r"\d{17}[\dXx]", message), message
    assert RIC[:6] + "********" + RIC[14:] in messages[0]
    assert LEGACY_15 not in messages[-1]


def test_one_row_over_the_batch_limit_is_refused_clearly(tmp_path):
    from desktop.batch.files import MAX_ROWS

    rows = [["证件号码"]] + [[RIC]] * (MAX_ROWS + 1)
    with pytest.raises(BatchFileError) as refused:
        read_table(write_csv(tmp_path / "big.csv", rows))
    assert is_bilingual(str(refused.value))
    assert f"{MAX_ROWS:,}" in str(refused.value) and "拆分" in str(refused.value)
    at_limit = read_table(write_csv(tmp_path / "ok.csv", rows[:-1]))
    assert len(at_limit.rows) == MAX_ROWS


def test_workbook_over_the_row_limit_is_refused_while_streaming(tmp_path, monkeypatch):
    # The limit is lowered here so the workbook stays small; the CSV test above uses the
    # real limit.
    import desktop.batch.files as batch_files

    monkeypatch.setattr(batch_files, "MAX_ROWS", 50)
    path = write_xlsx(tmp_path / "big.xlsx", [["统一社会信用代码"]] + [[USCC]] * 51)
    with pytest.raises(BatchFileError) as refused:
        read_table(path)
    assert is_bilingual(str(refused.value)) and "50" in str(refused.value)
    ok = write_xlsx(tmp_path / "ok.xlsx", [["统一社会信用代码"]] + [[USCC]] * 50)
    assert len(read_table(ok).rows) == 50


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    from desktop.batch.files import MAX_FILE_BYTES

    path = tmp_path / "huge.csv"
    with path.open("wb") as out:  # sparse: costs no disk
        out.write("证件号码\n".encode())
        out.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(BatchFileError) as refused:
        read_table(path)
    assert is_bilingual(str(refused.value)) and "MB" in str(refused.value)
