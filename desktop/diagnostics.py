"""Diagnostics for support: one zip a clerk can send when something went wrong.

``write_zip(data_dir, target)`` is what ``creditdesk diagnostics -o FILE.zip`` and the
window's "保存诊断信息 / save diagnostics" button both call (the window on its task
runner). The zip holds:

- ``versions.json``: the app, Python, PySide6/shiboken6 when installed (read from the
  package metadata: the core imports no Qt), the main libraries and the OS;
- ``settings.json``: what the data directory's settings.json holds, a URL's password
  blanked (``desktop.settings_record.shown``) and any key that names a secret blanked;
- ``status.json``: outbox rows by kind and state, parked rows' reasons, the last sync
  (time, list version, whether a full resync is under way), the log's head and its
  anchors (queued, sent, refused: what the status bar shows), the cache's schema;
- ``disk.json``: free and total space where the data directory is, the cache's size;
- ``log-tail.txt``: the last lines of the log file, masked as they were written and
  masked once more;
- ``README.txt``: what the files are, in Chinese and English.

No personal data: the cache is opened read-only and only counts, times, sequence numbers
and the platform's refusal texts (masked) are read from it; nothing sealed is opened and
no key is needed, so diagnostics work on a desk whose keyring is gone.

``CrashGate`` and ``crash_notice`` are the core's half of the window's error dialog
(``ui.crash``): which unexpected error gets a dialog and what it says.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import shutil
import sqlite3
import sys
import tempfile
import threading
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from desktop import __version__, logfile
from desktop.settings import FILE_NAME as SETTINGS_FILE

LOG_LINES = 500
PACKAGES = ("PySide6", "PySide6-Essentials", "shiboken6", "httpx", "SQLAlchemy", "alembic",
            "pydantic", "cryptography", "keyring", "reportlab", "pypdf", "openpyxl", "xlrd",
            "python-calamine",
            "python-stdnum", "platformdirs", "truststore")
_SECRET_KEY = re.compile(r"pass|secret|token|api.?key|data.?key|credential", re.IGNORECASE)
BLANK = "***"
README = """CreditDesk 诊断信息 / CreditDesk diagnostics

versions.json   程序、Python、Qt 及操作系统版本 / versions of the app, Python, Qt, the OS
settings.json   本机设置（不含密码、密钥）/ the desk's settings (no password, no key)
status.json     反馈队列、同步、日志锚点状态 / outbox, sync and log anchor status
disk.json       磁盘剩余空间 / free disk space
log-tail.txt    日志文件最后几行（身份证号已遮蔽）/ the last log lines (resident numbers masked)

不含个人信息、接口密钥或密码。/ Holds no personal data, API key or password.
"""


def default_name(now: dt.datetime | None = None) -> str:
    """A file name for the zip: ``creditdesk-diagnostics-YYYYmmdd-HHMMSS.zip``."""
    return f"creditdesk-diagnostics-{(now or dt.datetime.now()):%Y%m%d-%H%M%S}.zip"


def versions() -> dict[str, Any]:
    """The app's, Python's, the libraries' (installed ones) and the OS's versions."""
    libraries = {}
    for name in PACKAGES:
        try:
            libraries[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return {
        "creditdesk": __version__,
        "python": sys.version.split()[0],
        "python_implementation": platform.python_implementation(),
        "executable_frozen": bool(getattr(sys, "frozen", False)),
        "qt": libraries.get("PySide6-Essentials") or libraries.get("PySide6"),
        "libraries": libraries,
        "os": {"platform": platform.platform(), "system": platform.system(),
               "release": platform.release(), "machine": platform.machine()},
    }


def settings_view(data_dir: Path) -> dict[str, Any]:
    """What settings.json holds, with nothing secret in it."""
    from desktop.settings_record import shown

    path = Path(data_dir) / SETTINGS_FILE
    if not path.exists():
        return {"file": "absent", "values": {}}
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return {"file": "unreadable", "error": type(exc).__name__, "values": {}}
    if not isinstance(stored, dict):
        return {"file": "not an object", "values": {}}
    values = {str(k): BLANK if _SECRET_KEY.search(str(k)) else shown(v)
              for k, v in sorted(stored.items())}
    return {"file": "present", "values": values}


def desk_status(data_dir: Path) -> dict[str, Any]:
    """Outbox, sync and anchor status read from the cache file, read-only."""
    from sqlalchemy import create_engine  # loaded for the zip only, not with the crash hook
    from sqlalchemy.exc import SQLAlchemyError

    from local_cache.db import FILE_NAME as CACHE_FILE

    path = Path(data_dir) / CACHE_FILE
    if not path.exists():
        return {"cache": "absent"}
    engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(
        path.absolute().as_uri() + "?mode=ro", uri=True, check_same_thread=False))
    try:
        with engine.connect() as conn:
            return {"cache": "present", **_read_status(conn)}
    except (sqlite3.Error, SQLAlchemyError) as exc:
        return {"cache": "unreadable", "error": logfile.mask_resident_numbers(str(exc))[:300]}
    finally:
        engine.dispose()


def _read_status(conn) -> dict[str, Any]:
    from sqlalchemy import func, select

    from local_cache import store
    from local_cache.tables import outbox

    by_kind: dict[str, dict[str, int]] = {}
    query = select(outbox.c.kind, outbox.c.state, func.count()).group_by(outbox.c.kind,
                                                                         outbox.c.state)
    for kind, state, n in conn.execute(query):
        by_kind.setdefault(kind, {})[state] = n
    states: dict[str, int] = {"pending": 0, "sent": 0, "failed": 0}
    for counts in by_kind.values():
        for state, n in counts.items():
            states[state] = states.get(state, 0) + n
    parked = [{"id": r.id, "kind": r.kind, "attempts": r.attempts,
               "reason": logfile.mask_resident_numbers(r.last_error or "")[:300]}
              for r in conn.execute(select(outbox.c.id, outbox.c.kind, outbox.c.attempts,
                                           outbox.c.last_error)
                                    .where(outbox.c.state == "failed")
                                    .order_by(outbox.c.id.desc()).limit(20))]
    meta = store.get_metas(conn, "last_sync_at", "list_version", "snapshot_rebuilding",
                           "resync_version", "catalog_version", "platform_counter")
    synced = float(meta["last_sync_at"]) if meta.get("last_sync_at") else None
    head_seq, _ = store.audit_head(conn)
    last_anchor = conn.execute(
        select(outbox.c.check_id, outbox.c.sent_at).where(outbox.c.kind == "anchor")
        .where(outbox.c.state == "sent").order_by(outbox.c.sent_at.desc()).limit(1)).first()
    anchors = by_kind.get("anchor", {})
    return {
        "schema": conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar(),
        "outbox": {"by_state": states, "by_kind": by_kind, "parked": parked},
        "sync": {
            "last_sync_at": synced,
            "last_sync": _when(synced),
            "status": ("full resync under way" if meta.get("snapshot_rebuilding")
                       or "resync_version" in meta
                       else "never synced" if synced is None else "synced"),
            "list_version": int(meta.get("list_version") or 0),
            "catalog_version": meta.get("catalog_version"),
        },
        "anchors": {
            "log_head_seq": head_seq,
            "queued": anchors.get("pending", 0),
            "sent": anchors.get("sent", 0),
            "refused_by_platform": anchors.get("failed", 0),
            "last_sent": None if last_anchor is None else {
                "anchor": last_anchor.check_id, "at": _when(last_anchor.sent_at)},
        },
        "counter": meta.get("platform_counter"),
    }


def disk(data_dir: Path) -> dict[str, Any]:
    """Free and total bytes where the data directory is; the cache's size."""
    from local_cache.db import FILE_NAME as CACHE_FILE

    where = Path(data_dir)
    while not where.exists() and where != where.parent:
        where = where.parent
    usage = shutil.disk_usage(where)
    cache = Path(data_dir) / CACHE_FILE
    sizes = {p.name: p.stat().st_size for p in (cache, cache.with_name(CACHE_FILE + "-wal"))
             if p.exists()}
    return {"free_bytes": usage.free, "total_bytes": usage.total,
            "free_mb": round(usage.free / 2**20, 1), "cache_bytes": sizes}


