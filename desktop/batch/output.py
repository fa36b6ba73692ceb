"""The result file of a batch check, and any table a clerk or supervisor exports: safe to
open, whole or absent.

No cell is ever evaluated as a formula when the file is opened in Excel or WPS
(:func:`neutralise`), identifiers stay text, and a crash never leaves half a file.
"""

from __future__ import annotations

import csv
import os
import tempfile
from decimal import Decimal
from pathlib import Path

from desktop.batch.files import BatchFileError, _xlsx_by_suffix

__all__ = ["neutralise", "write_table"]


def neutralise(cell: object) -> object:
    """Make a cell safe from formula injection when the output is opened in Excel or WPS.

    Text starting with ``=``, ``+``, ``-`` or ``@`` (also after leading spaces), or with
    a tab or carriage return, gets a leading apostrophe (OWASP CSV injection guidance), so
    an applicant named ``=HYPERLINK(...)`` is shown, never run. Numbers and ``None`` pass
    unchanged; other objects become text. Trade-off: text ``"-5"`` or ``"+86 575..."``
    also gets the apostrophe; a caller who wants a negative number passes a number.
    """
    if cell is None or isinstance(cell, int | float | Decimal):  # bool is an int
        return cell
    text = cell if isinstance(cell, str) else str(cell)
    if text.startswith(("\t", "\r")) or text.lstrip().startswith(("=", "+", "-", "@")):
        return "'" + text
    return text


def write_table(path: Path, header: list[str], rows: list[list[object]]) -> None:
    """Write a result file, CSV/TXT or XLSX by suffix, every cell through :func:`neutralise`.

    CSV is UTF-8 with a BOM, without which Excel reads Chinese as GBK mojibake. XLSX cells
    are all text, so an identifier never becomes a number. The file is written beside the
    target and moved into place, so a crash leaves the old file or none, never half of one.
    The parent directory must exist: a mistyped path should fail, not grow directories.
    """
    path = Path(path)
    is_xlsx = _xlsx_by_suffix(path)
    if not path.parent.is_dir():
        raise BatchFileError(
            f"保存位置不存在：{path.parent}", f"the output folder does not exist: {path.parent}"
        )
    try:
        # Same directory, so os.replace is a rename on one file system. mkstemp makes the
        # file readable by its owner only, fitting for personal data.
        handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError as exc:
        raise _save_error(path, exc) from exc
    temp = Path(temp_name)
    try:
        if is_xlsx:
            os.close(handle)
            _write_xlsx(temp, header, rows)
        else:
            with open(handle, "w", encoding="utf-8-sig", newline="") as stream:
                writer = csv.writer(stream)
                for values in [header, *rows]:
                    writer.writerow([neutralise(value) for value in values])
        with open(temp, "rb+") as stream:
            os.fsync(stream.fileno())  # the bytes are on disk before the name points at them
        os.replace(temp, path)
    except BaseException as exc:
        temp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _save_error(path, exc) from exc
        raise


def _save_error(path: Path, exc: OSError) -> BatchFileError:
    # On Windows the usual cause: the previous result is still open in Excel or WPS.
    return BatchFileError(
        f"无法保存 {path.name}（文件是否正在被 Excel 或 WPS 打开？）：{exc.strerror}",
        f"cannot save {path.name} (is it open in Excel or WPS?): {exc.strerror}",
    )


def _write_xlsx(path: Path, header: list[str], rows: list[list[object]]) -> None:
    import openpyxl  # loaded when a workbook is written: commands start faster
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "批量查询结果"
    for r, values in enumerate([header, *rows], start=1):
        for c, value in enumerate(values, start=1):
            if value is None:
                continue
            if not isinstance(value, int | float | Decimal):
                # Drop control characters XML cannot hold *before* neutralising, so
                # that "\x01=1" cannot turn back into a formula.
                value = ILLEGAL_CHARACTERS_RE.sub("", str(value))
            text = str(neutralise(value))
            cell = sheet.cell(row=r, column=c, value=text)
            cell.data_type = "s"  # also stops "#N/A" becoming an error cell
    workbook.save(path)
