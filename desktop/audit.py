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

from sqlalchemy import Connection

from local_cache import chain
from local_cache.protect import Protector
from local_cache.tables import audit

# Every column the chain covers, in the order ``verify`` unpacks them.
_WALK = (f"SELECT seq, at, counter, clerk, event, item, verdict, source, subject_key, "
         f"subject_masked, details, salt, commitment, prev_hash, hash, purged "
         f"FROM {audit.name} ORDER BY seq")
_BATCH = 2000


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
    key = protector.chain_key
    commitment_of, entry_hash_of = chain.commitment_of, chain.entry_hash_of
    # A plain DB-API cursor on the caller's connection (its transaction, if any): tuples,
    # not result-row objects, for a walk over every entry; fetched in batches (streaming).
    cursor = conn.connection.cursor()
    try:
        cursor.execute(_WALK)
        while batch := cursor.fetchmany(_BATCH):
            for (seq, at, counter, clerk, event, item, verdict, source, subject_key,
                 subject_masked, details, salt, commit, prev_hash, digest, purged) in batch:
                count += 1
                if seq != expected_seq:
                    return _bad(count, expected_seq,
                                f"第 {expected_seq} 条记录缺失（被删除）",
                                f"entry {expected_seq} is missing (deleted)", checked, known)
                if prev_hash != prev:
                    return _bad(count, seq,
                                f"第 {seq} 条记录与前一条不衔接（被修改或调换顺序）",
                                f"entry {seq} does not follow the one before it "
                                "(edited or reordered)", checked, known)
                if not purged and commitment_of(salt or "", subject_key, subject_masked,
                                                details) != commit:
                    return _bad(count, seq, f"第 {seq} 条记录的主体或详情被修改",
                                f"entry {seq}: subject or details were edited", checked, known)
                if entry_hash_of(key, prev, commit, seq, repr(at), counter, clerk, event,
                                 item, verdict, source) != digest:
                    return _bad(count, seq, f"第 {seq} 条记录被修改（或链被无密钥重建）",
                                f"entry {seq} was edited (or the chain rebuilt without the "
                                "key)", checked, known)
                if seq in anchors:
                    checked += 1
                    if anchors[seq] != digest:
                        return _bad(count, seq,
                                    f"第 {seq} 条记录与平台锚定的链头不符（日志被重写）",
                                    f"entry {seq} differs from the head anchored at the "
                                    "platform (log rewritten)", checked, known)
                prev = digest
                expected_seq += 1
    finally:
        cursor.close()
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
