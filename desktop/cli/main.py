"""The ``creditdesk`` command line, headless.

Subcommands are small classes registered in one table; the window layer adds its own
(``gui``) through :func:`main`'s ``extra`` argument, so this module never imports Qt.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from desktop import __version__
from desktop.identifiers import IdentifierError, IdentifierKind, parse_identifier

EXIT_OK = 0
EXIT_INVALID_INPUT = 2


@dataclass(frozen=True)
class Command:
    """A subcommand: its help line, how to add its arguments, and what it runs."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    # A command taking --data-dir logs into that folder's log file (desktop.logfile);
    # the window sets its log up itself (the demo's folder is made later).
    logs: bool = True


def _configure_id(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", metavar="INPUT", help="typed, pasted or scanned identifier")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--kind",
        choices=[k.value for k in IdentifierKind],
        help="accept only this kind (needed only for a number valid as both)",
    )


def _run_id(args: argparse.Namespace) -> int:
    try:
        subject = parse_identifier(args.input, kind=args.kind)
    except IdentifierError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return EXIT_INVALID_INPUT
    if args.json:
        print(
            json.dumps(
                {
                    "kind": subject.kind.value,
                    "normalized": subject.normalized,
                    "masked": subject.masked,
                    "converted_from_15": subject.converted_from_15,
                },
                ensure_ascii=False,
            )
        )
        return EXIT_OK
    # Plain output is what lands on screens and in terminal scrollback: masked only.
    print(f"类型 / kind: {subject.kind.label_zh} / {subject.kind.label_en}")
    print(f"号码 / number: {subject.masked}")
    if subject.converted_from_15:
        print("说明 / note: 由15位旧号码转换为18位 / converted from a 15-digit number")
    if subject.extracted:
        print("说明 / note: 从扫描内容中提取 / taken from a longer scanned text")
    return EXIT_OK


def _client_commands() -> tuple[Command, ...]:
    from desktop.cli import alerts as al
    from desktop.cli import audit as a
    from desktop.cli import bridge as b
    from desktop.cli import commitments as m
    from desktop.cli import desk as c
    from desktop.cli import diagnostics as g
    from desktop.cli import documents as d
    from desktop.cli import keys as k
    from desktop.cli import staff as st
    from desktop.cli import supervise as s

    return (
        Command("check", "check a subject for an item / 信用核查", c.configure_check, c.run_check),
        Command("sync", "sync the offline list snapshot / 同步名单", c.configure_sync, c.run_sync),
        Command("alerts", "changes of checked subjects / 变动提醒", al.configure_alerts,
                al.run_alerts),
        Command("feedback", "record the action on a check / 反馈", c.configure_feedback,
                c.run_feedback),
        Command("outbox", "queued feedback / 反馈队列", c.configure_outbox, c.run_outbox),
        Command("batch", "check a CSV/XLSX/XLS/ET/ODS of applicants / 批量核查", c.configure_batch,
                c.run_batch),
        Command("report", "print or verify a credit report / 信用报告", d.configure_report,
                d.run_report),
        Command("fast-track", "tolerance acceptance: letter, commitment, feedback / 容缺受理",
                m.configure_fast_track, m.run_fast_track),
        Command("commitment", "old name of fast-track: letter, commitment and feedback "
                "(--missing optional) / 同 fast-track",
                m.configure_commitment, m.run_fast_track),
        Command("commitments", "list or close commitments / 承诺跟踪", m.configure_commitments,
                m.run_commitments),
        Command("audit", "verify, anchor, purge, export or import the audit log / 审计日志",
                a.configure_audit, a.run_audit),
        Command("staff", "add, list, disable, enable, reset-password, passwd / 工作人员账号",
                st.configure, st.run),
        Command("key", "export or import the data key / 数据密钥备份", k.configure_key,
                k.run_key),
        Command("login", "store the API key, or sign in as staff / 登录", c.configure_login,
                c.run_login),
        Command("logout", "remove the API key or end the staff session / 退出",
                c.configure_logout, c.run_logout),
        Command("diagnostics", "a zip for support, no personal data / 诊断信息",
                g.configure, g.run),
        Command("bridge", "systems paired with the local bridge, its API / 本机桥接",
                b.configure, b.run),
        Command("supervise", "supervision class of a subject or a list / 行政监管",
                s.configure, s.run),
    )


COMMANDS: tuple[Command, ...] = (
    Command("id", "validate and normalise an identifier / 校验号码", _configure_id, _run_id),
)


def build_parser(extra: Sequence[Command] = ()) -> argparse.ArgumentParser:
    """The full parser: core commands plus any the caller adds."""
    parser = argparse.ArgumentParser(
        prog="creditdesk",
        description="一窗受理信用核查客户端 / CreditDesk, credit checks at the one-window counter",
    )
    parser.add_argument("--version", action="version", version=f"creditdesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in (*COMMANDS, *_client_commands(), *extra):
        p = sub.add_parser(command.name, help=command.help, description=command.help)
        command.configure(p)
        p.set_defaults(_run=command.run, _logs=command.logs)
    return parser


def main(argv: Sequence[str] | None = None, extra: Sequence[Command] = ()) -> int:
    """Run one command and return its exit code."""
    for stream in (sys.stdout, sys.stderr):
        # A Windows console or a pipe with a legacy code page must not crash on Chinese.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    parser = build_parser(extra)
    args = parser.parse_args(argv)
    if not hasattr(args, "_run"):
        parser.print_help()
        return EXIT_OK
    if args._logs and hasattr(args, "data_dir"):
        _open_log(args)
    code = EXIT_OK
    try:
        code = args._run(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the try, not at shutdown
        return code
    except BrokenPipeError:
        return _reader_gone(code)
    except Exception:  # what no command turned into a message: logged, then as before
        logging.getLogger("desktop.cli.main").exception("creditdesk %s failed", args.command)
        raise


def _reader_gone(code: int) -> int:
    """``creditdesk check ... | head -1``: the reader closed the pipe, by its own choice.

    Python's signal documentation ("Note on SIGPIPE"): stdout goes to devnull, so the
    flush at exit cannot raise a second BrokenPipeError, and the command ends quietly.
    Every command prints after its work (the check kept, the batch file written), so the
    exit code is the command's own, or 0 when the pipe closed while it was still printing.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError) as exc:  # no file descriptor behind stdout (an embedding
        # host): nothing to redirect; the exit flush may complain once, the code stands
        logging.getLogger("desktop.cli.main").info("stdout not redirected after a closed "
                                                   "pipe: %s", type(exc).__name__)
    return code


def _open_log(args: argparse.Namespace) -> None:
    """The data directory's log file, from the start of the command (never its arguments:
    they may carry an identifier or a password). A folder that does not exist yet is not
    made for the log: the command that makes it (or refuses to) decides; the log starts
    with the next command."""
    from desktop import logfile
    from desktop.settings import default_data_dir

    data_dir = args.data_dir or default_data_dir()
    if not data_dir.is_dir():
        return
    try:
        logfile.setup(data_dir)
    except OSError as exc:  # a read-only or missing folder: the command still runs
        print(f"警告 / warning: 无法写入日志文件 / cannot write the log file: {exc}",
              file=sys.stderr)
        return
    logging.getLogger("desktop.cli.main").info("creditdesk %s: %s", __version__, args.command)
