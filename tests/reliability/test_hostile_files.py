"""Hostile spreadsheets through the real ``creditdesk batch`` (issue 18).

Every file here is built by the test (tests/reliability/hostile_files.py): zip bombs of
shared strings and of rows, 510,000 distinct short texts, an .ods repeating one row a
million times, a huge cell, a member that unpacks to more than it declares, an archive
inside the archive, a thousand-member archive, a CSV under an .xlsx name, bytes that are
no zip at all, a truncated download. Each goes to the real CLI in a child process; the
test asserts what a clerk sees (the reason in Chinese and in English, exit code 2), that
nothing was written (no output file, no data folder) and the child's peak resident
memory (its VmHWM as it exits) under 200 MB. Speed is not asserted here: the refusal
time of the worst file is a benchmark figure (``python -m bench --only hostile``).
"""

from __future__ import annotations

import pytest

from tests.conftest import full_size
from tests.reliability import hostile_files as hf

PEAK_MB = 200

# name -> (words of the Chinese reason, words of the English one)
REASONS = {
    "strings_bomb": (("sharedStrings.xml", "解压后为", "压缩炸弹"),
                     ("sharedStrings.xml", "unpacks to", "zip bomb")),
    "many_strings": (("500,000 个不同的文字",), ("more than 500,000 distinct texts",)),
    "rows_bomb": (("sheet1.xml", "压缩比"), ("sheet1.xml", "compressed", "to 1")),
    "huge_cell": (("单个单元格",), ("single cell or tag longer than",)),
    "lying_sizes": (("超过其声明的大小",), ("more than it declares",)),
    "nested_zip": (("嵌套的压缩包",), ("archive inside the archive",)),
    "many_members": (("1,001 个文件",), ("1,001 files",)),
    "ods_rows_bomb": (("1,000,000 行 × 100 列",), ("1,000,000 rows by 100 columns",)),
    "csv_named_xlsx": (("文本表格", ".csv"), ("text table", "rename it")),
    "not_a_zip": (("不是可读取的工作簿",), ("not a readable workbook",)),
    "truncated_zip": (("不是可读取的工作簿",), ("not a readable workbook",)),
}


@pytest.mark.parametrize("case", list(REASONS))
def test_a_hostile_workbook_is_refused_plainly_with_bounded_memory(case, tmp_path, tally):
    zh, en = REASONS[case]
    source = hf.hostile(full_size())[case](tmp_path / f"名单_{case}.xlsx")
    run = hf.batch_in_child(source, tmp_path)
    tally(case=case, file_kb=round(source.stat().st_size / 1024), code=run.code,
          seconds=round(run.seconds, 2), peak_mb=round(run.peak_mb, 1))
    assert run.code == 2, run.err
    assert all(word in run.err for word in zh), run.err
    assert all(word in run.err for word in en), run.err
    assert not (tmp_path / "out.csv").exists()
    assert not (tmp_path / "desk").exists()
    assert run.peak_mb < PEAK_MB, run


def test_every_hostile_file_has_its_reason_checked():
    assert set(hf.hostile(False)) == set(REASONS)


def test_a_far_cell_costs_a_row_not_a_grid(tmp_path, tally):
    # One cell at IV65536 (the last cell of an .xls) in a 5 KB file, and an .ods that ends
    # in LibreOffice's million empty repeated rows: both read, within the memory bound. A
    # reader that lays the .xls out as a full grid needed 1 GB here (python-calamine).
    far = hf.xls(tmp_path / "far.xls", [["证件号码"], ["91330602MA2BCDEF3X"]],
                 far_cell=(65535, 255))
    trailing = hf.ods(tmp_path / "trailing.ods", [["证件号码"], ["91330602MA2BCDEF3X"]],
                      empty_tail=1_048_000)
    for source in (far, trailing):
        rows, out, peak = hf.read_in_child(source, tmp_path)
        tally(file=source.name, rows=rows, peak_mb=round(peak, 1))
        assert rows == (2 if source is far else 1), out
        assert peak < PEAK_MB, (source.name, peak)
