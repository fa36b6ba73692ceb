"""``creditdesk batch`` end to end: GBK, UTF-8-BOM and XLSX tables through a real sandbox."""

from __future__ import annotations

import base64
import csv
import os
import sqlite3
import subprocess

import httpx
import openpyxl
import pytest

from sandbox.process import creditdesk_script, spawn
from tests.staffing import SERVICE, signed_in
from tests.strategies import ric_check

KEY = "batch-test-key-0123456789"
FORMULAS = ['=HYPERLINK("http://evil.example","点我")', "+1", "@x", "-2+3"]
BAD_PERSON = "33060219900101123" + str((int(ric_check("33060219900101123").replace("X", "10"))
                                       + 1) % 10)


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    child = spawn(f"sqlite:///{tmp_path_factory.mktemp('p') / 'p.sqlite'}", seed=17,
                  subjects=3000, api_key=KEY)
    yield child
    child.stop()


@pytest.fixture(scope="module")
def cases(platform):
    samples = httpx.get(f"{platform.url}/sandbox/samples",
                        headers={"Authorization": f"Bearer {KEY}"}).json()
    # Only samples whose item is GOV_PROCUREMENT keep their verdict in this batch.
    rows = [(s["id"], s["name"], verdict) for verdict, group in samples.items() for s in group
            if s["item"] == "GOV_PROCUREMENT"]
    assert {v for *_, v in rows} >= {"prohibit", "incentive", "clear"}
    return rows


def table(cases):
    """Header and rows: valid subjects, formula-looking names, invalid identifiers."""
    rows = []
    for n, (subject, name, _verdict) in enumerate(cases):
        rows.append([str(n + 1), FORMULAS[n % len(FORMULAS)] if n % 3 == 0 else name, subject])
    rows.insert(2, ["x1", "号码太短", "12345"])
    rows.insert(4, ["x2", "校验位错", BAD_PERSON])
    return ["序号", "投标人名称", "统一社会信用代码/身份证号"], rows


def run_batch(platform, tmp_path, source, output):
    env = {**os.environ, "CREDITDESK_API_KEY": KEY,
           "CREDITDESK_DATA_KEY": base64.b64encode(os.urandom(32)).decode()}
    env = signed_in(env, tmp_path / "desk", SERVICE)  # a script: the service account
    return subprocess.run(
        [creditdesk_script(), "batch", str(source), "--item", "GOV_PROCUREMENT", "-o",
         str(output), "--data-dir", str(tmp_path / "desk"), "--platform", platform.url],
        capture_output=True, text=True, encoding="utf-8", env=env, timeout=300)


def read_output(path):
    if path.suffix == ".xlsx":
        sheet = openpyxl.load_workbook(path).active
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
        return [[c.value or "" for c in row] for row in sheet.iter_rows()]
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def check_output(out, header, rows, cases):
    assert out[0][:3] == header and len(out) == len(rows) + 1
    verdicts = {subject: verdict for subject, _n, verdict in cases}
    for got, given in zip(out[1:], rows, strict=True):
        assert got[0] == given[0]  # input order kept, one row per input row
        if given[1].startswith(("=", "+", "@", "-")):
            assert got[1] == "'" + given[1]  # neutralised, never evaluated
        subject = given[2]
        if subject in verdicts:
            assert got[5].endswith(verdicts[subject]), (subject, got)
            assert got[3] == "有效 / valid"
        else:
            assert got[5] == "" and ("wrong length" in got[3] or "check character" in got[3])
        if subject.startswith("33"):  # a person's number is masked in the export
            assert subject not in got[2]
    assert not any(BAD_PERSON in cell for row in out for cell in map(str, row))


@pytest.mark.parametrize("form", ["gbk.csv", "utf8bom.csv", "book.xlsx"])
def test_batch_in_every_format(platform, cases, tmp_path, form):
    header, rows = table(cases)
    source = tmp_path / form
    if form.endswith(".xlsx"):
        book = openpyxl.Workbook()
        for r, values in enumerate([header, *rows], start=1):
            for c, value in enumerate(values, start=1):
                cell = book.active.cell(row=r, column=c, value=value)
                cell.data_type = "s"  # text cells, as a clerk types them
        book.save(source)
    else:
        encoding = "gbk" if form.startswith("gbk") else "utf-8-sig"
        with source.open("w", encoding=encoding, newline="") as f:
            csv.writer(f).writerows([header, *rows])
    output = tmp_path / ("out.xlsx" if form.endswith(".xlsx") else "out.csv")
    done = run_batch(platform, tmp_path, source, output)
    assert done.returncode == 0, done.stderr
    check_output(read_output(output), header, rows, cases)
    assert "无效 2" in done.stdout


