"""Verifying the desk's audit log: the hash chain, and the heads anchored at the platform.

``verify`` walks every entry once, in sequence order, streaming (a 100,000-entry log is
never held in memory), and stops at the first entry that is wrong, saying what is wrong:
a missing sequence number (deleted), a previous-hash link that does not match (edited
before it, or reordered), a commitment that does not match its personal fields or a hash
that does not match its entry (edited), an entry marked purged that no retention purge
covers (its personal fields dropped or rewritten by hand), a head that differs from the
platform's anchor (rewritten), or a log that ends before the newest anchor (truncated).

Purged entries: the ``purged`` flag is not covered by the hash, so it proves nothing by
itself. An entry may be purged (and then holds no subject, no salt and details ``{}``)
only when a later ``retention.purge`` entry covers it: the entry is older than that
purge's cutoff, and the cutoff lies at least ``LEGAL_FLOOR_DAYS`` before the purge ran.
The purge entries are read first; they are never purged themselves, so the walk checks
their details (the cutoffs) against their commitments like any other entry's.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import asdict, dataclass

from sqlalchemy import Connection

from desktop.settings import LEGAL_FLOOR_DAYS
from local_cache import chain
from local_cache.protect import Protector
from local_cache.tables import audit

# Every column the chain covers, in the order ``verify`` unpacks them.
_WALK = (f"SELECT seq, at, counter, clerk, event, item, verdict, source, subject_key, "
         f"subject_masked, details, salt, commitment, prev_hash, hash, purged "
         f"FROM {audit.name} ORDER BY seq")
_BATCH = 2000
_PURGES = (f"SELECT seq, at, details FROM {audit.name} "
           "WHERE event = 'retention.purge' AND purged = 0 ORDER BY seq")
_NEVER = float("-inf")


def purge_cutoffs(conn: Connection) -> tuple[list[int], list[float]]:
    """The retention purges in the log: their sequence numbers, and for each the newest
    cutoff any purge from there on applied (so ``bisect`` finds what covers an entry).

    A purge's cutoff is its ``before`` (older purges, which did not record it: its time
    less ``days``); a cutoff closer than ``LEGAL_FLOOR_DAYS`` to the purge's own time
    covers nothing, since no honest purge could have made it.
    """
    seqs: list[int] = []
    cutoffs: list[float] = []
    for seq, at, details in conn.exec_driver_sql(_PURGES):
        try:
            d = json.loads(details)
            before = float(d["before"]) if "before" in d else at - int(d["days"]) * 86400
        except (TypeError, ValueError, KeyError):
            before = _NEVER  # unreadable: the walk finds its commitment broken
        if before > at - LEGAL_FLOOR_DAYS * 86400:
            before = _NEVER
        seqs.append(seq)
        cutoffs.append(before)
    for i in range(len(cutoffs) - 2, -1, -1):
        cutoffs[i] = max(cutoffs[i], cutoffs[i + 1])
    return seqs, cutoffs


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
    purge_seqs, covered_before = purge_cutoffs(conn)
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
                if purged:
                    # Only a later purge whose cutoff is past this entry may have emptied it.
                    after = bisect_right(purge_seqs, seq)
                    if (after == len(purge_seqs) or not at < covered_before[after]
                            or event == "retention.purge"
                            or subject_key is not None or subject_masked is not None
                            or salt is not None or details != "{}"):
                        return _bad(count, seq,
                                    f"第 {seq} 条记录被标记为已清除，但没有覆盖它的到期清除记录",
                                    f"entry {seq} marked purged without a retention purge "
                                    "covering it", checked, known)
                elif commitment_of(salt or "", subject_key, subject_masked, details) != commit:
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
