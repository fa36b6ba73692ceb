"""Batch checks (批量查询): a whole table of applicants through ``POST /v1/batch``.

Every row is validated locally first, so an invalid identifier never costs a request and
gets its reason in the result. Valid rows go to the platform in chunks of 500 (at most
1,000, the contract's limit) with a few chunks in flight at once; results come back in
input order, one output row per input row. Resident numbers are masked in the output
file, which is an export.

Rows follow the single check's rules (``desktop.counter.check_service``): a chunk the
platform cannot answer (unreachable, failing, an answer that contradicts itself) is
answered row by row from the list snapshot, marked offline with its age in the source
column; a refusal (401 and other 4xx, an untrusted certificate, a row the platform
refuses) is not answered offline. The report counts rows answered online, offline and
not at all.

A run can be cancelled (the window's Cancel button): chunks already sent finish and are
kept and logged; chunks not yet sent are not sent, and their rows come back marked
:data:`CANCELLED`. :func:`row_status` tells a result row's state without parsing its text.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import Engine

from desktop.batch.files import InputTable, RowCheck, validate_rows
from desktop.counter.check_service import CheckOutcome, CheckService, NoAnswer
from desktop.identifiers import SubjectId, mask
from desktop.platform import schemas
from desktop.platform.client import (
    PlatformClient,
    PlatformError,
    PlatformProtocolError,
    PlatformUnavailable,
    PlatformUntrusted,
)
from local_cache import store
from local_cache.db import UnitOfWork
from local_cache.protect import Protector

_CST = dt.timezone(dt.timedelta(hours=8))

RESULT_COLUMNS = ["核验 / validation", "主体名称 / name", "结论 / verdict",
                  "措施 / measures", "核查编号 / check id", "来源 / source"]
VALID = "有效 / valid"
ONLINE = "信用平台 / platform"
NOT_CHECKED = "未核查 / not checked"
CANCELLED = "未核查（已取消）/ not checked (cancelled)"

# A loop of short SQLite calls releases and retakes the interpreter lock so often that
# another thread waiting for it (a window's GUI thread) can miss its turn for 30-60 ms
# (the GIL "convoy effect"); a 1 ms pause between groups of 200 audit entries (one
# executemany each, about 8 ms of work) hands it over.
_PAUSE_EVERY = 200

# Rows per request. Each answered chunk is checked and logged while the platform answers
# the next ones, so what is left after the last answer (its parsing and log) is one
# chunk's work per request in flight: half a 1,000-row chunk's.
CHUNK = 500

# What row_status() answers, one per result row.
STATUS_VALID, STATUS_INVALID, STATUS_FAILED, STATUS_CANCELLED = (
    "valid", "invalid", "failed", "cancelled")


@dataclass(frozen=True)
class BatchReport:
    """Counts of one batch run."""

    rows: int
    invalid: int
    checked: int  # rows answered: online + offline
    failed: int  # valid rows not answered (neither the platform nor the snapshot)
    cancelled: bool = False
    skipped: int = 0  # valid rows not sent because the run was cancelled
    verdicts: dict[str, int] = field(default_factory=dict)  # checked rows per verdict
    online: int = 0  # rows the platform answered
    offline: int = 0  # rows answered from the snapshot

    @property
    def answered_none(self) -> bool:
        """Not one row got a verdict: the CLI exits 3, the window says so."""
        return self.checked == 0 and not self.cancelled


class BatchService:
    """Runs a batch and logs each checked row like a single check."""

    def __init__(self, engine: Engine, protector: Protector, client: PlatformClient, *,
                 counter: str, clerk: str, chunk: int = CHUNK,
                 workers: int = 4, checks: CheckService | None = None) -> None:
        self._engine, self._protector, self._client = engine, protector, client
        self._counter, self._clerk = counter, clerk
        self._chunk, self._workers = chunk, workers
        self._checks = checks  # the single check's offline answer; None: no fallback

    @property
    def chunk(self) -> int:
        """Rows per batch request (at most ``schemas.MAX_BATCH``) unless ``run`` is told."""
        return self._chunk

    @property
    def workers(self) -> int:
        """Batch requests in flight at once."""
        return self._workers

    def run(self, table: InputTable, item: str,
            progress: Callable[[int, int], None] | None = None, *,
            cancel: threading.Event | None = None, chunk: int | None = None
            ) -> tuple[list[str], list[list[object]], BatchReport]:
        """Check every row; returns the output header, rows and counts.

        ``progress(done, total)`` follows the valid rows answered, in chunk order. Once
        ``cancel`` is set no further chunk is sent; the report then says ``cancelled``.
        ``chunk`` overrides the rows per request (a window sends smaller ones: parsing a
        1,000-row answer holds the interpreter lock, and so its GUI thread, for 15-40 ms).
        """
        if self._checks is not None:
            self._checks.refuse_outside(item)  # another department's item: OutsideDepartment
        size = max(1, min(chunk or self._chunk, schemas.MAX_BATCH))
        checks = validate_rows(table)
        valid = [c for c in checks if c.subject is not None]
        chunks = [valid[i:i + size] for i in range(0, len(valid), size)]
        answers: dict[int, _Answer | str] = {}
        done = 0

        def send(chunk: list[RowCheck]) -> list[tuple[int, _Answer | str]]:
            if cancel is not None and cancel.is_set():  # checked just before sending
                return [(c.index, CANCELLED) for c in chunk]
            try:
                result = self._client.batch(item, [c.subject.normalized for c in chunk])
            except PlatformUntrusted as exc:
                # Not an outage (wrong trust settings or an interception): as a single check.
                return [(c.index, f"{NOT_CHECKED}: {exc}") for c in chunk]
            except (PlatformUnavailable, PlatformProtocolError) as exc:
                return [(c.index, self._offline(c.subject, item, str(exc))) for c in chunk]
            except PlatformError as exc:  # a refusal (401, 4xx): no offline answer either
                return [(c.index, f"{NOT_CHECKED}: {exc}") for c in chunk]
            # Keep a few strings per row, not the parsed answer (dozens of objects a row).
            return [(c.index, _answer(row)) for c, row in zip(chunk, result.results, strict=True)]

        by_index = {c.index: c for c in valid}
        with ThreadPoolExecutor(max_workers=self._workers) as pool:
            for part in pool.map(send, chunks):  # map keeps chunk order
                answers.update(part)
                if part and part[0][1] == CANCELLED:
                    continue  # not answered: progress stays where the run stopped
                # Logged as each chunk comes back, while the platform answers the next
                # ones: logging after the last answer doubled a batch's time.
                self._log(item, part, by_index)
                done += len(part)
                if progress:
                    progress(done, len(valid))
        rows, failed = self._rows(table, checks, answers)
        skipped = sum(1 for a in answers.values() if isinstance(a, str) and a == CANCELLED)
        failed -= skipped
        answered = [a for a in answers.values() if isinstance(a, _Answer)]
        verdicts = Counter(a.verdict for a in answered)
        offline = sum(1 for a in answered if a.source == "offline")
        report = BatchReport(rows=len(checks), invalid=len(checks) - len(valid),
                             checked=len(valid) - failed - skipped, failed=failed,
                             cancelled=cancel is not None and cancel.is_set(), skipped=skipped,
                             verdicts=dict(verdicts), online=len(answered) - offline,
                             offline=offline)
        return table.header + RESULT_COLUMNS, rows, report

    def _rows(self, table: InputTable, checks: list[RowCheck],
              answers: dict[int, _Answer | str]) -> tuple[list[list[object]], int]:
        out: list[list[object]] = []
        failed = 0
        for check in checks:
            row = list(table.rows[check.index])
            if check.subject is not None:
                row[table.id_column] = check.subject.masked
            else:
                # An invalid number may still be a person's (one digit mistyped).
                row[table.id_column] = _mask_digits(str(row[table.id_column]))
            answer = answers.get(check.index)
            if check.error is not None:
                row += [check.error, "", "", "", "", ""]
            elif not isinstance(answer, _Answer):
                failed += 1
                row += [answer or NOT_CHECKED, "", "", "", "", ""]
            else:
                row += [VALID, answer.name, answer.verdict_text, answer.measures,
                        answer.check_id, answer.source_text]
            out.append(row)
        return out, failed

    def _log(self, item: str, part: list[tuple[int, _Answer | str]],
             by_index: dict[int, RowCheck]) -> None:
        """One audit entry per checked row of one answered chunk, in one transaction."""
        entries = []
        for index, answer in part:
            if not isinstance(answer, _Answer):
                continue
            subject = by_index[index].subject
            entries.append({"counter": self._counter, "clerk": self._clerk, "event": "check",
                            "subject_id": subject.normalized, "masked": mask(subject),
                            "item": item, "verdict": answer.verdict, "source": answer.source,
                            "details": {"check_id": answer.check_id, "batch": True,
                                        **({"stale": answer.stale}
                                           if answer.source == "offline" else {})}})
        if not entries:
            return
        with UnitOfWork(self._engine) as uow:
            for i in range(0, len(entries), _PAUSE_EVERY):
                if i:
                    time.sleep(0.001)  # see _PAUSE_EVERY
                store.append_audit_many(uow.conn, self._protector, entries[i:i + _PAUSE_EVERY])
            uow.commit()

    def _offline(self, subject: SubjectId, item: str, reason: str) -> _Answer | str:
        """The snapshot's answer for one row the platform could not answer, or why none."""
        if self._checks is None:
            return f"{NOT_CHECKED}: {reason}"
        try:
            outcome = self._checks.offline_answer(subject, item, reason)
        except NoAnswer as exc:
            return f"{NOT_CHECKED}: {exc}"
        synced = outcome.snapshot_synced_at or (
            outcome.as_of - dt.timedelta(hours=outcome.snapshot_age_hours or 0.0))
        return _kept(outcome, offline_source(synced, outcome.stale), stale=outcome.stale)


