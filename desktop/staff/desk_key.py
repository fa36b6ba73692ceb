"""The data directory knows its data key: a check value recorded at creation.

Everything in the cache that matters is bound to the desk's data key: sealed personal
data, the keyed index, the audit chain. A desk started with another key (a keyring
entry replaced, a ``CREDITDESK_DATA_KEY`` mistyped in a script, a data folder copied to a
PC whose keyring holds its own key) would write new entries under that key, and from
then on the chain fails to verify with either key: a false tamper that no one can repair.

So the ``meta`` table holds ``data_key_check``: an HMAC, under a key derived from the
data key for this purpose alone, over a fixed label. It says nothing about the key (an
HMAC output, and the derived key is used for nothing else) yet tells a wrong key from the
right one. :func:`unlock` compares it before anything is written; ``desktop.bootstrap``
calls it as the cache opens, so every command and the window refuse with another key,
with guidance, and write nothing (opening the cache may migrate its schema, which holds
no data of anyone).

Data directories from before the check value (upgrades) have none. The key is then
adopted, and its check recorded, only when the data already there proves it: the oldest
audit entry's keyed hash verifies under it, or a sealed value opens with it (AES-GCM: no
other key opens it). When the data directory holds nothing keyed at all (an empty desk),
there is nothing to lose and the key is adopted. Otherwise the desk refuses.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from sqlalchemy import Connection, Engine, select

from desktop.staff.credentials import DATA_KEY, SecretStore, SecretsUnavailable, decode_data_key
from local_cache import chain, store
from local_cache import tables as t
from local_cache.db import UnitOfWork
from local_cache.protect import Protector, SealError, derive

META_KEY = "data_key_check"
_LABEL = b"creditdesk data key check v1"
_GUIDANCE_ZH = ("请用 creditdesk key import 文件 恢复本数据目录的数据密钥（由 creditdesk key "
                "export 导出的备份），或用 --data-dir 指向另一个数据目录")
_GUIDANCE_EN = ("Restore this data directory's key with 'creditdesk key import FILE' (the "
                "backup 'creditdesk key export' wrote), or point --data-dir elsewhere")


class WrongDataKey(SecretsUnavailable):
    """The data key at hand is not the data directory's; nothing was written."""


class MissingDataKey(SecretsUnavailable):
    """The data directory holds data but no data key is at hand; nothing was written."""


def check_value(data_key: bytes) -> str:
    """The check value of ``data_key`` (hex HMAC-SHA256 under a purpose-derived key)."""
    return hmac.new(derive(data_key, b"key-check"), _LABEL, hashlib.sha256).hexdigest()


def _same(a: str, b: str) -> bool:
    # As bytes: compare_digest refuses a str with non-ASCII (an edited meta row) outright.
    return hmac.compare_digest(a.encode(), b.encode())


def recorded(conn: Connection) -> str | None:
    """The check value the data directory recorded, or None (a desk from before it)."""
    return store.get_meta(conn, META_KEY)


def fits(conn: Connection, data_key: bytes) -> bool | None:
    """Whether ``data_key`` is the data directory's: True or False, or None when the
    directory records no check value and holds nothing keyed to tell by."""
    value = recorded(conn)
    if value is not None:
        return _same(value, check_value(data_key))
    return _proven_by_data(conn, Protector(data_key))


def _proven_by_data(conn: Connection, protector: Protector) -> bool | None:
    """For a directory without a check value: does the data already there verify under
    this key? True when any keyed thing does, False when there is some and none does,
    None when there is nothing keyed."""
    seen = False
    # The oldest entry there: its keyed hash over its own fields and stored link verifies
    # only under the key it was written with (entry 1 deleted does not hide the log).
    first = conn.execute(select(t.audit).order_by(t.audit.c.seq).limit(1)).first()
    if first is not None:
        seen = True
        digest = chain.entry_hash_of(protector.chain_key, str(first.prev_hash),
                                     first.commitment, first.seq,
                                     repr(first.at), first.counter, first.clerk, first.event,
                                     first.item, first.verdict, first.source)
        if _same(digest, str(first.hash)):
            return True
    for column in (t.results.c.body_sealed, t.outbox.c.payload_sealed, t.checked.c.id_sealed,
                   t.snapshot_subjects.c.name_sealed, t.snapshot_subjects_b.c.name_sealed,
                   t.commitments.c.name_sealed,
                   t.alerts.c.name_sealed):
        token = conn.execute(select(column).limit(1)).scalar()
        if token is None:
            continue
        seen = True
        try:
            protector.open(token)
            return True
        except SealError:
            continue
    return False if seen else None


