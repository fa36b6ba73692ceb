"""``creditdesk sandbox calendar publish FILE | show``: the operator publishes a year of
statutory holidays and make-up working days once the State Council's notice is out.

FILE is JSON: ``{"years": [2027], "holidays": ["2027-01-01", ...], "workdays": [...]}``.
Run against the database the server uses (same ``--db``); desks learn the year at their
next list sync (desktop/workdays.py)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from desktop import workdays
from sandbox import workcalendar

MAX_FILE = 256 * 1024  # a year is about 1 KB of JSON


def configure(parser: argparse.ArgumentParser,
              data_options: Callable[[argparse.ArgumentParser], None]) -> None:
    """The ``calendar`` actions, each with the server's ``data_options``."""
    sub = parser.add_subparsers(dest="calendar_command", metavar="ACTION", required=True)
    publish = sub.add_parser("publish", help="publish years from a JSON file / 发布节假日安排")
    publish.add_argument("file", type=Path, metavar="FILE")
    show = sub.add_parser("show", help="the years served / 显示已知年份")
    for action in (publish, show):
        data_options(action)


def run(args: argparse.Namespace, db_url: str) -> int:
    """Do one calendar action against ``db_url``; 2 on a refused file."""
    from sandbox.storage import create_all, make_engine

    engine = make_engine(db_url)
    try:
        create_all(engine)
        if args.calendar_command == "publish":
            try:
                calendar = _read(args.file)
            except workdays.CalendarError as exc:
                print(f"错误 / error: {exc}", file=sys.stderr)
                return 2
            workcalendar.publish(engine, calendar)
            print(f"已发布 / published {', '.join(str(y) for y in sorted(calendar.years))}")
            return 0
        served = workcalendar.served(engine)
        print(f"已知年份 / years known: {min(served.years)}-{max(served.years)}")
        return 0
    finally:
        engine.dispose()


def _read(path: Path) -> workdays.WorkCalendar:
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_FILE + 1)
    except OSError as exc:
        raise workdays.CalendarError(f"无法读取 {path.name}",
                                     f"cannot read {path.name}: {exc.strerror}") from None
    if len(raw) > MAX_FILE:
        raise workdays.CalendarError("文件过大", f"the file is larger than {MAX_FILE} bytes")
    try:
        return workdays.from_json(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise workdays.CalendarError("文件不是 UTF-8 文本", "the file is not UTF-8 text") from None
