"""The desk's document commands: report (print, verify).

The commitment letter is printed by ``fast-track`` (``desktop.cli.commitments``).

Same conventions as ``desktop.cli.desk`` (global options, ``--json``, exit codes).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop import catalogue
from desktop.bootstrap import Services
from desktop.cli import session as cli_session
from desktop.cli.desk import (
    EXIT_INVALID,
    EXIT_NO_ANSWER,
    EXIT_OK,
    EXIT_REFUSED,
    common,
    emit,
    fail,
    guarded,
    send_now,
    services,
)
from desktop.platform.client import PlatformError

# ---------------------------------------------------------------------------- report


def configure_report(p: argparse.ArgumentParser) -> None:
    """``report ID --item CODE -o FILE.pdf`` or ``report verify NUMBER --code CODE | URL | PDF``."""
    p.add_argument("target", nargs="+", metavar="ID | verify NUMBER|QR-URL|FILE.pdf")
    p.add_argument("--code", help="verification code printed on the paper (核验码)")
    p.add_argument("--item", help="business item code")
    p.add_argument("-o", "--output", type=Path, help="PDF to write")
    p.add_argument("--lang", choices=["zh_CN", "en"], default="zh_CN")
    p.add_argument("--offline", action="store_true", help="answer from the snapshot only")
    common(p)


@guarded
def run_report(args: argparse.Namespace) -> int:
    """Print a verifiable credit report, or verify one.

    ``report verify`` exits 0 for genuine, 4 for altered or unknown (the first word of the
    output, or ``status`` with ``--json``, tells which), 2 for input that cannot be
    verified (a number without ``--code`` above all), 3 when the platform cannot answer.
    """
    if args.target[0] == "verify":
        return _verify(args)
    svc = services(args)
    try:
        if not args.item or not args.output:
            return fail(ValueError("需要 --item 和 -o / --item and -o are required"), EXIT_INVALID)
        cli_session.require(svc)
        outcome = svc.checks.check(args.target[0], args.item, offline=args.offline)
        printed = svc.reports.print_report(
            outcome, _item_name(svc, args.item), args.output, args.lang
        )
        send_now(svc)  # register now if the platform is there; the outbox keeps it otherwise
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


def _verify(args: argparse.Namespace) -> int:
    from desktop.reports.code import VerifyInputError
    from desktop.reports.verify import verify

    if len(args.target) != 2:
        return fail(ValueError("用法 / usage: report verify NUMBER --code CODE | QR-URL | "
                               "FILE.pdf"), EXIT_INVALID)
    svc = services(args)
    try:
        result = verify(svc.client, args.target[1], args.code)
    except VerifyInputError as exc:
        return fail(exc, EXIT_INVALID)
    except PlatformError as exc:  # no answer is not an answer: not "unknown"
        return fail(exc, EXIT_NO_ANSWER)
    finally:
        svc.close()
    emit(args, result.as_dict(), lambda: print(f"{result.status}: {result.message}"))
    return EXIT_OK if result.status == "genuine" else EXIT_REFUSED


def _item_name(svc: Services, code: str) -> str:
    """The item's name from the desk's catalogue (the last sync's, else the shipped one)."""
    with svc.engine.connect() as conn:
        known, _ = catalogue.stored_or_shipped(conn)
    return catalogue.item_name(known, code) or code
