"""``creditdesk alerts [--json]``: change alerts of the subjects this desk checked, each with
what changed (desktop/platform/changes.py)."""

from __future__ import annotations

import argparse

from desktop.cli.desk import EXIT_OK, common, emit, guarded, services


def configure_alerts(p: argparse.ArgumentParser) -> None:
    """``alerts``."""
    common(p)


@guarded
def run_alerts(args: argparse.Namespace) -> int:
    """List change alerts of checked subjects, each with what changed (``--json``: the
    lines as structured ``changes``, see desktop/platform/changes.py)."""
    from desktop.platform.changes import describe
    from local_cache import store

    svc = services(args)
    try:
        with svc.engine.connect() as conn:
            rows = store.open_alerts(conn, svc.protector)
    finally:
        svc.close()

    def plain() -> None:
        if not rows:
            print("无变动提醒 / no alerts")
        for r in rows:
            print(f"{r['masked']} {r['name']}: {r['summary']}")
            for line in r["changes"]:
                print(f"  - {describe(line)}")
            if not r["readable"]:
                print("  - 提醒内容无法读取（缓存文件被改动？）/ the alert cannot be read "
                      "(cache file altered?)")

    emit(args, rows, plain)
    return EXIT_OK
