"""Workbooks for a batch (.xlsx, .xls, WPS .et, .ods): refuse a hostile file, then read rows.

What a workbook is comes from its first bytes, not its name: a zip (.xlsx, .ods) goes
through :func:`desktop.batch.archive.check_archive` before any reader sees it; an OLE2
file (.xls, and WPS's .et, which is the same BIFF format) must be small enough to be read
whole; anything else is refused (a CSV under a workbook's name is told to be renamed).

Readers, chosen by measurement (docs/RELIABILITY.md): ``.xlsx`` through openpyxl's
read-only mode, which streams the sheet's rows; ``.xls``/``.et`` through xlrd with ragged
rows (python-calamine lays a BIFF sheet out as a full grid: one cell at IV65536 in a
5 KB file took it to 1 GB); ``.ods`` through python-calamine, after :func:`_ods_grid`
has counted the grid it will lay out (ODS can repeat a row a million times in a few
bytes). Every row then passes :func:`_guarded` (columns, cells, the length of one cell,
rows in the sheet), so a table whose file is small but whose grid is huge is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from desktop.batch.archive import (
    OLE2_MAGIC,
    ZIP_MAGIC,
    check_archive,
    mb,
    not_a_workbook,
    refused,
)
from desktop.batch.files import BatchFileError

__all__ = ["SHEET_SUFFIXES", "read_workbook"]

SHEET_SUFFIXES = (".xlsx", ".xls", ".et", ".ods")

# Grid limits: a list of applicants has a few columns; Excel's own cell limit is 32,767.
MAX_COLUMNS = 256
MAX_CELLS = 1_500_000  # rows x widest row (100,000 x 15), as the table is kept in memory
MAX_CELL_CHARS = 32_767
MAX_SHEET_ROWS = 1_048_576  # Excel's last row: beyond it the sheet is not a sheet
# An .xls is read whole (no reader streams BIFF); its shared strings alone can take ten
# times the file's size as Python text. 65,536 rows of a list fit in a few MB.
MAX_XLS_BYTES = 8 * 1024 * 1024

_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def read_workbook(path: Path) -> tuple[Iterator[tuple], str]:
    """The first sheet's rows as a stream, and the format read (``xlsx``, ``xls``, ``ods``).

    Raises :class:`BatchFileError` at once for a file that is not a workbook or is beyond
    the archive limits; the stream raises it for a grid beyond the grid limits.
    """
    with path.open("rb") as raw:
        head = raw.read(8)
    if head.startswith(ZIP_MAGIC):
        members = check_archive(path)
        if "mimetype" in members and _mimetype(path) == _ODS_MIME:
            _ods_grid(path)
            return _guarded(_calamine_rows(path), path.name), "ods"
        if "[Content_Types].xml" in members:
            return _guarded(_openpyxl_rows(path), path.name), "xlsx"
        raise not_a_workbook(path.name)
    if head == OLE2_MAGIC:
        if path.stat().st_size > MAX_XLS_BYTES:
            raise BatchFileError(
                f"{path.name} 是大于 {mb(MAX_XLS_BYTES)} 的旧版工作簿（.xls/.et），它只能整个读入"
                "内存：请在 Excel 或 WPS 中另存为 .xlsx（可逐行读取）或 CSV 后再试",
                f"{path.name} is an old-style workbook (.xls/.et) over {mb(MAX_XLS_BYTES)}, "
                "which can only be read whole: save it from Excel or WPS as .xlsx (read row "
                "by row) or CSV and try again",
            )
        return _guarded(_xlrd_rows(path), path.name), "xls"
    if _looks_like_text(path):
        raise BatchFileError(
            f"{path.name} 是文本表格（CSV）而不是 Excel 工作簿：请把扩展名改为 .csv 后再打开",
            f"{path.name} is a text table (CSV), not an Excel workbook: rename it to .csv "
            "and open it again",
        )
    raise not_a_workbook(path.name)


def _ods_grid(path: Path) -> None:
    """Refuse an .ods whose first table would be laid out beyond the grid limits.

    calamine lays a sheet out whole, empty cells included, and ODS can say "this row, a
    million times" in a few bytes (``number-rows-repeated``). So the table is counted here
    first, as a stream, keeping nothing: the last row and the widest row that hold a value
    (trailing empty rows and cells, which LibreOffice writes by the million, cost nothing).
    """
    import xml.etree.ElementTree as ET
    import zipfile

    row = last = widest = depth = 0
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as xml:
            for event, element in ET.iterparse(xml, events=("start", "end")):
                if element.tag == _TABLE + "table":
                    depth += 1 if event == "start" else -1
                    if depth == 0:
                        break  # the first table is the one read (a table in a cell is not)
                if event == "start" or element.tag != _TABLE + "table-row":
                    continue
                repeat = int(element.get(_TABLE + "number-rows-repeated", "1"))
                column = width = 0
                for cell in element:
                    span = int(cell.get(_TABLE + "number-columns-repeated", "1"))
                    if cell.get(_OFFICE + "value-type") or len(cell):
                        width = column + span
                    column += span
                if width:
                    last, widest = row + repeat, max(widest, width)
                    _grid_limits(path.name, last, widest)
                row += repeat
                element.clear()
    except BatchFileError:
        raise
    except (KeyError, ValueError, ET.ParseError, zipfile.BadZipFile, OSError) as exc:
        raise not_a_workbook(path.name) from exc


def _grid_limits(name: str, rows: int, widest: int) -> None:
    if rows > MAX_SHEET_ROWS:
        raise refused(name, f"工作表超过 {MAX_SHEET_ROWS:,} 行",
                       f"the sheet has more than {MAX_SHEET_ROWS:,} rows")
    if widest > MAX_COLUMNS:
        raise refused(name, f"有一行达到 {widest:,} 列（上限 {MAX_COLUMNS}）",
                       f"a row reaches {widest:,} columns (the limit is {MAX_COLUMNS})")
    if widest * rows > MAX_CELLS:
        raise refused(name, f"表格达到 {rows:,} 行 × {widest:,} 列，超过 {MAX_CELLS:,} 个"
                       "单元格；请只保留需要的列",
                       f"the table reaches {rows:,} rows by {widest:,} columns, more than "
                       f"{MAX_CELLS:,} cells: keep only the columns you need")


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
    widest = kept = 0
    for number, row in enumerate(rows, 1):
        if number > MAX_SHEET_ROWS:
            _grid_limits(name, number, 0)
        last = len(row)
        while last and (row[last - 1] is None or row[last - 1] == ""):
            last -= 1
        if not last:
            yield ()
            continue
        if last > MAX_COLUMNS:
            raise refused(name, f"第 {number:,} 行有 {last:,} 列（上限 {MAX_COLUMNS}）",
                           f"row {number:,} has {last:,} columns (the limit is {MAX_COLUMNS})")
        for value in row[:last]:
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise refused(
                    name, f"第 {number:,} 行有一个单元格长 {len(value):,} 字"
                    f"（Excel 的上限是 {MAX_CELL_CHARS:,}）",
                    f"a cell in row {number:,} holds {len(value):,} characters "
                    f"(Excel's own limit is {MAX_CELL_CHARS:,})")
        kept += 1
        widest = max(widest, last)
        _grid_limits(name, kept, widest)
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


def _xlrd_rows(path: Path):
    """The first sheet of an .xls/.et, row by row as xlrd keeps them: ragged (each row as
    long as its last cell), so one far cell costs one row, not a 65,536 x 256 grid."""
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True, ragged_rows=True)
    except Exception as exc:  # noqa: BLE001 - damaged, encrypted, or not BIFF at all
        raise _unreadable(path.name, exc) from exc
    try:
        if not book.nsheets:
            return
        sheet = book.sheet_by_index(0)
        for number in range(sheet.nrows):
            yield [_xls_value(cell, book.datemode) for cell in sheet.row(number)]
    except Exception as exc:  # noqa: BLE001
        raise _unreadable(path.name, exc) from exc
    finally:
        book.release_resources()


def _xls_value(cell, datemode: int) -> object:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell.value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR")
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    return cell.value


def _calamine_rows(path: Path):
    """The first sheet of an .ods (python-calamine lays it out whole, then hands out rows;
    :func:`_ods_grid` has bounded that layout)."""
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
