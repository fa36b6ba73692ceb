"""The file side of a batch check (批量查询): read the applicants' table.

A clerk brings a spreadsheet (all bidders of a tender, a list of subsidy applicants) as
CSV or XLSX. This module reads it whatever Chinese Excel or WPS did to it, finds the
column holding the identifiers and validates every row locally. Writing the result file
is :mod:`desktop.batch.output`; sending the rows to the platform is someone else's job.

Resident identity numbers are personal information (PIPL): rows keep them (the platform
needs them), but reprs and error messages never show one whole.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from desktop.identifiers import IdentifierError, SubjectId, parse_identifier

__all__ = [
    "BatchFileError",
    "InputTable",
    "RowCheck",
    "read_table",
    "validate_rows",
]

# One batch's limits (decided here; README and docs/RELIABILITY.md): a tender or subsidy list
# is hundreds to thousands of rows, a district-wide list tens of thousands. A larger file
# is refused before it is read whole, so a stray export cannot exhaust an old desk's memory.
MAX_ROWS = 100_000
MAX_FILE_BYTES = 64 * 1024 * 1024

_CSV_SUFFIXES = (".csv", ".txt")
_XLSX_SUFFIXES = (".xlsx",)
_SHEET_SUFFIXES = (".xlsx", ".xls", ".et", ".ods")  # inputs: read by desktop.batch.sheets
_SNIFF_CHARS = 16_384
_SNIFF_BYTES = 4096
# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
# Invisible marks a label or number can carry: a second BOM (a tool that adds one to a
# file that had one), a zero-width space pasted from a web page.
_INVISIBLE = "\ufeff\u200b"
# Enough rows to find the identifier column without validating a 50,000-row file twice.
_CONTENT_SAMPLE_ROWS = 200

# Header labels of the identifier column, most specific first: a table with both
# 统一社会信用代码 and a generic "ID" (often a row number) must pick the former.
_ID_HEADERS = (
    "统一社会信用代码", "社会信用代码", "信用代码", "公民身份号码", "居民身份号码",
    "身份证号码", "身份证号", "身份证", "证件号码", "证件号", "证照号码",
    "subjectid", "uscc", "creditcode", "idnumber", "idno", "代码", "id",
)
# Only long, specific labels may match inside a longer one ("投标人统一社会信用代码");
# "id" inside "valid" or 代码 inside 行政区划代码 would be wrong.
_CONTAINED_HEADERS = tuple(name for name in _ID_HEADERS if len(name) >= 4)

# How Excel shows a long number it has stored as a double: 3.30602E+17. The digits past
# the fifteenth are gone, so the clerk must be told to re-enter them as text.
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:\.\d+)?[eE][+-]?\d+")
_PERSONAL_NUMBER = re.compile(r"\d{17}[\dXx]|\d{15}")


class BatchFileError(ValueError):
    """The batch file cannot be read or written; ``str()`` is ``"<中文> / <English>"``.

    Any 18- or 15-digit run in the message (a file name, a library's error text) is masked,
    so the message can go to the screen and the log without leaking a resident number.
    """

    def __init__(self, zh: str, en: str) -> None:
        self.zh = _scrub(zh)
        self.en = _scrub(en)
        super().__init__(f"{self.zh} / {self.en}")


@dataclass(frozen=True)
class InputTable:
    """A batch input: header, data rows (all the same width) and the identifier column.

    ``header`` is generated (``列1``, ``列2``...) when the file has none. ``encoding`` is
    ``utf-8-sig``, ``utf-8``, ``gb18030``, ``utf-16`` (rarely another) for text files,
    ``xlsx``, ``xls`` or ``ods`` for workbooks (``xls`` also for WPS's .et). Rows are kept
    out of the repr: they hold resident numbers.
    """

    header: list[str]
    rows: list[list[str]] = field(repr=False)
    id_column: int
    encoding: str


@dataclass(frozen=True)
class RowCheck:
    """The local check of one row: ``index`` is its position in ``InputTable.rows``.

    Exactly one of ``subject`` (valid) and ``error`` (the bilingual reason) is set.
    """

    index: int
    raw: str = field(repr=False)
    subject: SubjectId | None
    error: str | None


def read_table(path: Path) -> InputTable:
    """Read a CSV/TXT or XLSX batch file and locate its identifier column.

    Completely empty rows are dropped, short rows padded, trailing empty columns trimmed.
    Raises :class:`BatchFileError` for an unsupported suffix, a missing, empty or
    unreadable file, a file without data rows, or one without an identifier column.
    """
    path = Path(path)
    is_xlsx = _xlsx_by_suffix(path, _SHEET_SUFFIXES)
    if not path.is_file():
        raise BatchFileError(f"找不到文件：{path}", f"file not found: {path}")
    _check_size(path)
    if is_xlsx:
        from desktop.batch.sheets import read_workbook  # it imports this module

        grid, encoding = read_workbook(path)
    else:
        grid, encoding = _read_csv(path)
    rows = _bounded(cells for cells in ([_cell_text(v) for v in row] for row in grid)
                    if any(cells))
    if not rows:
        raise BatchFileError("文件为空", "the file is empty")
    width = max(max(i for i, cell in enumerate(row) if cell) + 1 for row in rows)
    rows = [(row + [""] * width)[:width] for row in rows]
    header, data, id_column = _split_header(rows)
    if len(data) > MAX_ROWS:  # the limit counts data rows, header or not
        raise _too_many()
    return InputTable(header, data, id_column, encoding)


def _too_many() -> BatchFileError:
    return BatchFileError(
        f"文件超过单批上限 {MAX_ROWS:,} 行，请拆分为多个文件后分批核查",
        f"the file has more than {MAX_ROWS:,} rows, the limit of one batch: "
        "split it into several files",
    )


def _check_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise BatchFileError(
            f"无法读取文件 {path.name}：{exc.strerror}", f"cannot read {path.name}: {exc.strerror}"
        ) from exc
    if size > MAX_FILE_BYTES:
        mb = MAX_FILE_BYTES // (1024 * 1024)
        raise BatchFileError(
            f"文件大于单批上限 {mb} MB，请拆分为多个文件后分批核查",
            f"the file is larger than {mb} MB, the limit of one batch: split it into "
            "several files",
        )


def _bounded(rows) -> list[list[str]]:
    """The non-empty rows, refusing once there are more than a header and MAX_ROWS
    (whether the first is a header is decided later, so the data rows are counted then)."""
    kept: list[list[str]] = []
    for row in rows:
        if len(kept) > MAX_ROWS:
            raise _too_many()
        kept.append(row)
    return kept


def validate_rows(table: InputTable) -> list[RowCheck]:
    """Validate the identifier of every row, in input order, with the local rules."""
    checks = []
    for index, row in enumerate(table.rows):
        raw = row[table.id_column]
        try:
            checks.append(RowCheck(index, raw, parse_identifier(raw), None))
        except IdentifierError as exc:
            checks.append(RowCheck(index, raw, None, _explain(raw, exc)))
    return checks


def _xlsx_by_suffix(path: Path, workbooks: tuple[str, ...] = _XLSX_SUFFIXES) -> bool:
    """True for a workbook, False for text; BatchFileError for any other suffix."""
    suffix = path.suffix.lower()
    if suffix in workbooks or suffix in _CSV_SUFFIXES:
        return suffix in workbooks
    shown = suffix or "（无）"
    if workbooks == _XLSX_SUFFIXES:
        zh, en = "（.xls 请另存为 .xlsx）", " (save an .xls workbook as .xlsx)"
    else:
        zh, en = "", ""
    listed = (*_CSV_SUFFIXES, *workbooks)
    raise BatchFileError(
        f"不支持的文件类型“{shown}”，仅支持 {'、'.join(listed)}{zh}",
        f"unsupported file type '{suffix or 'none'}': use {', '.join(listed[:-1])} or "
        f"{listed[-1]}{en}",
    )


def _read_csv(path: Path) -> tuple[Iterator[list[str]], str]:
    """The rows of a text table, read as a stream (the caller stops at the row limit)."""
    try:
        with path.open("rb") as raw:
            head = raw.read(_SNIFF_BYTES)
        if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            # A workbook saved under a .csv name, or an old/encrypted .xls: decoding it as
            # text would yield a confusing "no identifier column".
            raise BatchFileError(
                "该文件是 Excel 工作簿而不是文本，请另存为 .xlsx 或 CSV",
                "this is an Excel workbook, not text: save it as .xlsx or CSV",
            )
        # A byte-order mark (or UTF-16's NULs) says what the file is: a stray bad byte
        # further on is damage, shown as "\ufffd" in its row, not a reason to guess
        # another encoding for the whole file and read the header as mojibake.
        encoding, errors = _marked_encoding(head), "replace"
        if encoding is None:
            encoding, errors = _stream_encoding(path), "strict"
        if encoding is None:  # rare: guessed from the whole file, held in memory
            text, encoding = _decode(path.read_bytes())
            stream: io.TextIOBase = io.StringIO(text, newline="")
        else:
            stream = path.open(encoding=encoding, errors=errors, newline="")
    except OSError as exc:
        raise BatchFileError(
            f"无法读取文件 {path.name}：{exc.strerror}", f"cannot read {path.name}: {exc.strerror}"
        ) from exc
    sample = stream.read(_SNIFF_CHARS)
    if stream.read(1) and "\n" in sample:
        sample = sample[: sample.rindex("\n")]  # a cut-off last line skews the sniffer
    stream.seek(0)
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",\t;").delimiter
    except csv.Error:  # one column, or nothing to go by
        delimiter = ","
    return _csv_rows(stream, delimiter, path.name), encoding


def _csv_rows(stream: io.TextIOBase, delimiter: str, name: str):
    """The CSV's rows one at a time; the stream is closed when they end or are dropped."""
    try:
        yield from csv.reader(stream, delimiter=delimiter)
    except csv.Error as exc:
        raise BatchFileError(f"CSV 格式错误：{exc}", f"malformed CSV: {exc}") from exc
    except OSError as exc:
        raise BatchFileError(
            f"无法读取文件 {name}：{exc.strerror}", f"cannot read {name}: {exc.strerror}"
        ) from exc
    finally:
        stream.close()


def _marked_encoding(head: bytes) -> str | None:
    """The encoding the file's start declares: a byte-order mark, or the NULs of UTF-16
    saved without one (8-bit text never holds NULs); None for unmarked 8-bit text."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    even, odd = head[::2].count(0), head[1::2].count(0)
    if even + odd and max(even, odd) * 8 >= len(head) and min(even, odd) * 10 <= max(even, odd):
        return "utf-16-le" if odd > even else "utf-16-be"
    return None


def _stream_encoding(path: Path) -> str | None:
    """Strict UTF-8, else GB18030 (see :func:`_decode`), found by decoding the file in
    pieces without keeping it; None when only a statistical guess will do."""
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as raw:
                while piece := raw.read(1 << 20):
                    decoder.decode(piece)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    return None


def _decode(data: bytes) -> tuple[str, str]:
    """Decode unmarked text (no BOM, not UTF-16): strict UTF-8, else GB18030 (Chinese
    Excel), else a statistical guess.

    UTF-8 goes first: GBK bytes almost never form valid UTF-8, whereas UTF-8 Chinese often
    decodes as GB18030 without error, as mojibake. GB18030 is a superset of GBK and GB2312.
    Marked files (UTF-8 with a BOM, Excel's "Unicode text" in UTF-16) never come here.
    """
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    # Rare (UTF-16 without a BOM, a damaged file): a statistical guess beats refusing,
    # and a wrong guess still surfaces as invalid rows. Imported here, as it is rarely needed.
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise BatchFileError(
            "无法识别文件编码，请在 Excel 中另存为“CSV UTF-8”",
            "cannot tell the file's text encoding: save it from Excel as 'CSV UTF-8'",
        )
    return str(best), best.encoding


def _cell_text(value: object) -> str:
    """One cell as text, without inventing digits Excel has already lost."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))  # exact: Excel keeps 15 significant digits
        # An 18-digit id typed as a number is stored as 3.30602199001011e+17; padding
        # that with zeros could even pass the check digit. Keep it visibly broken.
        return repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).strip().strip(_INVISIBLE).strip()


def _split_header(rows: list[list[str]]) -> tuple[list[str], list[list[str]], int]:
    """Decide whether the first row is a header; return header, data rows and id column."""
    first, rest = rows[0], rows[1:]
    if not any(_valid(cell) for cell in first):
        named = _column_by_name(first)
        if named is not None or _looks_like_labels(first):
            if not rest:
                raise BatchFileError("文件中只有表头，没有数据行", "the file has no data rows")
            column = _choose_column(rest, named)
            # A "label" row with nothing above the identifiers is a data row whose
            # identifier is missing; checking it beats silently taking it as a header.
            if named is not None or first[column]:
                header = [cell or f"列{i + 1}" for i, cell in enumerate(first)]
                return header, rest, column
    header = [f"列{i + 1}" for i in range(len(first))]
    return header, rows, _choose_column(rows, None)


def _looks_like_labels(row: list[str]) -> bool:
    # Labels are words; a cell with six or more digits is an identifier, mistyped or not.
    return not any(sum(ch.isdigit() for ch in cell) >= 6 for cell in row)


def _column_by_name(header: list[str]) -> int | None:
    labels = [_label_key(cell) for cell in header]
    for name in _ID_HEADERS:
        if name in labels:
            return labels.index(name)  # leftmost
    for name in _CONTAINED_HEADERS:
        for i, label in enumerate(labels):
            if name in label:
                return i
    return None


def _label_key(label: str) -> str:
    # "＊ 身份证号码（必填）" and "Subject_ID" must match their plain forms.
    key = unicodedata.normalize("NFKC", label).lower()
    key = re.sub(r"\(.*?\)|【.*?】|\[.*?\]", "", key)
    return re.sub(r"[\s_\-*:.#]", "", key)


def _choose_column(rows: list[list[str]], named: int | None) -> int:
    """The named column, unless it has no valid identifier and another column does;
    else the column with the most valid identifiers in the sample, leftmost on a tie."""
    sample = rows[:_CONTENT_SAMPLE_ROWS]
    width = len(rows[0])
    counts = [sum(_valid(row[i]) for row in sample) for i in range(width)]
    best = max(range(width), key=lambda i: (counts[i], -i))
    if named is not None and (counts[named] > 0 or counts[best] == 0):
        return named
    if counts[best] == 0:
        raise BatchFileError(
            "未找到证件号码列：没有“统一社会信用代码”“身份证号码”等列名，"
            "也没有哪一列含有有效的代码或身份号码",
            "no identifier column: no column is headed like 统一社会信用代码 or 身份证号码, "
            "and no column holds a valid credit code or identity number",
        )
    return best


def _valid(cell: str) -> bool:
    if not cell:
        return False
    try:
        parse_identifier(cell)
    except IdentifierError:
        return False
    return True


def _explain(raw: str, exc: IdentifierError) -> str:
    if _SCIENTIFIC.fullmatch(raw):
        return (
            f"号码被 Excel 存成了数字（显示为 {raw}），末尾几位已丢失；"
            "请把该列设为文本格式后重新录入 / "
            f"Excel stored the number as a numeric value ({raw}) and its last digits are "
            "lost: format the column as text and enter it again"
        )
    return str(exc)


def _scrub(text: str) -> str:
    def masked(match: re.Match[str]) -> str:
        # Hide the birth date as mask() does: 18 digits keep 6+4, old 15-digit ones 6+3.
        digits = match.group()
        tail = 4 if len(digits) == 18 else 3
        return digits[:6] + "*" * (len(digits) - 6 - tail) + digits[-tail:]

    return _PERSONAL_NUMBER.sub(masked, text)
