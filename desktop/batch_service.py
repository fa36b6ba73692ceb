"""Batch checks (批量查询): a whole table of applicants through ``POST /v1/batch``.

Every row is validated locally first, so an invalid identifier never costs a request and
gets its reason in the result. Valid rows go to the platform in chunks of at most 1,000
with a few chunks in flight at once; results come back in input order, one output row per
input row. Resident numbers are masked in the output file, which is an export.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy import Engine

from desktop import schemas
from desktop.batch_files import InputTable, RowCheck, validate_rows
from desktop.identifiers import mask
from desktop.platform_client import PlatformClient, PlatformError
from local_cache import store
from local_cache.db import UnitOfWork
from local_cache.protect import Protector

RESULT_COLUMNS = ["核验 / validation", "主体名称 / name", "结论 / verdict",
                  "措施 / measures", "核查编号 / check id"]


@dataclass(frozen=True)
class BatchReport:
    """Counts of one batch run."""

    rows: int
    invalid: int
    checked: int
    failed: int


class BatchService:
    """Runs a batch and logs each checked row like a single check."""

    def __init__(self, engine: Engine, protector: Protector, client: PlatformClient, *,
                 counter: str, clerk: str, chunk: int = schemas.MAX_BATCH,
                 workers: int = 4) -> None:
        self._engine, self._protector, self._client = engine, protector, client
        self._counter, self._clerk = counter, clerk
        self._chunk, self._workers = chunk, workers

    def run(self, table: InputTable, item: str,
            progress: Callable[[int, int], None] | None = None
            ) -> tuple[list[str], list[list[object]], BatchReport]:
        """Check every row; returns the output header, rows and counts."""
        checks = validate_rows(table)
        valid = [c for c in checks if c.subject is not None]
        chunks = [valid[i:i + self._chunk] for i in range(0, len(valid), self._chunk)]
        answers: dict[int, schemas.BatchRow | str] = {}
        done = 0

        def send(chunk: list[RowCheck]) -> list[tuple[int, schemas.BatchRow | str]]:
            try:
                result = self._client.batch(item, [c.subject.normalized for c in chunk])
            except PlatformError as exc:
                return [(c.index, f"未核查 / not checked: {exc}") for c in chunk]
            return [(c.index, row) for c, row in zip(chunk, result.results, strict=True)]

        with ThreadPoolExecutor(max_workers=self._workers) as pool:
            for part in pool.map(send, chunks):  # map keeps chunk order
                answers.update(part)
                done += len(part)
                if progress:
                    progress(done, len(valid))
        rows, failed = self._rows(table, checks, answers)
        self._log(item, answers, checks)
        report = BatchReport(rows=len(checks), invalid=len(checks) - len(valid),
                             checked=len(valid) - failed, failed=failed)
        return table.header + RESULT_COLUMNS, rows, report

    def _rows(self, table: InputTable, checks: list[RowCheck],
              answers: dict[int, schemas.BatchRow | str]) -> tuple[list[list[object]], int]:
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
                row += [check.error, "", "", "", ""]
            elif isinstance(answer, str) or answer is None or answer.result is None:
                failed += 1
                reason = answer if isinstance(answer, str) else (
                    answer.error.message if answer is not None and answer.error else "")
                row += [reason, "", "", "", ""]
            else:
                r = answer.result
                measures = "；".join(f"[{m.kind.value}] {m.text}" for m in r.measures)
                row += ["有效 / valid", r.subject.name, f"{r.verdict.label_zh} / {r.verdict.value}",
                        measures, r.check_id]
            out.append(row)
        return out, failed

    def _log(self, item: str, answers: dict, checks: list[RowCheck]) -> None:
        """One audit entry per checked row, all in one transaction."""
        by_index = {c.index: c for c in checks}
        with UnitOfWork(self._engine) as uow:
            for index, answer in answers.items():
                if isinstance(answer, str) or answer.result is None:
                    continue
                subject = by_index[index].subject
                store.append_audit(uow.conn, self._protector, counter=self._counter,
                                   clerk=self._clerk, event="check", subject_id=subject.normalized,
                                   masked=mask(subject), item=item,
                                   verdict=answer.result.verdict.value, source="platform",
                                   details={"check_id": answer.result.check_id, "batch": True})
            uow.commit()


def _mask_digits(text: str) -> str:
    """Hide the birth date of every run that could be a resident number (15 or 18 long)."""

    def hide(m: re.Match) -> str:
        run = m.group(0)
        keep = 4 if len(run) >= 18 else 3
        return run[:6] + "*" * (len(run) - 6 - keep) + run[-keep:]

    return re.sub(r"\d{15,17}[\dXx]?", hide, text)
