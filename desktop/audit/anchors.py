"""The log head the platform witnessed, held against the local log.

Every call the desk makes to the platform carries its chain head (``X-Audit-Head``), and
the platform keeps the highest head it has seen for the counter. Whatever the platform
has witnessed can no longer be taken back at the desk: the local log must still hold that
entry, with that hash. Entries written after it are what a person holding the data key
could still rewrite without trace; verification says how many and since when
("not yet witnessed: N entries since TIME") rather than a plain "intact".

Anchors travel the same road: ``queue_head_anchor`` queues the signed head for the
outbox (timer, sign-out, exit, ``creditdesk audit anchor``), and ``parked_anchors``
counts anchors the platform refused, which verification reports as a failure: an anchor
that never arrives protects nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from sqlalchemy import Connection, func, select

from desktop.staff.credentials import SecretsUnavailable
from local_cache import store
from local_cache.db import UnitOfWork
from local_cache.tables import audit, outbox

CST = dt.timezone(dt.timedelta(hours=8), "CST")  # desk time, as the audit export uses


@dataclass(frozen=True)
class WitnessCheck:
    """The local log against the head the platform witnessed."""

    ok: bool
    seq: int  # the witnessed head's sequence number (0: the platform has seen none)
    first_bad: int | None = None
    problem: str = ""  # "中文 / English"
    unwitnessed: int = 0  # entries after the witnessed head
    since: float | None = None  # when the first of them was written (epoch seconds)

    def since_text(self) -> str:
        """When the first entry not yet witnessed was written, desk time (CST)."""
        if self.since is None:
            return ""
        return dt.datetime.fromtimestamp(self.since, CST).strftime("%Y-%m-%d %H:%M:%S")

    def summary(self) -> str:
        """One line for a person: what the platform has witnessed and what not yet."""
        if not self.ok:
            return self.problem
        if not self.unwitnessed:
            return (f"平台已见证到第 {self.seq} 条，之后没有新记录 / witnessed by the platform up "
                    f"to entry {self.seq}; nothing written since")
        return (f"平台已见证到第 {self.seq} 条；尚未见证 {self.unwitnessed} 条（自 "
                f"{self.since_text()} 起）/ witnessed up to entry {self.seq}; not yet "
                f"witnessed: {self.unwitnessed} entries since {self.since_text()}")

    def as_dict(self) -> dict:
        """For ``--json``."""
        return asdict(self) | {"since_text": self.since_text()}


def check(conn: Connection, seq: int, head_hash: str) -> WitnessCheck:
    """Hold the local log against the witnessed head ``(seq, head_hash)``.

    Not ok when the log lacks entry ``seq`` (the first missing entry is named) or holds
    another hash there (rewritten). Reads two indexed rows and one range; the chain walk
    itself is ``desktop.audit.verify.verify``.
    """
    if seq > 0:
        held = conn.execute(select(audit.c.hash).where(audit.c.seq == seq)).scalar_one_or_none()
        if held is None:
            below = conn.execute(select(func.max(audit.c.seq))
                                 .where(audit.c.seq < seq)).scalar_one_or_none() or 0
            missing = below + 1
            return WitnessCheck(
                False, seq, missing,
                f"第 {missing} 条记录缺失：平台已见证日志到第 {seq} 条 / entry {missing} missing: "
                f"the platform witnessed the log up to {seq}")
        if held != head_hash:
            return WitnessCheck(
                False, seq, seq,
                f"第 {seq} 条记录被重写：与平台见证的链头不符 / entry {seq} rewritten: it "
                f"differs from the head the platform witnessed")
    count, since = conn.execute(select(func.count(), func.min(audit.c.at))
                                .where(audit.c.seq > seq)).one()
    return WitnessCheck(True, seq, unwitnessed=count, since=since)


def parked_anchors(conn: Connection) -> list[dict]:
    """Anchors the platform refused (outbox kind ``anchor``, state ``failed``), with why."""
    rows = conn.execute(select(outbox.c.id, outbox.c.check_id, outbox.c.last_error)
                        .where(outbox.c.kind == "anchor").where(outbox.c.state == "failed")
                        .order_by(outbox.c.id)).all()
    return [{"id": r.id, "anchor": r.check_id, "reason": r.last_error or ""} for r in rows]


def queue_head_anchor(svc, clerk: str = "") -> int:
    """Queue the chain head as an anchor unless it is queued already; returns its seq.

    The window's timer, sign-out, exit and ``creditdesk audit anchor`` call this; the
    outbox sends it. ``clerk`` is who asked; queuing writes no log entry (one would move
    the head past the anchor it queues), so it is not recorded.
    """
    del clerk
    counter = svc.settings["counter_id"]
    with UnitOfWork(svc.engine) as uow:
        seq, head = store.audit_head(uow.conn)
        key = f"anchor-{counter}-{seq}"
        queued = uow.conn.execute(select(outbox.c.id).where(outbox.c.idempotency_key == key))
        if seq and queued.first() is None:
            store.queue_anchor(uow.conn, svc.protector, counter, seq, head)
        uow.commit()
    return seq


def anchor_now(svc, clerk: str = "") -> int:
    """Queue the head (``queue_head_anchor``) and try once to send what the outbox holds;
    an unreachable platform leaves it queued for the next start. Returns the seq."""
    from desktop.platform.client import PlatformError  # the web client loads to send

    seq = queue_head_anchor(svc, clerk)
    try:
        svc.outbox.flush(svc.client, limit=20)
    except (PlatformError, SecretsUnavailable):
        pass
    return seq
