"""The platform operator's API keys: one per counter, issued, listed and revoked.

A key is shown once, when it is issued; the table keeps only its SHA-256. A key's id is
the first 12 hex digits of that hash, so keys stored before ids existed have one too, and
the id says nothing of the secret. Every authenticated request reads its key's row (one
primary-key read): there is no cache, so a key revoked from the CLI, by another process
on the same database, is refused by a running server from the next request on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from sandbox.storage import api_keys

log = logging.getLogger(__name__)

ID_LENGTH = 12
_ID = re.compile(r"^[0-9a-f]{8,64}$")


@dataclass(frozen=True)
class Counter:
    """The counter (窗口) an API key belongs to."""

    counter_id: str
    department: str


@dataclass(frozen=True)
class IssuedKey:
    """One key as the operator sees it: never the secret."""

    key_id: str
    counter_id: str
    department: str
    label: str
    created_at: str  # ISO time, UTC; empty for keys stored before it was recorded
    revoked_at: str  # empty while the key is in force

    @property
    def active(self) -> bool:
        return not self.revoked_at


class KeyRefused(Exception):
    """A key operation that cannot be done, with its message in Chinese and English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


def digest(key: str) -> str:
    """The SHA-256 (hex) a key is stored as."""
    return hashlib.sha256(key.encode()).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _issued(row) -> IssuedKey:  # noqa: ANN001 - a SQLAlchemy row
    return IssuedKey(row.key_hash[:ID_LENGTH], row.counter_id, row.department, row.label,
                     row.created_at, row.revoked_at)


class KeyStore:
    """The ``api_keys`` table of one platform database."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def issue(self, counter_id: str, department: str, label: str = "") -> tuple[str, IssuedKey]:
        """A fresh key for ``counter_id``: the secret (to show once) and its listing."""
        key = secrets.token_urlsafe(24)
        return key, self.add(key, counter_id, department, label)

    def add(self, key: str, counter_id: str, department: str, label: str = "") -> IssuedKey:
        """Let ``key`` in as ``counter_id``; a key stored already keeps its row as it is."""
        row = {"key_hash": digest(key), "counter_id": counter_id, "department": department,
               "label": label, "created_at": _now(), "revoked_at": ""}
        try:
            with self._engine.begin() as conn:
                conn.execute(insert(api_keys).values(**row))
        except IntegrityError:  # stored before (a restart with the same --api-key)
            log.info("key for %s stored before: its row is kept as it is", counter_id)
        with self._engine.connect() as conn:
            stored = conn.execute(select(api_keys)
                                  .where(api_keys.c.key_hash == row["key_hash"])).one()
        return _issued(stored)

    def counter_for(self, key: str) -> Counter | None:
        """The counter ``key`` acts as, or None when it is unknown or revoked."""
        with self._engine.connect() as conn:
            row = conn.execute(
                select(api_keys.c.counter_id, api_keys.c.department)
                .where(api_keys.c.key_hash == digest(key), api_keys.c.revoked_at == "")
            ).first()
        return None if row is None else Counter(row.counter_id, row.department)

    def list(self) -> list[IssuedKey]:
        """Every key, in force or revoked, by counter then issue time."""
        with self._engine.connect() as conn:
            rows = conn.execute(select(api_keys).order_by(
                api_keys.c.counter_id, api_keys.c.created_at, api_keys.c.key_hash)).all()
        return [_issued(r) for r in rows]

    def revoke(self, key_id: str) -> IssuedKey:
        """Revoke the key whose id is (or begins with) ``key_id``; at least 8 hex digits."""
        wanted = key_id.strip().lower()
        if not _ID.match(wanted):
            raise KeyRefused(f"密钥编号无效：{key_id[:64]}（至少8位十六进制）",
                            f"not a key id: {key_id[:64]} (8 or more hex digits)")
        with self._engine.begin() as conn:
            rows = conn.execute(select(api_keys)
                                .where(api_keys.c.key_hash.startswith(wanted))).all()
            if not rows:
                raise KeyRefused(f"没有编号为 {wanted} 的密钥", f"no key has the id {wanted}")
            if len(rows) > 1:
                raise KeyRefused(f"编号 {wanted} 对应多个密钥，请写全", f"{wanted} names "
                                f"{len(rows)} keys: give more digits")
            if rows[0].revoked_at:
                return _issued(rows[0])  # revoked before: the first revocation time stays
            conn.execute(update(api_keys).where(api_keys.c.key_hash == rows[0].key_hash)
                         .values(revoked_at=_now()))
            row = conn.execute(select(api_keys)
                               .where(api_keys.c.key_hash == rows[0].key_hash)).one()
        return _issued(row)