class _Answer(NamedTuple):
    """What the result file and the audit log need of one answered row."""

    name: str
    verdict: str
    verdict_text: str
    measures: str
    check_id: str
    source_text: str = ONLINE  # the source column
    source: str = "platform"  # the audit entry's source: platform or offline
    stale: bool = False


def offline_source(synced_at: dt.datetime, stale: bool) -> str:
    """The source column of a row answered from the snapshot: offline, with the time the
    snapshot was synced (Beijing time). Absolute: a result file is kept and printed, and
    "N hours ago" is true only the day it was written."""
    at = synced_at.astimezone(_CST)
    text = (f"离线快照（{at.year}年{at.month}月{at.day}日 {at:%H:%M} 北京时间同步）/ offline "
            f"snapshot synced {at:%Y-%m-%d %H:%M} (UTC+8)")
    return text + ("，已过时 / stale" if stale else "")


def _kept(r: schemas.CreditResult | CheckOutcome, source_text: str = ONLINE, *,
          stale: bool = False) -> _Answer:
    """An answer (the platform's, or the snapshot's with ``source_text``) as kept."""
    measures = "；".join(f"[{m.kind.value}] {m.text}" for m in r.measures)
    source = "platform" if source_text == ONLINE else "offline"
    return _Answer(r.subject.name or "", r.verdict.value,
                   f"{r.verdict.label_zh} / {r.verdict.value}", measures, r.check_id,
                   source_text, source, stale)


