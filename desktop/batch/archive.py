"""The archive check of a zip-based workbook (.xlsx, .ods), before any reader sees it.

A zip can declare anything and unpack to far more: the issue's 817 KB workbook held a
shared-strings table of 800 MB, and reading it grew the process to 23.8 GB. This check
reads the central directory's member count itself, then each member's declared sizes and
ratio, and then inflates every member into nothing (counting bytes, keeping none): a
member that unpacks to more than it declares, holds another archive, or has one stretch
of XML (a cell) over 1 MB is refused like one that declares too much. Refusals are
:class:`~desktop.batch.files.BatchFileError`, in both languages, with what to do.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from desktop.batch.files import BatchFileError

__all__ = ["OLE2_MAGIC", "ZIP_MAGIC", "check_archive", "mb", "not_a_workbook", "refused"]

# Archive limits (docs/RELIABILITY.md). A 100,000-row list saved by Excel, WPS or
# LibreOffice has 10 to 40 members, its sheet unpacks to tens of MB, its text compresses
# 5 to 20 times. Shared strings are kept whole by every reader, so they get less room.
MAX_MEMBERS = 1_000
MAX_MEMBER_BYTES = 200 * 1024 * 1024
MAX_STRINGS_BYTES = 24 * 1024 * 1024
# Every reader keeps the shared strings as objects: 31 MB of two-character strings took
# openpyxl to 348 MB. 500,000 is a 100,000-row list with five columns of unique text.
MAX_SHARED_STRINGS = 500_000
MAX_TOTAL_BYTES = 300 * 1024 * 1024
MAX_RATIO = 100  # unpacked / packed, for members that unpack to more than RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
# The longest stretch of XML without a "<": one cell's text or one tag. Excel's longest
# cell (32,767 characters, escaped) is far below it; every XML reader holds such a stretch
# whole, so a 60 MB "cell" is refused before any reader sees it.
MAX_XML_RUN = 1024 * 1024
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EOCD = b"PK\x05\x06"
_ARCHIVE_NAMES = (".zip", ".xlsx", ".xlsm", ".xlsb", ".docx", ".pptx", ".ods", ".odt",
                  ".jar", ".gz", ".7z", ".rar")
_CHUNK = 1 << 20
_SI_TAGS = (b"<si>", b"<si ", b":si>", b":si ")
_OUT = 1 << 18  # inflated per step: below MAX_XML_RUN, so one step cannot hide a long run


def not_a_workbook(name: str) -> BatchFileError:
    return BatchFileError(
        f"{name} 不是可读取的工作簿（文件已损坏或并非表格）：请在 Excel、WPS 或 LibreOffice "
        "中打开后另存为 .xlsx 或 CSV",
        f"{name} is not a readable workbook (damaged, or not a spreadsheet): open it in "
        "Excel, WPS or LibreOffice and save it as .xlsx or CSV",
    )


def refused(name: str, zh: str, en: str) -> BatchFileError:
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
        raise refused(name, f"压缩包内有 {count:,} 个文件（上限 {MAX_MEMBERS:,}）",
                       f"the archive holds {count:,} files (the limit is {MAX_MEMBERS:,})")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise not_a_workbook(name) from exc
    total = 0
    for info in infos:
        member = info.filename
        limit = MAX_STRINGS_BYTES if _strings(member) else MAX_MEMBER_BYTES
        if info.file_size > limit:
            raise refused(name, f"其中 {member} 解压后为 {mb(info.file_size)}"
                           f"（上限 {mb(limit)}）",
                           f"its member {member} unpacks to {mb(info.file_size)} "
                           f"(the limit is {mb(limit)})")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise refused(name, f"解压后总计超过 {mb(MAX_TOTAL_BYTES)}",
                           f"it unpacks to more than {mb(MAX_TOTAL_BYTES)} in all")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * info.compress_size:
            ratio = info.file_size // max(info.compress_size, 1)
            raise refused(name, f"其中 {member} 的压缩比为 {ratio:,}:1（上限 {MAX_RATIO}:1）",
                           f"its member {member} is compressed {ratio:,} to 1 "
                           f"(the limit is {MAX_RATIO} to 1)")
        if member.lower().endswith(_ARCHIVE_NAMES):
            raise _nested(name, member)
    with path.open("rb") as raw:
        for info in infos:
            _inflate_counting(raw, info, name)
    return {info.filename for info in infos}


def _nested(name: str, member: str) -> BatchFileError:
    return refused(name, f"其中 {member} 是嵌套的压缩包", f"its member {member} is an archive "
                    "inside the archive")


def _strings(member: str) -> bool:
    return member.lower().endswith("sharedstrings.xml")


def mb(size: int) -> str:
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
        raise not_a_workbook(path.name)
    entries, cd_size = struct.unpack("<H I", tail[at + 10: at + 16])
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF:
        return MAX_MEMBERS + 1 if entries == 0xFFFF else entries
    return entries


def _inflate_counting(raw, info, name: str) -> None:
    """Inflate one member into nothing: refuse it when it unpacks to more than it declares,
    is encrypted or oddly compressed, or begins with another archive's signature."""
    if info.flag_bits & 0x1 or info.compress_type not in (0, 8):
        raise not_a_workbook(name)  # encrypted members, or deflate64/bzip2/lzma: not Office
    raw.seek(info.header_offset)
    local = raw.read(30)
    if len(local) < 30 or not local.startswith(b"PK\x03\x04"):
        raise not_a_workbook(name)
    name_len, extra_len = struct.unpack("<HH", local[26:30])
    raw.seek(info.header_offset + 30 + name_len + extra_len)
    left, unpacked, first = info.compress_size, 0, b""
    xml, run = info.filename.lower().endswith((".xml", ".rels")), 0
    strings = 0 if _strings(info.filename) else None
    inflater = zlib.decompressobj(-15) if info.compress_type == 8 else None
    while left > 0:
        piece = raw.read(min(_CHUNK, left))
        if not piece:
            raise not_a_workbook(name)  # truncated
        left -= len(piece)
        while piece:
            if inflater is None:
                out, piece = piece, b""
            else:
                try:
                    out = inflater.decompress(piece, _OUT)
                except zlib.error as exc:
                    raise not_a_workbook(name) from exc
                piece = inflater.unconsumed_tail
            if not first and out:
                first = out[:4]
                if first in ZIP_MAGIC or first == OLE2_MAGIC[:4]:
                    raise _nested(name, info.filename)
            unpacked += len(out)
            if xml:
                run = _xml_run(out, run, name, info.filename)
            if strings is not None:  # a tag cut by a step's edge is missed: a few at most
                strings += sum(out.count(tag) for tag in _SI_TAGS)
                if strings > MAX_SHARED_STRINGS:
                    raise refused(name, f"其中 {info.filename} 含有超过 "
                                  f"{MAX_SHARED_STRINGS:,} 个不同的文字",
                                  f"its member {info.filename} holds more than "
                                  f"{MAX_SHARED_STRINGS:,} distinct texts")
            if unpacked > info.file_size:
                raise refused(name, f"其中 {info.filename} 解压后超过其声明的大小",
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
        raise refused(name, f"其中 {member} 有一段超过 {mb(MAX_XML_RUN)} 的单个单元格或标记",
                       f"its member {member} holds a single cell or tag longer than "
                       f"{mb(MAX_XML_RUN)}")
    return run
