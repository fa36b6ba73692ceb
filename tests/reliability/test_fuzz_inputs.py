"""Bad input (issue 8): the identifier parser, the batch importer and the platform answer
parser get random, malformed and huge input. Each must end either in a value or in its
own bilingual error (中文 / English), never in an unhandled exception.
"""

from __future__ import annotations

import csv
import io
import re
import time
import tracemalloc
from pathlib import Path

import httpx
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from desktop.batch.files import MAX_ROWS, BatchFileError, read_table, validate_rows
from desktop.identifiers import IdentifierError, SubjectId, parse_identifier
from desktop.platform import schemas
from desktop.platform.answers import PlatformError, parse, rejected
from tests.reliability.conftest import sized
from tests.strategies import credit_codes, noisy, resident_ids, ric_check

EXAMPLES = sized(200, 2000)
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]{3}")


def bilingual(exc: BaseException) -> bool:
    """A message a clerk can read: Chinese, a " / ", then English words."""
    zh, sep, en = str(exc).partition(" / ")
    return bool(sep and CJK.search(zh) and LATIN.search(en))


# ------------------------------------------------------------------ identifier parser

@st.composite
def mutated(draw, code: str) -> str:
    """``code`` with one character replaced, dropped or doubled (a typing slip)."""
    i = draw(st.integers(0, len(code) - 1))
    how = draw(st.sampled_from(["replace", "drop", "double", "keep"]))
    if how == "replace":
        return code[:i] + draw(st.characters()) + code[i + 1:]
    if how == "drop":
        return code[:i] + code[i + 1:]
    return code[:i] + code[i] + code[i:] if how == "double" else code


valid_ids = st.one_of(resident_ids(), credit_codes())
near_ids = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789Xx -\u3000\uff10\uff11", min_size=14, max_size=20),
    valid_ids.flatmap(noisy),
    valid_ids.flatmap(mutated),
)


def test_identifier_parser_never_crashes(tally):
    outcomes = {"accepted": 0, "refused": 0, "crashed": 0, "unclear_errors": 0}

    @FUZZ
    @given(text=near_ids, kind=st.sampled_from([None, "uscc", "resident_id"]))
    def run(text, kind):
        try:
            subject = parse_identifier(text, kind)
        except IdentifierError as exc:
            outcomes["refused"] += 1
            if not bilingual(exc):
                outcomes["unclear_errors"] += 1
            # A refusal never repeats an 18-digit run from the input.
            assert not re.search(r"\d{15,}", str(exc)), str(exc)
        except Exception:  # counted, then raised so Hypothesis shrinks it
            outcomes["crashed"] += 1
            raise
        else:
            outcomes["accepted"] += 1
            assert isinstance(subject, SubjectId)

    run()
    tally(inputs=sum(outcomes.values()), **outcomes)
    assert outcomes["crashed"] == 0 and outcomes["unclear_errors"] == 0
    assert outcomes["refused"] > 0 and outcomes["accepted"] > 0  # both paths were reached


# ------------------------------------------------------------------ batch importer

def _read(path: Path) -> tuple[str, BaseException | None]:
    try:
        table = read_table(path)
        validate_rows(table)
    except BatchFileError as exc:
        return "refused", exc
    return "read", None


def test_importer_survives_binary_garbage_and_wrong_encodings(tmp_path, tally):
    counts = {"inputs": 0, "read": 0, "refused": 0, "crashed": 0, "unclear_errors": 0}

    @FUZZ
    @given(data=st.one_of(
        st.binary(max_size=4000),
        st.text(max_size=500).map(lambda t: t.encode("utf-16-le")),  # UTF-16 without a BOM
        st.text(max_size=500).map(lambda t: t.encode("gb18030", errors="replace")),
        st.text(max_size=500).map(lambda t: b"\xef\xbb\xbf" + t.encode("utf-8")),
        st.binary(max_size=2000).map(lambda b: b"PK\x03\x04" + b),  # a damaged workbook
    ), suffix=st.sampled_from([".csv", ".txt", ".xlsx"]))
    def run(data, suffix):
        path = tmp_path / f"input{suffix}"
        path.write_bytes(data)
        counts["inputs"] += 1
        try:
            outcome, exc = _read(path)
        except Exception:
            counts["crashed"] += 1
            raise
        counts[outcome] += 1
        if exc is not None and not bilingual(exc):
            counts["unclear_errors"] += 1
            raise AssertionError(f"unclear error: {exc}")

    run()
    tally(**counts)
    assert counts["crashed"] == 0 and counts["unclear_errors"] == 0
    assert counts["refused"] > 0


cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["=1+1", "+SUM(A1)", "-2+3", "@cmd", "=HYPERLINK(\"http://x\")",
                     "=cmd|' /C calc'!A0", "\t=1", "a\nb", "a\r\nb\"c"]),
    st.just("长" * 10_000),  # 10,000-character cell
)


@FUZZ
@given(rows=st.lists(st.lists(cells, min_size=1, max_size=4), min_size=1, max_size=8),
       with_id=st.booleans(), xlsx=st.booleans())
def test_importer_reads_formulas_newlines_and_long_cells_as_text(tmp_path, rows, with_id,
                                                                 xlsx):
    first = "330602" + "19900101" + "123"
    ident = first + ric_check(first)
    grid = [["证件号码", *(f"c{i}" for i in range(4))]]
    for row in rows:
        grid.append([ident if with_id else "x", *row])
    if xlsx:
        path = tmp_path / "in.xlsx"
        book = openpyxl.Workbook()
        sheet = book.active
        for line in grid:
            # Excel cannot hold control characters (openpyxl refuses them when writing).
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in line])
        book.save(path)
    else:
        path = tmp_path / "in.csv"
        buffer = io.StringIO(newline="")
        csv.writer(buffer).writerows(grid)
        path.write_text(buffer.getvalue(), encoding="utf-8")
    outcome, exc = _read(path)
    if exc is not None:
        assert bilingual(exc), str(exc)
    else:
        table = read_table(path)
        assert len(table.rows) == len(rows)
        checks = validate_rows(table)
        if with_id:
            assert all(c.subject is not None for c in checks)


def _huge_csv(path: Path, rows: int) -> None:
    first = "330602" + "19900101"
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("证件号码,姓名\n")
        for i in range(rows):
            head = first + f"{i % 1000:03d}"
            out.write(f"{head}{ric_check(head)},申请人{i}\n")


def test_importer_huge_file(tmp_path, tally):
    # Small: a file at the batch limit is read whole; full: a 1,000,000-row file is refused
    # with a clear message once the limit is passed, before the rest is read.
    rows = sized(MAX_ROWS, 1_000_000)
    path = tmp_path / "huge.csv"
    _huge_csv(path, rows)
    size = path.stat().st_size
    tracemalloc.start()
    started = time.perf_counter()
    try:
        table = read_table(path)
        checks = validate_rows(table)
        outcome, message = "read", ""
    except BatchFileError as exc:
        table, checks, outcome, message = None, [], "refused", str(exc)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    tally(rows=rows, file_mb=round(size / 1e6, 1), outcome=outcome,
          seconds=round(seconds, 1), peak_mb=round(peak / 1e6, 1),
          invalid=sum(c.subject is None for c in checks))
    if rows <= MAX_ROWS:
        assert outcome == "read", message
        assert len(table.rows) == rows
        assert all(c.subject is not None for c in checks)
    else:
        assert outcome == "refused"
        assert bilingual(message) and "100,000" in message, message
    # Never more than the limit's worth of rows in memory, whatever the file's length.
    assert peak < 1_000 * (MAX_ROWS + 1)


# ------------------------------------------------------------------ platform answers

def _response(status: int, body: bytes, ctype: str = "application/json") -> httpx.Response:
    return httpx.Response(status, content=body, headers={"Content-Type": ctype},
                          request=httpx.Request("GET", "http://127.0.0.1/v1/x"))


MODELS = [schemas.CreditResult, schemas.CatalogOut, schemas.ToleranceResult,
          schemas.BatchResult, schemas.Health, schemas.FeedbackCreated]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=5),
    max_leaves=20)


def _bodies():
    import json

    return st.one_of(
        st.binary(max_size=300),
        json_values.map(lambda v: json.dumps(v).encode()),
        st.builds(lambda b, n: b[:n], st.just(b'{"subject": {"id": "x", "name": "y"}, '
                                               b'"verdict": "clear", "measures": []}'),
                  st.integers(0, 70)),  # cut short
    )


