"""Entry points for the ``creditdesk`` and ``creditdesk-gui`` scripts.

Qt is imported only when a window is asked for, so headless commands (``creditdesk id``
on a server, in CI) start without it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from desktop import cli
from sandbox.cli import SANDBOX


def _configure_gui(parser: argparse.ArgumentParser) -> None:
    del parser  # the window takes no options yet


def _run_gui(args: argparse.Namespace) -> int:
    del args
    from ui.app import run  # Qt loads here, not at start-up of headless commands

    return run(sys.argv[:1])


GUI = cli.Command("gui", "open the counter window / 打开受理窗口", _configure_gui, _run_gui)


def main(argv: Sequence[str] | None = None) -> int:
    """``creditdesk``: the CLI, with ``gui`` added."""
    return cli.main(argv, extra=(GUI, SANDBOX))


def gui_main() -> int:
    """``creditdesk-gui``: open the window straight away."""
    return _run_gui(argparse.Namespace())