def _answer(row: schemas.BatchRow) -> _Answer | str:
    """One platform row as kept: the answer, or the reason it has none."""
    r = row.result
    if r is None:
        return f"{NOT_CHECKED}: {row.error.message}" if row.error else NOT_CHECKED
    return _kept(r)


# ---------------------------------------------------------------- beside a GUI thread
# A window runs a batch on a worker thread while its GUI thread must keep drawing; both
# share one interpreter lock. These two keep the worker from holding it for long.


class ProgressThrottle:
    """Passes ``(done, total)`` on at most every ``interval`` seconds, and the last one."""

    def __init__(self, emit: Callable[[int, int], None], interval: float) -> None:
        self._emit, self._interval = emit, interval
        self._sent = 0.0
        self._pending: tuple[int, int] | None = None

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - self._sent >= self._interval:
            self._sent, self._pending = now, None
            self._emit(done, total)
        else:
            self._pending = (done, total)

    def flush(self) -> None:
        """Pass on the last call held back, if any."""
        if self._pending is not None:
            self._emit(*self._pending)
            self._pending = None


_gc_lock = threading.Lock()
_gc_holds = 0
_gc_was_frozen = False


@contextlib.contextmanager
def heap_frozen() -> Iterator[Callable[[], None]]:
    """Keep objects out of the garbage collector's passes while a batch runs.

    Parsing 10,000 answers allocates hundreds of thousands of objects, which triggers
    full collections; each walked the whole heap (about 400,000 objects) holding the
    interpreter lock, so a window's GUI thread stood still for 100-230 ms at a time.
    ``gc.freeze`` moves what exists now aside; the ``set_aside()`` this yields does it
    again (call it after each answered chunk), so no pass walks more than what the last
    chunk left. The collector keeps running. Counted, in case two jobs overlap.

    When nothing was frozen before (a command), everything is put back after the batch
    and its reference cycles are collected. When something was (the window freezes its
    start-up objects, ``ui.event_loop.GuiThreadCollector``), it all stays frozen: putting it back
    made every later full pass walk start-up's heap again on the GUI thread (a 713 ms
    stall during a sync after a batch); the batch's own cycles stay uncollected (none
    were found in 11,000 identifier parses).
    """
    global _gc_holds, _gc_was_frozen

    def set_aside() -> None:
        with _gc_lock:
            if _gc_holds:
                gc.freeze()

    with _gc_lock:
        if _gc_holds == 0:
            _gc_was_frozen = gc.get_freeze_count() > 0
            gc.freeze()
        _gc_holds += 1
    try:
        yield set_aside
    finally:
        with _gc_lock:
            _gc_holds -= 1
            if _gc_holds == 0 and not _gc_was_frozen:
                gc.unfreeze()


def row_status(header: list[str], row: list[object]) -> str:
    """``valid``, ``invalid``, ``failed`` or ``cancelled`` for one row of ``run``'s output."""
    at = len(header) - len(RESULT_COLUMNS)
    reason = str(row[at])
    if reason == VALID:
        return STATUS_VALID
    if reason == CANCELLED:
        return STATUS_CANCELLED
    if reason.startswith(NOT_CHECKED):
        return STATUS_FAILED
    return STATUS_INVALID


def row_verdict(header: list[str], row: list[object]) -> str | None:
    """The verdict (``prohibit`` ... ``clear``) of a checked row of ``run``'s output."""
    if row_status(header, row) != STATUS_VALID:
        return None
    text = str(row[len(header) - len(RESULT_COLUMNS) + 2])
    return text.rpartition(" / ")[2] or None


def _mask_digits(text: str) -> str:
    """Hide the birth date of every run that could be a resident number (15 or 18 long)."""

    def hide(m: re.Match) -> str:
        run = m.group(0)
        keep = 4 if len(run) >= 18 else 3
        return run[:6] + "*" * (len(run) - 6 - keep) + run[-keep:]

    return re.sub(r"\d{15,17}[\dXx]?", hide, text)
