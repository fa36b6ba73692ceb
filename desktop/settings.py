"""Settings, declared once: key, type, default, meaning.

Values come from ``settings.json`` in the data directory, then from command-line or
caller overrides. Secrets are not settings: they live only in the OS keyring
(``desktop.secrets``), and the file never holds one.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from local_cache.private import open_private, private_dir

FILE_NAME = "settings.json"


@dataclass(frozen=True)
class Setting:
    """One setting's declaration."""

    key: str
    type: type
    default: Any
    help: str


DECLARED: tuple[Setting, ...] = (
    Setting("platform_url", str, "http://127.0.0.1:8765", "credit platform base URL"),
    Setting("counter_id", str, "SX-COUNTER-01", "this counter's id at the platform"),
    Setting("clerk_id", str, "clerk", "the signed-in clerk"),
    Setting("stale_hours", float, 72.0, "snapshot age after which offline answers warn"),
    Setting("connect_timeout", float, 3.0, "seconds to connect to the platform"),
    Setting("read_timeout", float, 5.0, "seconds between bytes of an answer"),
    Setting("deadline", float, 10.0, "seconds a whole platform call may take, retries included"),
    Setting("ca_bundle", str, "", "PEM file of the CA that signs the platform's certificate"),
    Setting("use_system_trust", bool, False, "trust the operating system's CA store"),
    Setting("proxy", str, "", "HTTP(S) proxy URL"),
    Setting("sync_page", int, 1000, "entries per lists/changes page"),
    Setting("alert_days", int, 30, "checked subjects watched for changes this many days"),
    Setting("retention_days", int, 180, "days before log entries lose their personal fields"),
    Setting("department", str, "", "the department this counter belongs to"),
    Setting("default_items", str, "", "item codes offered first, comma separated"),
    Setting("recent_items", str, "", "item codes this desk used lately (kept by the window)"),
    Setting("language", str, "zh_CN", "window language: zh_CN or en"),
    Setting("idle_lock_minutes", int, 10, "lock the window after this many idle minutes"),
)
_BY_KEY = {s.key: s for s in DECLARED}


class SettingsError(ValueError):
    """A settings file or override that cannot be used; message in Chinese and English."""


def default_data_dir() -> Path:
    """Where the desk keeps its cache, outbox and log unless told otherwise."""
    return Path(platformdirs.user_data_dir("creditdesk", appauthor=False))


class Settings:
    """The desk's settings: declared defaults < settings.json < overrides."""

    def __init__(self, data_dir: Path, overrides: dict[str, Any] | None = None) -> None:
        self.data_dir = data_dir
        self._values = {s.key: s.default for s in DECLARED}
        self._persisted: dict[str, Any] = {}  # what settings.json holds
        path = data_dir / FILE_NAME
        if path.exists():
            try:
                stored = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise SettingsError(
                    f"设置文件无法读取：{path} / cannot read settings file {path}: {exc}"
                ) from None
            self._apply(stored, str(path))
            self._persisted = {k: self._values[k] for k in stored}
        self._apply({k: v for k, v in (overrides or {}).items() if v is not None}, "override")

    def _apply(self, values: dict[str, Any], source: str) -> None:
        for key, value in values.items():
            setting = _BY_KEY.get(key)
            if setting is None:
                raise SettingsError(
                    f"未知设置项 {key}（{source}）/ unknown setting {key} ({source})"
                )
            try:
                self._values[key] = setting.type(value)
            except (TypeError, ValueError):
                raise SettingsError(
                    f"设置项 {key} 的值无效（{source}）/ invalid value for {key} ({source})"
                ) from None

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def set_override(self, key: str, value: Any) -> None:
        """Change a value for this run only (not written to settings.json)."""
        self._apply({key: value}, "override")

    def save(self, **changes: Any) -> None:
        """Change settings and write settings.json (only values that differ from defaults)."""
        self._apply(changes, "save")
        self._persisted.update({k: self._values[k] for k in changes})
        private_dir(self.data_dir)  # 0700, its files 0600 (POSIX)
        keep = {k: v for k, v in self._persisted.items() if v != _BY_KEY[k].default}
        tmp = self.data_dir / (FILE_NAME + ".tmp")
        with os.fdopen(open_private(tmp), "w", encoding="utf-8") as out:
            out.write(json.dumps(keep, ensure_ascii=False, indent=2))
        tmp.replace(self.data_dir / FILE_NAME)
