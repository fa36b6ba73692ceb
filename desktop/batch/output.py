"""The result file of a batch check, and any table a clerk or supervisor exports: safe to
open, whole or absent.

No cell is ever evaluated as a formula when the file is opened in Excel or WPS
(:func:`neutralise`), identifiers stay text, and a crash never leaves half a file.
"""

from __future__ import annotations

import csv
import os
import tempfile
import unicodedata
from decimal import Decimal
from pathlib import Path

from desktop.batch.files import BatchFileError

__all__ = ["check_target", "neutralise", "write_table"]

_FORMULA_STARTS = ("=", "+", "-", "@")
# What a result can be written as (whatever inputs are read), and whether it is a workbook.
_WRITTEN = {".csv": False, ".txt": False, ".xlsx": True}


def neutralise(cell: object) -> object:
    """Make a cell safe from formula injection when the output is opened in Excel or WPS.

    Text starting with ``=``, ``+``, ``-`` or ``@`` (also after leading spaces, and in
    their full-width or small forms ``＝＋－＠`` / ``﹦﹢﹣﹫``, which a Chinese input method
    types and Excel or WPS may take as the plain sign), or with a tab or carriage return,
    gets a leading apostrophe (OWASP CSV injection guidance), so an applicant named
    ``=HYPERLINK(...)`` is shown, never run. Numbers and ``None`` pass unchanged; other
    objects become text. Trade-off: text ``"-5"`` or ``"+86 575..."`` also gets the
    apostrophe; a caller who wants a negative number passes a number.
    """
    if cell is None or isinstance(cell, int | float | Decimal):  # bool is an int
        return cell
    text = cell if isinstance(cell, str) else str(cell)
    first = text.lstrip()[:1]
    if text.startswith(("\t", "\r")) or (
        first and unicodedata.normalize("NFKC", first) in _FORMULA_STARTS
    ):
        return "'" + text
    return text


def check_target(path: Path, source: Path | None = None) -> None:
    """Refuse, before any work, a result path :func:`write_table` could not use.

    An unsupported suffix, a folder that does not exist, or (with ``source``) the input
    file itself: the result masks resident numbers, so writing it over the input would
    lose the full ones. Raises :class:`BatchFileError` in both languages.
    """
    path = Path(path)
    _is_workbook(path)
    if not path.parent.is_dir():
        raise BatchFileError(
            f"保存位置不存在：{path.parent}", f"the output folder does not exist: {path.parent}"
        )
    if source is not None and _same_file(path, Path(source)):
        raise BatchFileError(
            f"结果文件不能是输入文件本身（{path.name}），否则完整号码会被打码的结果覆盖；"
            "请另选文件名",
            f"the result file cannot be the input file itself ({path.name}): the masked "
            "result would overwrite the full numbers; choose another name",
        )


def _is_workbook(path: Path) -> bool:
    suffix = path.suffix.lower()
    if suffix in _WRITTEN:
        return _WRITTEN[suffix]
    shown = suffix or "（无）"
    raise BatchFileError(
        f"不支持的结果文件类型“{shown}”，结果只能保存为 .csv、.txt 或 .xlsx",
        f"unsupported result file type '{suffix or 'none'}': save the result as .csv, .txt "
        "or .xlsx",
    )


def _same_file(path: Path, source: Path) -> bool:
    # samefile also catches another spelling of the same file (case, "..", a link).
    try:
        return path.exists() and source.exists() and os.path.samefile(path, source)
    except OSError:
        return path.absolute() == source.absolute()


def write_table(path: Path, header: list[str], rows: list[list[object]]) -> None:
    """Write a result file, CSV/TXT or XLSX by suffix, every cell through :func:`neutralise`.

    CSV is UTF-8 with a BOM, without which Excel reads Chinese as GBK mojibake. XLSX cells
    are all text, so an identifier never becomes a number. The file is written beside the
    target and moved into place, so a crash leaves the old file or none, never half of one.
    The parent directory must exist: a mistyped path should fail, not grow directories.
    """
    path = Path(path)
    check_target(path)
    is_xlsx = _is_workbook(path)
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
