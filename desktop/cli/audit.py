"""The desk's log commands: ``audit verify|anchor|purge|export|import``.

Same conventions as ``desktop.cli.desk`` (global options, ``--json``, exit codes).
Passwords are typed without echo, or read one per line from standard input with
``--password-stdin`` (scripts); they are never taken as an argument, where they would
land in the shell history and the process list.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from desktop.audit import bundle as audit_bundle
from desktop.audit import retention
from desktop.audit.anchors import queue_head_anchor
from desktop.audit.export import ExportError, export
from desktop.batch.files import BatchFileError
from desktop.bootstrap import Services
from desktop.cli import session as cli_session
from desktop.cli.desk import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_REFUSED,
    common,
    emit,
    fail,
    guarded,
    send_now,
)
from desktop.cli.desk import services as make_services
from desktop.platform.client import PlatformError
from desktop.review import supervision
from desktop.staff import accounts as staff


def _passwords(args: argparse.Namespace, prompts: list[str]) -> list[str]:
    if args.password_stdin:
        lines = sys.stdin.read().splitlines()
        if len(lines) < len(prompts):
            raise staff.StaffError("标准输入中的密码行数不够", "not enough password lines on stdin")
        return lines[: len(prompts)]
    return [getpass.getpass(p) for p in prompts]


def _refusals(run):
    """Staff and export refusals: a message and an exit code, nothing written."""

    def wrapper(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except staff.StaffError as exc:
            return fail(exc, EXIT_REFUSED)
        except (ExportError, BatchFileError) as exc:
            return fail(exc, EXIT_INVALID)

    wrapper.__doc__ = run.__doc__
    return guarded(wrapper)


# ---------------------------------------------------------------------------- audit


def configure_audit(p: argparse.ArgumentParser) -> None:
    """``audit verify|anchor|purge|export|import``."""
    p.add_argument("what", choices=["verify", "anchor", "purge", "export", "import"])
    p.add_argument("file", nargs="?", type=Path, help="import: a log bundle of another desk")
    p.add_argument("--local", action="store_true", help="verify without asking the platform")
    p.add_argument("--bundle", type=Path, help="verify a log bundle exported by a desk")
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="export: first day")
    p.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="export: last day")
    p.add_argument("-o", "--output", type=Path, help="export: .csv, .xlsx or .jsonl (bundle)")
    p.add_argument("--unmasked", action="store_true",
                   help="export whole resident numbers (needs --supervisor)")
    p.add_argument("--supervisor", metavar="STAFF_ID",
                   help="the approving supervisor (purge, unmasked export)")
    p.add_argument("--password-stdin", action="store_true", help="read passwords from stdin")
    common(p)


_WRITES = ("export", "purge", "import")


@_refusals
def run_audit(args: argparse.Namespace) -> int:
    """Verify, anchor, purge or export the desk's audit log."""
    svc = make_services(args)
    try:
        if args.what in _WRITES:  # these write entries: they name the signed-in person
            cli_session.require(svc, decide=args.what == "purge")
        return {"verify": _verify, "anchor": _anchor, "purge": _purge,
                "export": _export, "import": _import}[args.what](args, svc)
    finally:
        svc.close()


def _export(args: argparse.Namespace, svc: Services) -> int:
    if not (args.start and args.end and args.output):
        return fail(ValueError("需要 --from、--to 和 -o / --from, --to and -o are required"),
                    EXIT_INVALID)
    approver = None
    if args.unmasked:
        if not args.supervisor:
            return fail(staff.StaffError("导出未遮盖的号码需要 --supervisor 科室负责人批准",
                                         "an unmasked export needs --supervisor"), EXIT_REFUSED)
        (password,) = _passwords(args, [f"{args.supervisor} 的密码 / password: "])
        approver = staff.require_supervisor(svc.engine, args.supervisor, password)
    done = export(svc.engine, svc.protector, args.output, args.start, args.end,
                  counter=svc.settings["counter_id"], clerk=svc.settings["clerk_id"],
                  approver=approver)
    if done.format == "bundle":  # the key the bundle is checked with; queued when away
        send_now(svc)
    emit(args, {"path": str(done.path), "format": done.format, "entries": done.entries,
                "masked": done.masked},
         lambda: print(f"已导出 {done.entries} 条（{'遮盖' if done.masked else '未遮盖'}）/ "
                       f"exported {done.entries} entries "
                       f"({'masked' if done.masked else 'UNMASKED'}) → {done.path}"))
    return EXIT_OK