def collect(data_dir: Path, lines: int = LOG_LINES) -> dict[str, str]:
    """The zip's files: name to text."""
    def as_json(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, indent=2, default=str)

    tail = logfile.tail(data_dir, lines)
    return {
        "README.txt": README,
        "versions.json": as_json(versions()),
        "settings.json": as_json(settings_view(data_dir)),
        "status.json": as_json({"made_at": _when(dt.datetime.now().timestamp()),
                                **desk_status(data_dir)}),
        "disk.json": as_json(disk(data_dir)),
        "log-tail.txt": "\n".join(tail) + ("\n" if tail else ""),
    }


def write_zip(data_dir: Path, target: Path, lines: int = LOG_LINES) -> Path:
    """Write the diagnostics zip of ``data_dir`` to ``target``, whole or not at all."""
    target = Path(target)
    parts = collect(data_dir, lines)
    handle, temp = tempfile.mkstemp(prefix=".diagnostics-", suffix=".zip", dir=target.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, text in parts.items():
                archive.writestr(name, text)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)  # no half-written zip left behind
        raise
    return target


def _when(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return dt.datetime.fromtimestamp(epoch).astimezone().isoformat(timespec="seconds")


# ------------------------------------------------------------------ the error dialog


@dataclass(frozen=True)
class CrashNotice:
    """What the error dialog says, in Chinese and English."""

    title: str
    text: str


def crash_notice(exc: BaseException) -> CrashNotice:
    """The words for an unexpected error: what happened, that it is logged, what to do."""
    return CrashNotice(
        "程序出现意外错误 / Unexpected error",
        f"程序出现意外错误（{type(exc).__name__}），已记入日志。当前工作可以继续；如问题"
        f"反复出现，请保存诊断信息并发给技术支持。\n"
        f"An unexpected error occurred ({type(exc).__name__}) and was logged. You can "
        f"carry on; if it happens again, save the diagnostics and send them to support.")


class CrashGate:
    """Which unexpected errors get a dialog: one dialog at a time (errors arriving while
    it is open are only logged), none for an interrupt or an exit request."""

    QUIET = (KeyboardInterrupt, SystemExit, GeneratorExit)

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open = False
        self.logged_only = 0

    def should_show(self, exc: BaseException) -> bool:
        """True when a dialog is to be opened for ``exc`` (the caller then opens one)."""
        if isinstance(exc, self.QUIET):
            return False
        with self._lock:
            if self._open:
                self.logged_only += 1
                return False
            self._open = True
            return True

    def closed(self) -> None:
        """The dialog was closed: the next error may open one again."""
        with self._lock:
            self._open = False
