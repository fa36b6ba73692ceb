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
# The least number of days log entries keep their personal fields: the six months the
# Cybersecurity Law (art. 21) asks network logs to be kept. The platform may demand more
# (``desktop.audit.retention.floor_days``); less is refused wherever a value enters.
LEGAL_FLOOR_DAYS = 180


@dataclass(frozen=True)
class Setting:
    """One setting's declaration."""

    key: str
    type: type
    default: Any
    help: str


DECLARED: tuple[Setting, ...] = (
    Setting("platform_url", str, "http://127.0.0.1:8765", "credit platform base URL"),
    Setting("verify_url", str, "", "base URL printed in report QR codes for verification "
            "(empty: the platform URL)"),
    Setting("counter_id", str, "SX-COUNTER-01", "this counter's id at the platform"),
    Setting("clerk_id", str, "clerk", "the signed-in clerk"),
    Setting("stale_hours", float, 72.0, "snapshot age after which offline answers warn"),
    Setting("offline_max_days", float, 30.0, "snapshot age in days after which it no longer "
            "answers offline (the clerk is told to sync)"),
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
    Setting("printer_name", str, "", "the printer this desk last printed on, preselected while "
            "it exists (kept by the window; empty: the system's default printer)"),
    Setting("language", str, "zh_CN", "window language: zh_CN or en"),
    Setting("idle_lock_minutes", int, 10, "lock the window after this many idle minutes"),
    Setting("anchor_minutes", int, 10, "anchor the log head at the platform this often"),
    Setting("sync_minutes", int, 15, "sync the list snapshot shortly after the window starts "
            "and then this often (0: only by hand)"),
    Setting("bridge_port", int, 27150, "the local bridge for business systems listens on "
            "127.0.0.1 at this port (desktop.bridge)"),
    Setting("bridge_enabled", bool, True, "run the local bridge while the window is open"),
    Setting("commitment_grace_days", int, 3, "working days after a commitment's due date "
            "before the desk proposes it breached (a supervisor confirms; below 0 counts as 0)"),
)
_BY_KEY = {s.key: s for s in DECLARED}


class SettingsError(ValueError):
    """A settings file or override that cannot be used; message in Chinese and English."""


def default_of(key: str) -> Any:
    """A declared setting's default."""
    return _BY_KEY[key].default


def check_retention(days: int, floor: int, source: str = "") -> None:
    """Refuse a retention shorter than ``floor`` days (0 and negative included)."""
    if days < floor:
        where = f"（{source}）" if source else ""
        where_en = f" ({source})" if source else ""
        raise SettingsError(
            f"日志保存期限 {days} 天短于最低要求 {floor} 天{where}，未采用 / retention_days "
            f"{days} is below the floor of {floor} days{where_en}; refused"
        )


def default_data_dir() -> Path:
    """Where the desk keeps its cache, outbox and log unless told otherwise."""
    return Path(platformdirs.user_data_dir("creditdesk", appauthor=False))


class Settings:
    """The desk's settings: declared defaults < settings.json < overrides."""

    def __init__(self, data_dir: Path, overrides: dict[str, Any] | None = None) -> None:
        self.data_dir = data_dir
        self._values = {s.key: s.default for s in DECLARED}
        self._persisted: dict[str, Any] = {}  # what settings.json holds
        self._overridden: set[str] = set()
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
        given = {k: v for k, v in (overrides or {}).items() if v is not None}
        self._apply(given, "override")
        self._overridden.update(given)

    def typed(self, values: dict[str, Any], source: str) -> dict[str, Any]:
        """``values`` checked and converted to their declared types (nothing is changed):
        an unknown key, a bad value or a retention below the legal floor is refused."""
        checked: dict[str, Any] = {}
        for key, value in values.items():
            setting = _BY_KEY.get(key)
            if setting is None:
                raise SettingsError(
                    f"未知设置项 {key}（{source}）/ unknown setting {key} ({source})"
                )
            try:
                checked[key] = setting.type(value)
            except (TypeError, ValueError):
                raise SettingsError(
                    f"设置项 {key} 的值无效（{source}）/ invalid value for {key} ({source})"
                ) from None
        if "retention_days" in checked:
            check_retention(checked["retention_days"], LEGAL_FLOOR_DAYS, source)
        return checked

    def _apply(self, values: dict[str, Any], source: str) -> None:
        # Every value is checked before any is taken: a refused change leaves none behind.
        self._values.update(self.typed(values, source))

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    @property
    def persisted(self) -> dict[str, Any]:
        """What settings.json holds (as read or last written), values typed."""
        return dict(self._persisted)

    def value_of(self, key: str) -> Any:
        """The value settings.json gives ``key`` (its default when the file has none)."""
        return self._persisted.get(key, _BY_KEY[key].default)

    def set_override(self, key: str, value: Any) -> None:
        """Change a value for this run only (not written to settings.json)."""
        self._apply({key: value}, "override")
        self._overridden.add(key)

    def is_explicit(self, key: str) -> bool:
        """True when ``key`` was set by someone (settings.json or an override), not a default."""
        return key in self._persisted or key in self._overridden

    def file_state(self) -> dict[str, Any]:
        """settings.json as the desk compares it: the values that differ from defaults."""
        return {k: v for k, v in sorted(self._persisted.items()) if v != _BY_KEY[k].default}

    def save(self, **changes: Any) -> None:
        """Change settings and write settings.json (only values that differ from defaults).

        The desk's own changes go through ``desktop.settings_record.save_settings``, which
        also logs them; this is the file write underneath.
        """
        self._apply(changes, "save")
        self._persisted.update({k: self._values[k] for k in changes})
        private_dir(self.data_dir)  # 0700, its files 0600 (POSIX)
        keep = self.file_state()
        tmp = self.data_dir / (FILE_NAME + ".tmp")
        with os.fdopen(open_private(tmp), "w", encoding="utf-8") as out:
            out.write(json.dumps(keep, ensure_ascii=False, indent=2))
        tmp.replace(self.data_dir / FILE_NAME)
