"""Browsing the audit log for the supervisor: filters, keyset pages, one entry, unmasking.

Pages are newest first and chained by ``seq`` (``before_seq``), never by OFFSET, so the
millionth entry costs what the first does. Each single-column filter has an index
``(column, seq)`` (migration 0005) that SQLite walks backwards and stops after one page.
A day range is turned into a ``seq`` range through ``ix_audit_at`` (entries are appended
in time order), so it narrows the primary-key walk instead of forcing a sort; the ``at``
bounds are kept as plain filters, so the answer stays exact.

Subjects appear masked (as the log holds them; resident numbers inside the details are
masked too). The whole identifier of one entry is shown only through :func:`unmask`, by a
supervisor, and that is itself logged.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, func, select

from desktop.audit.export import CST
from desktop.identifiers import mask, mask_in_text, parse_identifier
from desktop.staff.accounts import Staff, StaffError
from local_cache import store
from local_cache.db import UnitOfWork
from local_cache.protect import Protector
from local_cache.tables import audit, checked, imported_entries

LOCAL = "local"
BROWSABLE = ("clerk", "item", "event", "verdict")


class QueryError(ValueError):
    """A refused log query, said in Chinese and English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class LogFilter:
    """What the supervisor filters on; None means any. Days are CST, both included.

    ``event`` is exact, or a prefix when it ends with ``.`` or ``*`` (``"action."``).
    ``subject`` is an identifier as typed. ``desk`` None/"local" is this desk's log.
    """

    start: dt.date | None = None
    end: dt.date | None = None
    clerk: str | None = None
    item: str | None = None
    verdict: str | None = None
    event: str | None = None
    source: str | None = None
    subject: str | None = None
    desk: str | None = None


@dataclass(frozen=True)
class LogRow:
    """One entry as the browser shows it."""

    seq: int
    at: float
    counter: str
    clerk: str
    event: str
    item: str | None
    verdict: str | None
    source: str | None
    subject_masked: str | None
    details: dict
    purged: bool
    desk: str


def _table(desk: str | None):
    """The local log, or the imported entries (with the counter condition)."""
    if desk in (None, LOCAL):
        return audit, [], LOCAL
    return imported_entries, [imported_entries.c.counter == desk], desk


def _day_bound(day: dt.date) -> float:
    return dt.datetime.combine(day, dt.time(), CST).timestamp()


def _seq_at_or_after(conn: Connection, at: float) -> int | None:
    """The first seq whose time is at or after ``at`` (through ix_audit_at)."""
    return conn.execute(select(audit.c.seq).where(audit.c.at >= at)
                        .order_by(audit.c.at, audit.c.seq).limit(1)).scalar_one_or_none()


def _conditions(conn: Connection, protector: Protector, flt: LogFilter, t) -> list:
    """WHERE clauses of a filter on table ``t``; raises IdentifierError for a bad subject.

    In imported entries a subject is matched by its masked form (the other desk's keyed
    hashes cannot be computed here): exact for a credit code, by region and last four
    characters for a resident number.
    """
    local = t is audit
    where = []
    if flt.start and flt.end and flt.end < flt.start:
        raise QueryError("结束日期早于开始日期", "the end date is before the start date")
    if flt.start:
        lo = _day_bound(flt.start)
        where.append(t.c.at + 0 >= lo)
        if local:
            first = _seq_at_or_after(conn, lo)
            where.append(t.c.seq >= (first if first is not None else 2**62))
    if flt.end:
        hi = _day_bound(flt.end + dt.timedelta(days=1))
        where.append(t.c.at + 0 < hi)
        after = _seq_at_or_after(conn, hi) if local else None
        if after is not None:
            where.append(t.c.seq < after)
    for name in ("clerk", "item", "verdict", "source"):
        value = getattr(flt, name)
        if value is not None:
            where.append(t.c[name] == value)
    if flt.event is not None:
        if flt.event.endswith(("*", ".")):
            prefix = flt.event.rstrip("*")
            where.append(func.substr(t.c.event, 1, len(prefix)) == prefix)
        else:
            where.append(t.c.event == flt.event)
    if flt.subject is not None:
        subject = parse_identifier(flt.subject)
        where.append(t.c.subject_key == protector.index(subject.normalized) if local
                     else t.c.subject_masked == mask(subject))
    return where


