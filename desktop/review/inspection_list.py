"""行政监管, list mode: a table of subjects in, their supervision classes out, D first.

Inspectors plan "double random" inspections (双随机、一公开) from a list of the subjects
in their remit. The list is read by the batch readers (:func:`desktop.batch.files.read_table`,
with their limits against hostile files: size, rows, cells, formats), every identifier is
validated locally, each valid one is looked up (:func:`desktop.review.inspection.look_up`)
and logged (in groups, and whatever ends the list: every lookup made has its ``supervise``
entry), a platform refusal of one subject is that row's error (a refusal of the desk's
key ends the list), and the rows come back sorted by class (D, C, B, A, then rows without a class:
offline answers, then invalid identifiers), input order kept within a class. The export
(CSV or XLSX, :func:`desktop.batch.output.write_table`: formulas neutralised, written whole
or not at all) shows resident numbers masked only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop.batch.files import BatchFileError, read_table, validate_rows
from desktop.batch.output import check_target, write_table
from desktop.bootstrap import Services
from desktop.counter.check_service import NoAnswer
from desktop.identifiers import mask, mask_in_text
from desktop.platform.client import PlatformRejected
from desktop.review.inspection import Supervision, log_lookups, look_up, rank

# A planning list is a district's subjects of one kind: hundreds to a few thousand. Each
# takes two platform calls, so a larger file is refused up front rather than run for hours.
MAX_SUBJECTS = 10_000
_LOG_EVERY = 250  # rows logged per transaction
# Refusals of the desk itself (key revoked or unknown, counter not allowed): they end the
# list. Any other refusal concerns one subject and becomes that row's error.
_ENDS_LIST = (401, 403)

HEADER = [
    "行号 / row", "监管类别 / class", "检查频次 / inspection frequency", "主体名称 / name",
    "证件号码 / identifier", "所属区域 / district", "分类依据 / reasons",
    "在效记录 / records in force", "预警 / warnings", "来源 / source", "说明 / note",
]


@dataclass(frozen=True)
class ListRow:
    """One input row: its 1-based data row number and the answer, or why there is none."""

    row: int
    shown_id: str  # masked
    answer: Supervision | None = None
    error: str = ""

    @property
    def order(self) -> tuple[int, int, int]:
        """Sort key: class D first; offline answers after every class; errors last."""
        return (rank(self.answer.supervision_class) if self.answer else 9,
                0 if self.answer else 1, self.row)


def supervise_file(svc: Services, staff_id: str, path: Path, *,
                   progress: Callable[[int, int], None] | None = None,
                   cancelled: Callable[[], bool] = lambda: False) -> list[ListRow]:
    """Look up every subject of ``path`` (CSV/TXT/XLSX/XLS/ET/ODS), logged under
    ``staff_id``; the rows sorted for planning (:attr:`ListRow.order`). ``progress(done,
    total)`` after each row; ``cancelled()`` stops early (the rows so far are returned).
    Raises BatchFileError for a file that cannot be read or is over the limits."""
    table = read_table(Path(path))
    checks = validate_rows(table)
    if len(checks) > MAX_SUBJECTS:
        raise BatchFileError(
            f"监管名单最多 {MAX_SUBJECTS:,} 个主体，请拆分后分批查询",
            f"a supervision list holds at most {MAX_SUBJECTS:,} subjects: split the file",
        )
    rows: list[ListRow] = []
    pending: list[Supervision] = []
    offline = False
    try:
        for n, check in enumerate(checks, start=1):
            if cancelled():
                break
            if check.subject is None:
                rows.append(ListRow(n, mask_in_text(mask(check.raw.strip())),
                                    error=check.error or ""))
            else:
                try:
                    answer = look_up(svc, check.subject, offline=offline)
                except NoAnswer as exc:
                    rows.append(ListRow(n, check.subject.masked, error=str(exc)))
                except PlatformRejected as exc:
                    if exc.status in _ENDS_LIST:
                        raise  # the desk's key is refused: every further row would be too
                    rows.append(ListRow(n, check.subject.masked, error=str(exc)))
                else:
                    # The platform is gone: the rest are answered from the snapshot at
                    # once, not after each row's own retries and deadline.
                    offline = offline or answer.source == "offline"
                    rows.append(ListRow(n, check.subject.masked, answer))
                    pending.append(answer)
            if len(pending) >= _LOG_EVERY:
                log_lookups(svc, staff_id, pending, listed=True)
                pending = []
            if progress is not None:
                progress(n, len(checks))
    finally:
        # Whatever ends the list (a refused key, an untrusted certificate, a cancel), every
        # subject looked up so far is logged.
        log_lookups(svc, staff_id, pending, listed=True)
    return sorted(rows, key=lambda r: r.order)


def export_rows(rows: list[ListRow]) -> tuple[list[str], list[list[object]]]:
    """The export's header and cells, in the rows' order; identifiers masked."""
    cells = []
    for r in rows:
        a = r.answer
        if a is None:
            cells.append([r.row, "", "", "", r.shown_id, "", "", "", "", "", r.error])
            continue
        cls = a.supervision_class
        zh, en = a.class_name
        cells.append([
            r.row,
            f"{cls} {zh} / {en}" if cls else "— 需平台评定 / needs the platform",
            f"{a.frequency} / {a.frequency_en}" if cls else "",
            a.name,
            a.masked,
            a.district,
            "；".join(mask_in_text(x) for x in a.reasons),
            "；".join(f"{k.kind.label_zh}（{k.department}，{k.listed_on}）" for k in a.in_force()),
            "；".join(f"{w.level.value} {w.point}" for w in a.warnings),
            "平台 / platform" if a.source == "platform" else "离线快照 / offline snapshot",
            a.notice.replace("\n", " "),
        ])
    return HEADER, cells


def export(rows: list[ListRow], target: Path, source: Path | None = None) -> None:
    """Write the sorted list to ``target`` (.csv, .txt or .xlsx); never over ``source``."""
    check_target(Path(target), source)
    header, cells = export_rows(rows)
    write_table(Path(target), header, cells)


__all__ = ["HEADER", "MAX_SUBJECTS", "ListRow", "export", "export_rows", "supervise_file"]