def test_response_parser_turns_every_malformed_body_into_a_platform_error(tally):
    counts = {"bodies": 0, "parsed": 0, "platform_errors": 0, "crashed": 0,
              "unclear_errors": 0}

    @FUZZ
    @given(body=_bodies(), model=st.sampled_from(MODELS),
           ctype=st.sampled_from(["application/json", "application/json; charset=utf-8",
                                  "text/html", ""]),
           status=st.sampled_from([400, 401, 404, 409, 410, 422, 429]))
    def run(body, model, ctype, status):
        counts["bodies"] += 1
        try:
            parse(model, _response(200, body, ctype), body)
            counts["parsed"] += 1
        except PlatformError as exc:
            counts["platform_errors"] += 1
            if not bilingual(exc):
                counts["unclear_errors"] += 1
        except Exception:
            counts["crashed"] += 1
            raise
        # An error answer (4xx) with any body is read as PlatformRejected, never a crash.
        refused = rejected(_response(status, body, ctype), body)
        assert isinstance(refused, PlatformError) and bilingual(refused)
        assert str(status) in str(refused)

    run()
    tally(**counts)
    assert counts["crashed"] == 0 and counts["unclear_errors"] == 0
    assert counts["platform_errors"] > 0


@pytest.mark.parametrize("body", [b"", b"null", b"[]", b"{", b"\xff\xfe", b'{"verdict": 1}'])
def test_known_malformed_answers_are_platform_errors(body):
    with pytest.raises(PlatformError) as caught:
        parse(schemas.CreditResult, _response(200, body), body)
    assert bilingual(caught.value)


# ------------------------------------------------------------------ nothing written

KEY = "fuzz-test-key-0123456789"
BAD_IDS = ["", "12345", "33060219900101123", "330602199001011234", "abcdefghijklmnopqr",
           "\x00" * 18, "=cmd|'/C calc'!A0", "3306021990010112" + "长" * 2, "9" * 10_000,
           "91330602MA2BCDEFG1", "330602 1990 0101 1235"]


def _row_counts(data_dir: Path) -> dict[str, int]:
    import sqlite3

    conn = sqlite3.connect(data_dir / "creditdesk.sqlite")
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        conn.close()


def test_rejected_input_writes_nothing(tmp_path, monkeypatch, capsys, tally):
    import base64
    import os

    from desktop.cli.desk import EXIT_INVALID, EXIT_OK
    from desktop.cli.main import main
    from sandbox.server import SandboxServer
    from tests.staffing import SERVICE, signed_in

    server = SandboxServer(seed=31, subjects=300, api_key=KEY,
                           db_url=f"sqlite:///{tmp_path / 'p.sqlite'}").start()
    try:
        monkeypatch.setenv("CREDITDESK_API_KEY", KEY)
        monkeypatch.setenv("CREDITDESK_DATA_KEY", base64.b64encode(os.urandom(32)).decode())
        desk = tmp_path / "desk"
        common = ["--data-dir", str(desk), "--platform", server.url]
        for name, value in signed_in(dict(os.environ), desk, SERVICE).items():
            monkeypatch.setenv(name, value)  # a script's service account (issue 15)
        samples = httpx.get(f"{server.url}/sandbox/samples",
                            headers={"Authorization": f"Bearer {KEY}"}).json()
        sample = next(s for group in samples.values() for s in group)
        assert main(["check", sample["id"], "--item", sample["item"], *common]) == EXIT_OK
        capsys.readouterr()
        before = _row_counts(desk)
        files_before = sorted(p.name for p in desk.rglob("*") if p.is_file())
        assert sum(before.values()) > 0  # the valid check did write: the counts can change

        rng = __import__("random").Random(5)
        garbage = [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000)))
                   for _ in range(sized(10, 100))]
        inputs, unclear, exit_codes = 0, 0, set()
        for text in BAD_IDS:
            inputs += 1
            code = main(["check", text, "--item", sample["item"], *common])
            err = capsys.readouterr().err
            exit_codes.add(code)
            unclear += not (CJK.search(err) and " / " in err)
        for n, data in enumerate(garbage):
            suffix = [".csv", ".xlsx", ".txt"][n % 3]
            source = tmp_path / f"garbage{n}{suffix}"
            source.write_bytes(data)
            output = tmp_path / f"out{n}.csv"
            inputs += 1
            code = main(["batch", str(source), "--item", sample["item"], "-o", str(output),
                         *common])
            err = capsys.readouterr().err
            exit_codes.add(code)
            unclear += not (CJK.search(err) and " / " in err)
            assert not output.exists()
        after = _row_counts(desk)
        changed = {t: (before[t], after.get(t)) for t in before if before[t] != after.get(t)}
        files_after = sorted(p.name for p in desk.rglob("*") if p.is_file())
        tally(inputs=inputs, exit_codes=sorted(exit_codes), unclear_errors=unclear,
              rows_written_for_rejected=sum(after.values()) - sum(before.values()),
              tables_changed=len(changed))
        assert exit_codes == {EXIT_INVALID}
        assert unclear == 0
        assert changed == {}
        assert files_after == files_before
    finally:
        server.stop()
