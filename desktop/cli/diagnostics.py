"""``creditdesk diagnostics [-o FILE.zip] [--data-dir DIR] [--lines N]``: the support zip.

The same ``desktop.diagnostics.write_zip`` the window's error dialog uses. Needs neither
the keyring nor a signed-in member of staff (it reads no personal data), so it works on
a desk that cannot start.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop import diagnostics
from desktop.settings import default_data_dir

EXIT_OK, EXIT_NOT_SAVED = 0, 5


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", "--output", type=Path, metavar="FILE.zip",
                   help="where to write the zip (default: creditdesk-diagnostics-DATE.zip here)")
    p.add_argument("--data-dir", type=Path, help="data directory (default: per user)")
    p.add_argument("--lines", type=int, default=diagnostics.LOG_LINES,
                   help=f"log lines to include (default {diagnostics.LOG_LINES})")


def run(args: argparse.Namespace) -> int:
    data_dir = args.data_dir or default_data_dir()
    target = args.output or Path.cwd() / diagnostics.default_name()
    try:
        written = diagnostics.write_zip(data_dir, target, max(0, args.lines))
    except OSError as exc:
        print(f"错误 / error: 诊断信息未能保存 / diagnostics not saved: {target}: "
              f"{exc.strerror or exc}", file=sys.stderr)
        return EXIT_NOT_SAVED
    print(f"已保存诊断信息 / diagnostics saved: {written}")
    print("不含个人信息、接口密钥或密码 / no personal data, API key or password")
    return EXIT_OK
