"""Workbooks for a batch (.xlsx, .xls, WPS .et, .ods): refuse a hostile file, then read rows.

A workbook is a zip archive (.xlsx, .ods) or an OLE2 compound file (.xls, .et). What it
is comes from its first bytes, not its name. Before any reader sees a zip, the archive is
checked from its own directory and by inflating each member into nothing (counting bytes,
never keeping them): the number of members, each member's declared and real unpacked
size, the total, the compression ratio and archives nested inside. A file beyond these
limits is refused in both languages with what to do, before memory is spent on it.

Readers (chosen by measurement, docs/RELIABILITY.md): ``.xlsx`` through openpyxl's
read-only mode, which streams the sheet's rows; ``.xls``, ``.et`` and ``.ods`` through
python-calamine (Rust), which loads the first sheet whole: for these the archive limits
and the file-size limit bound what it can load. Every row then passes :func:`_guarded`
(columns, cells, the length of one cell, rows in the sheet), so a table whose XML is
small but whose grid is huge is refused while it is read.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

from desktop.batch.files import BatchFileError

__all__ = ["SHEET_SUFFIXES", "check_archive", "read_workbook"]

SHEET_SUFFIXES = (".xlsx", ".xls", ".et", ".ods")

# Archive limits (docs/RELIABILITY.md). A 100,000-row list saved by Excel, WPS or
# LibreOffice has 10 to 40 members, its sheet unpacks to tens of MB, its text compresses
# 5 to 20 times. Shared strings are kept whole by every reader, so they get less room.
MAX_MEMBERS = 1_000
MAX_MEMBER_BYTES = 200 * 1024 * 1024
MAX_STRINGS_BYTES = 32 * 1024 * 1024
MAX_TOTAL_BYTES = 300 * 1024 * 1024
MAX_RATIO = 100  # unpacked / packed, for members that unpack to more than RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
# The longest stretch of XML without a "<": one cell's text or one tag. Excel's longest
# cell (32,767 characters, escaped) is far below it; every XML reader holds such a stretch
# whole, so a 60 MB "cell" is refused before any reader sees it.
MAX_XML_RUN = 1024 * 1024
# Grid limits: a list of applicants has a few columns; Excel's own cell limit is 32,767.
MAX_COLUMNS = 256
MAX_CELLS = 4_000_000  # rows x widest row, as the table is kept in memory
MAX_CELL_CHARS = 32_767
MAX_SHEET_ROWS = 1_048_576  # Excel's last row: beyond it the sheet is not a sheet

_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EOCD = b"PK\x05\x06"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_ARCHIVE_NAMES = (".zip", ".xlsx", ".xlsm", ".xlsb", ".docx", ".pptx", ".ods", ".odt",
                  ".jar", ".gz", ".7z", ".rar")
_CHUNK = 1 << 20
_OUT = 1 << 18  # inflated per step: below MAX_XML_RUN, so one step cannot hide a long run


def read_workbook(path: Path) -> tuple[Iterator[tuple], str]:
    """The first sheet's rows as a stream, and the format read (``xlsx``, ``xls``, ``ods``).

    Raises :class:`BatchFileError` at once for a file that is not a workbook or is beyond
    the archive limits; the stream raises it for a grid beyond the grid limits.
    """
    with path.open("rb") as raw:
        head = raw.read(8)
    if head.startswith(_ZIP):
        members = check_archive(path)
        if "mimetype" in members and _mimetype(path) == _ODS_MIME:
            return _guarded(_calamine_rows(path), path.name), "ods"
        if "[Content_Types].xml" in members:
            return _guarded(_openpyxl_rows(path), path.name), "xlsx"
        raise _not_a_workbook(path.name)
    if head == _OLE2:
        return _guarded(_calamine_rows(path), path.name), "xls"
    if _looks_like_text(path):
        raise BatchFileError(
            f"{path.name} 是文本表格（CSV）而不是 Excel 工作簿：请把扩展名改为 .csv 后再打开",
            f"{path.name} is a text table (CSV), not an Excel workbook: rename it to .csv "
            "and open it again",
        )
    raise _not_a_workbook(path.name)


def _not_a_workbook(name: str) -> BatchFileError:
    return BatchFileError(
        f"{name} 不是可读取的工作簿（文件已损坏或并非表格）：请在 Excel、WPS 或 LibreOffice "
        "中打开后另存为 .xlsx 或 CSV",
        f"{name} is not a readable workbook (damaged, or not a spreadsheet): open it in "
        "Excel, WPS or LibreOffice and save it as .xlsx or CSV",
    )


def _too_big(name: str, zh: str, en: str) -> BatchFileError:
    return BatchFileError(
        f"{name} 已拒收：{zh}。这不像正常的名单表格（可能是“压缩炸弹”）；请在 Excel 或 WPS 中"
        "打开，只保留名单所在的工作表，另存为新的 .xlsx 或 CSV 后再试",
        f"{name} was refused: {en}. This is not what a list of applicants looks like (it "
        "may be a zip bomb); open it in Excel or WPS, keep only the sheet with the list and "
        "save it as a new .xlsx or CSV",
    )


def check_archive(path: Path) -> set[str]:
    """Check a zip-based workbook against the archive limits; the names of its members.

    Reads the central directory's own count before anything else parses the directory,
    then inflates every member without keeping its bytes: a member that unpacks to more
    than it declares, or holds another archive, is refused like one that declares too much.
    """
    import zipfile

    name = path.name
    count = _declared_count(path)
    if count > MAX_MEMBERS:
        raise _too_big(name, f"压缩包内有 {count:,} 个文件（上限 {MAX_MEMBERS:,}）",
                       f"the archive holds {count:,} files (the limit is {MAX_MEMBERS:,})")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise _not_a_workbook(name) from exc
    total = 0
    for info in infos:
        member = info.filename
        limit = MAX_STRINGS_BYTES if _strings(member) else MAX_MEMBER_BYTES
        if info.file_size > limit:
            raise _too_big(name, f"其中 {member} 解压后为 {_mb(info.file_size)}"
                           f"（上限 {_mb(limit)}）",
                           f"its member {member} unpacks to {_mb(info.file_size)} "
                           f"(the limit is {_mb(limit)})")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise _too_big(name, f"解压后总计超过 {_mb(MAX_TOTAL_BYTES)}",
                           f"it unpacks to more than {_mb(MAX_TOTAL_BYTES)} in all")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * info.compress_size:
            ratio = info.file_size // max(info.compress_size, 1)
            raise _too_big(name, f"其中 {member} 的压缩比为 {ratio:,}:1（上限 {MAX_RATIO}:1）",
                           f"its member {member} is compressed {ratio:,} to 1 "
                           f"(the limit is {MAX_RATIO} to 1)")
        if member.lower().endswith(_ARCHIVE_NAMES):
            raise _nested(name, member)
    with path.open("rb") as raw:
        for info in infos:
            _inflate_counting(raw, info, name)
    return {info.filename for info in infos}


def _nested(name: str, member: str) -> BatchFileError:
    return _too_big(name, f"其中 {member} 是嵌套的压缩包", f"its member {member} is an archive "
                    "inside the archive")


def _strings(member: str) -> bool:
    return member.lower().endswith("sharedstrings.xml")


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def _declared_count(path: Path) -> int:
    """The member count in the end-of-central-directory record (Zip64 counts as too many:
    no workbook needs more than 65,535 members or 4 GB)."""
    with path.open("rb") as raw:
        raw.seek(0, 2)
        size = raw.tell()
        raw.seek(max(0, size - 65_557))
        tail = raw.read()
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        raise _not_a_workbook(path.name)
    entries, cd_size = struct.unpack("<H I", tail[at + 10: at + 16])
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF:
        return MAX_MEMBERS + 1 if entries == 0xFFFF else entries
    return entries


def _inflate_counting(raw, info, name: str) -> None:
    """Inflate one member into nothing: refuse it when it unpacks to more than it declares,
    is encrypted or oddly compressed, or begins with another archive's signature."""
    if info.flag_bits & 0x1 or info.compress_type not in (0, 8):
        raise _not_a_workbook(name)  # encrypted members, or deflate64/bzip2/lzma: not Office
    raw.seek(info.header_offset)
    local = raw.read(30)
    if len(local) < 30 or not local.startswith(b"PK\x03\x04"):
        raise _not_a_workbook(name)
    name_len, extra_len = struct.unpack("<HH", local[26:30])
    raw.seek(info.header_offset + 30 + name_len + extra_len)
    left, unpacked, first = info.compress_size, 0, b""
    xml, run = info.filename.lower().endswith((".xml", ".rels")), 0
    inflater = zlib.decompressobj(-15) if info.compress_type == 8 else None
    while left > 0:
        piece = raw.read(min(_CHUNK, left))
        if not piece:
            raise _not_a_workbook(name)  # truncated
        left -= len(piece)
        while piece:
            if inflater is None:
                out, piece = piece, b""
            else:
                try:
                    out = inflater.decompress(piece, _OUT)
                except zlib.error as exc:
                    raise _not_a_workbook(name) from exc
                piece = inflater.unconsumed_tail
            if not first and out:
                first = out[:4]
                if first in _ZIP or first == _OLE2[:4]:
                    raise _nested(name, info.filename)
            unpacked += len(out)
            if xml:
                run = _xml_run(out, run, name, info.filename)
            if unpacked > info.file_size:
                raise _too_big(name, f"其中 {info.filename} 解压后超过其声明的大小",
                               f"its member {info.filename} unpacks to more than it declares")


