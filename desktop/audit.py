"""Verifying the desk's audit log: the hash chain, and the heads anchored at the platform.

``verify`` walks every entry once, in sequence order, streaming (a 100,000-entry log is
never held in memory), and stops at the first entry that is wrong, saying what is wrong:
a missing sequence number (deleted), a previous-hash link that does not match (edited
before it, or reordered), a commitment that does not match its personal fields or a hash
that does not match its entry (edited), a head that differs from the platform's anchor
(rewritten), or a log that ends before the newest anchor (truncated).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import Connection, select

from local_cache import chain
from local_cache.protect import Protector
from local_cache.tables import audit


@dataclass(frozen=True)
class VerifyResult:
    """The verdict on the log."""

    ok: bool
    entries: int
    first_bad: int | None = None
    problem: str = ""  # "中文 / English"
    anchors_checked: int = 0
    anchors_known: bool = False

    def as_dict(self) -> dict:
        """For ``--json``."""
        return asdict(self)


def _bad(entries: int, seq: int, zh: str, en: str, anchors: int, known: bool) -> VerifyResult:
    return VerifyResult(False, entries, seq, f"{zh} / {en}", anchors, known)


def verify(
    conn: Connection, protector: Protector, anchors: dict[int, str] | None = None
) -> VerifyResult:
    """Walk the chain; with ``anchors`` (seq -> head hash) also compare the platform's."""
    known = anchors is not None
    anchors = anchors or {}
    expected_seq, prev, checked, count = 1, "", 0, 0
    rows = conn.execution_options(stream_results=True, yield_per=2000).execute(
        select(audit).order_by(audit.c.seq)
    )
    for row in rows:
        count += 1
        if row.seq != expected_seq:
            return _bad(
                count,
                expected_seq,
                f"第 {expected_seq} 条记录缺失（被删除）",
                f"entry {expected_seq} is missing (deleted)",
                checked,
                known,
            )
        if row.prev_hash != prev:
            return _bad(
                count,
                row.seq,
                f"第 {row.seq} 条记录与前一条不衔接（被修改或调换顺序）",
                f"entry {row.seq} does not follow the one before it (edited or reordered)",
                checked,
                known,
            )
        if not row.purged:
            personal = {k: getattr(row, k) for k in chain.PERSONAL}
            if chain.commitment(row.salt or "", personal) != row.commitment:
                return _bad(
                    count,
                    row.seq,
                    f"第 {row.seq} 条记录的主体或详情被修改",
                    f"entry {row.seq}: subject or details were edited",
                    checked,
                    known,
                )
        public = {k: getattr(row, k) for k in chain.PUBLIC} | {"at": repr(row.at)}
        if chain.entry_hash(protector.chain_key, prev, public, row.commitment) != row.hash:
            return _bad(
                count,
                row.seq,
                f"第 {row.seq} 条记录被修改（或链被无密钥重建）",
                f"entry {row.seq} was edited (or the chain rebuilt without the key)",
                checked,
                known,
            )
        if row.seq in anchors:
            checked += 1
            if anchors[row.seq] != row.hash:
                return _bad(
                    count,
                    row.seq,
                    f"第 {row.seq} 条记录与平台锚定的链头不符（日志被重写）",
                    f"entry {row.seq} differs from the head anchored at the platform "
                    "(log rewritten)",
                    checked,
                    known,
                )
        prev = row.hash
        expected_seq += 1
    last = expected_seq - 1
    newest_anchor = max(anchors, default=0)
    if newest_anchor > last:
        return _bad(
            count,
            last + 1,
            f"日志在第 {last} 条后被截断（平台锚定到第 {newest_anchor} 条）",
            f"log truncated after entry {last} (the platform has an anchor at {newest_anchor})",
            checked,
            known,
        )
    return VerifyResult(True, count, None, "", checked, known)
