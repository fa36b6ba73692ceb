"""A backup of the desk's data key: a small file, encrypted under a passphrase.

Without its data key a data folder is sealed data and a log nobody can verify, so a
backup of the folder is useless without one of the key. ``creditdesk key export`` writes
this file; ``creditdesk key import`` reads it on the PC the folder is restored to.

The file is JSON: ``format`` and ``version``, the KDF (scrypt, its ``n``, ``r``, ``p`` and
a random salt), the AES-256-GCM ``nonce`` and ``ciphertext`` of the 32-byte key, and in
clear only what is no secret: the key's ``check`` value (``desktop.staff.desk_key``) and the
``counter`` it belongs to. Every clear field is bound into the ciphertext as associated
data, so a file whose header was edited does not open. A wrong passphrase and a damaged
file cannot be told apart by AES-GCM; both are said so, and nothing is written.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from desktop.staff.desk_key import check_value
from local_cache.private import open_private

FORMAT, VERSION = "creditdesk-data-key", 1
MIN_PASSPHRASE = 12
# 2**16 x 8: 64 MB and a fraction of a second once, each guess as dear to an attacker.
N, R, P = 2**16, 8, 1
# What a file may ask for when read: no weaker than the floor, no dearer than a PC can pay.
_N_RANGE, _R_MAX, _P_MAX = (2**15, 2**20), 16, 4
MAX_BYTES = 64 * 1024


class BackupError(ValueError):
    """A key backup that cannot be written or read, said in Chinese and English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")


@dataclass(frozen=True)
class KeyBackup:
    """A data key read back from its backup file."""

    data_key: bytes
    check: str
    counter: str


def require_passphrase(passphrase: str) -> None:
    """Refuse a passphrase shorter than ``MIN_PASSPHRASE`` characters."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise BackupError(f"口令太短：至少 {MIN_PASSPHRASE} 个字符",
                          f"the passphrase is too short: at least {MIN_PASSPHRASE} characters")


def _kdf(salt: bytes, n: int, r: int, p: int) -> Scrypt:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p)


def _clear(header: dict) -> bytes:
    """The clear fields as associated data, in one canonical form."""
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode()


def write(path: Path, data_key: bytes, passphrase: str, counter: str) -> None:
    """Write the backup of ``data_key`` to ``path`` (a new file, 0600 on POSIX)."""
    require_passphrase(passphrase)
    if path.exists():
        raise BackupError(f"文件已存在，未覆盖：{path}",
                          f"the file exists, not overwritten: {path}")
    salt, nonce = os.urandom(16), os.urandom(12)
    header = {"format": FORMAT, "version": VERSION,
              "kdf": {"name": "scrypt", "n": N, "r": R, "p": P,
                      "salt": base64.b64encode(salt).decode()},
              "cipher": "AES-256-GCM", "check": check_value(data_key), "counter": counter}
    wrapping = _kdf(salt, N, R, P).derive(passphrase.encode())
    sealed = AESGCM(wrapping).encrypt(nonce, data_key, _clear(header))
    body = {**header, "nonce": base64.b64encode(nonce).decode(),
            "ciphertext": base64.b64encode(sealed).decode()}
    tmp = path.with_name(path.name + ".tmp")
    try:
        with os.fdopen(open_private(tmp), "w", encoding="utf-8") as out:
            out.write(json.dumps(body, ensure_ascii=False, indent=2))
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise BackupError(f"无法写入 {path}：{exc.strerror}",
                          f"cannot write {path}: {exc.strerror}") from None


_DAMAGED = ("文件已损坏或不是 CreditDesk 的密钥备份",
            "the file is damaged or not a CreditDesk key backup")


def read(path: Path, passphrase: str) -> KeyBackup:
    """The data key in the backup at ``path``; ``BackupError`` for a wrong passphrase, a
    damaged or foreign file."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise BackupError(*_DAMAGED)
        body = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BackupError(f"无法读取 {path}：{exc.strerror}",
                          f"cannot read {path}: {exc.strerror}") from None
    except ValueError:
        raise BackupError(*_DAMAGED) from None
    try:
        kdf = body["kdf"]
        header = {"format": body["format"], "version": body["version"],
                  "kdf": {"name": kdf["name"], "n": kdf["n"], "r": kdf["r"], "p": kdf["p"],
                          "salt": kdf["salt"]},
                  "cipher": body["cipher"], "check": body["check"], "counter": body["counter"]}
        n, r, p = (int(kdf[k]) for k in ("n", "r", "p"))
        salt = base64.b64decode(kdf["salt"], validate=True)
        nonce = base64.b64decode(body["nonce"], validate=True)
        sealed = base64.b64decode(body["ciphertext"], validate=True)
    except (KeyError, TypeError, ValueError):
        raise BackupError(*_DAMAGED) from None
    if (header["format"], header["version"], kdf["name"], header["cipher"]) != (
            FORMAT, VERSION, "scrypt", "AES-256-GCM"):
        raise BackupError(*_DAMAGED)
    if not (_N_RANGE[0] <= n <= _N_RANGE[1] and n & (n - 1) == 0 and 1 <= r <= _R_MAX
            and 1 <= p <= _P_MAX and len(salt) >= 16 and len(nonce) == 12):
        raise BackupError(*_DAMAGED)
    wrapping = _kdf(salt, n, r, p).derive(passphrase.encode())
    try:
        data_key = AESGCM(wrapping).decrypt(nonce, sealed, _clear(header))
    except InvalidTag:
        raise BackupError("口令错误，或文件已损坏",
                          "wrong passphrase, or the file is damaged") from None
    if len(data_key) != 32 or check_value(data_key) != header["check"]:
        raise BackupError(*_DAMAGED)
    return KeyBackup(data_key, header["check"], str(header["counter"]))
