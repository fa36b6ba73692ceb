"""The desk's secrets: the counter's API key and the data key, in the OS keyring only.

Service ``creditdesk`` in the keyring holds ``api-key`` (set by ``creditdesk login``) and
``data-key`` (made when a new data directory is first opened; protects cached personal
data and the audit chain; ``desktop.staff.desk_key`` checks it is the directory's own, and
``creditdesk key export|import`` back it up and restore it).
When the keyring has no usable backend the desk refuses and says how to fix it; it never
falls back to a file. For scripts and CI only, ``CREDITDESK_API_KEY`` and
``CREDITDESK_DATA_KEY`` (base64, 32 bytes) in the environment stand in for the entries.
The demo keeps both in memory, since its data is thrown away.
"""

from __future__ import annotations

import base64
import os
import secrets as _random  # the standard library module
from collections.abc import Mapping

SERVICE = "creditdesk"
API_KEY, DATA_KEY = "api-key", "data-key"
ENV = {API_KEY: "CREDITDESK_API_KEY", DATA_KEY: "CREDITDESK_DATA_KEY"}


class SecretsUnavailable(RuntimeError):
    """No usable place for secrets, or a secret is missing; says how to fix it."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")


_NO_BACKEND = SecretsUnavailable(
    "系统密钥库不可用，无法安全保存密钥。请安装并解锁系统密钥库（Windows 凭据管理器；"
    "UOS/麒麟等 Linux 桌面的 GNOME Keyring 或 KWallet），或在脚本中设置 CREDITDESK_API_KEY "
    "和 CREDITDESK_DATA_KEY 环境变量",
    "no usable OS keyring, so secrets cannot be kept safely. Install and unlock one "
    "(Windows Credential Manager; GNOME Keyring or KWallet on Linux desktops such as UOS "
    "and Kylin), or for scripts set CREDITDESK_API_KEY and CREDITDESK_DATA_KEY",
)


class SecretStore:
    """Secrets by name: environment first (scripts), then the OS keyring, or memory (demo)."""

    def __init__(self, *, memory: bool = False, environ: Mapping[str, str] | None = None) -> None:
        self._memory: dict[str, str] | None = {} if memory else None
        self._environ = os.environ if environ is None else environ

    @staticmethod
    def keyring_usable() -> bool:
        """True when the keyring has a real backend (not the 'fail' or 'null' one)."""
        import keyring  # loaded (and its backend found) when a secret is first reached

        backend = keyring.get_keyring()
        return getattr(backend, "priority", 0) > 0 and "fail" not in type(backend).__module__

    def get(self, name: str) -> str | None:
        """The secret, or None when it was never set."""
        if self._memory is not None:
            return self._memory.get(name)
        if self._environ.get(ENV[name]):
            return self._environ[ENV[name]]
        self._require_keyring()
        import keyring.errors

        try:
            return keyring.get_password(SERVICE, name)
        except keyring.errors.KeyringError:
            raise _NO_BACKEND from None

    def set(self, name: str, value: str) -> None:
        """Store a secret in the keyring (or memory for the demo)."""
        if self._memory is not None:
            self._memory[name] = value
            return
        self._require_keyring()
        import keyring.errors

        try:
            keyring.set_password(SERVICE, name, value)
        except keyring.errors.KeyringError:
            raise _NO_BACKEND from None

    def delete(self, name: str) -> None:
        """Forget a secret; forgetting one that is not there is fine."""
        if self._memory is not None:
            self._memory.pop(name, None)
            return
        self._require_keyring()
        import keyring.errors

        try:
            keyring.delete_password(SERVICE, name)
        except keyring.errors.PasswordDeleteError:
            pass

    def _require_keyring(self) -> None:
        if not self.keyring_usable():
            raise _NO_BACKEND

    def api_key(self) -> str:
        """The counter's API key; refuses plainly when nobody has signed in."""
        value = self.get(API_KEY)
        if not value:
            raise SecretsUnavailable(
                "尚未登录：请先运行 creditdesk login 保存本窗口的接口密钥",
                "not signed in: run 'creditdesk login' to store this counter's API key",
            )
        return value

    def data_key(self) -> bytes:
        """The key protecting cached personal data; made and stored on first use."""
        value = self.get(DATA_KEY)
        if not value:
            value = base64.b64encode(_random.token_bytes(32)).decode()
            self.set(DATA_KEY, value)
        return decode_data_key(value)


def decode_data_key(value: str) -> bytes:
    """The 32 bytes of a stored data key (base64); refuses anything else."""
    try:
        key = base64.b64decode(value, validate=True)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise SecretsUnavailable(
            "数据密钥格式错误（应为32字节的base64）", "the data key must be 32 bytes of base64"
        )
    return key
