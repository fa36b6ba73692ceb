"""Entry points for the ``creditdesk`` and ``creditdesk-gui`` scripts.

``creditdesk`` with no arguments opens the counter window (what a clerk's desktop
shortcut runs); ``creditdesk --help`` still prints the commands. Qt is imported only when
a window is asked for, so headless commands (``creditdesk id`` on a server, in CI) start
without it (``creditdesk --self-test`` checks an installation, see ``ui.self_test``): the
single-instance options (``--check``, ``--item``, links) come from
``ui.single_instance``, which loads Qt, so they are added to the parser only when the
command line asks for the window.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path

from desktop.cli import main as cli

GUI_HELP = "open the counter window / 打开受理窗口"
SANDBOX_HELP = "reference credit platform / 参考信用平台"  # sandbox.cli.SANDBOX's


def _sandbox(part: str):
    """``sandbox.cli.SANDBOX``'s configure or run, imported when called: the reference
    platform's modules load only for ``creditdesk sandbox``."""

    def call(arg):
        from sandbox.cli import SANDBOX

        return getattr(SANDBOX, part)(arg)

    return call


SANDBOX = cli.Command("sandbox", SANDBOX_HELP, _sandbox("configure"), _sandbox("run"))


def _has_single_instance() -> bool:
    return importlib.util.find_spec("ui.single_instance") is not None


def _configure_gui(parser: argparse.ArgumentParser, *, window: bool) -> None:
    parser.add_argument("--demo", action="store_true",
                        help="演示：内置参考平台与示例数据 / demo: built-in platform and samples")
    parser.add_argument("--data-dir", type=Path, metavar="DIR",
                        help="本机数据目录 / the desk's data directory")
    if window and _has_single_instance():
        from ui import single_instance  # loads Qt: only when the window is asked for

        single_instance.add_arguments(parser)


def _run_gui(args: argparse.Namespace) -> int:
    check = channel = None
    if _has_single_instance():
        from ui import single_instance

        if single_instance.handoff(args):  # a running window took the check
            return cli.EXIT_OK
        request = single_instance.request_from(args)
        check = (request.check, request.item) if request else None
        channel = single_instance.name_for(args)
    from ui.app import run  # Qt loads here, not at start-up of headless commands

    return run(sys.argv[:1], demo=args.demo, data_dir=args.data_dir, check=check,
               channel=channel)


def _gui_command(window: bool) -> cli.Command:
    # logs=False: ui.app.run opens the log itself, once it knows the folder (the demo's
    # is made at start).
    return cli.Command("gui", GUI_HELP, lambda p: _configure_gui(p, window=window), _run_gui,
                       logs=False)


def main(argv: Sequence[str] | None = None) -> int:
    """``creditdesk``: the CLI, with ``gui`` added; no arguments at all opens the window."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--self-test"]:  # what an installer runs: is this installation whole?
        from ui.self_test import main as self_test

        return self_test()
    if not args:
        args = ["gui"]
    window = args[0] == "gui"
    return cli.main(args, extra=(_gui_command(window), SANDBOX))


def gui_main() -> int:
    """``creditdesk-gui``: open the window straight away (options as ``creditdesk gui``)."""
    return main(["gui", *sys.argv[1:]])
