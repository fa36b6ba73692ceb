"""Exporting the audit log for a date range: CSV, XLSX or a signed bundle.

Dates are calendar days at the desk (China Standard Time, UTC+8), both ends included.
Resident numbers are masked unless a supervisor approved an unmasked export; the
unmasked number comes from the sealed copy of subjects this desk checked (the log itself
holds only the keyed hash and the masked form). The export is itself logged, in the
same transaction that puts the file in place, so there is never a logged export without
a file nor a file without its log entry.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, select

from desktop.audit import bundle as audit_bundle
from desktop.batch.output import write_table
from desktop.identifiers import mask_in_text
from desktop.staff.accounts import Staff, StaffError, has_control
from local_cache import store
from local_cache.db import UnitOfWork
from local_cache.protect import Protector, SealError
from local_cache.tables import audit, checked, outbox

CST = dt.timezone(dt.timedelta(hours=8), "CST")
FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".jsonl": "bundle"}
HEADER = ["序号 seq", "时间 time", "窗口 counter", "工作人员 clerk", "事件 event",
          "事项 item", "结论 verdict", "来源 source", "主体 subject", "详情 details"]


class ExportError(ValueError):
    """A refused export, in Chinese and English; nothing was written."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")


@dataclass(frozen=True)
class Exported:
    """What was written."""

    path: Path
    format: str
    entries: int
    masked: bool


def one_line(value: object) -> object:
    """A cell as exported: any character that could break or hide a line in a viewer
    (``staff.has_control``: line feeds, CR, escapes, U+2028, NEL, bidi overrides...) is
    written as its ``\\uXXXX`` escape, so one entry stays one line. Not text: unchanged."""
    if not isinstance(value, str) or not has_control(value):
        return value
    return "".join(f"\\u{ord(c):04x}" if has_control(c) else c for c in value)


def day_range(start: str, end: str) -> tuple[float, float]:
    """``YYYY-MM-DD`` .. ``YYYY-MM-DD`` (inclusive, CST) as epoch seconds [from, to)."""
    try:
        first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    except ValueError:
        raise ExportError(f"日期应为 YYYY-MM-DD：{start} / {end}",
                          f"dates must be YYYY-MM-DD: {start} / {end}") from None
    if last < first:
        raise ExportError("结束日期早于开始日期", "the end date is before the start date")
    lo = dt.datetime.combine(first, dt.time(), CST)
    hi = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), CST)
    return lo.timestamp(), hi.timestamp()


def _entries(conn: Connection, protector: Protector, lo: float, hi: float,
             unmasked: bool) -> Iterator[dict]:
    ids: dict[str, str] = {}
    if unmasked:
        for key, sealed in conn.execute(select(checked.c.subject_key, checked.c.id_sealed)):
            try:
                ids[key] = protector.open(sealed)
            except SealError:
                continue
    rows = conn.execution_options(stream_results=True, yield_per=2000).execute(
        select(audit).where(audit.c.at >= lo).where(audit.c.at < hi).order_by(audit.c.seq))
    for r in rows:
        subject = ids.get(r.subject_key or "", r.subject_masked) if unmasked else r.subject_masked
        details = r.details if unmasked else mask_in_text(r.details or "{}")
        yield {"seq": r.seq, "at": dt.datetime.fromtimestamp(r.at, CST).isoformat(
            timespec="seconds"), "counter": r.counter, "clerk": r.clerk, "event": r.event,
            "item": r.item, "verdict": r.verdict, "source": r.source, "subject": subject,
            "details": details, "purged": bool(r.purged), "prev_hash": r.prev_hash,
            "hash": r.hash}


def export(engine, protector: Protector, path: Path, start: str, end: str, *, counter: str,
           clerk: str, approver: Staff | None = None) -> Exported:
    """Write the entries of [start, end] to ``path`` (format by suffix) and log the export.

    ``approver`` (a supervisor who just signed in) makes the export unmasked.
    """
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ExportError(f"不支持的文件类型 {path.suffix or '（无）'}：请用 .csv、.xlsx 或 .jsonl",
                          f"unsupported file type {path.suffix or '(none)'}: use .csv, .xlsx "
                          "or .jsonl")
    if approver is not None and not approver.is_supervisor:
        raise StaffError("只有科室负责人可以导出未遮盖的身份证号",
                         "only a supervisor may export unmasked resident numbers")
    lo, hi = day_range(start, end)
    unmasked = approver is not None
    # Read in one read transaction (WAL: a consistent snapshot, while other programs keep
    # writing); write the file; then log the export in a short unit of work. Holding the
    # write lock for the whole export kept a window's checks waiting for seconds.
    with engine.connect() as conn, conn.begin():
        entries = list(_entries(conn, protector, lo, hi, unmasked))
    if fmt == "bundle":
        _write_bundle(path, entries, protector, counter=counter, clerk=clerk,
                      approver=approver, start=start, end=end)
    else:
        write_table(path, HEADER, [[one_line(v) for v in (
            e["seq"], e["at"], e["counter"], e["clerk"], e["event"], e["item"] or "",
            e["verdict"] or "", e["source"] or "", e["subject"] or "", e["details"])]
            for e in entries])
    try:  # the file stays only if its export is logged
        with UnitOfWork(engine) as uow:
            if fmt == "bundle":
                _queue_key(uow.conn, protector, counter)
            store.append_audit(uow.conn, protector, counter=counter, clerk=clerk,
                               event="export", details={
                                   "from": start, "to": end, "format": fmt,
                                   "entries": len(entries), "unmasked": unmasked,
                                   "approved_by": approver.staff_id if approver else None,
                                   "file": path.name})
            uow.commit()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Exported(path, fmt, len(entries), not unmasked)


def _write_bundle(path: Path, entries: list[dict], protector: Protector, *, counter: str,
                  clerk: str, approver: Staff | None, start: str, end: str) -> None:
    header = {"counter": counter, "exported_at": dt.datetime.now(CST).isoformat(
        timespec="seconds"), "exported_by": clerk,
        "approved_by": approver.staff_id if approver else None, "from": start, "to": end,
        "masked": approver is None, "entries": len(entries)}
    data = audit_bundle.encode(header, entries, protector.signing_key)
    if not path.parent.is_dir():
        raise ExportError(f"保存位置不存在：{path.parent}",
                          f"the output folder does not exist: {path.parent}")
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with open(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _queue_key(conn: Connection, protector: Protector, counter: str) -> None:
    """Register this desk's signing key at the platform (once, through the outbox)."""
    key = f"deskkey-{counter}-{protector.public_key_hex[:32]}"
    if conn.execute(select(outbox.c.id).where(outbox.c.idempotency_key == key)).first():
        return
    payload = json.dumps({"counter": counter, "algorithm": "Ed25519",
                          "public_key": protector.public_key_hex})
    store.add_outbox(conn, protector, idempotency_key=key, check_id="desk-key",
                     subject_id=None, action="desk_key", payload=payload, kind="desk_key")