def test_a_large_batch_is_chunked_and_keeps_order(platform, cases, tmp_path):
    header, rows = table(cases)
    many = [[str(i), name, subject] for i, (_n, name, subject) in
            enumerate(rows[i % len(rows)] for i in range(2500))]
    source = tmp_path / "many.csv"
    with source.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *many])
    output = tmp_path / "many-out.csv"
    done = run_batch(platform, tmp_path, source, output)
    assert done.returncode == 0, done.stderr
    out = read_output(output)
    assert [r[0] for r in out[1:]] == [str(i) for i in range(2500)]


def test_an_unreadable_input_is_refused_in_both_languages(platform, tmp_path):
    source = tmp_path / "list.pdf"
    source.write_bytes(b"%PDF-1.4")
    done = run_batch(platform, tmp_path, source, tmp_path / "o.csv")
    assert done.returncode == 2
    assert ".xlsx" in done.stderr and "支持" in done.stderr
    assert not (tmp_path / "o.csv").exists()


def test_a_self_contradicting_batch_answer_is_never_written_as_a_verdict(platform, cases,
                                                                         tmp_path):
    # Every row's verdict flipped against its own measures: no row may carry a verdict,
    # each says it was not checked and why, and no check is logged as answered.
    header, rows = table(cases)
    source = tmp_path / "list.csv"
    with source.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    auth = {"Authorization": f"Bearer {KEY}"}
    httpx.post(f"{platform.url}/sandbox/faults", headers=auth, json={"contradict_rate": 1.0})
    try:
        done = run_batch(platform, tmp_path, source, tmp_path / "out.csv")
    finally:
        httpx.post(f"{platform.url}/sandbox/faults", headers=auth, json={})
    out = read_output(tmp_path / "out.csv")
    valid = [got for got, given in zip(out[1:], rows, strict=True)
             if given[2] in {subject for subject, *_ in cases}]
    assert valid and all(got[5] == "" for got in valid), valid[:2]
    assert all("未核查" in got[3] and "contradicts" in got[3] for got in valid), valid[0]
    # Such an answer is no answer: as in a single check the snapshot would be asked, and
    # this desk has none. The file is written; no row answered: exit 3, the rows counted.
    assert done.returncode == 3, done.stderr
    assert f"在线核查 0，离线核查 0，未核查 {len(valid)}" in done.stdout, done.stdout
    with sqlite3.connect(tmp_path / "desk" / "creditdesk.sqlite") as db:
        logged = db.execute("SELECT count(*) FROM audit WHERE event='check'").fetchone()[0]
    assert logged == 0


def checks_logged(tmp_path):
    with sqlite3.connect(tmp_path / "desk" / "creditdesk.sqlite") as db:
        return db.execute("SELECT count(*) FROM audit WHERE event='check'").fetchone()[0]


def test_a_result_naming_the_input_is_refused_before_any_work(platform, cases, tmp_path):
    # The result masks resident numbers: written over the input, the full ones are lost.
    header, rows = table(cases)
    source = tmp_path / "list.csv"
    with source.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    before = source.read_bytes()
    (tmp_path / "sub").mkdir()
    for output in (source, f"{tmp_path}/sub/../list.csv"):  # also spelled another way
        done = run_batch(platform, tmp_path, source, output)
        assert done.returncode == 2, done.stderr
        assert "输入文件" in done.stderr and "input file" in done.stderr
        assert source.read_bytes() == before
    assert checks_logged(tmp_path) == 0


def test_an_unsupported_result_type_is_refused_before_any_row_is_checked(platform, cases,
                                                                         tmp_path):
    header, rows = table(cases)
    source = tmp_path / "list.csv"
    with source.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    done = run_batch(platform, tmp_path, source, tmp_path / "result.pdf")
    assert done.returncode == 2, done.stderr
    assert "不支持" in done.stderr and "unsupported" in done.stderr and ".xlsx" in done.stderr
    assert not (tmp_path / "result.pdf").exists()
    assert "批量核查 / checking" not in done.stderr  # no progress: nothing was sent
    assert checks_logged(tmp_path) == 0
