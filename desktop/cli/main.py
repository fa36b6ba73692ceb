"""The ``creditdesk`` command line, headless.

Subcommands are small classes registered in one table; the window layer adds its own
(``gui``) through :func:`main`'s ``extra`` argument, so this module never imports Qt.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from desktop import __version__

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
    from desktop.identifiers import IdentifierKind  # python-stdnum loads for this command only

    parser.add_argument("input", metavar="INPUT", help="typed, pasted or scanned identifier")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--kind",
        choices=[k.value for k in IdentifierKind],
        help="accept only this kind (needed only for a number valid as both)",
    )


def _run_id(args: argparse.Namespace) -> int:
    from desktop.identifiers import IdentifierError, parse_identifier

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


def later(module: str, name: str) -> Callable:
    """``module.name``, imported when first called: a command's module (and what it
    imports: the services, the web stack of the bridge) loads only for that command."""

    def call(*args):
        return getattr(importlib.import_module(module), name)(*args)

    call.__qualname__ = f"{module}.{name}"
    return call


def _client(name: str, help: str, module: str, configure: str, run: str) -> Command:
    return Command(name, help, later(f"desktop.cli.{module}", configure),
                   later(f"desktop.cli.{module}", run))


def _client_commands() -> tuple[Command, ...]:
    return (
        _client("check", "check a subject for an item / 信用核查", "desk", "configure_check",
                "run_check"),
        _client("sync", "sync the offline list snapshot / 同步名单", "desk", "configure_sync",
                "run_sync"),
        _client("alerts", "changes of checked subjects / 变动提醒", "alerts", "configure_alerts",
                "run_alerts"),
        _client("feedback", "record the action on a check / 反馈", "desk", "configure_feedback",
                "run_feedback"),
        _client("outbox", "queued feedback / 反馈队列", "desk", "configure_outbox", "run_outbox"),
        _client("batch", "check a CSV/XLSX/XLS/ET/ODS of applicants / 批量核查", "desk",
                "configure_batch", "run_batch"),
        _client("report", "print or verify a credit report / 信用报告", "documents",
                "configure_report", "run_report"),
        _client("fast-track", "tolerance acceptance: letter, commitment, feedback / 容缺受理",
                "commitments", "configure_fast_track", "run_fast_track"),
        _client("commitment", "old name of fast-track: letter, commitment and feedback "
                "(--missing optional) / 同 fast-track", "commitments", "configure_commitment",
                "run_fast_track"),
        _client("commitments", "list or close commitments / 承诺跟踪", "commitments",
                "configure_commitments", "run_commitments"),
        _client("audit", "verify, anchor, purge, export or import the audit log / 审计日志",
                "audit", "configure_audit", "run_audit"),
        _client("staff", "add, list, disable, enable, reset-password, passwd / 工作人员账号",
                "staff", "configure", "run"),
        _client("key", "export or import the data key / 数据密钥备份", "keys", "configure_key",
                "run_key"),
        _client("login", "store the API key, or sign in as staff / 登录", "desk",
                "configure_login", "run_login"),
        _client("logout", "remove the API key or end the staff session / 退出", "desk",
                "configure_logout", "run_logout"),
        _client("diagnostics", "a zip for support, no personal data / 诊断信息", "diagnostics",
                "configure", "run"),
        _client("bridge", "systems paired with the local bridge, its API / 本机桥接", "bridge",
                "configure", "run"),
        _client("supervise", "supervision class of a subject or a list / 行政监管", "supervise",
                "configure", "run"),
    )


COMMANDS: tuple[Command, ...] = (
    Command("id", "validate and normalise an identifier / 校验号码", _configure_id, _run_id),
)


def build_parser(extra: Sequence[Command] = (),
                 only: str | None = None) -> argparse.ArgumentParser:
    """The full parser: core commands plus any the caller adds. With ``only`` (the command
    on the command line), only that command's arguments are built (its module loads);
    the others are listed by name and help line, as ``--help`` shows them."""
    parser = argparse.ArgumentParser(
        prog="creditdesk",
        description="一窗受理信用核查客户端 / CreditDesk, credit checks at the one-window counter",
    )
    parser.add_argument("--version", action="version", version=f"creditdesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in (*COMMANDS, *_client_commands(), *extra):
        p = sub.add_parser(command.name, help=command.help, description=command.help)
        if only is None or command.name == only:
            command.configure(p)
        p.set_defaults(_run=command.run, _logs=command.logs)
    return parser


def main(argv: Sequence[str] | None = None, extra: Sequence[Command] = ()) -> int:
    """Run one command and return its exit code."""
    for stream in (sys.stdout, sys.stderr):
        # A Windows console or a pipe with a legacy code page must not crash on Chinese.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(extra, only=argv[0] if argv and not argv[0].startswith("-") else "")
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
