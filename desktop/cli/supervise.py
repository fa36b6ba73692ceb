"""``creditdesk supervise``: 行政监管 for inspectors, headless.

``supervise ID [--json]`` prints one subject's supervision class, the reasons, records and
warnings behind it and the inspection frequency it implies; ``supervise --file IN -o OUT``
looks up a list (CSV/TXT/XLSX/XLS/ET/ODS) and writes it sorted by class, D first, as
CSV or XLSX with resident numbers masked. Every lookup is a ``supervise`` log entry of the
signed-in inspector, supervisor or service account (a clerk is refused). Exit codes as
``desktop.cli.desk``: 2 invalid input, 3 no answer, 4 refused.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.cli import session as cli_session
from desktop.cli.desk import (
    EXIT_INVALID,
    EXIT_NO_ANSWER,
    EXIT_OK,
    common,
    emit,
    fail,
    guarded,
    services,
)
from desktop.counter.check_service import NoAnswer


def configure(p: argparse.ArgumentParser) -> None:
    """``supervise ID`` or ``supervise --file IN -o OUT``."""
    p.add_argument("identifier", metavar="ID", nargs="?", help="credit code or resident number")
    p.add_argument("--file", type=Path, metavar="IN",
                   help="a list of subjects (CSV, XLSX, XLS, ET or ODS)")
    p.add_argument("-o", "--output", type=Path, metavar="OUT",
                   help="the sorted list as CSV or XLSX (with --file)")
    p.add_argument("--kind", choices=["uscc", "resident_id"])
    p.add_argument("--offline", action="store_true",
                   help="do not ask the platform (no class: the snapshot's records only)")
    common(p)


def run(args: argparse.Namespace) -> int:
    """One subject, or a list with ``--file``."""
    if (args.identifier is None) == (args.file is None):
        print("错误 / error: 请给出一个号码或 --file 名单（二者选一） / give one identifier "
              "or --file, not both", file=sys.stderr)
        return EXIT_INVALID
    if args.file is not None and args.output is None:
        print("错误 / error: --file 需要 -o 结果文件 / --file needs -o OUTPUT", file=sys.stderr)
        return EXIT_INVALID
    return _run_list(args) if args.file is not None else _run_one(args)


@guarded
def _run_one(args: argparse.Namespace) -> int:
    from desktop.review import inspection

    svc = services(args)
    try:
        person = cli_session.require(svc)
        inspection.require_inspection(person)
        answer = inspection.supervise(svc, person.staff_id, args.identifier, kind=args.kind,
                                      offline=args.offline)
    finally:
        svc.close()
    emit(args, answer.public(), lambda: _print(answer))
    return EXIT_OK


def _print(a) -> None:
    if a.notice:
        print(a.notice)
    if a.supervision_class:
        zh, en = a.class_name
        print(f"监管类别 / class: {a.supervision_class} {zh} / {en}")
        print(f"检查频次 / inspection frequency: {a.frequency} / {a.frequency_en}")
    else:
        print("监管类别 / class: — 需平台评定 / needs the platform")
    print(f"主体 / subject: {a.name or '（平台无记录 / unknown）'} {a.masked} {a.district}")
    print(f"来源 / source: {'平台' if a.source == 'platform' else '离线快照'} / {a.source}")
    if a.reasons:
        print("分类依据 / reasons:")
        for reason in a.reasons:
            print(f"  - {reason}")
    in_force = a.in_force()
    print(f"在效记录 / records in force: {len(in_force)}")
    for r in in_force:
        until = f"–{r.expires_on}" if r.expires_on else ""
        print(f"  - {r.kind.label_zh} / {r.kind.value}  {r.department}  {r.listed_on}{until}  "
              f"{r.basis}")
    if a.source == "platform":
        print(f"预警 / warnings: {len(a.warnings)}")
        for w in a.warnings:
            print(f"  - [{w.level.value}] {w.point} ({w.since})")


@guarded
def _run_list(args: argparse.Namespace) -> int:
    from desktop.batch.files import BatchFileError
    from desktop.batch.output import check_target
    from desktop.review import inspection, inspection_list

    try:
        check_target(args.output, args.file)  # before any row is read or looked up
    except BatchFileError as exc:
        return fail(exc, EXIT_INVALID)
    svc = services(args)

    def progress(done: int, total: int) -> None:
        print(f"\r行政监管 / supervising {done:,}/{total:,}", end="", file=sys.stderr, flush=True)

    try:
        person = cli_session.require(svc)
        inspection.require_inspection(person)
        rows = inspection_list.supervise_file(svc, person.staff_id, args.file,
                                              progress=progress)
        inspection_list.export(rows, args.output, args.file)
    except BatchFileError as exc:
        return fail(exc, EXIT_INVALID)
    finally:
        svc.close()
    print(file=sys.stderr)
    counts = {c: sum(1 for r in rows if r.answer and r.answer.supervision_class == c)
              for c in inspection.CLASS_ORDER}
    summary = {"rows": len(rows), "classes": counts,
               "offline": sum(1 for r in rows if r.answer and r.answer.source == "offline"),
               "failed": sum(1 for r in rows if r.answer is None), "output": str(args.output)}
    emit(args, summary, lambda: print(
        f"共 {len(rows)} 行 / rows：" + "，".join(f"{c}类 {n}" for c, n in counts.items())
        + f"，离线 {summary['offline']}，未查到 {summary['failed']} / offline, not answered "
        f"→ {args.output}"))
    if rows and all(r.answer is None for r in rows):
        return fail(NoAnswer("没有一行得到答复，原因见结果文件各行 / no row could be answered: "
                             "each row of the result says why"), EXIT_NO_ANSWER)
    return EXIT_OK
