"""The platform's witness of each desk's audit log: the highest chain head seen per counter.

Every call a desk makes carries ``X-Audit-Head: <seq>:<hash>``, its chain head at that
moment. The platform keeps, per counter, the head with the highest sequence number it
has seen (the first one seen for that number), so a desk that later lacks that entry, or
holds another hash there, cannot claim its log is whole.

The read routes are ``async`` and must not wait on a database write (docs/ARCHITECTURE.md):
a head is taken in memory under a lock, and a writer thread stores the heads that moved,
batched, in the ``witnessed_heads`` table. ``close`` stores what is left, so a platform
stopped cleanly forgets nothing; the answers of ``GET /v1/audit/witness`` come from memory.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import time
from dataclasses import dataclass

from sqlalchemy import Engine, delete, insert, select, update

from sandbox.storage import witnessed_heads

HEADER = "X-Audit-Head"
PATTERN = r"^[1-9][0-9]{0,9}:[0-9a-f]{64}$"
_FORMAT = re.compile(PATTERN)
FLUSH_PAUSE = 0.2  # seconds the writer waits after a change, so a burst is one transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Head:
    """A witnessed head: the sequence number, its hash, when it was first seen."""

    seq: int
    head_hash: str
    seen_at: dt.datetime


def parse(value: str) -> tuple[int, str] | None:
    """``(seq, hash)`` of a header value, or None when it is not ``<seq>:<64 hex>``."""
    if not _FORMAT.match(value):
        return None
    seq, digest = value.split(":")
    number = int(seq)
    return (number, digest) if number <= 2**31 - 1 else None


class WitnessBook:
    """The highest head per counter: in memory for every call, stored by a writer thread."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._heads: dict[str, Head] = {}
        self._dirty: set[str] = set()
        self._wake = threading.Event()
        self._closed = False
        with engine.connect() as conn:
            for row in conn.execute(select(witnessed_heads)):
                self._heads[row.counter_id] = Head(
                    row.seq, row.head_hash, dt.datetime.fromisoformat(row.seen_at))
        self._known = set(self._heads)  # counters that have a stored row
        self._writer = threading.Thread(target=self._write_loop, name="witness-writer",
                                        daemon=True)
        self._writer.start()

    def see(self, counter: str, seq: int, head_hash: str) -> None:
        """Take a head from a call of ``counter``; kept only when it is further along."""
        with self._lock:
            known = self._heads.get(counter)
            if known is not None and known.seq >= seq:
                return
            self._heads[counter] = Head(seq, head_hash, dt.datetime.now(dt.UTC))
            self._dirty.add(counter)
        self._wake.set()

    def get(self, counter: str) -> Head | None:
        """The highest head seen for ``counter``, or None."""
        with self._lock:
            return self._heads.get(counter)

    def forget(self, counter: str) -> None:
        """Drop ``counter``'s head (the demo's fresh desk under a kept counter)."""
        with self._lock:
            self._heads.pop(counter, None)
            self._dirty.discard(counter)
            self._known.discard(counter)
            with self._engine.begin() as conn:
                conn.execute(delete(witnessed_heads)
                             .where(witnessed_heads.c.counter_id == counter))

    def flush(self) -> int:
        """Store the heads that moved since the last flush; returns how many."""
        with self._lock:
            batch = {c: self._heads[c] for c in self._dirty}
            self._dirty.clear()
            if not batch:
                return 0
            # Under the lock, so a forget() cannot interleave with the write of its row.
            with self._engine.begin() as conn:
                for counter, head in batch.items():
                    values = {"seq": head.seq, "head_hash": head.head_hash,
                              "seen_at": head.seen_at.isoformat()}
                    if counter in self._known:
                        conn.execute(update(witnessed_heads)
                                     .where(witnessed_heads.c.counter_id == counter)
                                     .values(**values))
                    else:
                        conn.execute(insert(witnessed_heads)
                                     .values(counter_id=counter, **values))
            self._known.update(batch)
        return len(batch)

    def _write_loop(self) -> None:
        while not self._closed:
            self._wake.wait()
            self._wake.clear()
            if self._closed:
                break
            # A burst of calls (a batch, a sync) becomes one transaction.
            time.sleep(FLUSH_PAUSE)
            try:
                self.flush()
            except Exception:  # noqa: BLE001 - the heads stay dirty; the next change retries
                log.exception("witnessed heads not stored; kept for the next write")
                with self._lock:
                    self._dirty.update(self._heads)

    def close(self) -> None:
        """Stop the writer and store what is left."""
        self._closed = True
        self._wake.set()
        self._writer.join(timeout=5)
        self.flush()
