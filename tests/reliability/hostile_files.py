"""Workbooks written by the tests, good and hostile, and the real CLI run on them.

Each builder writes a file the way an attacker (or a broken exporter) would, with the
zip members spelled out here, so a test knows exactly what the file holds. The bombs
stream their members through zlib: the test process never holds what they unpack to.
``batch_in_child`` runs the real ``creditdesk batch`` as a child process, which reports
its own peak memory (VmHWM) as it exits.
"""

from __future__ import annotations

import os
import random
import struct
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

USCC = "91330602MA2BCDEF3"  # + check digit, added by the caller's helper when needed
ITEM = "GOV_PROCUREMENT"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
    'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
    'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships"><sheets><sheet name="名单" sheetId="1" '
    'r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
    'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>')
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
               'openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
_SHEET_TAIL = "</sheetData></worksheet>"
_STRINGS_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.'
                 'openxmlformats.org/spreadsheetml/2006/main">')


def _repeat(unit: str, total: int) -> Iterable[bytes]:
    """``unit`` repeated to about ``total`` bytes, a MB at a time."""
    block = unit.encode() * max(1, (1 << 20) // len(unit.encode()))
    for _ in range(max(1, total // len(block))):
        yield block


def write_zip(path: Path, members: list[tuple[str, str | bytes | Iterable[bytes]]]) -> Path:
    """A deflated zip of ``members`` (text, bytes, or chunks streamed into the archive)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members:
            if isinstance(body, str | bytes):
                archive.writestr(name, body)
                continue
            with archive.open(name, "w", force_zip64=False) as member:
                for chunk in body:
                    member.write(chunk)
    return path


def xlsx(path: Path, sheet_rows: str | Iterable[bytes], strings: str | Iterable[bytes] = "",
         extra: list | None = None) -> Path:
    """A minimal workbook: ``sheet_rows`` is the XML inside <sheetData> (or chunks of the
    whole sheet), ``strings`` the <si> items (or chunks of the whole sharedStrings.xml)."""
    sheet = (_SHEET_HEAD + sheet_rows + _SHEET_TAIL) if isinstance(sheet_rows, str) \
        else sheet_rows
    table = (_STRINGS_HEAD + strings + "</sst>") if isinstance(strings, str) else strings
    return write_zip(path, [("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _RELS),
                            ("xl/workbook.xml", _WORKBOOK),
                            ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
                            ("xl/worksheets/sheet1.xml", sheet),
                            ("xl/sharedStrings.xml", table), *(extra or [])])


def inline_row(number: int, values: list[str]) -> str:
    cells = "".join(f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
                    for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def good_xlsx(path: Path, rows: list[list[str]]) -> Path:
    return xlsx(path, "".join(inline_row(n, row) for n, row in enumerate(rows, 1)))


def strings_bomb(path: Path, unpacked: int) -> Path:
    """The issue's file: a shared-strings table of one string repeated to ``unpacked``
    bytes, and a sheet that uses its first string."""
    def chunks():
        yield _STRINGS_HEAD.encode()
        yield from _repeat("<si><t>统一社会信用代码</t></si>", unpacked)
        yield b"</sst>"

    return xlsx(path, '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', chunks())


def many_strings(path: Path, count: int) -> Path:
    """No bomb (it packs about 4 to 1): ``count`` distinct short texts, each an object in
    any reader's memory."""
    def chunks():
        yield _STRINGS_HEAD.encode()
        for start in range(0, count, 100_000):
            yield "".join(f"<si><t>{i:x}</t></si>"
                          for i in range(start, min(count, start + 100_000))).encode()
        yield b"</sst>"

    return xlsx(path, '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', chunks())


def rows_bomb(path: Path, unpacked: int) -> Path:
    """A sheet of one identical row (no row numbers) repeated to ``unpacked`` bytes."""
    def chunks():
        yield _SHEET_HEAD.encode()
        yield from _repeat('<row><c t="inlineStr"><is><t>91330602MA2BCDEF3X</t></is></c>'
                           "</row>", unpacked)
        yield _SHEET_TAIL.encode()

    return xlsx(path, chunks())


def huge_cell(path: Path, chars: int) -> Path:
    """One cell of ``chars`` random letters: no bomb (it hardly compresses), just huge."""
    rng = random.Random(7)
    text = "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=chars))
    return xlsx(path, inline_row(1, ["证件号码"]) + inline_row(2, [text]))


def nested_zip(path: Path) -> Path:
    """A good-looking workbook with another archive inside (named as an embedding)."""
    inner = path.with_name("inner.xlsx")
    good_xlsx(inner, [["证件号码"], ["x"]])
    data = inner.read_bytes()
    inner.unlink()
    return good_xlsx_with(path, [("xl/embeddings/oleObject1.bin", data)])


def good_xlsx_with(path: Path, extra: list) -> Path:
    return xlsx(path, inline_row(1, ["证件号码"]) + inline_row(2, ["x"]), extra=extra)


def truncated(path: Path) -> Path:
    """A good workbook cut in half, as an interrupted download leaves it."""
    good_xlsx(path, [["证件号码"], *[[f"row {i}"] for i in range(2000)]])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def lying_sizes(path: Path, unpacked: int, declared: int = 100_000) -> Path:
    """A shared-strings bomb whose headers declare ``declared`` bytes for every member."""
    strings_bomb(path, unpacked)
    data = bytearray(path.read_bytes())
    at = data.rfind(b"PK\x05\x06")
    count, _, cd_offset = struct.unpack("<H I I", data[at + 10: at + 20])
    pos = cd_offset
    for _ in range(count):
        name_len, extra_len, note_len = struct.unpack("<HHH", data[pos + 28: pos + 34])
        local = struct.unpack("<I", data[pos + 42: pos + 46])[0]
        size = struct.unpack("<I", data[pos + 24: pos + 28])[0]
        if size > declared:
            data[pos + 24: pos + 28] = struct.pack("<I", declared)
            data[local + 22: local + 26] = struct.pack("<I", declared)
        pos += 46 + name_len + extra_len + note_len
    path.write_bytes(bytes(data))
    return path


def ods(path: Path, rows: list[list[str]], *, repeat_rows: int = 1,
        repeat_columns: int = 1, empty_tail: int = 0) -> Path:
    """An OpenDocument spreadsheet, zipped by hand (mimetype first, stored); ``empty_tail``
    ends the table as LibreOffice does, with that many empty rows of 1,024 empty cells."""
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    body = ""
    for row in rows:
        cells = "".join(
            f'<table:table-cell office:value-type="string" table:number-columns-repeated='
            f'"{repeat_columns}"><text:p>{value}</text:p></table:table-cell>'
            if repeat_columns > 1 else
            f'<table:table-cell office:value-type="string"><text:p>{value}</text:p>'
            "</table:table-cell>" for value in row)
        repeat = f' table:number-rows-repeated="{repeat_rows}"' if repeat_rows > 1 else ""
        body += f"<table:table-row{repeat}>{cells}</table:table-row>"
    if empty_tail:
        body += (f'<table:table-row table:number-rows-repeated="{empty_tail}"><table:table-'
                 'cell table:number-columns-repeated="1024"/></table:table-row>')
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} '
               'office:version="1.2"><office:body><office:spreadsheet>'
               f'<table:table table:name="名单">{body}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
        'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.'
        'oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path='
        '"content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest,
                         compress_type=zipfile.ZIP_DEFLATED)
    return path


def xls(path: Path, rows: list[list[object]], far_cell: tuple[int, int] | None = None) -> Path:
    """An Excel 97-2003 (BIFF8) workbook written by xlwt; ``far_cell`` adds one cell there."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("名单")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    if far_cell is not None:
        sheet.write(*far_cell, "x")
    book.save(str(path))
    return path


def many_members(path: Path) -> Path:
    return write_zip(path, [(f"xl/media/image{i}.xml", "<a/>") for i in range(1_001)])


def not_a_zip(path: Path) -> Path:
    path.write_bytes(bytes(range(256)) * 64)
    return path


def csv_named_xlsx(path: Path) -> Path:
    path.write_text("证件号码,姓名\n91330602MA2BCDEF3X,甲\n", encoding="utf-8")
    return path


def ods_rows_bomb(path: Path, rows: int) -> Path:
    """A few hundred bytes of .ods that say "this row of 100 filled cells, ``rows`` times"."""
    return ods(path, [["91330602MA2BCDEF3X"]], repeat_rows=rows, repeat_columns=100)


def hostile(full: bool) -> dict:
    """Every hostile file, by name: ``builder(path) -> path`` (``full``: the issue's sizes,
    an 800 MB shared-strings table; else the small ones the plain test run uses). The
    file's name is the caller's: the reader goes by content, so .xlsx is fine for all."""
    mb = 1 << 20
    return {
        "ods_rows_bomb": lambda p: ods_rows_bomb(p, 1_000_000),
        "strings_bomb": lambda p: strings_bomb(p, (800 if full else 100) * mb),
        "many_strings": lambda p: many_strings(p, 600_000 if full else 510_000),
        "rows_bomb": lambda p: rows_bomb(p, (190 if full else 150) * mb),
        "huge_cell": lambda p: huge_cell(p, (40 if full else 3) * mb),
        "lying_sizes": lambda p: lying_sizes(p, (800 if full else 100) * mb),
        "nested_zip": nested_zip,
        "many_members": many_members,
        "csv_named_xlsx": csv_named_xlsx,
        "not_a_zip": not_a_zip,
        "truncated_zip": truncated,
    }


@dataclass
class Run:
    """One ``creditdesk batch`` child: exit code, what it printed, time and peak RSS."""

    code: int
    err: str
    seconds: float
    peak_mb: float


# The child's own high-water mark, read by the child as it ends. ru_maxrss from wait4 would
# not do: Linux starts a child's figure at the parent's size when it forked.
_PEAK = ("import atexit, os\n"
         "def _peak():\n"
         "    with open('/proc/self/status') as status:\n"
         "        kb = next(line for line in status if line.startswith('VmHWM')).split()[1]\n"
         "    with open(os.environ['CREDITDESK_PEAK_FILE'], 'w') as out:\n"
         "        out.write(kb)\n"
         "atexit.register(_peak)\n")


def _child(args: list[str], work: Path) -> tuple[int, str, float, float]:
    peak = work / "peak.kb"
    peak.unlink(missing_ok=True)
    log = work / "child.log"
    with log.open("wb") as out:
        started = time.perf_counter()
        code = subprocess.call([sys.executable, "-c", _PEAK + args[0], *args[1:]],
                               stdout=out, stderr=out,
                               env={**os.environ, "CREDITDESK_PEAK_FILE": str(peak)})
        seconds = time.perf_counter() - started
    return code, log.read_text("utf-8", "replace"), seconds, int(peak.read_text()) / 1024


def batch_in_child(source: Path, work: Path) -> Run:
    """The real ``creditdesk batch SOURCE --item ITEM -o work/out.csv`` in a child process
    (the console script's own entry point, ``ui.launcher.main``); its peak resident memory
    (VmHWM) as it exits."""
    run = ("import sys\nfrom ui.launcher import main\nsys.exit(main(sys.argv[1:]))\n")
    code, err, seconds, peak = _child(
        [run, "batch", str(source), "--item", ITEM, "-o", str(work / "out.csv"),
         "--data-dir", str(work / "desk")], work)
    return Run(code, err, seconds, peak)


def read_in_child(source: Path, work: Path) -> tuple[int, str, float]:
    """``read_table(SOURCE)`` in a child process: (rows read, or -1 when refused; what it
    printed; its peak RSS in MiB)."""
    run = ("import sys\nfrom desktop.batch.files import BatchFileError, read_table\n"
           "try:\n    print(len(read_table(sys.argv[1]).rows))\n"
           "except BatchFileError as exc:\n    print(-1, exc)\n")
    code, out, _seconds, peak = _child([run, str(source)], work)
    first = out.split()[0] if out.split() else ""
    rows = int(first) if code == 0 and first.lstrip("-").isdigit() else -2
    return rows, out, peak