def _row(r, desk: str = LOCAL) -> LogRow:
    try:
        details = json.loads(mask_in_text(r.details or "{}"))
    except ValueError:
        details = {}
    return LogRow(seq=r.seq, at=r.at, counter=r.counter, clerk=r.clerk, event=r.event,
                  item=r.item, verdict=r.verdict, source=r.source,
                  subject_masked=r.subject_masked, details=details, purged=bool(r.purged),
                  desk=desk)


def _columns(t) -> tuple:
    return (t.c.seq, t.c.at, t.c.counter, t.c.clerk, t.c.event, t.c.item, t.c.verdict,
            t.c.source, t.c.subject_masked, t.c.details, t.c.purged)


def page(engine: Engine, protector: Protector, flt: LogFilter, before_seq: int | None = None,
         limit: int = 200) -> list[LogRow]:
    """Up to ``limit`` entries matching ``flt``, newest first, older than ``before_seq``."""
    t, where, desk = _table(flt.desk)
    with engine.connect() as conn:
        where += _conditions(conn, protector, flt, t)
        if before_seq is not None:
            where.append(t.c.seq < before_seq)
        rows = conn.execute(select(*_columns(t)).where(*where)
                            .order_by(t.c.seq.desc()).limit(limit)).all()
    return [_row(r, desk) for r in rows]


def count(engine: Engine, protector: Protector, flt: LogFilter) -> int:
    """How many entries match ``flt`` (may take a while on a large log)."""
    t, where, _ = _table(flt.desk)
    with engine.connect() as conn:
        where += _conditions(conn, protector, flt, t)
        return conn.execute(select(func.count()).select_from(t).where(*where)).scalar_one()


def entry(engine: Engine, protector: Protector, seq: int, desk: str | None = None
          ) -> LogRow | None:
    """One entry by its sequence number, or None."""
    t, where, name = _table(desk)
    with engine.connect() as conn:
        r = conn.execute(select(*_columns(t)).where(*where, t.c.seq == seq)).first()
    return _row(r, name) if r else None


def distinct_values(engine: Engine, column: str, desk: str | None = None) -> list[str]:
    """The values of clerk, item, event or verdict present in the log, sorted."""
    if column not in BROWSABLE:
        raise QueryError(f"不能按该列筛选：{column}", f"cannot filter on that column: {column}")
    t, where, _ = _table(desk)
    col = t.c[column]
    with engine.connect() as conn:
        return list(conn.execute(select(col).where(col.is_not(None), *where).distinct()
                                 .order_by(col)).scalars())


def unmask(svc, seq: int, supervisor: Staff) -> str:
    """The whole identifier of entry ``seq``, for a supervisor; logged as ``unmask``."""
    if supervisor is None or not supervisor.is_supervisor:
        raise StaffError("只有科室负责人可以查看完整证件号码",
                         "only a supervisor may see a whole identifier")
    with UnitOfWork(svc.engine) as uow:
        r = uow.conn.execute(select(audit.c.subject_key, audit.c.purged)
                             .where(audit.c.seq == seq)).first()
        if r is None:
            raise QueryError(f"没有第 {seq} 条日志", f"no log entry {seq}")
        if r.purged:
            raise QueryError("该条日志的个人信息已按保存期限清除",
                             "the personal fields of this entry were purged (retention)")
        if not r.subject_key:
            raise QueryError("该条日志没有核查对象", "this entry has no subject")
        sealed = uow.conn.execute(select(checked.c.id_sealed)
                                  .where(checked.c.subject_key == r.subject_key)
                                  ).scalar_one_or_none()
        if sealed is None:
            raise QueryError("本柜台没有该对象的密存证件号码",
                             "this desk holds no sealed identifier for that subject")
        whole = svc.protector.open(sealed)
        store.append_audit(uow.conn, svc.protector, counter=svc.settings["counter_id"],
                           clerk=supervisor.staff_id, event="unmask", details={"seq": seq})
        uow.commit()
    return whole