def record(engine: Engine, data_key: bytes) -> bool:
    """Record ``data_key``'s check value unless one is there; False when the one there
    (another program's, recorded meanwhile) is another key's."""
    mine = check_value(data_key)
    with UnitOfWork(engine) as uow:  # BEGIN IMMEDIATE: the first writer's value stays
        there = recorded(uow.conn)
        if there is None:
            store.set_meta(uow.conn, **{META_KEY: mine})
            uow.commit()
            return True
    return _same(there, mine)


def unlock(engine: Engine, secrets: SecretStore) -> Protector:
    """The protector for this data directory, once its key is known to be the right one.

    Refuses (``MissingDataKey``, ``WrongDataKey``: both ``SecretsUnavailable``, exit 4)
    before anything is written. A new data directory gets a new key (in the keyring,
    unless the environment stands in for it) and its check value.
    """
    with engine.connect() as conn:
        value = recorded(conn)
        stored = secrets.get(DATA_KEY)
        if not stored:
            if value is not None or _proven_by_data(conn, _PROBE) is not None:
                raise MissingDataKey(
                    "本数据目录已有数据，但系统密钥库中没有它的数据密钥（未新建密钥）。"
                    + _GUIDANCE_ZH,
                    "this data directory holds data but the keyring has no data key for it "
                    "(no new key was made). " + _GUIDANCE_EN)
            key, verdict = secrets.data_key(), None  # a new desk: made and stored now
        else:
            key = decode_data_key(stored)
            verdict = fits(conn, key)
    if verdict is not False and value is None:
        verdict = record(engine, key)
    if verdict is False:
        raise WrongDataKey(
            "数据密钥与本数据目录不符：本目录由另一个数据密钥创建，为免写入无法核验的记录，"
            "本次未写入任何内容。" + _GUIDANCE_ZH,
            "the data key does not match this data directory: it was created with another "
            "key, and nothing was written (entries under a wrong key could never be "
            "verified). " + _GUIDANCE_EN)
    return Protector(key)


# Any key serves to ask "is there keyed data at all?": only None (nothing keyed) matters.
_PROBE = Protector(b"\0" * 32)


class KeyRefused(SecretsUnavailable):
    """An imported key that does not belong here, or one the keyring must keep."""


def install(engine: Engine, secrets: SecretStore, data_key: bytes,
            replace: bool = False) -> bool:
    """Put ``data_key`` (read from a backup) into the keyring for this data directory.

    Refuses (``KeyRefused``) when the directory's check value, or its data, shows the key
    is another's, and when the keyring holds a different key that the directory does not
    show to be wrong (it may be the key of the data in use). A different key that the
    directory shows to be wrong is replaced only with ``replace``: the keyring holds one
    data key per user, and that key may be another data directory's on this PC, lost
    unless exported first. Records the check value of a directory from before it.
    Returns False when the keyring held this key already.
    """
    with engine.connect() as conn:
        if fits(conn, data_key) is False:
            raise KeyRefused(
                "这个备份中的数据密钥不属于本数据目录（校验值不符），未导入",
                "the key in this backup is not this data directory's (its check value "
                "differs): not imported")
        current = secrets.get(DATA_KEY)
        held = decode_data_key(current) if current else None
        if held is not None and held != data_key and fits(conn, held) is not False:
            raise KeyRefused(
                "系统密钥库中已有另一个数据密钥，且本数据目录不能证明它是错的，未覆盖",
                "the keyring holds another data key and this data directory does not show "
                "it to be wrong: not overwritten")
        if held is not None and held != data_key and not replace:
            raise KeyRefused(
                "系统密钥库中已有另一个数据密钥（不是本数据目录的，但可能是本机另一个数据目录的）。"
                "如它仍有用，请先用 creditdesk key export 导出它，再加 --replace 重新导入",
                "the keyring holds another data key (not this data directory's, but perhaps "
                "another data directory's on this PC). If it is still needed, export it "
                "first with 'creditdesk key export', then import again with --replace")
    if held == data_key:
        return False
    if not record(engine, data_key):  # only a race with another key's first use fails
        raise KeyRefused("本数据目录刚被另一个数据密钥占用",
                         "another key claimed this data directory")
    secrets.set(DATA_KEY, base64.b64encode(data_key).decode())
    return True