def _verify(args: argparse.Namespace, svc: Services) -> int:
    if args.bundle:
        return _verify_bundle(args, svc)
    check = supervision.verify_log(svc, local=args.local)
    result, note, seen = check.result, check.note, check.witness

    def plain() -> None:
        if not result.ok:
            print(f"已被篡改 / NOT intact: 第 {result.first_bad} 条 / entry {result.first_bad}: "
                  f"{result.problem}")
        elif seen is not None and seen.unwitnessed:
            # Not a plain "intact": these entries could still be rewritten without trace.
            print(f"完整，但尚未经平台见证 {seen.unwitnessed} 条（自 {seen.since_text()} 起）/ "
                  f"intact, but not yet witnessed: {seen.unwitnessed} entries since "
                  f"{seen.since_text()}")
            print(f"共 {result.entries} 条 / {result.entries} entries，"
                  f"平台见证到第 {seen.seq} 条 / witnessed up to {seen.seq}，"
                  f"比对锚点 / anchors compared: {result.anchors_checked}")
        else:
            print(f"完整 / intact: {result.entries} 条 entries，"
                  + (f"平台见证到第 {seen.seq} 条 / witnessed up to {seen.seq}，"
                     if seen is not None else "")
                  + f"比对锚点 / anchors compared: {result.anchors_checked}")
        if check.parked:
            print(f"锚点被平台拒收，日志头未能登记 / anchors refused by the platform, the head "
                  f"was not anchored: {len(check.parked)}")
            for row in check.parked:
                print(f"  #{row['id']} {row['anchor']}: {row['reason']}")
        if note:
            print(note)

    emit(args, result.as_dict() | {
        "note": note, "witness": seen.as_dict() if seen is not None else None,
        "not_yet_witnessed": seen.unwitnessed if seen is not None else None,
        "parked_anchors": list(check.parked)}, plain)
    return EXIT_OK if check.ok else EXIT_REFUSED


def _verify_bundle(args: argparse.Namespace, svc: Services) -> int:
    try:
        header = audit_bundle.read_header(args.bundle)
        size = args.bundle.stat().st_size
    except OSError as exc:
        return fail(ValueError(f"无法读取 / cannot read {args.bundle}: {exc.strerror}"),
                    EXIT_INVALID)
    except ValueError as exc:
        return fail(exc, EXIT_REFUSED)
    if size > audit_bundle.MAX_BYTES:
        return fail(ValueError("日志包过大 / bundle too large"), EXIT_INVALID)
    keys = anchors = None
    note = ""
    if not args.local:
        counter = str(header.get("counter", ""))
        try:
            keys = {k.public_key for k in svc.client.desk_keys(counter).keys}
            anchors = {a.seq: a.head_hash for a in svc.client.anchors(counter).anchors}
        except PlatformError as exc:
            note = (f"未能向平台核对密钥和锚点，仅核对了签名 / key and anchors not checked "
                    f"with the platform, signature only: {exc}")
    result = audit_bundle.verify(args.bundle.read_bytes(), keys, anchors)

    def plain() -> None:
        h = result.header
        if result.ok:
            print(f"日志包真实完整 / genuine bundle: {h.get('counter')} {h.get('from')}..."
                  f"{h.get('to')}, {len(result.entries)} 条 entries, "
                  f"比对锚点 / anchors compared: {result.anchors_checked}")
        else:
            print(f"日志包不可信 / bundle NOT genuine: {result.problem}")
        if note:
            print(note)

    emit(args, result.as_dict() | {"note": note}, plain)
    return EXIT_OK if result.ok and keys is not None else EXIT_REFUSED


def _import(args: argparse.Namespace, svc: Services) -> int:
    """Store another desk's bundle when the platform's keys and anchors prove it genuine."""
    if args.file is None:
        return fail(ValueError("需要日志包文件 / a bundle FILE is required"), EXIT_INVALID)
    done = supervision.import_bundle_file(svc, args.file)

    def plain() -> None:
        if done.stored:
            print(f"已导入 / imported: {done.counter}, {done.entries} 条 entries")
        else:
            print(f"未导入 / NOT imported: {done.problem}")

    emit(args, {"stored": done.stored, "problem": done.problem, "counter": done.counter,
                "entries": done.entries, "bundle_id": done.bundle_id,
                "duplicate": done.duplicate}, plain)
    return EXIT_OK if done.stored else EXIT_REFUSED


def _anchor(args: argparse.Namespace, svc: Services) -> int:
    seq = queue_head_anchor(svc, svc.settings["clerk_id"])
    report = svc.outbox.flush(svc.client)
    emit(args, {"seq": seq, "sent": report.sent},
         lambda: print(f"链头 / head: #{seq}，已发送 / sent {report.sent}"))
    return EXIT_OK


def _purge(args: argparse.Namespace, svc: Services) -> int:
    """Purge on demand: a supervisor's password, typed here (four eyes), names the approver."""
    if not args.supervisor:
        return fail(staff.StaffError("立即清除个人信息需要 --supervisor 科室负责人批准",
                                     "purging needs --supervisor (a supervisor's approval)"),
                    EXIT_REFUSED)
    (password,) = _passwords(args, [f"{args.supervisor} 的密码 / password: "])
    approver = staff.require_supervisor(svc.engine, args.supervisor, password)
    days = svc.settings["retention_days"]
    purged = retention.purge(svc, approver)
    emit(args, {"purged": purged, "days": days, "approved_by": approver.staff_id},
         lambda: print(f"已清除 {purged} 条记录的个人信息（超过 {days} 天，{approver.staff_id} "
                       f"批准）/ personal fields of {purged} entries older than {days} days "
                       f"purged (approved by {approver.staff_id})"))
    return EXIT_OK
