"""The audit log's hash chain (docs/AUDIT.md has the scheme and the reasons).

Each entry's hash is an HMAC, under a key derived from the desk's data key, over the
previous entry's hash, the entry's public fields and a salted commitment to its personal
fields. Editing, deleting or reordering an entry breaks every hash after it, and without
the keyring's key a thief cannot compute a consistent replacement chain. Retention purges
the personal fields and the salt but keeps the commitment, so the chain stays
verifiable after personal data is gone.
"""

from __future__ import annotations

import hashlib
import hmac
import json

PUBLIC = ("seq", "at", "counter", "clerk", "event", "item", "verdict", "source")
PERSONAL = ("subject_key", "subject_masked", "details")


def _canonical(values: dict) -> bytes:
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str).encode()


def commitment(salt: str, personal: dict) -> str:
    """SHA-256 over the salt and the personal fields: reveals nothing, binds them."""
    return hashlib.sha256(bytes.fromhex(salt) + _canonical(
        {k: personal.get(k) for k in PERSONAL})).hexdigest()


def entry_hash(key: bytes, prev_hash: str, public: dict, commit: str) -> str:
    """The chained, keyed hash of one entry."""
    body = _canonical({"prev": prev_hash, "commitment": commit,
                       **{k: public.get(k) for k in PUBLIC}})
    return hmac.new(key, body, hashlib.sha256).hexdigest()