def _xml_run(out: bytes, run: int, name: str, member: str) -> int:
    """The bytes since the last "<" after ``out``; refused past MAX_XML_RUN. Only runs that
    cross a step's edge need counting: one step is shorter than the limit."""
    first = out.find(b"<")
    longest = run + (len(out) if first < 0 else first)
    if first >= 0:
        run = len(out) - out.rfind(b"<") - 1
    else:
        run = longest
    if max(longest, run) > MAX_XML_RUN:
        raise _too_big(name, f"其中 {member} 有一段超过 {_mb(MAX_XML_RUN)} 的单个单元格或标记",
                       f"its member {member} holds a single cell or tag longer than "
                       f"{_mb(MAX_XML_RUN)}")
    return run


def _mimetype(path: Path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return archive.read("mimetype").strip()


def _looks_like_text(path: Path) -> bool:
    """A text table under a workbook's name: the first KB decodes and has no NUL."""
    with path.open("rb") as raw:
        head = raw.read(1024)
    if not head or b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # a character cut by the 1 KB boundary
                return True
            continue
        return True
    return False


def _guarded(rows, name: str) -> Iterator[tuple]:
    """``rows`` with trailing empty cells trimmed, refused past the grid limits."""
    widest = kept = cells = 0
    for number, row in enumerate(rows, 1):
        if number > MAX_SHEET_ROWS:
            raise _too_big(name, f"工作表超过 {MAX_SHEET_ROWS:,} 行",
                           f"the sheet has more than {MAX_SHEET_ROWS:,} rows")
        last = len(row)
        while last and (row[last - 1] is None or row[last - 1] == ""):
            last -= 1
        if not last:
            yield ()
            continue
        if last > MAX_COLUMNS:
            raise _too_big(name, f"第 {number:,} 行有 {last:,} 列（上限 {MAX_COLUMNS}）",
                           f"row {number:,} has {last:,} columns (the limit is {MAX_COLUMNS})")
        for value in row[:last]:
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise _too_big(
                    name, f"第 {number:,} 行有一个单元格长 {len(value):,} 字"
                    f"（Excel 的上限是 {MAX_CELL_CHARS:,}）",
                    f"a cell in row {number:,} holds {len(value):,} characters "
                    f"(Excel's own limit is {MAX_CELL_CHARS:,})")
        kept += 1
        widest = max(widest, last)
        cells += last
        if widest * kept > MAX_CELLS:
            raise _too_big(name, f"表格达到 {kept:,} 行 × {widest} 列，超过 {MAX_CELLS:,} 个"
                           "单元格；请只保留需要的列",
                           f"the table reaches {kept:,} rows by {widest} columns, more than "
                           f"{MAX_CELLS:,} cells: keep only the columns you need")
        yield tuple(row[:last])


def _openpyxl_rows(path: Path):
    """The first sheet's rows one at a time (read-only mode streams the sheet's XML)."""
    import openpyxl  # loaded when a workbook is read: commands start faster

    try:
        # data_only: the values Excel last computed, never formula text.
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            if not workbook.worksheets:
                return
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # some exporters record a wrong used range
            yield from sheet.iter_rows(values_only=True)
        finally:
            workbook.close()
    except BatchFileError:
        raise
    except Exception as exc:  # a foreign file can fail in any layer (zip, XML, styles)
        raise _unreadable(path.name, exc) from exc


def _calamine_rows(path: Path):
    """The first sheet's rows (python-calamine reads the sheet whole, then hands out rows)."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        try:
            if not workbook.sheet_names:
                return
            rows = workbook.get_sheet_by_index(0).iter_rows()
            yield from rows
        finally:
            workbook.close()
    except BatchFileError:
        raise
    except (GeneratorExit, KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - a Rust panic arrives as a BaseException
        raise _unreadable(path.name, exc) from exc


def _unreadable(name: str, exc: BaseException) -> BatchFileError:
    return BatchFileError(
        f"无法读取工作簿 {name}（文件是否损坏或加密？）：{exc}",
        f"cannot read the workbook {name} (damaged or password-protected?): {exc}",
    )
