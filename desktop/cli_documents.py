"""The desk's document and log commands: report, commitment, audit.

Same conventions as ``desktop.client_cli`` (global options, ``--json``, exit codes).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop import schemas
from desktop.bootstrap import Services
from desktop.client_cli import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_REFUSED,
    common,
    emit,
    fail,
    guarded,
    services,
)
from desktop.credentials import SecretsUnavailable
from desktop.platform_client import PlatformError

# ---------------------------------------------------------------------------- report


def configure_report(p: argparse.ArgumentParser) -> None:
    """``report ID --item CODE -o FILE.pdf`` or ``report verify REPORT_NO_OR_PDF``."""
    p.add_argument("target", nargs="+", metavar="ID | verify NUMBER_OR_PDF")
    p.add_argument("--item", help="business item code")
    p.add_argument("-o", "--output", type=Path, help="PDF to write")
    p.add_argument("--lang", choices=["zh_CN", "en"], default="zh_CN")
    p.add_argument("--offline", action="store_true", help="answer from the snapshot only")
    common(p)


@guarded
def run_report(args: argparse.Namespace) -> int:
    """Print a verifiable credit report, or verify one."""
    from desktop.report_service import verify_document

    svc = services(args)
    try:
        if args.target[0] == "verify":
            if len(args.target) != 2:
                return fail(ValueError("用法 / usage: report verify NUMBER_OR_PDF"), EXIT_INVALID)
            result = verify_document(svc.client, args.target[1])
            emit(args, result.__dict__, lambda: print(f"{result.status}: {result.message}"))
            return EXIT_OK if result.status == "genuine" else EXIT_REFUSED
        if not args.item or not args.output:
            return fail(ValueError("需要 --item 和 -o / --item and -o are required"), EXIT_INVALID)
        outcome = svc.checks.check(args.target[0], args.item, offline=args.offline)
        printed = svc.reports.print_report(
            outcome, _item_name(svc, args.item), args.output, args.lang
        )
        try:  # register now if the platform is there; the outbox keeps it otherwise
            svc.outbox.flush(svc.client)
        except (PlatformError, SecretsUnavailable):
            pass
    finally:
        svc.close()
    emit(
        args,
        {
            "report_no": printed.number,
            "verification_code": printed.verification_code,
            "sha256": printed.sha256,
            "path": str(printed.path),
        },
        lambda: print(
            f"报告 / report {printed.number}（核验码 / code "
            f"{printed.verification_code}）→ {printed.path}"
        ),
    )
    return EXIT_OK


def configure_commitment(p: argparse.ArgumentParser) -> None:
    """``commitment ID --item CODE -o FILE.pdf``."""
    p.add_argument("identifier", metavar="ID")
    p.add_argument("--item", required=True, help="business item code")
    p.add_argument("-o", "--output", type=Path, required=True, help="PDF to write")
    p.add_argument("--lang", choices=["zh_CN", "en"], default="zh_CN")
    common(p)


@guarded
def run_commitment(args: argparse.Namespace) -> int:
    """Print the credit commitment letter of a tolerance acceptance (容缺受理)."""
    svc = services(args)
    try:
        outcome = svc.checks.check(args.identifier, args.item)
        answer = svc.client.tolerance(outcome.subject.id, args.item)
        if not answer.eligible:
            return fail(
                ValueError(f"不适用容缺受理 / tolerance not available: {answer.reason}"),
                EXIT_REFUSED,
            )
        item = next(i for i in svc.client.catalog().items if i.code == args.item)
        printed = svc.reports.print_commitment(outcome, answer, item, args.output, args.lang)
        try:
            svc.outbox.flush(svc.client)
        except (PlatformError, SecretsUnavailable):
            pass
    finally:
        svc.close()
    emit(
        args,
        {
            "letter_no": printed.number,
            "verification_code": printed.verification_code,
            "sha256": printed.sha256,
            "path": str(printed.path),
        },
        lambda: print(
            f"承诺书 / letter {printed.number}（核验码 / code "
            f"{printed.verification_code}）→ {printed.path}"
        ),
    )
    return EXIT_OK


def _item_name(svc: Services, code: str) -> str:
    from local_cache import store

    with svc.engine.connect() as conn:
        catalog = store.get_meta(conn, "catalog_json")
    if catalog:
        for item in schemas.CatalogOut.model_validate_json(catalog).items:
            if item.code == code:
                return item.name
    return code


# ---------------------------------------------------------------------------- audit


def configure_audit(p: argparse.ArgumentParser) -> None:
    """``audit verify|anchor``."""
    p.add_argument("what", choices=["verify", "anchor", "purge"])
    p.add_argument("--local", action="store_true", help="verify without asking the platform")
    common(p)


@guarded
def run_audit(args: argparse.Namespace) -> int:
    """Verify the log's chain against the platform's anchors, or anchor the head now."""
    from desktop.audit import verify
    from local_cache import store
    from local_cache.db import UnitOfWork

    svc = services(args)
    counter = svc.settings["counter_id"]
    try:
        if args.what == "purge":
            import time

            days = svc.settings["retention_days"]
            with UnitOfWork(svc.engine) as uow:
                purged = store.purge_personal(uow.conn, time.time() - days * 86400)
                store.append_audit(
                    uow.conn,
                    svc.protector,
                    counter=counter,
                    clerk=svc.settings["clerk_id"],
                    event="retention.purge",
                    details={"entries": purged, "days": days},
                )
                uow.commit()
            emit(
                args,
                {"purged": purged, "days": days},
                lambda: print(
                    f"已清除 {purged} 条记录的个人信息（超过 {days} 天）/ personal fields of "
                    f"{purged} entries older than {days} days purged"
                ),
            )
            return EXIT_OK
        if args.what == "anchor":
            with UnitOfWork(svc.engine) as uow:
                seq, head = store.audit_head(uow.conn)
                if seq and not _anchored(uow.conn, counter, seq):
                    store.queue_anchor(uow.conn, svc.protector, counter, seq, head)
                uow.commit()
            report = svc.outbox.flush(svc.client)
            emit(
                args,
                {"seq": seq, "sent": report.sent},
                lambda: print(f"链头 / head: #{seq}，已发送 / sent {report.sent}"),
            )
            return EXIT_OK
        anchors, note = None, ""
        if not args.local:
            try:
                listed = svc.client.anchors(counter).anchors
                anchors = {a.seq: a.head_hash for a in listed}
            except PlatformError as exc:
                note = f"未能与平台锚点比对 / anchors not compared: {exc}"
        with svc.engine.connect() as conn:
            result = verify(conn, svc.protector, anchors)
    finally:
        svc.close()

    def plain() -> None:
        if result.ok:
            print(
                f"完整 / intact: {result.entries} 条 entries，"
                f"比对锚点 / anchors compared: {result.anchors_checked}"
            )
        else:
            print(
                f"已被篡改 / NOT intact: 第 {result.first_bad} 条 / entry {result.first_bad}: "
                f"{result.problem}"
            )
        if note:
            print(note)

    emit(args, result.as_dict() | {"note": note}, plain)
    return EXIT_OK if result.ok else EXIT_REFUSED


def _anchored(conn, counter: str, seq: int) -> bool:
    from sqlalchemy import select

    from local_cache.tables import outbox

    key = f"anchor-{counter}-{seq}"
    return (
        conn.execute(select(outbox.c.id).where(outbox.c.idempotency_key == key)).first() is not None
    )
